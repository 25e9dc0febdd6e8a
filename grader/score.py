"""Stage 7, score: each case's verdict and points, each function's score and diagnoses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from grader import profile
from grader.compare import compare
from grader.diagnose import diagnose
from grader.display import exact, split_points
from grader.evidence import view
from grader.groups import group_id
from grader.memo import JudgementMemo
from grader.model import CallOutcome, Execution, FunctionResult, Raised, TestResult
from grader.oracle import Oracle
from grader.recognise import Evidence, IdentityMemo
from grader.spec import AssignmentSpec, Case, FunctionSpec

EXCERPT_CHARS = 600

_EXPECTED_EXCERPTS = IdentityMemo[str](4096)
"""The excerpt of each expected value, by the value's identity (the oracle keeps one object per
case for the whole batch): the same text for every submission, printed once."""


def _expected_excerpt(expected: Any) -> str:
    return _EXPECTED_EXCERPTS.get(expected, None, lambda: excerpt(expected))


_PLAIN = (str, int, bool, type(None))


def prints_alike(a: Any, b: Any) -> bool:
    """Whether `excerpt` certainly prints `a` and `b` the same: the same types all the way down
    and equal values (NaN is never equal, so it is printed). False when unsure."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (
            a.dtype == b.dtype
            and a.dtype.kind in "biuf"
            and a.shape == b.shape
            and bool(np.array_equal(a, b))
        )
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            type(ka) is type(kb)
            and isinstance(ka, _PLAIN)
            and ka == kb
            and prints_alike(a[ka], b[kb])
            for ka, kb in zip(a, b, strict=True)
        )
    if isinstance(a, tuple):
        return len(a) == len(b) and all(prints_alike(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):  # np.float64 too, printed as a float
        return bool(a == b)  # -0.0 and 0.0 print alike; NaN is unequal
    return isinstance(a, _PLAIN) and a == b


def excerpt(value: Any) -> str:
    """A short, printable form of a value for public test details."""
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {excerpt(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(excerpt(v) for v in value) + ")"
    elif isinstance(value, np.ndarray):
        if value.size > 24:
            with np.errstate(all="ignore"):
                stats = (
                    f"mean {np.nanmean(value):.4g}, std {np.nanstd(value):.4g}"
                    if value.dtype.kind in "biuf" and value.size
                    else ""
                )
            text = f"<array {value.shape} {value.dtype}{', ' + stats if stats else ''}>"
        else:
            if value.dtype.kind == "f":
                value = value + 0.0  # -0.0 entries print as 0, never "-0."
            text = np.array2string(value, precision=6, separator=", ", threshold=24)
    elif isinstance(value, float):  # np.float64 too
        text = repr(float(value) + 0.0)  # 0.0, never -0.0
    else:
        text = repr(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def _failure_message(outcome: CallOutcome) -> str:
    err = outcome.error or {}
    kind = err.get("kind", "")
    if kind in ("exception", "memory", "exit") and err.get("type"):
        where = ""
        frames = err.get("traceback") or []
        if frames:
            last = frames[-1]
            where = f" (cell [{last.get('number') or last['cell'] + 1}], line {last['line']})"
        prefix = {"memory": "ran out of memory: ", "exit": "called exit: "}.get(kind, "raised ")
        return f"{prefix}{err['type']}: {err.get('message', '')}".rstrip(": ") + where
    return str(err.get("message") or "the call failed")


@dataclass(frozen=True)
class Judgement:
    """One case's verdict before points are given."""

    passed: bool
    """The output matched."""
    kind: str
    """What went wrong, as a word the report can show for hidden tests too: a comparison kind
    (value, shape, type, keys, length, dtype, nan), "property", or a failed call's error kind
    (exception, timeout, memory, exit, crashed, missing, not-run); "" when it passed."""
    message: str
    """What differed, or "ok"."""
    detail: dict[str, Any]
    """Public cases only: inputs, expected and got, and the picture of the difference."""


def judge_case(
    spec: AssignmentSpec, oracle: Oracle, fspec: FunctionSpec, case: Case, outcome: CallOutcome
) -> Judgement:
    """One case's verdict, message and (public cases) report detail."""
    expected = oracle.expected(fspec, case)
    if isinstance(expected, Raised):  # a broken spec, not a student's fault: say so loudly
        raise RuntimeError(
            f"reference failed on {spec.name}.{fspec.name}/{case.id}: {expected.description}"
        )
    try:
        return _judge(fspec, oracle, case, outcome, expected)
    except Exception as exc:  # a returned value no check or comparison foresaw: it fails alone
        return Judgement(
            False,
            "value",
            f"the returned value could not be checked against the expected one "
            f"({type(exc).__name__})",
            {"inputs": case.summary} if case.visibility == "public" else {},
        )


def _judge(
    fspec: FunctionSpec, oracle: Oracle, case: Case, outcome: CallOutcome, expected: Any
) -> Judgement:
    public = case.visibility == "public"
    detail: dict[str, Any] = {}
    if public:
        shown = _expected_excerpt(expected)
        detail = {"inputs": case.summary, "expected": shown}
        if outcome.ok:
            same = prints_alike(expected, outcome.value)
            detail["got"] = shown if same else excerpt(outcome.value)
    if not outcome.ok:
        err = outcome.error or {}
        if public and err.get("traceback"):
            detail["traceback"] = list(err["traceback"])
        kind = str(err.get("kind") or "crashed")
        return Judgement(False, kind, _failure_message(outcome), detail)
    if case.check is not None:
        verdict = case.check(outcome.value, expected, oracle.inputs(fspec, case))
        if verdict.passed:
            return Judgement(True, "", "ok", detail)
        return Judgement(False, "property", verdict.message, detail)
    diff = compare(expected, outcome.value, case.tol, names=fspec.returns)
    if diff.equal:
        return Judgement(True, "", "ok", detail)
    if public:
        if diff.stats:
            detail["stats"] = diff.stats
        picture = view(expected, outcome.value, diff, case.tol)
        if picture:
            detail["view"] = picture
    return Judgement(False, diff.kind, diff.message, detail)


IGNORES_INPUTS = (
    "the function returns the same answer for every test (or one of its arguments, unchanged), "
    "whatever the inputs: an answer that ignores its inputs earns no points"
)


def _ignores_inputs(j: Judgement) -> Judgement:
    """A test an input-ignoring answer passed by chance, failed; the others as they were."""
    if not j.passed:
        return j
    return Judgement(False, "constant", IGNORES_INPUTS, j.detail)


def grade_function(
    spec: AssignmentSpec,
    oracle: Oracle,
    fspec: FunctionSpec,
    cases: Sequence[Case],
    outcomes: Mapping[str, CallOutcome],
) -> FunctionResult:
    """Verdicts, points and diagnoses of one function over the cases that were run (probes
    among them are evidence for the diagnosis only: never judged, never scored)."""
    ran = tuple(cases)
    cases = [c for c in ran if not c.probe]
    with profile.stage("compare"):
        judged = {c.id: judge_case(spec, oracle, fspec, c, outcomes[c.id]) for c in cases}
    evidence = Evidence(
        fspec=fspec,
        cases=ran,
        inputs={c.id: oracle.inputs(fspec, c) for c in ran},
        expected={c.id: oracle.expected(fspec, c) for c in ran},
        outcomes=dict(outcomes),
        kinds={cid: j.kind for cid, j in judged.items()},
        mutants=oracle.mutants(fspec),
    )
    with profile.stage("diagnose"):
        diagnosis = diagnose(evidence, oracle.recognisers(fspec))
    if any(not j.passed for j in judged.values()) and evidence.trivial(judged_only=True):
        # An answer that ignores its inputs earns nothing, not the cases it hits by chance
        # (a constant verdict of bias_variance is right on a quarter of them).
        judged = {cid: _ignores_inputs(j) for cid, j in judged.items()}
    shares = split_points(fspec.points, [c.weight for c in cases])
    tests = []
    for c, max_points in zip(cases, shares, strict=True):
        j = judged[c.id]
        tests.append(
            TestResult(
                id=c.id,
                visibility=c.visibility,
                passed=j.passed,
                points=max_points if j.passed else 0.0,
                max_points=max_points,
                message=j.message,
                diagnosis=None if j.passed else diagnosis.per_case.get(c.id),
                detail=j.detail,
                kind=j.kind,
                elapsed_s=round(outcomes[c.id].elapsed_s, 6),
            )
        )
    score = exact(sum(t.points for t in tests))
    error = None
    kinds = {(outcomes[c.id].error or {}).get("kind") for c in cases if not outcomes[c.id].ok}
    if len(kinds) == 1 and all(not outcomes[c.id].ok for c in cases):
        kind = kinds.pop()
        if kind in ("missing", "timeout", "memory", "crashed", "exit", "not-run"):
            error = {"kind": kind, "message": _failure_message(outcomes[cases[0].id])}
    result = FunctionResult(
        name=fspec.name,
        score=score,
        max_score=float(fspec.points),
        diagnoses=diagnosis.ids,
        tests=tuple(tests),
        error=error,
        attempted=score > 0 or not all(_untouched(outcomes[c.id]) for c in cases),
    )
    return replace(result, mistake_group=group_id(result, evidence))


def _untouched(outcome: CallOutcome) -> bool:
    """A call that shows the function is still the assignment's stub: it raised
    NotImplementedError (the stub's own line), returned None (an empty body), or there was no
    function to call."""
    err = outcome.error or {}
    if outcome.ok:
        return outcome.value is None
    return err.get("kind") == "missing" or err.get("type") == "NotImplementedError"


def probe_id(function: str, case_id: str) -> str:
    """The id of a probe call: case ids repeat across functions, so both are named."""
    return f"{function}/{case_id}"


def grade_functions(
    spec: AssignmentSpec,
    oracle: Oracle,
    visibility: frozenset[str],
    execution: Execution,
    memo: JudgementMemo | None = None,
) -> tuple[FunctionResult, ...]:
    """Every graded function of the assignment, over the cases of the given visibility. With a
    `memo`, a function whose outcomes are identical to ones already judged gets that judgement
    (it is a pure function of them) instead of being judged again."""
    results = []
    for fspec in spec.functions:
        cases = [c for c in fspec.cases if c.visibility in visibility]
        if not cases:
            continue
        outcomes = {c.id: execution.outcomes[probe_id(fspec.name, c.id)] for c in cases}
        key = memo.key(spec.name, fspec.name, [c.id for c in cases], outcomes) if memo else None
        found = memo.get(key) if memo else None
        if found is None:
            found = grade_function(spec, oracle, fspec, cases, outcomes)
            if memo:
                memo.put(key, found)
        else:  # the same judgement, but this submission's own call times
            found = _timed(found, outcomes)
        results.append(replace(found, changed_inputs=_changed_inputs(cases, outcomes)))
    return tuple(results)


def _changed_inputs(cases: Sequence[Case], outcomes: Mapping[str, CallOutcome]) -> tuple[str, ...]:
    """The arguments the function's judged calls changed in place, in the order first seen
    (not part of the memo's key: a note on this submission's calls, not on the judgement)."""
    names = (n for c in cases if not c.probe for n in outcomes[c.id].changed)
    return tuple(dict.fromkeys(names))


def _timed(result: FunctionResult, outcomes: Mapping[str, CallOutcome]) -> FunctionResult:
    """A remembered judgement with the call times of these outcomes (times are not part of the
    memo's key: they differ between identical answers)."""
    tests = tuple(
        replace(t, elapsed_s=round(outcomes[t.id].elapsed_s, 6)) if t.id in outcomes else t
        for t in result.tests
    )
    return replace(result, tests=tests)
