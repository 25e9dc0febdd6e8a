"""The command line: a thin layer that parses arguments and calls the pipeline (contract §4)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from grader.display import plural, points
from grader.errors import ExitCode, GraderError, UsageError
from grader.gradebook import FILENAME
from grader.model import Limits

if TYPE_CHECKING:
    from grader.batch import BatchReport
    from grader.model import GradingResult

DEFAULTS = Limits()


def _limits(timeout: float, call_timeout: float, memory_mb: int, cell_timeout: float) -> Limits:
    return Limits(
        timeout_s=timeout,
        call_timeout_s=call_timeout,
        memory_mb=memory_mb,
        cell_timeout_s=cell_timeout,
    )


include_notebook_option = click.option(
    "--include-notebook",
    is_flag=True,
    help="Put the executed notebook, rendered by nbconvert, in each page as a collapsed section "
    "(needs the 'notebook' extra).",
)


def limit_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The sandbox limits, shared by every command that runs notebooks."""
    f = click.option(
        "--memory-mb",
        type=click.IntRange(64),
        default=DEFAULTS.memory_mb,
        show_default=True,
        help="Memory a submission may use.",
    )(f)
    f = click.option(
        "--call-timeout",
        type=click.FloatRange(0.1),
        default=DEFAULTS.call_timeout_s,
        show_default=True,
        help="Seconds for one call of a graded function.",
    )(f)
    f = click.option(
        "--cell-timeout",
        type=click.FloatRange(0.1),
        default=DEFAULTS.cell_timeout_s,
        show_default=True,
        help="Seconds for one cell, inside --timeout: a cell past it is interrupted and the "
        "next one runs.",
    )(f)
    f = click.option(
        "--timeout",
        type=click.FloatRange(1),
        default=DEFAULTS.timeout_s,
        show_default=True,
        help="Seconds for running the notebook's cells.",
    )(f)
    return f


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from grader.edition import version_text

    click.echo(version_text())
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version, and which grader this is (instructor's or student bundle).",
)
def cli() -> None:
    """Grade the course's notebooks: initialization, regularization, dropout, gradient checking."""


@cli.command()
@click.argument("notebook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the HTML report here.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the JSON result here.",
)
@include_notebook_option
@limit_options
def check(
    notebook: Path,
    html_path: Path | None,
    json_path: Path | None,
    include_notebook: bool,
    timeout: float,
    call_timeout: float,
    cell_timeout: float,
    memory_mb: int,
) -> None:
    """Run the public tests on NOTEBOOK, as a student would.

    Exit status: 0 all pass, 1 some fail, 2 unusable notebook."""
    from grader import notebook as notebook_html
    from grader.execute import Sandbox
    from grader.load import read_or_none
    from grader.outputs import compose
    from grader.pipeline import PUBLIC, grade_notebook
    from grader.record import atomic_write

    _needs_posix("check")
    if not notebook.exists():
        raise GraderError(f"{notebook}: no such file")
    with Sandbox(_limits(timeout, call_timeout, memory_mb, cell_timeout)) as sandbox:
        result = grade_notebook(notebook, sandbox=sandbox, visibility=PUBLIC)
    shown = None
    if html_path and include_notebook:
        notebook_html.require()
        shown = notebook_html.fragment(read_or_none(notebook), result.cells)
    outputs = compose(result, shown)
    if json_path:
        atomic_write(json_path, outputs.json)
    if html_path:
        atomic_write(html_path, outputs.html)
    from grader.ci import Checked, exit_status

    checked = Checked(str(notebook), result)
    if checked.unusable:
        raise GraderError(str((result.error or {}).get("message", "")))
    _echo_functions(result, public_only=True)
    sys.exit(exit_status([checked]))


def _needs_posix(command: str) -> None:
    """The sandbox forks a warm worker and sets POSIX resource limits: on Windows, one line
    saying what works instead."""
    import os

    if not hasattr(os, "fork"):
        raise UsageError(
            f"grader {command} needs Linux or macOS (its sandbox forks processes and sets POSIX "
            "resource limits): on Windows run it inside WSL; check() in the notebook works "
            "everywhere"
        )


