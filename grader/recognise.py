"""Recognisers: each catalogue id as the property that defines its mistake.

A recogniser is handed the `Evidence` of one graded function (every case's inputs, the expected
outputs, the student's outcomes, the judgement of each scored case, and the outputs of the
mutants) and says which failing cases its mistake explains. It states the mistake's defining
property ("every b<l> is zero but not of shape (n_l, 1)", "W is the right draw scaled by the
wrong factor", "the result does not change when forward_propagation is rebound"), so every
spelling of the mistake is named, not only the one a mutant happens to write. Mutants stay as
the proof that each recogniser fires (tests/test_recognise.py).

Recognisers are bundled code: they read what an oracle hands them (never the reference), so a
student bundle names mistakes on the public cases exactly as the instructor's grader does.

The rules every recogniser obeys (full marks and trivial answers are never named, fallbacks
only by elimination, the most specific first) are enforced by `grader.diagnose`.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from grader.compare import compare
from grader.model import CallOutcome, Raised
from grader.spec import Case, FunctionSpec, Inputs

if TYPE_CHECKING:
    from grader.oracle import MutantRun

RECOGNISERS = "grader.recognisers"

STRUCTURAL = frozenset({"type", "keys", "length", "shape", "dtype"})
"""Judgement kinds that mean the output is not of the right kind at all."""
COMPARISON = STRUCTURAL | {"value", "nan", "property", ""}
"""Judgement kinds of a call that returned (the rest are failed calls)."""


class _NoValue:
    """What `Evidence.got` gives for a call that did not return."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


@dataclass(frozen=True)
class Evidence:
    """Everything a recogniser may look at for one graded function."""

    fspec: FunctionSpec
    """The function."""
    cases: tuple[Case, ...]
    """Every case that was run: scored ones and probes."""
    inputs: Mapping[str, Inputs]
    """Case id -> its inputs."""
    expected: Mapping[str, Any]
    """Case id -> the reference's output (Raised where it raised)."""
    outcomes: Mapping[str, CallOutcome]
    """Case id -> what the student's call did."""
    kinds: Mapping[str, str]
    """Scored case id -> its judgement kind ("" when it passed)."""
    mutants: tuple[MutantRun, ...] = ()
    """The mutants' outputs on the value cases and probes."""

    @property
    def scored(self) -> tuple[Case, ...]:
        """The judged cases."""
        return tuple(c for c in self.cases if not c.probe)

    @property
    def failing(self) -> tuple[Case, ...]:
        """The judged cases that failed."""
        return tuple(c for c in self.scored if self.kinds.get(c.id, "") != "")

    def passed(self, case_id: str) -> bool:
        """The scored case passed."""
        return self.kinds.get(case_id, "") == ""

    def case(self, case_id: str) -> Case | None:
        """A case by id, if it was run."""
        return next((c for c in self.cases if c.id == case_id), None)

    def got(self, case_id: str) -> Any:
        """The student's output, or NO_VALUE when the call did not return (or was not run)."""
        outcome = self.outcomes.get(case_id)
        return outcome.value if outcome is not None and outcome.ok else NO_VALUE

    def error_type(self, case_id: str) -> str:
        """The exception type a failed call raised ("" when it returned or failed otherwise)."""
        outcome = self.outcomes.get(case_id)
        if outcome is None or outcome.ok:
            return ""
        return str((outcome.error or {}).get("type") or "")

    def args(self, case_id: str) -> tuple[Any, ...]:
        """The positional arguments of a case."""
        return self.inputs[case_id][0]

    def structural_fault(self) -> bool:
        """Some judged case's output was not of the right kind (type, keys, length, shape,
        dtype), or some call did not return."""
        return any(
            self.kinds.get(c.id, "") in STRUCTURAL or self.got(c.id) is NO_VALUE
            for c in self.scored
        )

    def trivial(self, *, judged_only: bool = False) -> bool:
        """The answer ignores what it is asked: every call failed, the calls that returned all
        returned the same value where their expected values differ (one case alone cannot
        tell; a call made to fail, on a case the constant would fail anyway, changes nothing),
        or each call returned one of its arguments unchanged, positional or named. Over every
        case run, probes included (an answer that depends on its inputs only where a probe's
        NaN reaches it is not trivial: it may be a check that computes J itself), or over the
        judged cases only (`judged_only`: what scoring asks, since points come from those
        alone)."""
        cases = self.scored if judged_only else self.cases
        kept = [c for c in cases if self.got(c.id) is not NO_VALUE]
        if not kept:
            return True
        returned = [self.got(c.id) for c in kept]
        if _all_alike(returned) and not _all_alike([self.expected.get(c.id) for c in kept]):
            return True
        return len(kept) == len(cases) and self._echoes(cases)

    def _echoes(self, cases: Sequence[Case]) -> bool:
        """Every call returned one of its own arguments unchanged (the same one: the same
        position, or the same keyword), or a tuple of nothing but its arguments unchanged."""
        if not cases:
            return False
        if all(self._tuple_of_arguments(c) for c in cases):
            return True
        names: set[str] | None = None  # the arguments every case so far returned unchanged
        for c in cases:
            args, kwargs = self.inputs[c.id]
            given = {str(i): a for i, a in enumerate(args)}
            given.update({f"={k}": v for k, v in kwargs.items()})
            got = self.got(c.id)
            names = {
                name
                for name, value in given.items()
                if (names is None or name in names) and _alike(got, value)
            }
            if not names:
                return False
        return True

    def _tuple_of_arguments(self, case: Case) -> bool:
        got = self.got(case.id)
        if not isinstance(got, tuple) or not got:
            return False
        args, kwargs = self.inputs[case.id]
        given = (*args, *kwargs.values())
        return all(any(_alike(g, a) for a in given) for g in got)

    def runs(self, mistake: str, spelling: str | None = None) -> tuple[MutantRun, ...]:
        """The mutant runs of a catalogue id (one spelling, or all)."""
        return tuple(
            m
            for m in self.mutants
            if m.id == mistake and (spelling is None or m.spelling == spelling)
        )

    def same(self, a: Any, b: Any, case: Case) -> bool:
        """Two outputs are equal within the case's tolerance."""
        if isinstance(a, (Raised, _NoValue)) or isinstance(b, (Raised, _NoValue)):
            return False
        return compare(a, b, case.tol).equal


