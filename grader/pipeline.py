"""The order of the stages, written once: load, execute/probe/transfer, compare/diagnose/score,
record, render. The stages never call each other; this module hands each one's output on."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from grader import __version__, profile
from grader.display import exact, number
from grader.errors import GraderError, WorkerFailure
from grader.execute import MAX_FATAL_CELLS, Sandbox
from grader.load import load_submission, peek_assignment, read_notebook, sha256_of
from grader.memo import JudgementMemo
from grader.model import CodeCell, Execution, GradingResult, Limits, ProbeCall
from grader.oracle import available, load, load_spec
from grader.sandbox.jail import FULL
from grader.score import grade_functions, probe_id

PUBLIC = frozenset({"public"})
ALL = frozenset({"public", "hidden"})


def environment(sha256: str = "") -> dict[str, str]:
    """What a regrade needs to reproduce this run."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "grader": __version__,
        "submission_sha256": sha256,
    }


def sandbox_record(
    limits: Limits, layers: Sequence[str], notes: Sequence[str] = ()
) -> dict[str, object]:
    """The isolation a run actually had, and its limits."""
    return {
        "isolated": True,  # student code ran in a separate, rlimited process group, never here
        "layers": [
            "separate-process",
            "process-group",
            "rlimits",
            "scratch-dir",
            "import-guard",
            *layers,
        ],
        "missing": [x for x in FULL if x not in layers],
        "notes": list(notes),
        "limits": {
            "timeout_s": limits.timeout_s,
            "call_timeout_s": limits.call_timeout_s,
            "cell_timeout_s": limits.cell_timeout_s,
            "memory_mb": limits.memory_mb,
            "file_mb": limits.file_mb,
        },
    }


def _numbered_error(error: Any, numbers: Mapping[int, int]) -> Any:
    if not isinstance(error, Mapping) or not isinstance(error.get("traceback"), list):
        return error
    frames = [
        {**fr, "number": numbers.get(fr.get("cell", -1), 0)} if isinstance(fr, Mapping) else fr
        for fr in error["traceback"]
    ]
    return {**error, "traceback": frames}


def numbered(execution: Execution, cells: Sequence[CodeCell]) -> Execution:
    """The run with each cell, and each traceback frame, carrying the cell's number among the
    code cells (Jupyter's In [n] after Restart & Run All), which is how pages name cells."""
    numbers = {c.index: c.number for c in cells}
    return replace(
        execution,
        cells=tuple(
            replace(c, number=numbers.get(c.index, 0), error=_numbered_error(c.error, numbers))
            for c in execution.cells
        ),
        outcomes={
            k: replace(o, error=_numbered_error(o.error, numbers))
            for k, o in execution.outcomes.items()
        },
    )


def grade_notebook(
    path: Path,
    *,
    sandbox: Sandbox,
    visibility: frozenset[str] = ALL,
    student: str | None = None,
    raw: bytes | None = None,
    memo: JudgementMemo | None = None,
    assignment: str | None = None,
) -> GradingResult:
    """One submission, start to result. Never raises for bad input: that becomes the result.
    `raw` is the file's bytes when the caller has already read them (a batch planner, a remote
    worker that never sees the file). `memo` remembers judgements across the submissions one
    process grades (`grader.memo`). `assignment` is the batch's decision for a notebook whose
    metadata names none (default: the file's stem)."""
    t0 = time.monotonic()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fallback_student = student or path.parent.name or "student"
    try:
        with profile.stage("load"):
            if raw is None:
                raw = read_notebook(path)
            sub = load_submission(path, available(), student, raw=raw, assignment=assignment)
    except GraderError as exc:
        stem = assignment or path.stem
        assignment = peek_assignment(raw, stem) if raw is not None else stem
        known = assignment in available()
        return GradingResult.from_error(
            student=fallback_student,
            assignment=assignment,
            kind=exc.kind,
            message=exc.message,
            max_score=load_spec(assignment).points(visibility) if known else 0.0,
            environment=environment(sha256_of(raw) if raw is not None else ""),
            path=str(path),
            graded_at=now,
            elapsed_s=round(time.monotonic() - t0, 4),
            sandbox=sandbox_record(sandbox.limits, ()),
        )
    spec, oracle = load(sub.assignment)
    probes = [
        ProbeCall(
            case_id=probe_id(f.name, c.id),
            function=f.name,
            args=oracle.inputs(f, c)[0],
            kwargs=oracle.inputs(f, c)[1],
            seed=c.seed,
            bindings=c.bindings,
        )
        for f in spec.functions
        for c in f.cases
        if c.visibility in visibility
    ]
    try:
        with profile.stage("execute", _worker_cpu(sandbox) if profile.enabled() else None):
            execution = numbered(sandbox.run(sub.cells, probes), sub.cells)
    except WorkerFailure as exc:  # ours: the submission is not graded, and says so
        return GradingResult.from_error(
            student=sub.student,
            assignment=sub.assignment,
            kind=exc.kind,
            message=exc.message,
            max_score=spec.points(visibility),
            environment=environment(sub.sha256),
            path=str(path),
            graded_at=now,
            elapsed_s=round(time.monotonic() - t0, 4),
            sandbox=sandbox_record(sandbox.limits, ()),
            notes=sub.notes,
        )
    with profile.stage("score"):
        functions = grade_functions(spec, oracle, visibility, execution, memo)
    common: dict[str, Any] = dict(
        functions=functions,
        max_score=spec.points(visibility),
        sandbox=sandbox_record(sandbox.limits, execution.isolation, execution.isolation_notes),
        environment=environment(sub.sha256),
        cells=execution.cells,
        fatal_cells=execution.fatal_cells,
        runs=execution.runs,
        notes=sub.notes,
        elapsed_s=round(time.monotonic() - t0, 4),
        path=str(path),
        graded_at=now,
    )
    problem = _job_error(execution, sandbox.limits)
    if problem is not None:
        kind, message = problem
        return GradingResult.from_error(
            student=sub.student, assignment=sub.assignment, kind=kind, message=message, **common
        )
    return GradingResult(
        student=sub.student,
        assignment=sub.assignment,
        status="graded",
        error=None,
        score=exact(sum(f.score for f in functions)),
        **common,
    )


