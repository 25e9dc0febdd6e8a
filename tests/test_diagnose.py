"""Proof in both directions for every catalogue id: a student whose outputs are a mutant's gets
that id and loses marks; the reference gets full marks and no id."""

from __future__ import annotations

import pytest

from grader.catalogue import CATALOGUE
from grader.model import CallOutcome
from grader.oracle import available, load, load_mutants, load_spec, reference_function, safe_call
from grader.score import grade_function

ALL_MUTANTS = [(a, m) for a in sorted(available()) for m in load_mutants(a)]
ALL_MUTANTS_BY_SPELLING: dict[tuple[str, str], list] = {}
for _, _m in ALL_MUTANTS:
    ALL_MUTANTS_BY_SPELLING.setdefault((_m.function, _m.spelling), []).append(_m)


def _as_student(assignment: str, function: str, impl) -> dict[str, CallOutcome]:
    """Outcomes as if the worker had called `impl` on every case."""
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    outcomes = {}
    for c in fspec.cases:
        out = safe_call(impl, c, oracle.inputs(fspec, c))
        if type(out).__name__ == "Raised":
            outcomes[c.id] = CallOutcome(
                c.id,
                False,
                error={
                    "kind": "exception",
                    "type": out.description.split(":")[0],
                    "message": out.description,
                },
            )
        else:
            outcomes[c.id] = CallOutcome(c.id, True, value=out)
    return outcomes


def _grade(assignment: str, function: str, impl):
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    return grade_function(
        spec, oracle, fspec, list(fspec.cases), _as_student(assignment, function, impl)
    )


def test_every_catalogue_id_has_a_mutant_and_every_mutant_a_catalogue_entry():
    ids = {m.id for _, m in ALL_MUTANTS}
    assert ids == set(CATALOGUE)


@pytest.mark.parametrize(
    "assignment, mutant",
    ALL_MUTANTS,
    ids=[f"{m.function}:{m.id}:{i}" for i, (_, m) in enumerate(ALL_MUTANTS)],
)
def test_mutant_is_named_and_loses_marks(assignment, mutant):
    result = _grade(assignment, mutant.function, mutant.impl)
    assert mutant.id in result.diagnoses
    assert result.score < result.max_score
    if mutant.id == "rng-other-generator":
        assert 0 < result.score, "right distribution earns partial credit"
    failing = [t for t in result.tests if not t.passed]
    if "+" not in mutant.spelling:
        assert any(t.diagnosis == mutant.id for t in failing)
        return
    # A combination of mistakes ("a+b", one mutant for each of its catalogued ids): every id
    # is named, and each failing test names one of the result's names (the most specific).
    held = {m.id for m in ALL_MUTANTS_BY_SPELLING[(mutant.function, mutant.spelling)]}
    assert held <= set(result.diagnoses), result.diagnoses
    assert all(t.diagnosis in result.diagnoses for t in failing)


@pytest.mark.parametrize(
    "assignment, function",
    [(a, f.name) for a in sorted(available()) for f in load_spec(a).functions],
)
def test_reference_scores_full_marks_and_no_diagnosis(assignment, function):
    spec = load_spec(assignment)
    result = _grade(assignment, function, reference_function(spec, function))
    assert result.score == result.max_score
    assert result.diagnoses == ()
    assert all(t.passed and t.diagnosis is None for t in result.tests)


def test_an_uncatalogued_mistake_loses_marks_without_a_false_name():
    import numpy as np

    def he_off_by_a_bit(layers_dims):
        params = {}
        for l in range(1, len(layers_dims)):
            params[f"W{l}"] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(
                2.2 / layers_dims[l - 1]
            )
            params[f"b{l}"] = np.zeros((layers_dims[l], 1))
        return params

    result = _grade("initialization", "initialize_parameters_he", he_off_by_a_bit)
    assert result.score < result.max_score
    assert result.diagnoses == ()