Fires = Callable[[Evidence], Iterable[str]]
"""A recogniser's test: the failing case ids its mistake explains (none: it does not fire)."""


@dataclass(frozen=True)
class Recogniser:
    """One catalogue id, recognised by its defining property."""

    id: str
    """The catalogue id (contract section 3)."""
    functions: frozenset[str]
    """The graded functions it applies to."""
    property: str
    """The defining property, in one line (for docs and tests)."""
    fires: Fires
    """Which failing cases the mistake explains."""
    rank: int = 1
    """Specificity: when several fire, higher ranks are listed first."""
    fallback: bool = False
    """Tried only when no other recogniser fired (a diagnosis by elimination)."""


# -- building blocks -----------------------------------------------------------------------------

CaseTest = Callable[[Evidence, Case], bool | None]
"""A property checked on one failing case: True (the mistake shows), False (the output
contradicts the mistake), None (this case cannot tell)."""


def each_failing(
    test: CaseTest,
    *,
    cases: Callable[[Case], bool] = lambda c: True,
    everywhere: Callable[[Evidence, Case], bool] | None = None,
) -> Fires:
    """Fires when the property shows on at least one failing case and no failing case
    contradicts it; passed cases are neutral, except those where the mistake always shows
    (`everywhere` says which): a pass there contradicts it. `cases` limits which cases are
    looked at."""

    def fires(ev: Evidence) -> list[str]:
        if everywhere is not None and any(
            cases(c) and ev.passed(c.id) and everywhere(ev, c) for c in ev.scored
        ):
            return []
        shown = []
        for c in ev.failing:
            if not cases(c):
                continue
            verdict = test(ev, c)
            if verdict is False:
                return []
            if verdict:
                shown.append(c.id)
        return shown

    return fires


def matches(mistake: str, *spellings: str) -> Fires:
    """Fires when the student's outputs equal one mutant run's on every value case where that
    run differs from the reference (raising where it raised), and equal the reference where it
    does not. For a deterministic formula this is the property itself: every spelling of the
    same arithmetic gives the same numbers."""

    def fires(ev: Evidence) -> list[str]:
        for run in ev.runs(mistake):
            if spellings and run.spelling not in spellings:
                continue
            shown = matches_run(ev, run)
            if shown:
                return shown
        return []

    return fires


Matched = Callable[[Evidence], list[tuple[frozenset[str], list[str], str]]]
"""The mutant runs of a family of ids that a student's outputs match: for each, the ids it
holds, the failing cases it explains, and its spelling."""


def matched_runs(family: Iterable[str]) -> Matched:
    """For a family of formula ids whose mutants include combinations (one spelling "a+b",
    registered once for each id it holds): the runs the student's outputs match
    (`matches_run`), each with the ids it holds (a combination's: every id of its spelling).
    Worked out once per evidence, for all the family's recognisers (`shared_by_matches`)."""
    ids = frozenset(family)
    memo: list[Any] = [None, []]

    def matched(ev: Evidence) -> list[tuple[frozenset[str], list[str], str]]:
        if memo[0] is ev:
            return memo[1]
        holds: dict[str, set[str]] = {}
        for m in ev.mutants:
            if m.id in ids and "+" in m.spelling:
                holds.setdefault(m.spelling, set()).add(m.id)
        out: list[tuple[frozenset[str], list[str], str]] = []
        seen: set[str] = set()
        for run in ev.mutants:
            combination = "+" in run.spelling
            if run.id not in ids or (combination and run.spelling in seen):
                continue
            if combination:
                seen.add(run.spelling)  # its runs, one per id it holds, are one formula
            shown = matches_run(ev, run)
            if shown:
                held = holds[run.spelling] if combination else {run.id}
                out.append((frozenset(held), shown, run.spelling))
        memo[0], memo[1] = ev, out
        return out

    return matched


