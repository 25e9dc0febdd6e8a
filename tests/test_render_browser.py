"""The pages in a real browser: Debian's headless Chromium, driven through its chromedriver.

A sample class (right, mistaken, broken and hostile notebooks) is graded for real, and every page
it produces must load with no console error (a blocked fetch or script would log one, by the
pages' Content-Security-Policy), show its key text in the DOM, fetch nothing, work without
JavaScript, fit a phone's width and print. `.ci/run` installs the browser and sets
GRADER_BROWSER_TESTS=required, so there these tests cannot be skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from results import hostile, named_mistake

from grader import notebook
from grader.batch import grade_batch
from grader.gradebook import Gradebook
from grader.model import CellRun, Limits
from grader.render import render_submission
from grader.sampleclass import make_class

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REQUIRED = os.environ.get("GRADER_BROWSER_TESTS") == "required"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - the test extra installs it
    webdriver = None

_missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
if webdriver is None or _missing:
    why = f"needs selenium and Debian's chromium and chromium-driver (missing: {_missing})"
    if REQUIRED:
        raise RuntimeError(f"browser tests are required here but {why}")
    pytest.skip(why, allow_module_level=True)


def _browser(profile: Path, *, javascript: bool = True, width: int = 1100) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")  # a fresh profile for every browser
    options.add_argument(f"--window-size={width},900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    # The driver is named, so Selenium Manager never looks for (or downloads) one.
    os.environ.setdefault("SE_OFFLINE", "true")
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample class, graded: its summary and every student's page."""
    root = tmp_path_factory.mktemp("class")
    made = make_class(root / "submissions", students=6, seed=3)
    out = root / "reports"
    grade_batch(
        paths=[made.root],
        out=out,
        workers=2,
        limits=Limits(timeout_s=20, call_timeout_s=2),
        include_notebook=notebook.available(),
    )
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = _browser(tmp_path_factory.mktemp("profile"))
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: webdriver.Chrome, page: Path) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(page.resolve().as_uri())


def _console_errors(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _fetched(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
    )


def test_every_page_of_a_graded_class_loads_cleanly_with_its_key_text(graded_class, browser):
    with Gradebook(graded_class / "gradebook.sqlite") as book:
        results = list(book.current())
    assert len(results) > 15
    _open(browser, graded_class / "summary.html")
    assert _console_errors(browser) == [] and _fetched(browser) == []
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Class summary" in body and "Most common mistake" in body
    rows = browser.find_elements(By.CSS_SELECTOR, "#everyone tbody tr")
    assert len(rows) == len(results)
    for r in results:
        page = graded_class / r.student / f"{r.assignment}.html"
        _open(browser, page)
        assert _console_errors(browser) == [], page
        assert _fetched(browser) == [], page
        h1 = browser.find_element(By.TAG_NAME, "h1").text
        assert r.student in h1
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "points" in text and "How this was graded" in text
        if r.status != "graded":
            alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
            assert r.error["message"][:40] in alert
        for f in r.functions:
            card = browser.find_element(By.ID, f"fn-{f.name}").text
            if f.score == f.max_score:
                assert "✓ Full marks" in card
            else:
                assert ("✗ Not yet" if f.attempted else "✗ Not attempted") in card


def test_the_summary_table_sorts_by_score_and_says_so(graded_class, browser):
    _open(browser, graded_class / "summary.html")
    score = browser.find_elements(By.CSS_SELECTOR, "#everyone thead th")[2]

    def shares() -> list[float]:
        cells = browser.find_elements(By.CSS_SELECTOR, "#everyone tbody td:nth-child(3)")
        return [float(c.get_attribute("data-value")) for c in cells]

    score.click()
    assert shares() == sorted(shares()) and score.get_attribute("aria-sort") == "ascending"
    score.click()
    assert shares() == sorted(shares(), reverse=True)
    assert score.get_attribute("aria-sort") == "descending"
    assert _console_errors(browser) == []


def test_a_failing_public_test_highlights_the_entries_that_differ(tmp_path, browser):
    page = tmp_path / "mistake.html"
    page.write_text(render_submission(named_mistake()), encoding="utf-8")
    _open(browser, page)
    marked = browser.find_elements(By.CSS_SELECTOR, "td.differs")
    assert len(marked) == 4
    colour = marked[0].value_of_css_property("background-color")
    plain = browser.find_element(By.CSS_SELECTOR, ".grid td:not(.differs)")
    assert colour != plain.value_of_css_property("background-color")
    assert marked[0].value_of_css_property("font-weight") == "700"  # not by colour alone
    assert _console_errors(browser) == []


def test_the_notebook_check_highlights_inside_itself_and_restyles_nothing_around_it(
    tmp_path, browser
):
    """check() output sits in a notebook page among other outputs: its styles must stay
    scoped to it."""
    from grader.oracle import load_mutants
    from grader.selfcheck import check_functions

    ns = {
        "initialize_parameters_he": next(
            m.impl for m in load_mutants("initialization") if m.id == "init-xavier-scale"
        )
    }
    fragment = check_functions(("initialize_parameters_he",), ns)._repr_html_()
    page = tmp_path / "notebook.html"
    page.write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>a notebook</title><body>"
        '<div class="grid"><table><tr><td class="differs" id="theirs">1</td></tr></table></div>'
        f"{fragment}</body></html>",
        encoding="utf-8",
    )
    _open(browser, page)
    assert _console_errors(browser) == [] and _fetched(browser) == []
    region = browser.find_element(By.CSS_SELECTOR, ".grader-check[role=region]")
    assert "init-xavier-scale" in region.text and "Why it matters" in region.text
    marked = region.find_elements(By.CSS_SELECTOR, "td.differs")
    assert len(marked) > 4 and marked[0].value_of_css_property("font-weight") == "700"
    # the same classes outside the fragment keep the notebook's own style
    theirs = browser.find_element(By.ID, "theirs")
    assert theirs.value_of_css_property("font-weight") != "700"
    assert marked[0].value_of_css_property("background-color") != (
        theirs.value_of_css_property("background-color")
    )


