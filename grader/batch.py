"""A class at once: find the submissions, plan against the gradebook, grade in parallel, record
each result the moment it exists, then export.

Order of a result's files, each written atomically (a temporary file, then a rename): the page
(`.html`), Gradescope's `results.json`, the result (`.json`), then the gradebook row. The `.json`
is the marker: a run killed after it and before the row *adopts* the file on the next run
instead of grading again, so every submission is graded exactly once however often the batch is
interrupted. Rows are committed in steps (every ROWS_PER_STEP results or STEP_S seconds), each
after one sync of the output folder, so a committed row's files also survive a power cut,
without an fsync per file."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import notebook, profile
from grader.errors import UsageError
from grader.export import write_grades_csv, write_gradescope, write_junit
from grader.gradebook import FILENAME, Gradebook, Key
from grader.lifeline import owned_tempdir, sweep_abandoned
from grader.load import peek_assignment, read_or_none, sha256_of
from grader.model import GradingResult, Limits
from grader.pipeline import ALL
from grader.progress import Progress, Silent
from grader.record import (
    atomic_write,
    dumps,
    from_json,
    result_path,
    submission_path,
    sweep_partial,
    sync_folder,
)
from grader.render import render_summary
from grader.runners import Job, Runner, dask, inline, local_pool, lost

MAX_ZIP_BYTES = 2 * 2**30
ROWS_PER_STEP = 64
STEP_S = 1.0
SCRATCH_PREFIX = "grader-batch-"


@dataclass(frozen=True)
class BatchReport:
    """What a batch did."""

    out: Path
    """The output folder."""
    graded: tuple[GradingResult, ...]
    """The results produced by this run, in the order they finished."""
    skipped: int = 0
    """Submissions already in the gradebook, unchanged, not graded again."""
    adopted: int = 0
    """Results found written but not yet recorded (an interrupted run) and recorded now."""
    duplicates: tuple[str, ...] = ()
    """Notebooks ignored because a later one had the same student and assignment."""
    classes: int = 0
    """(student, assignment) pairs in the gradebook after the run."""
    reasons: dict[str, int] = field(default_factory=dict)
    """Error kinds among this run's results, with their counts."""

    @property
    def errored(self) -> tuple[GradingResult, ...]:
        """This run's submissions that could not be graded in full."""
        return tuple(r for r in self.graded if r.status != "graded")


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


def _plan(path: Path, visibility: frozenset[str], limits: Limits, include_notebook: bool) -> Job:
    """The job for `path`, without its bytes: the gradebook key is all planning needs."""
    raw = read_or_none(path)
    return Job(
        source=str(path),
        student=path.parent.name or "student",
        assignment=peek_assignment(raw, path.stem) if raw is not None else path.stem,
        sha256=sha256_of(raw) if raw is not None else "",
        raw=None,
        visibility=visibility,
        limits=limits,
        include_notebook=include_notebook,
    )


def _jobs(planned: Sequence[Job]) -> Iterator[Job]:
    """The planned jobs with their bytes, read only when a job is about to run, so that the
    batch holds a few notebooks in memory rather than the whole class. (The result's hash is
    taken from the bytes actually graded.)"""
    for job in planned:
        yield replace(job, raw=read_or_none(Path(job.source)))


def _written(out: Path, key: Key) -> GradingResult | None:
    """The result file of `key` if a previous run wrote it completely (it is never partial)."""
    path = submission_path(out, key.student, key.assignment, ".json")
    try:
        result = from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    same = (result.student, result.assignment, result.environment.get("submission_sha256"))
    return result if same == (key.student, key.assignment, key.sha256) else None


Row = tuple[GradingResult, str, str]
"""A result, where it was found, and its JSON text: a gradebook row waiting for its step."""


def write_files(result: GradingResult, html: str, out: Path) -> Row:
    """A result's files, in the module docstring's order; the row that records them."""
    text = dumps(result)  # once, for the file and the gradebook row
    atomic_write(result_path(out, result, ".html"), html, durable=False)
    write_gradescope(result, out, durable=False)
    atomic_write(result_path(out, result, ".json"), text, durable=False)
    return (result, result.path, text)