def held_by_all(explanations: Sequence[frozenset[str]] | None, mistake: str) -> bool | None:
    """A case test's verdict from the sets of ids that explain a case's output: True when every
    explanation holds `mistake`, None (the case cannot tell) when only some do, False when none
    does or nothing explains the output."""
    if not explanations:
        return False
    holding = sum(mistake in held for held in explanations)
    if holding == len(explanations):
        return True
    return None if holding else False


def shared_by_matches(mistake: str, matched: Matched) -> Fires:
    """Fires when the student's outputs match some formula holding `mistake`, and every formula
    of the family they match holds it: where two formulas give the same outputs on every case
    (over norm(grad + approx) and the right denominator, when grad and approx have one sign),
    only what they share is named."""

    def fires(ev: Evidence) -> list[str]:
        hits = matched(ev)
        if not hits or not all(mistake in held for held, _, _ in hits):
            return []
        return list(dict.fromkeys(cid for _, shown, _ in hits for cid in shown))

    return fires


def matches_run(ev: Evidence, run: MutantRun) -> list[str]:
    """The failing cases one mutant run explains: the student's outputs equal the run's on
    every value case (raising where it raised), and the run differs from the reference on at
    least one; none otherwise. A run that gives one number on every value case where the
    reference's differ is no evidence: a constant answer would match it."""
    shown: list[str] = []
    differs = False
    seen: list[tuple[Any, Any, Case]] = []
    for c in ev.scored:
        if c.check is not None or c.id not in run.outputs:
            continue
        mo, got, exp = run.outputs[c.id], ev.got(c.id), ev.expected[c.id]
        seen.append((mo, exp, c))
        if isinstance(mo, Raised):
            differs = True
            if got is not NO_VALUE:
                return []
            if not ev.passed(c.id):
                shown.append(c.id)
            continue
        if got is NO_VALUE or not ev.same(mo, got, c):
            return []
        if not ev.same(exp, mo, c):
            differs = True
            if not ev.passed(c.id):
                shown.append(c.id)
    if shown and _constant(ev, seen):
        return []
    return shown if differs else []


def _constant(ev: Evidence, seen: Sequence[tuple[Any, Any, Case]]) -> bool:
    """A run's numbers are one number (within each case's tolerance) where the reference's
    are not."""
    numbers = [(mo, exp, c) for mo, exp, c in seen if _is_real(mo) and not isinstance(exp, Raised)]
    if len(numbers) < 2 or len(numbers) < len(seen):
        return False
    first, first_exp, _ = numbers[0]
    return all(ev.same(first, mo, c) for mo, _, c in numbers[1:]) and not all(
        ev.same(first_exp, exp, c) for _, exp, c in numbers[1:]
    )


def exact(mistake: str, functions: Iterable[str], prop: str, rank: int = 1) -> Recogniser:
    """A recogniser whose property is "the output is the mistaken formula's": the mutants of
    `mistake` (every spelling) are its formula."""
    return Recogniser(mistake, frozenset(functions), prop, matches(mistake), rank=rank)


def right_kind(ev: Evidence, case: Case) -> bool:
    """The student's output on a case has the expected output's structure: same types, keys,
    lengths, shapes and dtype kinds (values may differ)."""
    got, exp = ev.got(case.id), ev.expected[case.id]
    if got is NO_VALUE or isinstance(exp, Raised):
        return False
    return _same_structure(exp, got)


def _same_structure(exp: Any, got: Any) -> bool:
    if isinstance(exp, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(exp)
            and all(_same_structure(exp[k], got[k]) for k in exp)
        )
    if isinstance(exp, (tuple, list)):
        return (
            isinstance(got, (tuple, list))
            and len(got) == len(exp)
            and all(_same_structure(e, g) for e, g in zip(exp, got, strict=True))
        )
    if isinstance(exp, np.ndarray) and exp.ndim > 0:
        if not isinstance(got, np.ndarray) or got.shape != exp.shape:
            return False
        ek, gk = exp.dtype.kind, got.dtype.kind
        allowed = {"b": "biuf", "f": "f", "i": "iu", "u": "iu"}.get(ek, ek)
        return gk in allowed
    if isinstance(exp, (int, float, np.number)) and not isinstance(exp, bool):
        return _is_real(got)
    return type(exp) is type(got)


