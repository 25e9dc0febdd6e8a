"""Per-stage timers, for seeing where a batch's time goes: `GRADER_PROFILE=1 grader grade ...`.

Off by default, and then `stage()` costs one attribute test. When on, every process of the batch
(the parent, its grading processes) adds each stage's CPU time and wall time to its own table;
a grading process leaves its table in a folder the parent made when it exits, and the parent
prints every table, summed, to stderr when it exits itself.

The execute stage runs in the sandbox's worker, not here: its CPU is the worker's, read from
/proc (the worker's own time plus its children's, which it waits for before answering).

This module keeps one table per process: timers are cross-cutting and threading a table
through every stage would cost more than it shows. Nothing here changes what a stage does."""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing.util
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ENV = "GRADER_PROFILE"
"""Set to 1 to profile."""
_DIR_ENV = "GRADER_PROFILE_DIR"
"""Where the grading processes leave their tables (made by the process that turned profiling on)."""

ORDER = (
    "load",
    "plan",
    "execute",
    "transfer",
    "compare",
    "diagnose",
    "score",
    "render",
    "record",
    "export",
)
"""The stages in pipeline order, for the table (others follow, by name)."""


@dataclass
class Timer:
    """One stage's totals."""

    cpu: float = 0.0
    """CPU seconds of this process (and, for execute, of the worker)."""
    wall: float = 0.0
    """Wall-clock seconds."""
    count: int = 0
    """Times the stage ran."""


@dataclass
class _Frame:
    cpu: float = 0.0  # time spent in stages nested inside this one, taken off its own
    wall: float = 0.0


@dataclass
class _Table:
    timers: dict[str, Timer] = field(default_factory=dict)
    stack: list[_Frame] = field(default_factory=list)
    on: bool = False
    owner: int = 0  # the pid that made the folder, and prints the report

    def add(self, name: str, cpu: float, wall: float) -> None:
        t = self.timers.setdefault(name, Timer())
        t.cpu += cpu
        t.wall += wall
        t.count += 1


_TABLE = _Table()


def enabled() -> bool:
    """Profiling is on in this process."""
    return _TABLE.on


@contextlib.contextmanager
def stage(name: str, other_cpu: Callable[[], float] | None = None) -> Iterator[None]:
    """Time the block as stage `name`, exclusive of the stages nested inside it. `other_cpu`
    reads CPU seconds of the processes doing the stage's work (the sandbox's worker, and this
    thread), counted instead of this thread's alone."""
    if not _TABLE.on:
        yield
        return
    clock = other_cpu or time.thread_time
    frame = _Frame()
    _TABLE.stack.append(frame)
    c0, w0 = clock(), time.perf_counter()
    try:
        yield
    finally:
        cpu, wall = max(0.0, clock() - c0), time.perf_counter() - w0
        _TABLE.stack.pop()
        _TABLE.add(name, max(0.0, cpu - frame.cpu), max(0.0, wall - frame.wall))
        if _TABLE.stack:
            _TABLE.stack[-1].cpu += cpu
            _TABLE.stack[-1].wall += wall


def process_cpu(pid: int) -> float:
    """CPU seconds of `pid` and of the children it has waited for (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def table() -> dict[str, Timer]:
    """This process's totals so far."""
    return dict(_TABLE.timers)


def _dump() -> None:
    """A grading process's table, left for the parent."""
    folder = os.environ.get(_DIR_ENV)
    if not folder or not _TABLE.timers:
        return
    data = {k: [t.cpu, t.wall, t.count] for k, t in _TABLE.timers.items()}
    with contextlib.suppress(OSError):
        Path(folder, f"{os.getpid()}.json").write_text(json.dumps(data))


def _after_fork() -> None:
    _TABLE.timers = {}
    _TABLE.stack = []


def _in_pool_process(table: _Table) -> None:
    # A multiprocessing child runs Finalize callbacks at its exit (atexit callbacks it does not),
    # but clears those registered before it started: so register here, once it has.
    multiprocessing.util.Finalize(None, _dump, exitpriority=1)


def merged() -> dict[str, Timer]:
    """This process's table plus every table its grading processes left."""
    total: dict[str, Timer] = {k: Timer(t.cpu, t.wall, t.count) for k, t in _TABLE.timers.items()}
    folder = os.environ.get(_DIR_ENV)
    if folder:
        for path in Path(folder).glob("*.json"):
            with contextlib.suppress(OSError, ValueError):
                for k, (cpu, wall, count) in json.loads(path.read_text()).items():
                    t = total.setdefault(k, Timer())
                    t.cpu += cpu
                    t.wall += wall
                    t.count += count
    return total


def format_table(timers: dict[str, Timer]) -> str:
    """The table the parent prints: each stage's CPU and wall time, total and per run."""
    names = [n for n in ORDER if n in timers] + sorted(set(timers) - set(ORDER))
    cpu_all = sum(t.cpu for t in timers.values()) or 1.0
    lines = [
        "grader profile (CPU and wall seconds summed over every grading process)",
        f"{'stage':<10} {'runs':>6} {'cpu s':>8} {'cpu %':>6} {'cpu ms/run':>11} {'wall s':>8}",
    ]
    for n in names:
        t = timers[n]
        lines.append(
            f"{n:<10} {t.count:>6} {t.cpu:>8.2f} {100 * t.cpu / cpu_all:>5.1f}% "
            f"{1000 * t.cpu / max(t.count, 1):>11.2f} {t.wall:>8.2f}"
        )
    lines.append(f"{'total':<10} {'':>6} {cpu_all:>8.2f}")
    return "\n".join(lines)


def _report() -> None:
    if os.getpid() != _TABLE.owner:
        return
    timers = merged()
    folder = os.environ.get(_DIR_ENV)
    if folder:
        for path in Path(folder).glob("*.json"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.rmdir(folder)
    if timers:
        print(format_table(timers), file=sys.stderr)


def start() -> None:
    """Turn profiling on in this process and those it forks; the table is printed to stderr at
    this process's exit."""
    if _TABLE.on:
        return
    _TABLE.on = True
    _TABLE.owner = os.getpid()
    if _DIR_ENV not in os.environ:
        os.environ[_DIR_ENV] = tempfile.mkdtemp(prefix="grader-profile-")
    os.register_at_fork(after_in_child=_after_fork)
    multiprocessing.util.register_after_fork(_TABLE, _in_pool_process)
    atexit.register(_report)


if os.environ.get(ENV) == "1":
    start()