@pytest.mark.parametrize(
    "evil",
    [
        "<script>window.pwned = 1</script>",
        "<img src=x onerror='window.pwned = 1'>",
        "</pre><svg onload='window.pwned = 1'>",
    ],
)
def test_hostile_text_is_shown_as_text_and_never_runs(tmp_path, browser, evil):
    page = tmp_path / "hostile.html"
    page.write_text(render_submission(hostile(evil)), encoding="utf-8")
    _open(browser, page)
    assert browser.execute_script("return window.pwned") is None
    assert evil in browser.find_element(By.TAG_NAME, "body").get_attribute("textContent")
    assert _console_errors(browser) == [] and _fetched(browser) == []


@pytest.mark.skipif(not notebook.available(), reason="needs the notebook extra (nbconvert)")
def test_an_included_hostile_notebook_is_sanitized_and_collapsed(tmp_path, browser):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Mine\n<script>window.pwned = 1</script><img src='http://example.com/x.png'>"
            "<iframe src='http://example.com'></iframe><style>body{display:none}</style>"
        ),
        nbformat.v4.new_code_cell("print('<b>hi</b>')"),
    ]
    raw = nbformat.writes(nb).encode()
    shown = notebook.to_html(raw, [CellRun(1, True, None, "<b>hi</b>\n", 10)])
    page = tmp_path / "notebook.html"
    page.write_text(render_submission(named_mistake(), shown), encoding="utf-8")
    _open(browser, page)
    section = browser.find_element(By.CSS_SELECTOR, ".notebook")
    assert not section.is_displayed()  # collapsed
    browser.find_element(By.XPATH, "//summary[contains(., 'executed notebook')]").click()
    assert section.is_displayed() and "<b>hi</b>" in section.text
    assert browser.find_element(By.CSS_SELECTOR, ".notebook h1").text == "Mine"
    assert browser.execute_script("return window.pwned") is None
    assert browser.find_elements(By.CSS_SELECTOR, ".notebook iframe, .notebook style") == []
    for img in browser.find_elements(By.CSS_SELECTOR, ".notebook img"):
        assert not img.get_attribute("src")  # its address was dropped: nothing to fetch
    assert _console_errors(browser) == [] and _fetched(browser) == []


