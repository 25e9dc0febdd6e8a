// Printing opens every collapsed section, so that paper shows all the details.
window.addEventListener("beforeprint", function () {
  Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
    if (!d.open) { d.setAttribute("data-closed", ""); d.open = true; }
  });
});
window.addEventListener("afterprint", function () {
  Array.prototype.forEach.call(document.querySelectorAll("details[data-closed]"), function (d) {
    d.removeAttribute("data-closed"); d.open = false;
  });
});
