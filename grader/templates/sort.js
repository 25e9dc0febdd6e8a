// Sorts the every-submission table by a column; the table reads fine without it.
(function () {
  var table = document.getElementById("everyone");
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.tabIndex = 0;
    th.style.cursor = "pointer";
    var ascending = true;
    function sort() {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.hasAttribute("data-numeric");
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var cmp = numeric
          ? parseFloat(x.getAttribute("data-value")) - parseFloat(y.getAttribute("data-value"))
          : x.textContent.localeCompare(y.textContent);
        return ascending ? cmp : -cmp;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      ascending = !ascending;
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
})();
