"""How a batch shows its progress: a rich progress bar (ETA, running error count) on a terminal,
one plain log line per submission otherwise (CI logs, files, pipes), or nothing."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from grader.display import plural, points
from grader.model import GradingResult


def verdict(result: GradingResult) -> str:
    """A result in a few words: its score, or its error."""
    if result.status == "graded":
        return f"{points(result.score)}/{points(result.max_score)}"
    kind = result.error["kind"] if result.error else "error"
    message = result.error["message"] if result.error else ""
    return f"{points(result.score)}/{points(result.max_score)}, {kind}: {message}"


class Progress(Protocol):
    """What the batch tells about its progress."""

    def start(self, total: int, skipped: int) -> None:
        """`total` submissions to grade; `skipped` already graded and unchanged."""

    def advance(self, result: GradingResult) -> None:
        """One submission graded."""

    def finish(self) -> None:
        """The batch is over (or interrupted)."""


class Silent:
    """No output."""

    def start(self, total: int, skipped: int) -> None:
        pass

    def advance(self, result: GradingResult) -> None:
        pass

    def finish(self) -> None:
        pass


class Plain:
    """One line per submission, flushed at once, for logs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._total = self._done = self._errors = 0
        self._t0 = time.monotonic()

    def _say(self, text: str) -> None:
        print(text, file=self._stream, flush=True)

    def start(self, total: int, skipped: int) -> None:
        self._total, self._t0 = total, time.monotonic()
        self._say(f"grading {plural(total, 'submission')} ({skipped} unchanged, skipped)")

    def advance(self, result: GradingResult) -> None:
        self._done += 1
        self._errors += result.status != "graded"
        width = len(str(self._total))
        self._say(
            f"[{self._done:>{width}}/{self._total}] {result.student}/{result.assignment}: "
            f"{verdict(result)}"
        )

    def finish(self) -> None:
        elapsed = time.monotonic() - self._t0
        self._say(f"done: {self._done} graded in {elapsed:.1f} s, {self._errors} with errors")


class Bar:
    """A rich progress bar with an ETA and the running count of errors."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[errors_text]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task = self._progress.add_task("grading", total=None, errors_text=plural(0, "error"))
        self._errors = 0

    def start(self, total: int, skipped: int) -> None:
        if skipped:
            self._progress.console.print(f"{plural(skipped, 'unchanged submission')} skipped")
        self._progress.update(self._task, total=total)
        self._progress.start()

    def advance(self, result: GradingResult) -> None:
        if result.status != "graded":
            self._errors += 1
            from rich.markup import escape  # student ids and messages are not markup

            self._progress.console.print(
                f"[red]✗[/red] {escape(f'{result.student}/{result.assignment}')}: "
                f"{escape(verdict(result))}",
                highlight=False,
            )
        self._progress.update(self._task, advance=1, errors_text=plural(self._errors, "error"))

    def finish(self) -> None:
        self._progress.stop()


def choose(kind: str = "auto") -> Progress:
    """`bar` on a terminal, `plain` otherwise ("auto"), or as asked."""
    if kind == "auto":
        kind = "bar" if sys.stderr.isatty() else "plain"
    return {"bar": Bar, "plain": Plain, "none": Silent}[kind]()