def _is_real(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, float, np.integer, np.floating)):
        return True
    return isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "iuf"


def as_float(x: Any) -> float | None:
    """A number or a size-1 numeric array as a float; None otherwise."""
    if not _is_real(x):
        return None
    return float(np.asarray(x, dtype=float).reshape(()))


_T = TypeVar("_T")


class IdentityMemo(Generic[_T]):
    """Answers worked out once per object (an evidence, an expected value) and key, kept while
    the object is in use. Each entry holds its object, so an id is never taken for another's;
    at `size` entries the memo starts again."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._held: dict[tuple[int, Hashable], tuple[object, _T]] = {}

    def get(self, owner: object, key: Hashable, compute: Callable[[], _T]) -> _T:
        held = self._held.get((id(owner), key))
        if held is not None and held[0] is owner:
            return held[1]
        if len(self._held) >= self._size:
            self._held.clear()
        answer = compute()
        self._held[(id(owner), key)] = (owner, answer)
        return answer


def close(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Two arrays (or numbers) of one shape, equal within tolerance; False on any mismatch."""
    try:
        a_, b_ = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a_.shape != b_.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(a_, b_, rtol=rtol, atol=atol))


# -- fingerprints --------------------------------------------------------------------------------


def _round(x: float, digits: int) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 1e-9:
        return 0.0
    return float(f"{x:.{digits}g}")


def _rounded(value: np.ndarray, digits: int) -> np.ndarray:
    """`_round` of every entry at once, as float64: rounded to `digits` significant digits,
    zero below 1e-9 (either sign), one NaN for every NaN."""
    with np.errstate(all="ignore"):
        flat = np.array(value, dtype=np.float64).ravel()
        finite = np.isfinite(flat)
        tiny = finite & (np.abs(flat) < 1e-9)
        big = finite & ~tiny
        x = flat[big]
        # 10**k is exact for the k in play, so scale by a power of ten, never by its inverse.
        k = digits - 1 - np.floor(np.log10(np.abs(x)))
        up = 10.0 ** np.maximum(k, 0)
        down = 10.0 ** np.maximum(-k, 0)
        flat[big] = np.where(k >= 0, np.round(x * up) / up, np.round(x / down) * down)
        flat[tiny] = 0.0
        flat[np.isnan(flat)] = np.nan
    return flat


def _key(value: Any) -> str:
    return repr(fingerprint(value, digits=12))


def _outline(value: Any) -> Any:
    """What `fingerprint` keeps of a value but its numbers: cheap to take, and two values whose
    outlines differ never have the same fingerprint."""
    if isinstance(value, (Raised, _NoValue)):
        return value
    if isinstance(value, dict):
        return ("dict", tuple(sorted(repr(k) for k in value)))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_outline(v) for v in value))
    if isinstance(value, np.ndarray):
        return ("array", value.shape, "number" if value.dtype.kind in "biuf" else str(value.dtype))
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    return type(value).__name__


def _alike(a: Any, b: Any) -> bool:
    """`a` and `b` have one fingerprint at 12 digits (the outlines first: most differ there)."""
    if a is b:
        return True
    try:
        if _outline(a) != _outline(b):
            return False
    except TypeError:  # an outline that cannot be compared: the fingerprints decide
        pass
    return _key(a) == _key(b)


def _all_alike(values: Sequence[Any]) -> bool:
    """Every value has the first's fingerprint at 12 digits (stops at the first that does not)."""
    return all(_alike(values[0], v) for v in values[1:])


def fingerprint(value: Any, digits: int = 6) -> Any:
    """A hashable, canonical form of a value with floats rounded to `digits` significant
    digits, so float noise does not tell two equal answers apart."""
    if isinstance(value, Raised):
        return ("raised", value.description)
    if isinstance(value, _NoValue):
        return ("no-value",)
    if isinstance(value, dict):
        return (
            "dict",
            tuple(sorted((repr(k), fingerprint(v, digits)) for k, v in value.items())),
        )
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(fingerprint(v, digits) for v in value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return ("array", value.shape, _rounded(value, digits).tobytes())
        return ("array", value.shape, str(value.dtype))
    if isinstance(value, (bool, np.bool_)):
        return ("bool", bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return ("number", _round(float(value), digits))
    return (type(value).__name__, repr(value)[:200])


# -- loading -------------------------------------------------------------------------------------


def load_recognisers(assignment: str) -> tuple[Recogniser, ...]:
    """The recognisers of an assignment (grader.recognisers.<assignment>.RECOGNISERS)."""
    try:
        module = importlib.import_module(f"{RECOGNISERS}.{assignment}")
    except ModuleNotFoundError:
        return ()
    return tuple(module.RECOGNISERS)
