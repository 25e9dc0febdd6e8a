"""The command line: a thin layer that parses arguments and calls the pipeline (contract §4)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import __version__
from grader.errors import GraderError
from grader.model import Limits

DEFAULTS = Limits()


def _limits(timeout: float, call_timeout: float, memory_mb: int) -> Limits:
    return Limits(timeout_s=timeout, call_timeout_s=call_timeout, memory_mb=memory_mb)


def limit_options(f):  # type: ignore[no-untyped-def]
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
        "--timeout",
        type=click.FloatRange(1),
        default=DEFAULTS.timeout_s,
        show_default=True,
        help="Seconds for running the notebook's cells.",
    )(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
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
@limit_options
def check(
    notebook: Path,
    html_path: Path | None,
    json_path: Path | None,
    timeout: float,
    call_timeout: float,
    memory_mb: int,
) -> None:
    """Run the public tests on NOTEBOOK, as a student would.

    Exit status: 0 all pass, 1 some fail, 2 unusable notebook."""
    from grader.execute import Sandbox
    from grader.pipeline import PUBLIC, grade_notebook
    from grader.record import atomic_write, to_json
    from grader.render import render_submission

    if not notebook.exists():
        raise GraderError(f"{notebook}: no such file")
    with Sandbox(_limits(timeout, call_timeout, memory_mb)) as sandbox:
        result = grade_notebook(notebook, sandbox=sandbox, visibility=PUBLIC)
    if json_path:
        atomic_write(json_path, json.dumps(to_json(result), indent=1))
    if html_path:
        atomic_write(html_path, render_submission(result))
    if result.error and result.error["kind"] in ("unreadable-notebook", "unknown-assignment"):
        raise GraderError(result.error["message"])
    for f in result.functions:
        mark = "✓" if f.score == f.max_score else "✗"
        line = f"{mark} {f.name:<42} {f.score:g}/{f.max_score:g}"
        first = next((t for t in f.tests if not t.passed), None)
        if first is not None:
            reason = f.error["message"] if f.error else f"{first.id}: {first.message}"
            line += f"  {reason}"
            if f.diagnoses:
                line += f"  [{', '.join(f.diagnoses)}]"
        click.echo(line)
    click.echo(f"total: {result.score:g}/{result.max_score:g}")
    if result.error:
        click.echo(f"note: {result.error['message']}")
    sys.exit(0 if result.functions and result.score == result.max_score else 1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Output folder.",
)
@limit_options
def grade(
    paths: tuple[Path, ...], out: Path, timeout: float, call_timeout: float, memory_mb: int
) -> None:
    """Grade every submission under PATHS (notebooks, folders, .zip files) with public and hidden
    tests, writing OUT/<student>/<assignment>.json and .html, grades.csv and summary.html."""
    from grader.pipeline import grade_batch

    report = grade_batch(
        paths=list(paths), out=out, limits=_limits(timeout, call_timeout, memory_mb), progress=True
    )
    n = len(report.results)
    click.echo(
        f"graded {n - len(report.errored)} of {n} submissions; {len(report.errored)} with errors"
    )
    for r in report.errored:
        click.echo(
            f"  {r.student}/{r.assignment}: {r.error['kind'] if r.error else '?'}: "
            f"{r.error['message'] if r.error else ''}"
        )
    click.echo(f"summary: {out / 'summary.html'}")


def main() -> None:
    """Entry point: user-facing errors become one line and their exit status."""
    try:
        cli.main(standalone_mode=False)
    except GraderError as exc:
        click.echo(f"grader: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("grader: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