def _worker_cpu(sandbox: Sandbox) -> Callable[[], float]:
    """For the profile: the CPU of the sandbox's worker (and its waited-for children) plus this
    thread's, which decodes what the worker sent."""

    def read() -> float:
        return sum(profile.process_cpu(pid) for pid in sandbox.worker_pids()) + time.thread_time()

    return read


def _job_error(execution: Execution, limits: Limits) -> tuple[str, str] | None:
    """The error kind and message of a run that did not go as a notebook should, or None."""
    if execution.tampered:
        return "tampered", (
            f"the submission's process sent a record the grader could not accept "
            f"({execution.tampered}); what was graded before it counts, the rest was not run"
        )
    shown = {c.index: c.shown for c in execution.cells}  # as Jupyter numbers them
    parts: list[str] = []
    kind = ""
    fatal = execution.fatal_cells
    kinds: set[str] = set()
    skipped = fatal[:MAX_FATAL_CELLS]
    for f in skipped:
        n = shown.get(f.index, f.index + 1)
        parts.append(
            f"cell [{n}] ended the notebook's process ({f.reason}); it was skipped "
            "and the notebook run again without it"
        )
        kinds.add(f.kind)
    # A crash is the gravest, then the memory limit, then a cell that would not stop.
    for grave in ("exit", "signal", "memory", "timeout"):
        if grave in kinds:
            kind = "crashed" if grave in ("exit", "signal") else grave
            break
    if len(fatal) > MAX_FATAL_CELLS:
        last = fatal[-1]
        n = shown.get(last.index, last.index + 1)
        parts.append(
            f"cell [{n}] ended the notebook's process too ({last.reason}); after "
            f"{MAX_FATAL_CELLS} such cells the notebook was not run again without it: the last "
            f"run stopped before cell [{n}], so the cells from there on did not run"
        )
        kind = "crashed"
    if execution.cell_timeouts:
        cells = ", ".join(f"[{shown.get(i, i + 1)}]" for i in execution.cell_timeouts)
        one = len(execution.cell_timeouts) == 1
        parts.append(
            f"{'cell' if one else 'cells'} {cells} did not finish within the "
            f"{number(limits.cell_timeout_s)} s limit per cell and {'was' if one else 'were'} "
            "interrupted; the next cells still ran"
        )
        kind = kind or "timeout"
    if execution.notebook_timed_out:
        parts.append(
            f"the notebook did not finish within its {number(limits.timeout_s)} s limit; the cells "
            "after that were not run, and functions defined before were graded"
        )
        kind = kind or "timeout"
    if execution.ended == "crashed":
        parts.append("the grading worker stopped unexpectedly")
        kind = "crashed"
    if not parts:
        return None
    message = "; ".join(parts)
    return kind, message