def test_pages_read_without_javascript(graded_class, tmp_path):
    driver = _browser(tmp_path / "nojs", javascript=False)
    try:
        _open(driver, graded_class / "summary.html")
        rows = driver.find_elements(By.CSS_SELECTOR, "#everyone tbody tr")
        assert rows and "Who may need help" in driver.find_element(By.TAG_NAME, "body").text
        score = driver.find_elements(By.CSS_SELECTOR, "#everyone thead th")[2]
        score.click()
        assert score.get_attribute("aria-sort") is None  # the page's script really is off
        page = tmp_path / "mistake.html"
        page.write_text(render_submission(named_mistake()), encoding="utf-8")
        _open(driver, page)
        text = driver.find_element(By.TAG_NAME, "body").text
        assert "dropout-no-scale" in text and "Your result" in text
    finally:
        driver.quit()


PHONES = (360, 390)
"""Phone widths, in CSS pixels, that every page must fit without scrolling sideways."""


def _overflow(driver: webdriver.Chrome) -> list[str]:
    """How the page scrolls sideways, if it does: its extra width, and the elements whose box
    reaches past the viewport's right edge (not counting what is inside a scroll container)."""
    return driver.execute_script(
        """
        var w = document.documentElement.clientWidth, out = [];
        var extra = Math.max(document.documentElement.scrollWidth, window.innerWidth) - w;
        if (extra > 0) out.push('page is ' + extra + 'px too wide');
        function clipped(el) {
          for (var p = el.parentElement; p; p = p.parentElement) {
            var s = getComputedStyle(p);
            if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden')
              return true;
            if (s.display === 'none') return true;
          }
          return false;
        }
        document.querySelectorAll('body *').forEach(function (el) {
          var r = el.getBoundingClientRect();
          if (r.width && r.right > w + 0.5 && !clipped(el))
            out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                     ' reaches ' + Math.round(r.right) + 'px');
        });
        return out.slice(0, 8);
        """
    )


def _phone(driver: webdriver.Chrome, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 800, "deviceScaleFactor": 2, "mobile": True},
    )


def test_every_page_fits_a_phone(graded_class, tmp_path):
    """At 360 and 390 px, no page of the graded class (summary and every student's page) and
    no page with a failing test's side-by-side arrays scrolls sideways."""
    mistake = tmp_path / "mistake.html"
    mistake.write_text(render_submission(named_mistake()), encoding="utf-8")
    pages = [graded_class / "summary.html", mistake, *sorted(graded_class.glob("*/*.html"))]
    assert len(pages) > 15
    driver = _browser(tmp_path / "phone", width=400)
    try:
        bad = []
        for width in PHONES:
            _phone(driver, width)
            for page in pages:
                _open(driver, page)
                assert driver.execute_script("return document.documentElement.clientWidth") == width
                # open every collapsed section: what it holds must fit too
                driver.execute_script(
                    "document.querySelectorAll('details').forEach(function (d) { d.open = true; })"
                )
                problems = _overflow(driver)
                if problems:
                    print(page, width, problems)
                    bad.append(page)
        assert bad == []
    finally:
        driver.quit()


def test_the_histogram_labels_are_readable_on_a_phone(graded_class, tmp_path):
    driver = _browser(tmp_path / "phone", width=400)
    try:
        _phone(driver, 360)
        _open(driver, graded_class / "summary.html")
        labels = driver.find_elements(By.CSS_SELECTOR, "figure.bars th[scope=row]")
        assert [x.text for x in labels][-1] == "90–100%" and len(labels) == 10
        for label in labels:
            size = float(label.value_of_css_property("font-size").removesuffix("px"))
            assert size >= 12, f"{label.text!r} is {size}px at 360px"
            assert label.rect["x"] >= 0 and label.rect["x"] + label.rect["width"] <= 360
    finally:
        driver.quit()


def test_pages_print(graded_class, tmp_path):
    driver = _browser(tmp_path / "print", width=1100)
    try:
        page = tmp_path / "mistake.html"
        page.write_text(render_submission(named_mistake()), encoding="utf-8")
        _open(driver, page)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not driver.find_element(By.TAG_NAME, "nav").is_displayed()
        assert "dropout-no-scale" in driver.find_element(By.TAG_NAME, "body").text
        pdf = driver.print_page()
        assert len(pdf) > 10_000
    finally:
        driver.quit()
