"""The host's process table, read from /proc, for tests that watch real processes."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def parents() -> dict[int, int]:
    """pid -> parent pid, for every process the host shows."""
    table: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            table[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table


def children(pid: int) -> set[int]:
    """The children of `pid`, from its threads' /proc children lists."""
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found |= {int(p) for p in f.read().split()}
    return found


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (not those already reparented elsewhere)."""
    table = parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in table.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def started(pid: int) -> str:
    """When a process started (clock ticks since boot), to tell it from a later one that was
    given the same pid; "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def comm(pid: int) -> str:
    """A process's name (what `prctl(PR_SET_NAME)` set)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def named(prefix: str) -> list[int]:
    """Live processes whose name (what `prctl(PR_SET_NAME)` set, /proc/PID/comm) starts with
    `prefix`, wherever they are: in a namespace, reparented, in another session."""
    return [
        int(d.name)
        for d in Path("/proc").iterdir()
        if d.name.isdigit() and comm(int(d.name)).startswith(prefix) and alive(int(d.name))
    ]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_all(pids: list[int]) -> None:
    """Clean up after a failed test, so one failure does not leave the machine busy."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# A line of Python that names the process it runs in, for `named` to find.
NAME_SELF = (
    "import ctypes; ctypes.CDLL(None).prctl(15, ctypes.c_char_p({name!r}.encode()), 0, 0, 0)"
)
