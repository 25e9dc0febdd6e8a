"""The order of the stages, written once: load, execute/probe/transfer, compare/diagnose/score,
record, render. The stages never call each other; this module hands each one's output on."""

from __future__ import annotations

import platform
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from grader import __version__
from grader.diagnose import inputs_of
from grader.errors import GraderError, UsageError
from grader.execute import Sandbox
from grader.load import load_submission
from grader.model import GradingResult, Limits, ProbeCall
from grader.record import result_path, write_grades_csv, write_result
from grader.render import render_submission, render_summary
from grader.score import grade_functions, probe_id
from grader.spec import available, load_spec

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
        "missing": [x for x in ("network-namespace", "dropped-uid") if x not in layers],
        "notes": list(notes),
        "limits": {
            "timeout_s": limits.timeout_s,
            "call_timeout_s": limits.call_timeout_s,
            "memory_mb": limits.memory_mb,
            "file_mb": limits.file_mb,
        },
    }


def grade_notebook(
    path: Path, *, sandbox: Sandbox, visibility: frozenset[str] = ALL, student: str | None = None
) -> GradingResult:
    """One submission, start to result. Never raises for bad input: that becomes the result."""
    t0 = time.monotonic()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fallback_student = student or path.parent.name or "student"
    try:
        sub = load_submission(path, available(), student)
    except GraderError as exc:
        known = path.stem in available()
        return GradingResult.from_error(
            student=fallback_student,
            assignment=path.stem,
            kind=exc.kind,
            message=exc.message,
            max_score=load_spec(path.stem).points(visibility) if known else 0.0,
            environment=environment(),
            path=str(path),
            graded_at=now,
            sandbox=sandbox_record(sandbox.limits, ()),
        )
    spec = load_spec(sub.assignment)
    probes = [
        ProbeCall(
            case_id=probe_id(f.name, c.id),
            function=f.name,
            args=inputs_of(spec.name, f.name, c.id)[0],
            kwargs=inputs_of(spec.name, f.name, c.id)[1],
            seed=c.seed,
            bindings=c.bindings,
        )
        for f in spec.functions
        for c in f.cases
        if c.visibility in visibility
    ]
    execution = sandbox.run(sub.cells, probes)
    functions = grade_functions(spec, visibility, execution)
    common = dict(
        functions=functions,
        max_score=spec.points(visibility),
        sandbox=sandbox_record(sandbox.limits, execution.isolation, execution.isolation_notes),
        environment=environment(sub.sha256),
        cells=execution.cells,
        elapsed_s=round(time.monotonic() - t0, 4),
        path=str(path),
        graded_at=now,
    )
    if execution.ended != "exit" or execution.notebook_timed_out:
        kind, message = _job_error(execution.ended, execution.notebook_timed_out, sandbox.limits)
        return GradingResult.from_error(
            student=sub.student, assignment=sub.assignment, kind=kind, message=message, **common
        )
    return GradingResult(
        student=sub.student,
        assignment=sub.assignment,
        status="graded",
        error=None,
        score=round(sum(f.score for f in functions), 4),
        **common,
    )


def _job_error(ended: str, notebook_timed_out: bool, limits: Limits) -> tuple[str, str]:
    if notebook_timed_out or ended == "timeout":
        return "timeout", (
            f"the notebook did not finish within {limits.timeout_s:g} s; "
            "functions defined before that were graded"
        )
    if ended == "signal":
        return "crashed", "the notebook's process was killed (memory or a crash)"
    return "crashed", "the grading worker stopped unexpectedly"


MAX_ZIP_BYTES = 2 * 2**30


@dataclass(frozen=True)
class BatchReport:
    """What a batch produced."""

    results: tuple[GradingResult, ...]
    """One per submission, in the order found."""
    out: Path
    """The output folder."""

    @property
    def errored(self) -> tuple[GradingResult, ...]:
        """The submissions that could not be graded in full."""
        return tuple(r for r in self.results if r.status != "graded")


def _safe_extract(archive: Path, into: Path) -> Path:
    """Extract a .zip without letting a member escape the folder or exceed the size bound."""
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                target = (into / info.filename).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise UsageError(
                        f"{archive.name}: member {info.filename!r} escapes the archive"
                    )
                total += info.file_size
                if total > MAX_ZIP_BYTES:
                    raise UsageError(f"{archive.name}: more than 2 GB uncompressed")
            zf.extractall(into)
    except zipfile.BadZipFile:
        raise UsageError(f"{archive}: not a readable .zip file") from None
    return into


def find_submissions(paths: Sequence[Path], scratch: Path) -> Iterator[Path]:
    """Every notebook under `paths`: notebooks, folders (recursively) and .zip files."""
    for i, path in enumerate(paths):
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
        elif path.suffix.lower() == ".zip":
            folder = _safe_extract(path, scratch / f"zip{i}")
            yield from sorted(
                p
                for p in folder.rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts
            )
        else:
            yield path


def grade_batch(
    *, paths: Sequence[Path], out: Path, limits: Limits | None = None, progress: bool = False
) -> BatchReport:
    """Grade every submission under `paths` into `out`: a JSON and an HTML file per submission,
    then grades.csv and summary.html. Each result is written as soon as it exists."""
    out.mkdir(parents=True, exist_ok=True)
    results: list[GradingResult] = []
    with tempfile.TemporaryDirectory(prefix="grader-batch-") as tmp, Sandbox(limits) as sandbox:
        for nb in find_submissions(paths, Path(tmp)):
            result = grade_notebook(nb, sandbox=sandbox, visibility=ALL)
            write_result(result, out)
            html = result_path(out, result, ".html")
            html.write_text(render_submission(result), encoding="utf-8")
            results.append(result)
            if progress:
                verdict = (
                    f"{result.score:g}/{result.max_score:g}"
                    if result.status == "graded"
                    else f"error: {result.error['kind'] if result.error else '?'}"
                )
                print(f"{result.student}/{result.assignment}: {verdict}", flush=True)
    write_grades_csv(results, out / "grades.csv")
    (out / "summary.html").write_text(render_summary(results), encoding="utf-8")
    return BatchReport(tuple(results), out)