def _hidden(relative: Path) -> bool:
    """Under a dot-folder (.git, .venv, .ipynb_checkpoints): not the student's notebooks."""
    return any(part.startswith(".") for part in relative.parts[:-1])


def _echo_functions(result: GradingResult, public_only: bool) -> None:
    """A line per graded function (and why it lost points), the total, and any error;
    `public_only` labels the scores as the public tests' alone."""
    from grader.ci import function_line

    for f in result.functions:
        click.echo(function_line(f, public_only))
        if f.changed_inputs:
            click.echo(f"  note: it changed {', '.join(f.changed_inputs)} in place")
    total = f"{points(result.score)}/{points(result.max_score)}"
    click.echo(f"total: {total} (public tests only)" if public_only else f"total: {total}")
    if result.error:
        click.echo(f"note: {result.error['message']}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a JUnit XML file here (a test case per test).",
)
@limit_options
def ci(
    paths: tuple[Path, ...],
    junit_path: Path | None,
    timeout: float,
    call_timeout: float,
    cell_timeout: float,
    memory_mb: int,
) -> None:
    """Check the notebooks under PATHS (files, folders, .zip files) with every test this
    installation has, for CI on a submission repository: GitHub ::error annotations, a Markdown
    summary appended to $GITHUB_STEP_SUMMARY when it is set, and --junit.

    Exit status: 0 all pass, 1 some fail, 2 unusable input."""
    import os
    import tempfile

    from grader.batch import find_submissions
    from grader.ci import Checked, capped, error_annotations, exit_status, step_summary
    from grader.execute import Sandbox
    from grader.export import write_junit
    from grader.oracle import public_only
    from grader.pipeline import ALL, grade_notebook

    _needs_posix("ci")
    with tempfile.TemporaryDirectory(prefix="grader-ci-") as scratch:
        found = [
            p
            for root in paths
            for p in find_submissions([root], Path(scratch))
            if not root.is_dir() or not _hidden(p.relative_to(root))
        ]
        if not found:
            raise UsageError("no notebooks (*.ipynb) under " + " ".join(map(str, paths)))
        checked = []
        held: list[str] = []
        with Sandbox(_limits(timeout, call_timeout, memory_mb, cell_timeout)) as sandbox:
            for path in found:
                result = grade_notebook(path, sandbox=sandbox, visibility=ALL)
                checked.append(Checked(str(path), result))
                click.echo(f"{path}:")
                if checked[-1].unusable:
                    click.echo(f"  unusable: {(result.error or {}).get('message', '')}")
                else:
                    _echo_functions(result, public_only())
                held += error_annotations(checked[-1])
        for line in capped(held):  # GitHub shows 10 per step: the first 9, then a count
            click.echo(line)
    if junit_path:
        write_junit([c.result for c in checked], junit_path)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(step_summary(checked, public_only()))
    status = exit_status(checked)
    verdict = {0: "all tests pass", 1: "some tests fail", 2: "unusable input"}[status]
    click.echo(f"{verdict} (public tests only)" if public_only() else verdict)
    sys.exit(status)


