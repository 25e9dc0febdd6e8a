"""The class's unknown mistakes, grouped (grader.groups): the id a failing, unnamed function
gets from its hidden outputs, and a batch's groups on the summary and in mistake-groups.csv."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest
from notebooks import notebook_with, write

from grader.batch import grade_batch
from grader.groups import FILENAME, MIN_SIZE, excerpt, gather
from grader.instructor.sampleclass import MISTAKES, reference_source
from grader.model import CallOutcome
from grader.oracle import load
from grader.record import from_json, to_json
from grader.score import grade_function
from reference.solved import solved_notebook

COST = "compute_cost_with_regularization"


def _cost(values):
    """compute_cost_with_regularization graded on outcomes made from the expected outputs."""
    spec, oracle = load("regularization")
    fspec = next(f for f in spec.functions if f.name == COST)
    outcomes = {c.id: values(c, oracle.expected(fspec, c)) for c in fspec.cases}
    return grade_function(spec, oracle, fspec, list(fspec.cases), outcomes)


def ok(value):
    return lambda c, exp: CallOutcome(c.id, ok=True, value=value(exp))


def test_float_noise_keeps_one_id_and_another_mistake_gets_another():
    scaled = _cost(ok(lambda e: e * 1.37))
    assert scaled.score < scaled.max_score and scaled.diagnoses == ()
    assert scaled.mistake_group and scaled.mistake_group.startswith(COST)
    noisy = _cost(ok(lambda e: e * 1.37 * (1 + 3e-14)))
    assert noisy.mistake_group == scaled.mistake_group
    as_array = _cost(ok(lambda e: np.array([e * 1.37])))  # how a returned np.float64 arrives
    assert as_array.mistake_group == scaled.mistake_group
    other = _cost(ok(lambda e: e * 1.38))
    assert other.mistake_group not in (None, scaled.mistake_group)


def test_no_id_for_right_named_untouched_or_unfinished_answers():
    assert _cost(ok(lambda e: e)).mistake_group is None  # full marks
    assert _cost(ok(lambda e: None)).mistake_group is None  # the handout's stub
    stub = CallOutcome("", ok=False, error={"kind": "exception", "type": "NotImplementedError"})
    assert _cost(lambda c, e: replace(stub, case_id=c.id)).mistake_group is None
    timeout = CallOutcome("", ok=False, error={"kind": "timeout", "message": "too long"})
    assert _cost(lambda c, e: replace(timeout, case_id=c.id)).mistake_group is None
    raised = CallOutcome("", ok=False, error={"kind": "exception", "type": "KeyError"})
    assert _cost(lambda c, e: replace(raised, case_id=c.id)).mistake_group  # an answer too


def test_a_named_mistake_gets_no_id():
    spec, oracle = load("regularization")
    fspec = next(f for f in spec.functions if f.name == COST)
    run = next(m for m in oracle.mutants(fspec) if m.id == "l2-cost-no-penalty")
    named = _cost(lambda c, exp: CallOutcome(c.id, ok=True, value=run.outputs.get(c.id, exp)))
    assert named.diagnoses and named.mistake_group is None


def test_excerpt_is_bounded():
    long = "\n".join(f"x{i} = {i}" for i in range(100))
    assert excerpt(long).count("\n") == 30 and excerpt(long).endswith("…")
    assert excerpt("y" * 5000).endswith("…") and len(excerpt("y" * 5000)) < 2100
    assert excerpt("def f():\n    return 1") == "def f():\n    return 1"


# Three students make one mistake the catalogue does not know (the penalty subtracted instead of
# added), each written their own way, so their floats differ in the last bits.
SUBTRACTED = [
    reference_source("regularization", COST).replace("cost + lambd", "cost - lambd"),
    """
    def compute_cost_with_regularization(A3, Y, parameters, lambd):
        m = Y.shape[1]
        cross_entropy = -np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / m
        penalty = 0.0
        for key in parameters:
            if key.startswith("W"):
                penalty += np.sum(parameters[key] ** 2)
        return cross_entropy - penalty * lambd / (2 * m)
    """,
    """
    def compute_cost_with_regularization(A3, Y, parameters, lambd):
        m = A3.shape[1]
        logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
        weights = [w for name, w in sorted(parameters.items(), reverse=True) if name[0] == "W"]
        l2 = lambd * sum(np.sum(np.square(w)) for w in weights) / (2 * m)
        return float(1.0 / m * np.nansum(logprobs) - l2)
    """,
]
# A fourth student makes another uncatalogued mistake, alone.
SQUARED_LAMBDA = reference_source("regularization", COST).replace(
    "lambd / (2 * m)", "lambd**2 / (2 * m)"
)
NO_PENALTY = next(m for m in MISTAKES["regularization"] if m[1] == "l2-cost-no-penalty")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("groups")
    src, out = root / "class", root / "out"
    for student, source in zip(("ada", "bob", "cy"), SUBTRACTED, strict=True):
        write(
            notebook_with("regularization", replace={COST: source}), src, student, "regularization"
        )
    write(
        notebook_with("regularization", replace={COST: SQUARED_LAMBDA}),
        src,
        "dan",
        "regularization",
    )
    edited = reference_source("regularization", COST)
    for old, new in NO_PENALTY[2]:
        edited = edited.replace(old, new)
    write(notebook_with("regularization", replace={COST: edited}), src, "eve", "regularization")
    write(solved_notebook("regularization"), src, "fay", "regularization")
    report = grade_batch(paths=[src], out=out, workers=1)
    return report, out


def _result(out, student):
    return json.loads((out / student / "regularization.json").read_text(encoding="utf-8"))


def _cost_of(data):
    return next(f for f in data["functions"] if f["name"] == COST)


def test_three_students_sharing_an_uncatalogued_mistake_make_one_group_of_three(batch):
    report, out = batch
    assert len(report.groups) == 1
    (group,) = report.groups
    assert group.students == ("ada", "bob", "cy") and group.function == COST
    ids = {
        s: _cost_of(_result(out, s)).get("mistake_group") for s in "ada bob cy dan eve fay".split()
    }
    assert ids["ada"] == ids["bob"] == ids["cy"] == group.id
    assert ids["dan"] and ids["dan"] != group.id, "alone: an id, but no group"
    assert ids["eve"] is None and ids["fay"] is None, "a named mistake, a right answer"
    assert _cost_of(_result(out, "eve"))["diagnoses"] == ["l2-cost-no-penalty"]
    for s in ("ada", "bob", "cy", "dan"):
        assert _cost_of(_result(out, s))["diagnoses"] == []
        others = [f for f in _result(out, s)["functions"] if f["name"] != COST]
        assert all("mistake_group" not in f for f in others), "their other functions are right"
    assert "value in" in group.difference and "hidden tests" in group.difference
    assert group.representative == "ada" and "cost - lambd" in group.excerpt


def test_the_groups_are_in_a_csv_beside_grades_csv(batch):
    report, out = batch
    rows = list(csv.DictReader((out / FILENAME).open(encoding="utf-8")))
    assert [(r["group"], r["student"], r["size"]) for r in rows] == [
        (report.groups[0].id, s, "3") for s in ("ada", "bob", "cy")
    ]
    assert {r["function"] for r in rows} == {COST} and (out / "grades.csv").exists()


def test_the_summary_lists_the_group_and_student_pages_do_not(batch):
    report, out = batch
    summary = (out / "summary.html").read_text(encoding="utf-8")
    group = report.groups[0]
    assert 'id="groups"' in summary and group.id in summary and "3 students" in summary
    assert "cost - lambd" in summary, "the representative's code"
    for s in "ada bob cy dan eve fay".split():
        page = (out / s / "regularization.html").read_text(encoding="utf-8")
        assert group.id not in page and 'id="groups"' not in page
        if s != "ada":
            assert "cost - lambd" not in page, "a classmate's code"


def test_gather_lists_only_ids_shared_by_enough_students(batch):
    report, out = batch
    results = [from_json(_result(out, s)) for s in "ada bob cy dan eve fay".split()]
    assert [g.students for g in gather(results)] == [("ada", "bob", "cy")]
    assert gather(results[: MIN_SIZE - 1]) == ()
    assert gather(results)[0].excerpt == "", "no code handed in: no excerpt"
    back = from_json(json.loads(json.dumps(to_json(results[0]))))
    assert back.functions == results[0].functions


def test_a_members_code_is_shown_as_text(batch):
    from grader.render import render_summary

    report, out = batch
    evil = "def f():\n    return '</pre><script>alert(1)</script>'"
    group = replace(report.groups[0], excerpt=excerpt(evil))
    html = render_summary(list(group.members), groups=[group])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_grade_says_how_many_groups_it_found(batch):
    from click.testing import CliRunner

    from grader.cli import cli

    _, out = batch
    again = out.parent / "again"
    args = ["grade", str(out.parent / "class"), "--out", str(again), "--workers", "1"]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 0, run.output
    assert "unknown mistakes: 1 uncatalogued mistake shared by students" in run.output
