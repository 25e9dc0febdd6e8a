"""The sample class behind `grader demo` and the benchmarks: every notebook is what its manifest
says, so the demo shows the grader naming real, student-typed mistakes."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest

from grader.execute import Sandbox
from grader.instructor.sampleclass import (
    MISTAKES,
    STYLES,
    UNCATALOGUED,
    _mutated,
    _with_sources,
    make_class,
)
from grader.pipeline import grade_notebook
from reference.solved import reference_source


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        yield sb


def grade(sandbox, tmp_path, nb, assignment):
    path = tmp_path / "s" / f"{assignment}.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return grade_notebook(path, sandbox=sandbox)


MISTAKE_CASES = [(a, m) for a, ms in MISTAKES.items() for m in ms]


@pytest.mark.parametrize(
    ("assignment", "mistake"), MISTAKE_CASES, ids=[f"{a}-{m[0]}-{m[1]}" for a, m in MISTAKE_CASES]
)
def test_each_typed_mistake_is_named_and_loses_marks(sandbox, tmp_path, assignment, mistake):
    function, expected, _ = mistake
    result = grade(sandbox, tmp_path, _mutated(assignment, [mistake]), assignment)
    f = next(f for f in result.functions if f.name == function)
    assert expected in f.diagnoses, [t.message for t in f.tests]
    assert f.score < f.max_score
    # The mistake stays in its function and in those that call it by name (normalize_splits
    # calls the notebook's normalization_stats and normalize, as the contract says).
    callers = {g.name for g in result.functions if function in _calls(assignment, g.name)}
    others = [g for g in result.functions if g.name != function and g.name not in callers]
    assert all(g.score == g.max_score for g in others), "the mistake stays in its function"


def _calls(assignment: str, function: str) -> set[str]:
    """The names a reference function calls."""
    calls = ast.walk(ast.parse(reference_source(assignment, function)))
    return {n.func.id for n in calls if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


UNCAT_CASES = [(a, m) for a, ms in UNCATALOGUED.items() for m in ms]


@pytest.mark.parametrize(
    ("assignment", "mistake"), UNCAT_CASES, ids=[f"{a}-{m[1]}" for a, m in UNCAT_CASES]
)
def test_uncatalogued_mistakes_lose_marks_without_a_false_name(
    sandbox, tmp_path, assignment, mistake
):
    function = mistake[0]
    result = grade(sandbox, tmp_path, _mutated(assignment, [mistake]), assignment)
    f = next(f for f in result.functions if f.name == function)
    assert f.score < f.max_score and f.diagnoses == ()


STYLE_CASES = [(a, fn, src) for a, styles in STYLES.items() for fn, src in styles.items()]


@pytest.mark.parametrize(
    ("assignment", "function", "source"), STYLE_CASES, ids=[c[1] for c in STYLE_CASES]
)
def test_other_correct_styles_score_full(sandbox, tmp_path, assignment, function, source):
    result = grade(sandbox, tmp_path, _with_sources(assignment, {function: source}), assignment)
    assert result.score == result.max_score, [
        (f.name, f.score, [t.message for t in f.tests if not t.passed]) for f in result.functions
    ]


def test_every_assignment_has_its_sample_notebooks():
    """Each installed assignment has a sample module (grader/instructor/samples/<name>.py):
    mistakes in at least two functions (a class has two-mistake notebooks), one outside the
    catalogue and one other correct style."""
    from coursekit.notebooks import ASSIGNMENTS

    assert set(MISTAKES) == set(UNCATALOGUED) == set(STYLES) == set(ASSIGNMENTS)
    for a in ASSIGNMENTS:
        assert len({m[0] for m in MISTAKES[a]}) >= 2 and UNCATALOGUED[a] and STYLES[a]


def test_a_class_has_the_mix_and_a_manifest(tmp_path):
    from coursekit.notebooks import ASSIGNMENTS

    made = make_class(tmp_path / "c", students=25, seed=1)
    n = 25 * len(ASSIGNMENTS)  # every student hands in every assignment
    kinds = [e.kind for e in made.entries]
    assert len(kinds) == n
    for kind in ("correct", "style", "mistake", "uncatalogued", "broken", "hostile"):
        assert kind in kinds
    assert made.notebooks == n - kinds.count("absent")
    assert len(list(made.root.rglob("*.ipynb"))) == made.notebooks
    manifest = json.loads((made.root / "MANIFEST.json").read_text())
    assert len(manifest) == n and sum(e["label"] == "hangs" for e in manifest) <= 1
    again = make_class(tmp_path / "c", students=3, seed=1)  # replaces the previous class
    assert len(list(again.root.iterdir())) <= 3 + 1


def test_it_never_overwrites_a_folder_that_is_not_a_sample_class(tmp_path):
    from grader.errors import UsageError

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(UsageError, match="not a sample class"):
        make_class(tmp_path / "mine", students=2)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"
