"""The included notebook: the grader's record of the run, never the file's own outputs, rendered
by nbconvert and sanitized."""

from __future__ import annotations

import nbformat
import pytest

from grader import notebook
from grader.errors import UsageError
from grader.model import CellRun


def _raw(*cells) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nbformat.writes(nb).encode()


def test_outputs_come_from_the_run_not_from_the_file():
    lying = nbformat.v4.new_code_cell(
        "x = 1",
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="ALL TESTS PASSED")],
        execution_count=99,
    )
    error = {
        "kind": "exception",
        "type": "NameError",
        "message": "name 'y' is not defined",
        "traceback": [
            {"cell": 2, "number": 2, "line": 1, "function": "<module>", "text": "print(y)"}
        ],
    }
    raw = _raw(nbformat.v4.new_markdown_cell("# Title"), lying, nbformat.v4.new_code_cell("y"))
    runs = [
        CellRun(1, True, None, "real output\n", 12, number=1),
        CellRun(2, False, error, "", 0, number=2),
    ]
    nb = notebook.executed(raw, runs)
    assert [o["text"] for o in nb.cells[1].outputs] == ["real output\n"]
    assert nb.cells[1].execution_count == 1
    (err,) = nb.cells[2].outputs
    # named as Jupyter numbers code cells (the markdown cell is not counted)
    assert nb.cells[2].execution_count == 2
    assert err["ename"] == "NameError" and "cell [2], line 1" in err["traceback"][0]


def test_cut_output_and_cells_not_run_say_so():
    raw = _raw(nbformat.v4.new_code_cell("print('x' * 10**6)"), nbformat.v4.new_code_cell("1"))
    runs = [CellRun(0, True, None, "x" * 10, 1_000_000), CellRun(1, False, None, "", 0, True)]
    nb = notebook.executed(raw, runs)
    assert "999990 more characters not kept" in nb.cells[0].outputs[0]["text"]
    assert "not run" in nb.cells[1].outputs[0]["text"] and nb.cells[1].execution_count is None


def test_markup_in_markdown_and_output_is_sanitized():
    raw = _raw(
        nbformat.v4.new_markdown_cell(
            "# Heading\n\n[link](javascript:alert(1))\n\n"
            "<script>alert(1)</script><iframe src='http://x'></iframe> "
            "<img src='http://x/y.png' onerror='alert(1)'>"
            "<img src='data:image/png;base64,AAAA'>"
        ),
        nbformat.v4.new_code_cell("print(1)"),
    )
    html = notebook.to_html(raw, [CellRun(1, True, None, "<script>alert(2)</script>", 25)])
    assert "<h1>Heading</h1>" in html
    assert '<a rel="noopener noreferrer nofollow">link</a>' in html  # the link, not its script
    for bad in ("<script", "<iframe", 'href="javascript:', "onerror", "http://x/y.png"):
        assert bad not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'src="data:image/png;base64,AAAA"' in html


def test_an_unreadable_notebook_has_no_section():
    assert notebook.fragment(b"\x00\x01 not json", []) is None
    assert notebook.fragment(None, []) is None


def test_without_nbconvert_the_option_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(notebook, "available", lambda: False)
    with pytest.raises(UsageError, match=r"pip install 'nn-practical-grader\[notebook\]'"):
        notebook.require()


def test_markdown_too_nested_or_too_long_to_render_in_bounded_time_is_shown_as_text():
    """A markdown renderer's time grows faster than the text on deeply nested brackets (the red
    team's 170 KB cell took 73 s): such cells are shown as text, their words kept."""
    nested = "[" * 5000 + "x" + "]" * 5000
    long = "word " * 10_000
    prose = "# Heading\n\nSome *emphasis* and (brackets [nested] once) and `code`."
    raw = _raw(*(nbformat.v4.new_markdown_cell(s) for s in (nested, long, prose)))
    nb = notebook.executed(raw, [])
    for cell in nb.cells[:2]:
        assert cell.cell_type == "raw" and "shown as text" in cell.source
    assert "[[[[x]]]]" in nb.cells[0].source.replace("[" * 4996, "").replace("]" * 4996, "")
    assert nb.cells[1].source.count("word") == notebook.MAX_MARKDOWN_CHARS // 5
    assert nb.cells[2].cell_type == "markdown" and nb.cells[2].source == prose
    page = notebook.to_html(raw, [])
    assert "shown as text" in page and "<h1" in page  # the prose still renders
    assert page.count("[") >= 5000 // 2  # the student's words are there, as text


def test_long_code_is_cut_so_the_page_renders_in_bounded_time():
    """Highlighting and cleaning cost about 0.2 s per KB of dense code (the red team's 500 KB
    cell took 113 s): each code cell is shown up to MAX_CODE_CHARS, and the notebook's code up
    to MAX_SHOWN_CODE_CHARS, saying so; short cells are untouched."""
    dense = "x = [" + "1," * 300_000 + "]"
    short = "y = 2"
    many = [nbformat.v4.new_code_cell("z = 3  # " + "w" * 9_000) for _ in range(6)]
    raw = _raw(nbformat.v4.new_code_cell(short), nbformat.v4.new_code_cell(dense), *many)
    nb = notebook.executed(raw, [])
    assert nb.cells[0].source == short
    assert len(nb.cells[1].source) < notebook.MAX_CODE_CHARS + 100
    assert "more characters not shown" in nb.cells[1].source
    shown = sum(len(c.source) for c in nb.cells)
    assert shown < notebook.MAX_SHOWN_CODE_CHARS + 100 * len(nb.cells)
    assert "more characters not shown" in nb.cells[-1].source
