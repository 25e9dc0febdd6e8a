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
import functools
import json
import os
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import intake, notebook, profile
from grader.errors import UnreadableNotebook, UsageError
from grader.export import write_grades_csv, write_junit
from grader.gradebook import FILENAME, Gradebook, Key
from grader.groups import FILENAME as GROUPS_CSV
from grader.groups import MistakeGroup, code_of, gather, write_groups_csv
from grader.load import sha256_of
from grader.model import GradingResult, Limits
from grader.names import reserved, shown
from grader.oracle import available
from grader.outputs import Outputs
from grader.outputs import write as write_outputs
from grader.pipeline import ALL
from grader.progress import Progress, Silent
from grader.record import (
    atomic_write,
    from_json,
    submission_path,
    sweep_partial,
    sync_folder,
)
from grader.render import render_summary
from grader.roster import Missing, Roster, missing_work
from grader.runners import Job, Runner, dask, inline, local_pool, lost, unreadable
from grader.sandbox.lifeline import sweep_abandoned
from grader.similarity import Fingerprint, Similar, find_similar, fingerprint

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
    refused: tuple[str, ...] = ()
    """Submissions not graded because the student's id is one of the batch's own file names, or
    because a folder inside another student's credits them to a student (`intake.settle`)."""
    unlisted: tuple[str, ...] = ()
    """Students who handed in work but are not on the roster (graded all the same)."""
    credited: tuple[str, ...] = ()
    """Notebooks graded as one student's that lie in another student's folder (`alice/bob/`),
    in words: graded as the contract says, but for the instructor to check."""
    missing: tuple[Missing, ...] = ()
    """Work not handed in: a roster student and an assignment graded in this output folder."""
    similar: tuple[Similar, ...] = ()
    """Pairs of submissions that share code the rest of the class does not (see similarity)."""
    groups: tuple[MistakeGroup, ...] = ()
    """Uncatalogued mistakes that several students share (see groups)."""

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
    except intake.ZIP_ERRORS as exc:
        raise UsageError(f"{archive}: not a readable .zip file ({exc})") from None
    return into


def find_submissions(paths: Sequence[Path], scratch: Path) -> Iterator[Path]:
    """Every notebook under `paths`: notebooks, folders (recursively) and .zip files, for
    `grader ci` (a batch reads its class through grader.intake)."""
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


def _jobs(planned: Sequence[Job], found: dict[str, intake.Found]) -> Iterator[Job]:
    """The planned jobs with their bytes, read only when a job is about to run, so that the
    batch holds a few notebooks in memory rather than the whole class. (The result's hash is
    taken from the bytes actually graded.)"""
    for job in planned:
        try:
            yield replace(job, raw=intake.read(found[job.source]))
        except UnreadableNotebook as exc:  # changed since planning: never read from elsewhere
            yield replace(
                job, raw=None, problem=exc.message, sha256=sha256_of(exc.message.encode())
            )


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


def write_files(outputs: Outputs, out: Path) -> Row:
    """A result's files, in the module docstring's order; the row that records them (its JSON
    text composed once, for the file and the row)."""
    write_outputs(outputs, out)
    return (outputs.result, outputs.result.path, outputs.json)


def commit(rows: list[Row], out: Path, book: Gradebook) -> None:
    """One step: the files written so far made durable, then their rows in one transaction."""
    if rows:
        sync_folder(out)
        book.record_many(rows)
        rows.clear()


def export(
    out: Path,
    results: Sequence[GradingResult],
    *,
    roster: Roster | None = None,
    visibility: frozenset[str] = ALL,
    similar: Sequence[Similar] = (),
    groups: Sequence[MistakeGroup] = (),
) -> tuple[Missing, ...]:
    """The batch-wide files, from the gradebook's current results; returns the missing work."""
    missing = missing_work(results, roster, visibility)
    write_grades_csv(results, out / "grades.csv", roster=roster)
    write_groups_csv(groups, out / GROUPS_CSV)
    write_junit(results, out / "junit.xml")
    atomic_write(
        out / "summary.html",
        render_summary(results, missing=missing, similar=similar, groups=groups),
        durable=False,
    )
    return missing


