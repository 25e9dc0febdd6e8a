"""Cells that skip IPython's input transformer are exactly the ones it would not change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.inputtransformer2 import TransformerManager

from grader.instructor.sampleclass import HOSTILE
from grader.sandbox.ipysyntax import needs_transform, plain
from reference.solved import solved_notebook

ROOT = Path(__file__).resolve().parent.parent
TM = TransformerManager()


def _course_cells() -> list[str]:
    cells = []
    for path in sorted((ROOT / "assignments").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells += ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                  for c in nb["cells"] if c["cell_type"] == "code"]  # fmt: skip
        cells += [c.source for c in solved_notebook(path.stem).cells if c.cell_type == "code"]
    return cells + list(HOSTILE.values())


def test_every_course_cell_the_check_passes_transforms_to_itself():
    cells = _course_cells()
    skipped = [c for c in cells if not needs_transform(c)]
    assert len(skipped) > len(cells) / 2, "most course cells are plain Python"
    for c in skipped:
        assert TM.transform_cell(c) == plain(c)


@pytest.mark.parametrize(
    "source",
    [
        "%matplotlib inline",
        "%%time\nx = 1",
        "!ls",
        "files = !ls",
        "t = %time f()",
        "x = \\\n  %time f()",
        "np.random?",
        "np.random??",
        "def f():\n    !ls\n",
        ">>> x = 1\n",
        "In [1]: x = 1\n",
        "\nx = 1",
        "  x = 1\n  y = 2",
        's = """a\n   \nb"""',
        "/print 1",
        ",print a b",
        ";print a b",
        "",
    ],
)
def test_ipython_syntax_and_text_the_transformer_changes_go_through_it(source):
    assert needs_transform(source)


PIECES = [
    "x", " ", "\t", "\n", "\r\n", "=", "%", "!", "?", "/", ",", ";", ">>>", "...", "In [1]: ",
    "(", ")", "'", '"""', "#", "\\", "1", "def f():", "\u2028", "\x0c", "!=", "a % b",
    "print('hi!')",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_any_text_the_check_passes_transforms_to_itself(source):
    if not needs_transform(source):
        try:
            transformed = TM.transform_cell(source)
        except SyntaxError:  # the transformer's tokenizer refuses it: so must the compiler
            with pytest.raises(SyntaxError):
                compile(plain(source), "<cell>", "exec")
            return
        assert transformed == plain(source)


def test_text_the_transformer_refuses_is_refused_by_the_compiler_too():
    source = "x\n  \u2028 x"  # found by the property above: an indented line after a plain one
    assert not needs_transform(source)
    with pytest.raises(SyntaxError):
        TM.transform_cell(source)
    with pytest.raises(SyntaxError):
        compile(plain(source), "<cell>", "exec")
