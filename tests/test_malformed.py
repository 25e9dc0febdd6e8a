"""Malformed notebooks (issue 7's list): each gets a result with a named error kind, and
`grader check` exits 2 with one clear line. A property-based test mutates valid notebooks' JSON
in many ways: the grader always returns a result, never raises."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from grader.execute import Sandbox
from grader.model import GradingResult
from grader.pipeline import PUBLIC, grade_notebook

ROOT = Path(__file__).resolve().parent.parent
VALID = json.loads((ROOT / "assignments" / "gradient_checking.ipynb").read_text())
ERROR_KINDS = {"unreadable-notebook", "unknown-assignment", "timeout", "memory", "crashed"}


def _edit(change: Callable[[dict], None]) -> bytes:
    data = json.loads(json.dumps(VALID))
    change(data)
    return json.dumps(data).encode()


def _duplicate_ids(nb: dict) -> None:
    for cell in nb["cells"]:
        cell["id"] = "same"


def _enormous_output(nb: dict) -> None:
    text = "x" * (60 * 2**20)
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]


MALFORMED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # name: (the file's bytes, error kind, words of the one-line message)
    "empty": (lambda: b"", "unreadable-notebook", "not valid JSON"),
    "truncated": (
        lambda: json.dumps(VALID).encode()[:700],
        "unreadable-notebook",
        "not valid JSON",
    ),
    "invalid-json": (lambda: b'{"cells": [}', "unreadable-notebook", "not valid JSON"),
    "binary": (lambda: bytes(range(256)) * 40, "unreadable-notebook", "not UTF-8"),
    "nbformat-3": (
        lambda: json.dumps({"nbformat": 3, "metadata": {}, "worksheets": [{"cells": []}]}).encode(),
        "unreadable-notebook",
        "nbformat 3",
    ),
    "not-utf8": (
        lambda: json.dumps(VALID).encode().replace(b"Gradient", b"Gr\xff\xfeadient", 1),
        "unreadable-notebook",
        "not UTF-8",
    ),
    "no-cells": (lambda: _edit(lambda nb: nb.update(cells=[])), "unreadable-notebook", "no code"),
    "enormous-outputs": (lambda: _edit(_enormous_output), "unreadable-notebook", "too large"),
    "unknown-assignment": (
        lambda: _edit(lambda nb: nb["metadata"]["grader"].update(assignment="quantum")),
        "unknown-assignment",
        "unknown assignment 'quantum'",
    ),
    "missing-assignment": (
        lambda: _edit(lambda nb: nb["metadata"].pop("grader")),
        "unknown-assignment",
        "unknown assignment 'homework'",
    ),
}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as s:
        yield s


def _write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "ada" / "homework.ipynb"  # the stem names no assignment
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def test_repeated_cell_ids_are_repaired_and_graded_with_a_note(tmp_path, sandbox):
    from grader.render import render_submission

    path = _write(tmp_path, _edit(_duplicate_ids))
    result = grade_notebook(path, sandbox=sandbox, visibility=PUBLIC)
    assert result.status == "graded", result.error
    assert result.notes and "repeats the cell id 'same'" in result.notes[0]
    assert "repeats the cell id" in render_submission(result)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_notebook_gets_a_named_error_and_check_exits_2(
    name, tmp_path, sandbox, monkeypatch, capsys
):
    build, kind, words = MALFORMED[name]
    path = _write(tmp_path, build())
    result = grade_notebook(path, sandbox=sandbox, visibility=PUBLIC)
    assert result.status == "error" and result.error["kind"] == kind
    assert words in result.error["message"] and "\n" not in result.error["message"]
    assert result.score == 0

    from grader.cli import main

    monkeypatch.setattr(sys, "argv", ["grader", "check", str(path)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("grader: ") and err.count("\n") == 1
    assert words in err and "Traceback" not in err


# -- fuzzing ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document: (key, key, ...)."""
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


PATHS = [p for p in _paths(VALID) if p]


@st.composite
def mutated_notebooks(draw: st.DrawFn) -> bytes:
    data = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            how = draw(st.sampled_from(["replace", "delete", "retype"]))
            if how == "delete":
                del parent[path[-1]]
            elif how == "retype":
                parent[path[-1]] = json.loads(json.dumps(str(parent[path[-1]])[:50]))
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation moved that place
    raw = json.dumps(data, allow_nan=True).encode()
    cut = draw(st.sampled_from(["whole", "whole", "whole", "truncate", "flip"]))
    if cut == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif cut == "flip":
        i = draw(st.integers(0, len(raw) - 1))
        raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    return raw


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(raw=mutated_notebooks())
def test_the_grader_always_returns_a_result_for_a_mutated_notebook(raw, sandbox, tmp_path):
    path = tmp_path / "fuzz" / "gradient_checking.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    result = grade_notebook(path, sandbox=sandbox, visibility=PUBLIC)  # never raises
    assert isinstance(result, GradingResult)
    event(result.error["kind"] if result.error else "graded")
    assert result.status in ("graded", "error")
    if result.status == "error":
        assert result.error["kind"] in ERROR_KINDS
        assert result.error["message"] and "\n" not in result.error["message"]
    assert 0 <= result.score <= result.max_score