def commit(rows: list[Row], out: Path, book: Gradebook) -> None:
    """One step: the files written so far made durable, then their rows in one transaction."""
    if rows:
        sync_folder(out)
        book.record_many(rows)
        rows.clear()


def export(out: Path, results: Sequence[GradingResult]) -> None:
    """The batch-wide files, from the gradebook's current results."""
    write_grades_csv(results, out / "grades.csv")
    write_junit(results, out / "junit.xml")
    atomic_write(out / "summary.html", render_summary(results), durable=False)


def grade_batch(
    *,
    paths: Sequence[Path],
    out: Path,
    limits: Limits | None = None,
    workers: int | None = None,
    regrade: bool = False,
    scheduler: str | None = None,
    progress: Progress | None = None,
    visibility: frozenset[str] = ALL,
    include_notebook: bool = False,
) -> BatchReport:
    """Grade every submission under `paths` into `out`, skipping those the gradebook already
    holds unchanged (unless `regrade`), on `workers` local processes (default: the machine's
    cores) or on the Dask cluster at `scheduler`. `include_notebook` puts each executed notebook
    in its page (pages already graded keep theirs until regraded)."""
    if include_notebook:
        notebook.require()
    limits = limits or Limits()
    # The class's notebooks and its gradebook are not for a submission's eyes.
    limits = replace(
        limits,
        hidden=tuple(sorted({*limits.hidden, *(str(p.resolve()) for p in [*paths, out])})),
    )
    progress = progress or Silent()
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    runner: Runner = (
        dask(scheduler) if scheduler else inline() if workers == 1 else local_pool(workers)
    )
    sweep_abandoned(SCRATCH_PREFIX)
    tmp = owned_tempdir(SCRATCH_PREFIX)  # where .zip files are extracted
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        book = stack.enter_context(Gradebook(out / FILENAME))
        sweep_partial(out)
        latest: dict[tuple[str, str], Job] = {}
        duplicates: list[str] = []
        for path in find_submissions(paths, tmp):
            with profile.stage("plan"):
                job = _plan(path, visibility, limits, include_notebook)
            pair = (job.student, job.assignment)
            if pair in latest:
                duplicates.append(f"{latest[pair].source} (superseded by {job.source})")
            latest[pair] = job
        todo: list[Job] = []
        skipped = adopted = 0
        for job in latest.values():
            key = Key(job.student, job.assignment, job.sha256)
            if not regrade and book.has(key):
                book.make_current(key)
                skipped += 1
                continue
            written = None if regrade else _written(out, key)
            if written is not None:
                book.record(written, job.source)
                adopted += 1
                continue
            todo.append(job)
        graded: list[GradingResult] = []
        rows: list[Row] = []
        step_at = time.monotonic() + STEP_S
        progress.start(len(todo), skipped + adopted)
        try:
            for outcome in runner(_jobs(todo)):
                with profile.stage("record"):
                    try:
                        rows.append(write_files(outcome.result, outcome.html, out))
                    except (OSError, ValueError, TypeError) as exc:  # ours, not the student's
                        outcome = lost(outcome.job, f"internal error while recording: {exc!r}")
                        rows.append(write_files(outcome.result, outcome.html, out))
                    if len(rows) >= ROWS_PER_STEP or time.monotonic() >= step_at:
                        commit(rows, out, book)
                        step_at = time.monotonic() + STEP_S
                graded.append(_slim(outcome.result))
                progress.advance(outcome.result)
        finally:
            with profile.stage("record"):
                commit(rows, out, book)
            progress.finish()
        with profile.stage("export"):
            current = list(book.current())
            export(out, current)
    reasons = Counter(r.error["kind"] for r in graded if r.error)
    return BatchReport(
        out=out,
        graded=tuple(graded),
        skipped=skipped,
        adopted=adopted,
        duplicates=tuple(duplicates),
        classes=len(current),
        reasons=dict(reasons.most_common()),
    )


def _slim(result: GradingResult) -> GradingResult:
    """What the report keeps of a result: no cells or test details (they are on disk)."""
    return replace(result, cells=(), functions=())
