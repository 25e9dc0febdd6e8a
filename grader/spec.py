"""Tests are data: what each graded function is called with, how its output is judged, and the
mutants that prove each recogniser fires. One module per assignment under
`grader.instructor.specs`, one under `grader.instructor.mutants` and one under
`grader.recognisers`; adding an assignment adds those modules, a reference module and a
notebook. Loading them is `grader.oracle.load`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from grader.model import Visibility
from grader.sandbox.bindings import BINDINGS

Inputs = tuple[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class Tolerance:
    """How close a numeric output must be to the expected one."""

    rtol: float = 1e-6
    """Relative tolerance, as in np.isclose."""
    atol: float = 1e-9
    """Absolute tolerance, as in np.isclose."""
    gc_floor: float | None = None
    """For gradient-check results: two values both below this floor mean the same verdict
    ("the gradient is right") and are equal, whatever their rounding noise."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a property check (used where exact values are not the point)."""

    passed: bool
    """The property holds."""
    message: str
    """What failed, or "ok"."""


@dataclass(frozen=True)
class Case:
    """One test of a graded function."""

    id: str
    """Unique within the assignment, e.g. "public-1" or "hidden-3"."""
    visibility: Visibility
    """"public" (inputs and expected values may be shown) or "hidden" (verdict only)."""
    weight: float
    """Share of the function's points."""
    build: Callable[[], Inputs]
    """Deterministic inputs: (args, kwargs)."""
    seed: int | None = None
    """np.random.seed value set right before the call, for functions that draw."""
    bindings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Notebook names bound to course functions (grader.sandbox.bindings) during the call."""
    tol: Tolerance = Tolerance()
    """Numeric tolerance for comparisons."""
    check: Callable[[Any, Any, Inputs], Verdict] | None = None
    """A property check (got, expected, inputs) used instead of the value comparison; such a case
    is passed by any output with the right properties, e.g. the right distribution."""
    same_inputs_as: str | None = None
    """Another case with the same inputs and a different seed (finds a function that reseeds)."""
    summary: str = ""
    """Public cases: the inputs in words, for the student's report."""
    probe: bool = False
    """Called but never judged or scored: evidence of the call's behaviour for the recognisers
    (e.g. the same inputs with `forward_propagation` rebound, to see whether it is called)."""


@dataclass(frozen=True)
class FunctionSpec:
    """A graded function and its tests."""

    name: str
    """The function's name, fixed by the contract."""
    points: float
    """Points available; its tests share them by weight."""
    cases: tuple[Case, ...]
    """Its tests, public first."""
    draws: bool = False
    """It draws from np.random, so the random-stream diagnoses apply."""
    returns: tuple[str, ...] = ()
    """Names of the entries of the tuple it returns, for messages ("A3 differs")."""


@dataclass(frozen=True)
class AssignmentSpec:
    """Everything needed to grade one assignment."""

    name: str
    """The assignment's name, as in metadata.grader.assignment."""
    reference: str
    """The module holding the reference functions."""
    functions: tuple[FunctionSpec, ...]
    """Its graded functions, in notebook order."""

    def points(self, visibility: frozenset[str]) -> float:
        """Points available over the tests of the given visibility: a function counts when it
        has at least one such test."""
        return float(
            sum(
                f.points
                for f in self.functions
                if any(c.visibility in visibility and not c.probe for c in f.cases)
            )
        )


@dataclass(frozen=True)
class Mutant:
    """A known mistake, implemented as a variant of the reference."""

    id: str
    """Catalogue id (contract section 3)."""
    function: str
    """The graded function it replaces."""
    impl: Callable[..., Any]
    """The mistaken implementation."""
    spelling: str = ""
    """Which way of writing the mistake this is, when an id has several (recognisers may ask
    for one by name)."""


def call_with(fn: Callable[..., Any], case: Case, inputs: Inputs) -> Any:
    """Call `fn` as the worker calls the student's: bindings applied to its globals and
    np.random seeded right before the call. Used for the reference and for mutants."""
    glob = getattr(fn, "__globals__", {})
    saved = {name: glob.get(name, _MISSING) for name in case.bindings}
    try:
        for name, helper in case.bindings.items():
            glob[name] = BINDINGS[helper]
        if case.seed is not None:
            np.random.seed(case.seed)
        args, kwargs = inputs
        return fn(*_copy(args), **_copy(kwargs))
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                glob.pop(name, None)
            else:
                glob[name] = old


_MISSING = object()


def _copy(value: Any) -> Any:
    """A deep copy of plain data, so an in-place edit by one call never leaks into another."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value