def _report(report: BatchReport) -> None:
    """The batch's closing summary: what was graded, what errored and why, where to look."""
    n, bad = len(report.graded), len(report.errored)
    line = f"graded {plural(n, 'submission')}, {bad} with errors"
    if report.skipped:
        line += f"; {report.skipped} unchanged, skipped"
    if report.adopted:
        line += f"; {report.adopted} recovered from an interrupted run"
    click.echo(line)
    if report.reasons:
        click.echo("errors: " + ", ".join(f"{k} ×{v}" for k, v in report.reasons.items()))
    for r in report.errored[:20]:
        kind = r.error["kind"] if r.error else "error"
        message = r.error["message"] if r.error else ""
        click.echo(f"  {r.student}/{r.assignment}: {kind}: {message}")
    if bad > 20:
        click.echo(f"  ... and {bad - 20} more (see summary.html)")
    for d in report.duplicates:
        click.echo(f"resubmission: {d}")
    for line in report.refused:
        click.echo(f"refused: {line}")
    for line in report.credited:
        click.echo(f"check: {line}")
    if report.unlisted:
        shown = ", ".join(report.unlisted[:10]) + (" ..." if len(report.unlisted) > 10 else "")
        click.echo(f"not on the roster (graded all the same): {shown}")
    if report.missing:
        students = len({m.student for m in report.missing})
        n = len(report.missing)
        click.echo(
            f"missing: {plural(n, 'assignment')} not handed in by {plural(students, 'student')}"
        )
    if report.similar:
        pairs = plural(len(report.similar), "pair")
        click.echo(f"shared code: {pairs} of submissions to look at (see summary.html)")
    if report.groups:
        groups = plural(len(report.groups), "uncatalogued mistake")
        click.echo(f"unknown mistakes: {groups} shared by students (see mistake-groups.csv)")
    click.echo(f"gradebook: {plural(report.classes, 'submission')} in {report.out / FILENAME}")
    click.echo(f"summary: {report.out / 'summary.html'}")


def batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """How a batch runs, shared by `grade` and `demo`."""
    f = click.option(
        "--progress",
        type=click.Choice(["auto", "bar", "plain", "none"]),
        default="auto",
        show_default=True,
        help="A progress bar on a terminal, plain log lines otherwise.",
    )(f)
    f = click.option(
        "--workers",
        "-j",
        type=click.IntRange(1),
        default=None,
        help="Parallel grading processes [default: the machine's cores].",
    )(f)
    return f


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Output folder (and its gradebook).",
)
@click.option("--regrade", is_flag=True, help="Grade again submissions the gradebook holds.")
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The class list (CSV with an id column; Canvas, Moodle and Blackboard gradebook "
    "exports work as they are): everyone on it is in grades.csv, with work not handed in as 0.",
)
@click.option(
    "--name-pattern",
    "name_patterns",
    multiple=True,
    metavar="REGEX",
    help="Another platform's file names: a regular expression with groups (?P<student>...) and "
    "(?P<file>...), tried before the built-in Canvas, Moodle and Blackboard ones.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run the jobs on this Dask distributed scheduler (e.g. tcp://host:8786).",
)
@batch_options
@include_notebook_option
@limit_options
def grade(
    paths: tuple[Path, ...],
    out: Path,
    regrade: bool,
    roster: Path | None,
    name_patterns: tuple[str, ...],
    scheduler: str | None,
    workers: int | None,
    progress: str,
    include_notebook: bool,
    timeout: float,
    call_timeout: float,
    cell_timeout: float,
    memory_mb: int,
) -> None:
    """Grade every submission under PATHS (notebooks, folders, .zip files) with public and hidden
    tests. Writes OUT/<student>/<assignment>.json and .html, grades.csv, junit.xml, summary.html,
    Gradescope results.json files and the gradebook; a re-run grades only what changed.
    Instructors only: a student bundle has no hidden tests, so it refuses."""
    _instructor_only("grade")
    from grader import intake
    from grader import progress as progress_mod
    from grader import roster as roster_mod
    from grader.batch import grade_batch

    report = grade_batch(
        roster=roster_mod.read(roster) if roster else None,
        patterns=(*(intake.pattern(p) for p in name_patterns), *intake.PATTERNS),
        paths=list(paths),
        out=out,
        limits=_limits(timeout, call_timeout, memory_mb, cell_timeout),
        workers=workers,
        regrade=regrade,
        scheduler=scheduler,
        progress=progress_mod.choose(progress),
        include_notebook=include_notebook,
    )
    _report(report)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo"),
    show_default=True,
    help="Where the sample class and its reports go.",
)
@click.option(
    "--students",
    type=click.IntRange(1, 100_000),
    default=40,
    show_default=True,
    help="Class size (one notebook per assignment each).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Makes another class.")
