"""Stage 6, diagnose: name the catalogued mistake a student's outputs match.

A mutant is named when the student's outputs equal the mutant's on every value test where the
mutant differs from the reference (and the student raised where the mutant raised). Two
mistakes are found by behaviour instead: `rng-reseed` when outputs do not change with the
caller's seed, and `rng-other-generator` when values miss but the distribution checks pass."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.compare import compare
from grader.model import CallOutcome
from grader.spec import (
    AssignmentSpec,
    Case,
    FunctionSpec,
    call_with,
    load_mutants,
    load_spec,
    reference_function,
)

BEHAVIOURAL = frozenset({"rng-reseed", "rng-other-generator"})


class Raised:
    """Marks a reference or mutant call that raised."""

    def __init__(self, exc: BaseException | str) -> None:
        self.description = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Diagnosis:
    """The mistakes found in one function's outputs."""

    ids: tuple[str, ...]
    """Catalogue ids, most specific first."""
    per_case: dict[str, str]
    """For failing cases, the id whose output that case matches."""


def safe_call(fn: Any, case: Case, inputs: Any) -> Any:
    """The output of a trusted call, or Raised."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return call_with(fn, case, inputs)
    except Exception as exc:
        return Raised(exc)


def _case(assignment: str, function: str, case_id: str) -> Case:
    fspec = next(f for f in load_spec(assignment).functions if f.name == function)
    return next(c for c in fspec.cases if c.id == case_id)


@functools.cache
def inputs_of(assignment: str, function: str, case_id: str) -> Any:
    """A case's inputs, built once per process (they are deterministic)."""
    return _case(assignment, function, case_id).build()


@functools.cache
def expected_of(assignment: str, function: str, case_id: str) -> Any:
    """The reference output of a case, computed once per process (or read, in a bundle)."""
    spec = load_spec(assignment)
    if spec.stored is not None:
        return spec.stored.expected[(function, case_id)]
    return safe_call(
        reference_function(spec, function),
        _case(assignment, function, case_id),
        inputs_of(assignment, function, case_id),
    )


@functools.cache
def mutant_outputs(assignment: str, function: str) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """Each mutant of `function` (its catalogue id) with its output on every value case, computed
    once per process (or read, in a bundle)."""
    spec = load_spec(assignment)
    if spec.stored is not None:
        return spec.stored.mutants.get(function, ())
    fspec = next(f for f in spec.functions if f.name == function)
    out = []
    for m in load_mutants(assignment):
        if m.function != function:
            continue
        outputs = {
            c.id: safe_call(m.impl, c, inputs_of(assignment, function, c.id))
            for c in fspec.cases
            if c.check is None
        }
        out.append((m.id, outputs))
    return tuple(out)


def _same(a: Any, b: Any, case: Case) -> bool:
    return compare(a, b, case.tol).equal


def diagnose(
    spec: AssignmentSpec,
    fspec: FunctionSpec,
    cases: tuple[Case, ...],
    outcomes: dict[str, CallOutcome],
    expected: dict[str, Any],
    passed: dict[str, bool],
) -> Diagnosis:
    """The catalogue ids that explain the failures among `cases` (the ones that were run)."""
    if all(passed[c.id] for c in cases):
        return Diagnosis((), {})
    ids: list[str] = []
    per_case: dict[str, str] = {}
    value_cases = [c for c in cases if c.check is None]
    by_id = {c.id: c for c in cases}

    if fspec.draws:
        for c in cases:
            twin = by_id.get(c.same_inputs_as or "")
            if twin is None:
                continue
            a, b = outcomes[c.id], outcomes[twin.id]
            if (
                a.ok
                and b.ok
                and _same(a.value, b.value, c)
                and not _same(expected[c.id], expected[twin.id], c)
            ):
                ids.append("rng-reseed")
                per_case.setdefault(c.id, "rng-reseed")
    for mutant_id, m_out in mutant_outputs(spec.name, fspec.name):
        if mutant_id in BEHAVIOURAL or mutant_id in ids:
            continue
        differs = False
        matches = True
        case_hits = []
        for c in value_cases:
            mo, st = m_out[c.id], outcomes[c.id]
            if isinstance(mo, Raised):
                differs = True
                if st.ok:
                    matches = False
                    break
                continue
            if not _same(expected[c.id], mo, c):
                differs = True
            if st.ok and _same(mo, st.value, c):
                if not passed[c.id]:
                    case_hits.append(c.id)
            else:
                matches = False
        if differs and matches and case_hits:
            ids.append(mutant_id)
            for cid in case_hits:
                per_case.setdefault(cid, mutant_id)
    if fspec.draws and not ids:
        # Values miss, no catalogued mutant explains them, yet the strict distribution checks
        # pass and every call returned: the draws come from another random stream.
        checks = [c for c in cases if c.check is not None]
        if (
            checks
            and all(passed[c.id] for c in checks)
            and all(outcomes[c.id].ok for c in value_cases)
        ):
            ids.append("rng-other-generator")
            for c in value_cases:
                if not passed[c.id]:
                    per_case.setdefault(c.id, "rng-other-generator")
    return Diagnosis(tuple(ids), per_case)