@dataclass(frozen=True)
class _Plan:
    """What planning decided: the job of each (student, assignment) and what it set aside."""

    jobs: tuple[Job, ...]
    """One per (student, assignment): the newest notebook."""
    problems: tuple[Job, ...]
    """Zips and notebooks that cannot be read: error results without running anything."""
    found: dict[str, intake.Found]
    """Each job's notebook, by its source."""
    duplicates: tuple[str, ...]
    """Resubmissions set aside, in words."""
    refused: tuple[str, ...]
    """Students refused (their id is one of the batch's own file names), and notebooks refused
    (a folder inside another student's names their student: `intake.settle`), in words."""
    unlisted: tuple[str, ...]
    """Students found who are not on the roster."""
    credited: tuple[str, ...]
    """Graded notebooks that lie in another student's folder, in words."""
    fingerprints: tuple[Fingerprint, ...]
    """What copy detection compares, one per job."""


def _plan(
    paths: Sequence[Path],
    patterns: Sequence[intake.Pattern],
    roster: Roster | None,
    job: Callable[..., Job],
) -> _Plan:
    known = available()
    by_pair: dict[tuple[str, str], list[tuple[intake.Found, str, str]]] = {}
    problems: list[Job] = []
    refused: list[str] = []
    unlisted: set[str] = set()
    prints: dict[str, Fingerprint] = {}
    own_places: set[str] = set()  # the students a first-level folder or zip of a class names
    seen_any = False
    for found in intake.find(paths, patterns):
        seen_any = True
        if not found.claimed_in:
            own_places.add(found.student)
        student = found.student
        if roster is not None:
            member = roster.match(found.student, found.lms_id)
            if member is None:
                unlisted.add(found.student)
            else:
                student = member.id
        if reserved(student):
            refused.append(
                f"{found.source}: student id {student!r} is the name of one of the batch's own "
                "files; not graded (rename the folder)"
            )
            continue
        if found.problem:
            problems.append(job(source=found.source, student=student, assignment="",
                                sha256=sha256_of(found.problem.encode()),
                                problem=found.problem))  # fmt: skip
            continue
        try:
            raw: bytes | None = intake.read(found)
        except UnreadableNotebook as exc:
            raw, why = None, exc.message
        else:
            why = ""
        assignment, _how = intake.assignment_for(found, raw, known)
        sha = sha256_of(raw) if raw is not None else ""
        by_pair.setdefault((student, assignment), []).append(
            (intake.with_student(found, student), sha, why)
        )
        if raw is not None:
            prints[found.source] = fingerprint(student, assignment, sha, raw)
    if not seen_any:
        raise UsageError(
            "nothing to grade: no notebooks (*.ipynb) or .zip files under "
            + " ".join(shown(str(p)) for p in paths)
        )
    jobs: list[Job] = []
    duplicates: list[str] = []
    found_by: dict[str, intake.Found] = {}
    fingerprints: list[Fingerprint] = []
    credited: list[str] = []
    for (student, assignment), entries in by_pair.items():
        settled = intake.settle([f for f, _, _ in entries])
        if settled.why:
            refused.append(f"{student}/{assignment}: {settled.why}")
        chosen, older = settled.kept, settled.older
        if chosen is None:  # places disagree on whose it is: an error result says so
            problem = f"{student}/{assignment}: {settled.why}"
            problems.append(job(source=settled.refused[0].source, student=student,
                                assignment=assignment, sha256=sha256_of(problem.encode()),
                                problem=problem, problem_kind="error"))  # fmt: skip
            continue
        sha, why = next((s, w) for f, s, w in entries if f is chosen)
        holder = shown(chosen.claimed_in.rsplit("!", 1)[-1].rsplit("/", 1)[-1])
        if chosen.claimed_in and holder in own_places and holder != chosen.student:
            credited.append(
                f"{student}/{assignment}: {chosen.source} is inside the folder of {holder!r}, "
                f"another student; graded as the work of {student!r} (the folder it is in): "
                "check it is"
            )
        if older:
            duplicates.append(
                f"{student}/{assignment}: kept {chosen.source} (the newest), set aside "
                + ", ".join(f.source for f in older)
            )
        found_by[chosen.source] = chosen
        new = job(source=chosen.source, student=student, assignment=assignment, sha256=sha,
                  problem=why)  # fmt: skip
        (problems if why else jobs).append(new)
        if chosen.source in prints:
            fingerprints.append(prints[chosen.source])
    return _Plan(
        jobs=tuple(jobs),
        problems=tuple(problems),
        found=found_by,
        duplicates=tuple(duplicates),
        refused=tuple(refused),
        unlisted=tuple(sorted(unlisted)),
        credited=tuple(credited),
        fingerprints=tuple(fingerprints),
    )


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
    roster: Roster | None = None,
    patterns: Sequence[intake.Pattern] = intake.PATTERNS,
) -> BatchReport:
    """Grade every submission under `paths` into `out`, skipping those the gradebook already
    holds unchanged (unless `regrade`), on `workers` local processes (default: the machine's
    cores) or on the Dask cluster at `scheduler`. `include_notebook` puts each executed notebook
    in its page (pages already graded keep theirs until regraded). `roster` names who should
    have handed in work (default: the students found); `patterns` are the platforms' file-name
    conventions the intake recognises."""
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
    with profile.stage("plan"):
        plan = _plan(
            paths,
            patterns,
            roster,
            functools.partial(
                Job,
                raw=None,
                visibility=visibility,
                limits=limits,
                include_notebook=include_notebook,
            ),
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    runner: Runner = (
        dask(scheduler) if scheduler else inline() if workers == 1 else local_pool(workers)
    )
    sweep_abandoned(SCRATCH_PREFIX)
    with contextlib.ExitStack() as stack:
        book = stack.enter_context(Gradebook(out / FILENAME))
        sweep_partial(out)
        todo: list[Job] = []
        graded: list[GradingResult] = []
        rows: list[Row] = []
        skipped = adopted = 0
        book.retire_unreadable(keep={(j.student, j.sha256) for j in plan.problems})
        for job in [*plan.problems, *plan.jobs]:
            key = Key(job.student, job.assignment, job.sha256)
            if not regrade and book.has(key):
                book.make_current(key)
                skipped += 1
                continue
            if job.problem:  # nothing to run: the error result at once
                outcome = unreadable(job)
                rows.append(write_files(outcome.outputs, out))
                graded.append(_slim(outcome.result))
                continue
            written = None if regrade else _written(out, key)
            if written is not None:
                book.record(written, job.source)
                adopted += 1
                continue
            todo.append(job)
        step_at = time.monotonic() + STEP_S
        progress.start(len(todo), skipped + adopted)
        try:
            for outcome in runner(_jobs(todo, plan.found)):
                with profile.stage("record"):
                    try:
                        rows.append(write_files(outcome.outputs, out))
                    except (OSError, ValueError, TypeError) as exc:  # ours, not the student's
                        why = f"{type(exc).__name__}: {str(exc)[:200]}"
                        outcome = lost(outcome.job, f"internal error while recording ({why})")
                        rows.append(write_files(outcome.outputs, out))
                    if len(rows) >= ROWS_PER_STEP or time.monotonic() >= step_at:
                        commit(rows, out, book)
                        step_at = time.monotonic() + STEP_S
                graded.append(_slim(outcome.result))
                progress.advance(outcome.result)
        finally:
            intake.forget()
            with profile.stage("record"):
                commit(rows, out, book)
            progress.finish()
        with profile.stage("export"):
            current = list(book.current())
            similar = find_similar(
                plan.fingerprints,
                {
                    (r.student, r.assignment, f.name)
                    for r in current
                    for f in r.functions
                    if f.diagnoses
                },
            )
            groups = gather(current, code_of(plan.fingerprints))
            missing = export(
                out, current, roster=roster, visibility=visibility, similar=similar, groups=groups
            )
    reasons = Counter(r.error["kind"] for r in graded if r.error)
    return BatchReport(
        out=out,
        graded=tuple(graded),
        skipped=skipped,
        adopted=adopted,
        duplicates=plan.duplicates,
        classes=len(current),
        reasons=dict(reasons.most_common()),
        refused=plan.refused,
        unlisted=plan.unlisted,
        credited=plan.credited,
        missing=missing,
        similar=tuple(similar),
        groups=groups,
    )


def _slim(result: GradingResult) -> GradingResult:
    """What the report keeps of a result: no cells or test details (they are on disk)."""
    return replace(result, cells=(), functions=())