@batch_options
def demo(out: Path, students: int, seed: int, workers: int | None, progress: str) -> None:
    """Make a sample class (right answers in several styles, known and unknown mistakes, broken
    and hostile notebooks), grade it, and say where the summary is."""
    _instructor_only("demo")
    from grader import progress as progress_mod
    from grader.batch import grade_batch
    from grader.instructor.sampleclass import clear_own_folder, make_class

    reports = out / "reports"
    clear_own_folder(reports, FILENAME, "a grader output folder")  # no stale students
    made = make_class(out / "submissions", students=students, seed=seed)
    click.echo(f"sample class: {made.students} students, {made.notebooks} notebooks in {made.root}")
    report = grade_batch(
        paths=[made.root],
        out=reports,
        workers=workers,
        progress=progress_mod.choose(progress),
    )
    _report(report)


def _instructor_only(command: str) -> None:
    """Commands that need the reference solutions and the hidden tests, which a student bundle
    does not hold: there they refuse in one line (a bundle's `grade` would give grades on the
    public tests alone, which are not the course's grades)."""
    from grader.edition import public_only

    if public_only():
        why = {
            "grade": "this student bundle has only the public tests, so its grades would not "
            "be the course's",
        }.get(command, "it needs the reference solutions, which this student bundle does not hold")
        raise UsageError(
            f"grader {command} is for instructors: {why} (use grader check or grader ci)"
        )


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The bundle's folder: new, empty, or an earlier bundle, which is replaced.",
)
def release(out: Path) -> None:
    """Make the student bundle: the notebooks, the course helpers, and a grader that runs the
    public tests from stored data, with a README and a CI workflow. It holds no reference code,
    no hidden test and no mutant code."""
    _instructor_only("release")
    from grader.instructor.release import build_release

    made = build_release(out=out)
    click.echo(
        f"bundle: {made.out} ({len(made.assignments)} assignments, {made.public_cases} public "
        f"tests, {made.mistakes} nameable mistakes, {made.files} files)"
    )
    click.echo(f"students install it with: pip install {made.out}")


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("autograder.zip"),
    show_default=True,
    help="The zip to upload as the Gradescope assignment's autograder.",
)
@click.option(
    "--assignment",
    metavar="NAME",
    help="The assignment a submitted notebook without metadata is graded as.",
)
def gradescope(out: Path, assignment: str | None) -> None:
    """Make the zip Gradescope's autograder specification expects (setup.sh, run_autograder,
    this grader with its hidden tests): upload it to run this grader inside Gradescope."""
    _instructor_only("gradescope")
    from grader.autograder import build

    n = build(out, assignment)
    click.echo(f"autograder: {out} ({n} files); upload it in the assignment's Configure Autograder")


@cli.command(hidden=True)
@click.option(
    "--root", type=click.Path(path_type=Path, file_okay=False), default=Path("/autograder")
)
@click.option("--assignment", default=None)
def autograde(root: Path, assignment: str | None) -> None:
    """Inside Gradescope's container (run_autograder): grade ROOT/submission into
    ROOT/results/results.json."""
    from grader.autograder import run

    click.echo(f"results: {run(root, assignment)}")


def main() -> None:
    """Entry point: user-facing errors become one line and their exit status."""
    from grader.edition import collision

    warning = collision()
    if warning:
        click.echo(f"grader: warning: {warning}", err=True)
    try:
        cli.main(standalone_mode=False)
    except GraderError as exc:
        click.echo(f"grader: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # stopping already: a second Ctrl-C waits
        click.echo(
            "grader: interrupted; results recorded so far are kept (run the same command "
            "again to resume)",
            err=True,
        )
        # Everything this run started has been stopped and reaped on the way here (the pool's
        # and the sandbox's own cleanup), and every record is on disk. Leave now, without the
        # interpreter's finalization: a Ctrl-C caught during planning was seen to turn the
        # exit status 130 into death by SIGINT there, about 1 run in 15.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(ExitCode.INTERRUPTED)
    except OSError as exc:  # the machine's, not the input's: a full disk, a lost folder
        click.echo(f"grader: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(ExitCode.UNUSABLE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
