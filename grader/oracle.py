"""Where a test's inputs, expected outputs and mutant outputs come from.

An oracle answers three questions about a graded function's cases: what it is called with
(`inputs`), what the right answer is (`expected`), and what each catalogued mistake's mutants
return (`mutants`); it also hands out the function's recognisers. The instructor's grader has a
`ReferenceOracle`, which calls `reference/` and the mutants; a student bundle has a
`StoredOracle`, which reads the public cases' outputs that `grader release` stored. `load` is the
only cached entry point: everything downstream is handed the spec and the oracle.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from grader.model import Raised
from grader.recognise import Recogniser, load_recognisers
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs, Mutant, call_with

SPECS = "grader.instructor.specs"
MUTANTS = "grader.instructor.mutants"


@dataclass(frozen=True)
class MutantRun:
    """One mutant's outputs on a function's value cases."""

    id: str
    """The catalogue id it proves."""
    spelling: str
    """Which way of writing the mistake ("" for the only one)."""
    outputs: Mapping[str, Any]
    """Case id -> the mutant's output, or Raised."""


class Oracle(Protocol):
    """Inputs, expected outputs, mutant outputs and recognisers of one assignment."""

    def inputs(self, fn: FunctionSpec, case: Case) -> Inputs: ...

    def expected(self, fn: FunctionSpec, case: Case) -> Any: ...

    def mutants(self, fn: FunctionSpec) -> tuple[MutantRun, ...]: ...

    def recognisers(self, fn: FunctionSpec) -> tuple[Recogniser, ...]: ...


def safe_call(fn: Callable[..., Any], case: Case, inputs: Inputs) -> Any:
    """The output of a trusted call (the reference's, a mutant's), or Raised."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return call_with(fn, case, inputs)
    except Exception as exc:
        return Raised.of(exc)


def value_cases(fn: FunctionSpec) -> tuple[Case, ...]:
    """The cases judged by value (and the probes): the ones mutants are run on."""
    return tuple(c for c in fn.cases if c.check is None)


class ReferenceOracle:
    """The instructor's oracle: calls the reference and the mutants, once per case."""

    def __init__(
        self,
        spec: AssignmentSpec,
        reference: Any,
        mutants: tuple[Mutant, ...],
        recognisers: tuple[Recogniser, ...],
    ) -> None:
        self._spec = spec
        self._reference = reference
        self._mutants = mutants
        self._recognisers = recognisers
        self._inputs: dict[tuple[str, str], Inputs] = {}
        self._expected: dict[tuple[str, str], Any] = {}
        self._runs: dict[str, tuple[MutantRun, ...]] = {}

    def inputs(self, fn: FunctionSpec, case: Case) -> Inputs:
        key = (fn.name, case.id)
        if key not in self._inputs:
            self._inputs[key] = case.build()
        return self._inputs[key]

    def expected(self, fn: FunctionSpec, case: Case) -> Any:
        key = (fn.name, case.id)
        if key not in self._expected:
            impl = getattr(self._reference, fn.name)
            self._expected[key] = safe_call(impl, case, self.inputs(fn, case))
        return self._expected[key]

    def mutants(self, fn: FunctionSpec) -> tuple[MutantRun, ...]:
        if fn.name not in self._runs:
            self._runs[fn.name] = tuple(
                MutantRun(
                    m.id,
                    m.spelling,
                    {c.id: safe_call(m.impl, c, self.inputs(fn, c)) for c in value_cases(fn)},
                )
                for m in self._mutants
                if m.function == fn.name
            )
        return self._runs[fn.name]

    def mutant_impls(self, fn: FunctionSpec) -> tuple[Mutant, ...]:
        """The mutants' code (instructor side only: tests and the sample class use it)."""
        return tuple(m for m in self._mutants if m.function == fn.name)

    def recognisers(self, fn: FunctionSpec) -> tuple[Recogniser, ...]:
        return tuple(r for r in self._recognisers if fn.name in r.functions)


class StoredOracle:
    """A student bundle's oracle: reads what `grader release` stored (grader.stored)."""

    def __init__(
        self,
        expected: Mapping[tuple[str, str], Any],
        inputs: Mapping[tuple[str, str], Inputs],
        mutants: Mapping[str, tuple[MutantRun, ...]],
        recognisers: tuple[Recogniser, ...],
    ) -> None:
        self._expected = expected
        self._inputs = inputs
        self._mutants = mutants
        self._recognisers = recognisers

    def inputs(self, fn: FunctionSpec, case: Case) -> Inputs:
        return self._inputs[(fn.name, case.id)]

    def expected(self, fn: FunctionSpec, case: Case) -> Any:
        return self._expected[(fn.name, case.id)]

    def mutants(self, fn: FunctionSpec) -> tuple[MutantRun, ...]:
        return self._mutants.get(fn.name, ())

    def recognisers(self, fn: FunctionSpec) -> tuple[Recogniser, ...]:
        return tuple(r for r in self._recognisers if fn.name in r.functions)


@functools.cache
def _spec_modules() -> frozenset[str]:
    try:
        package = importlib.import_module(SPECS)
    except ModuleNotFoundError:
        return frozenset()
    return frozenset(
        m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")
    )


@functools.cache
def available() -> frozenset[str]:
    """Names of the assignments this installation grades: a spec module each (the instructor's
    grader), or a stored document each (a student bundle, see grader.stored)."""
    from grader.stored import stored_names

    return _spec_modules() | stored_names()


def public_only() -> bool:
    """This installation is a student bundle: it has the public tests alone (as data), no spec
    module, no hidden test, no reference."""
    return not _spec_modules()


def load_mutants(assignment: str) -> tuple[Mutant, ...]:
    """The mutants of an assignment (instructor side: grader.instructor.mutants.<assignment>),
    or none."""
    try:
        module = importlib.import_module(f"{MUTANTS}.{assignment}")
    except ModuleNotFoundError:
        return ()
    return tuple(module.MUTANTS)


@functools.cache
def load(assignment: str) -> tuple[AssignmentSpec, Oracle]:
    """The spec of an assignment and its oracle, made once per process: from
    grader.instructor.specs.<assignment> and the reference where they are installed, else from
    the stored public tests of a student bundle."""
    recognisers = load_recognisers(assignment)
    if assignment in _spec_modules():
        spec: AssignmentSpec = importlib.import_module(f"{SPECS}.{assignment}").SPEC
        reference = importlib.import_module(spec.reference)
        return spec, ReferenceOracle(spec, reference, load_mutants(assignment), recognisers)
    from grader.stored import load_stored

    return load_stored(assignment, recognisers)


def load_spec(assignment: str) -> AssignmentSpec:
    """The spec alone (a shorthand for `load(assignment)[0]`)."""
    return load(assignment)[0]


def function(spec: AssignmentSpec, name: str) -> FunctionSpec:
    """A graded function's spec by name."""
    return next(f for f in spec.functions if f.name == name)


def reference_function(spec: AssignmentSpec, name: str) -> Callable[..., Any]:
    """The reference implementation of a graded function (instructor side)."""
    return getattr(importlib.import_module(spec.reference), name)


def case_of(fspec: FunctionSpec, case_id: str) -> Case:
    """A case of a function by id."""
    return next(c for c in fspec.cases if c.id == case_id)
