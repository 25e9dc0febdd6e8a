"""A control group for one warm worker's sandboxes: memory summed over every process of the
running submission (the kernel counts tmpfs pages, memfd, shared memory and, on cgroup v1 with
`memory.kmem`, kernel memory such as inodes), a process count, and CPU time across the tree.

The warm worker makes the group (`create`) when it starts and moves itself into it (`join`), so
every submission it forks starts inside with no move of its own (a move costs 5-25 ms of waiting
for the kernel on cgroup v1); each submission's first process makes itself the group's first
choice for an OOM kill (`first_to_kill`) before anything else. Where the worker cannot join,
each submission's first process moves itself in instead. The worker reads how many OOM kills
the group saw (`oom_kills`) to name a memory verdict honestly. Only one submission runs in a worker
at a time, so the group's limits are that submission's.

cgroup v2 (unified) and v1 (one hierarchy per controller, as on this project's CI machine) are
both supported. Groups are named `grader-<worker pid>`: `create` first removes those whose worker
is gone (killed outright, with no chance to clean up), and `remove` removes the worker's own."""

from __future__ import annotations

import os
from dataclasses import dataclass

ROOT = "/sys/fs/cgroup"
PREFIX = "grader-"
CPU_PERIOD_US = 100_000
CPU_CORES = 1
"""CPU time for a submission's whole tree: one core's worth, however many processes it runs."""
PIDS_MAX = 96
DEFAULT_MB = 2048
"""The memory limit until the first job sets its own."""
_limit_set: dict[str, int] = {}


@dataclass(frozen=True)
class Group:
    version: int
    paths: tuple[str, ...]
    """The group's folder in each hierarchy (one for v2)."""
    memory: str
    """The folder holding the memory controller's files."""
    layers: tuple[str, ...]


_held: dict[str, int] = {}
"""path -> a descriptor opened on it while it was in sight (`hold`)."""


def _write(path: str, value: str) -> bool:
    try:
        if path in _held:
            os.write(_held[path], value.encode())
        else:
            with open(path, "w") as f:
                f.write(value)
        return True
    except OSError:
        return False


def _read(path: str) -> str:
    try:
        if path in _held:
            return os.pread(_held[path], 65536, 0).decode()
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _own(controller: str) -> str:
    """This process's own group in a hierarchy ("" for v2's), relative to its mount: the
    grader's groups go below it, so they never escape whatever limits the grader runs under."""
    for line in _read("/proc/self/cgroup").splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path.lstrip("/")
    return ""


def _v2_root() -> str | None:
    for root in (ROOT, os.path.join(ROOT, "unified")):
        here = os.path.join(root, _own(""))
        controllers = _read(os.path.join(here, "cgroup.controllers")).split()
        if "memory" in controllers and "pids" in controllers:
            return here
    return None


def _owner_gone(name: str) -> bool:
    try:
        pid = int(name[len(PREFIX) :])
    except ValueError:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        pass
    return False


def _rmdir_tree(path: str) -> None:
    """Remove a group and any groups below it (their processes are gone or are moved up)."""
    for entry in sorted(os.listdir(path)) if os.path.isdir(path) else ():
        sub = os.path.join(path, entry)
        if os.path.isdir(sub):
            _rmdir_tree(sub)
    procs = _read(os.path.join(path, "cgroup.procs")).split()
    parent = os.path.dirname(path)
    for pid in procs:
        _write(os.path.join(parent, "cgroup.procs"), pid)
    try:
        os.rmdir(path)
    except OSError:
        pass


def _sweep(parents: list[str]) -> None:
    for parent in parents:
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            if name.startswith(PREFIX) and _owner_gone(name):
                _rmdir_tree(os.path.join(parent, name))


def create() -> tuple[Group | None, list[str]]:
    """The worker's group, limited to PIDS_MAX processes and CPU_CORES of CPU time; its memory
    limit is set per job (`limit`). (None, notes) where no cgroup can be used."""
    if os.geteuid() != 0:
        return None, ["no cgroup: not running as root"]
    name = f"{PREFIX}{os.getpid()}"
    memory_bytes = str(DEFAULT_MB * 2**20)
    quota = str(CPU_PERIOD_US * CPU_CORES)
    root = _v2_root()
    if root is not None:
        _sweep([root])
        # The controllers must be enabled for the groups below (refused where this group has
        # processes of its own and is not the root: then the layer is missing, with that reason).
        _write(os.path.join(root, "cgroup.subtree_control"), "+memory +pids +cpu")
        path = os.path.join(root, name)
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            return None, [f"no cgroup: {root} is not writable ({exc.strerror})"]
        layers = []
        if _write(os.path.join(path, "memory.max"), memory_bytes):
            _write(os.path.join(path, "memory.swap.max"), "0")
            layers.append("cgroup-memory")
        if _write(os.path.join(path, "pids.max"), str(PIDS_MAX)):
            layers.append("cgroup-pids")
        if _write(os.path.join(path, "cpu.max"), f"{quota} {CPU_PERIOD_US}"):
            layers.append("cgroup-cpu")
        return Group(2, (path,), path, tuple(layers)), []
    hierarchies = {c: os.path.join(ROOT, c, _own(c)) for c in ("memory", "pids", "cpu")}
    present = {
        c: p for c, p in hierarchies.items() if os.path.isfile(os.path.join(p, "cgroup.procs"))
    }
    if "memory" not in present:
        return None, ["no cgroup: neither a unified hierarchy with memory and pids nor v1 memory"]
    _sweep(list(present.values()))
    paths, layers, notes = [], [], []
    for controller, parent in present.items():
        path = os.path.join(parent, name)
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            notes.append(f"no cgroup {controller}: {exc.strerror}")
            continue
        paths.append(path)
        if controller == "memory":
            # Kernel memory first (it can only be set on an empty group), then the total.
            _write(os.path.join(path, "memory.kmem.limit_in_bytes"), memory_bytes)
            ok = _write(os.path.join(path, "memory.limit_in_bytes"), memory_bytes)
            _write(os.path.join(path, "memory.memsw.limit_in_bytes"), memory_bytes)
            _write(os.path.join(path, "memory.swappiness"), "0")
            if ok:
                layers.append("cgroup-memory")
        elif controller == "pids":
            if _write(os.path.join(path, "pids.max"), str(PIDS_MAX)):
                layers.append("cgroup-pids")
        elif controller == "cpu":
            _write(os.path.join(path, "cpu.cfs_period_us"), str(CPU_PERIOD_US))
            if _write(os.path.join(path, "cpu.cfs_quota_us"), quota):
                layers.append("cgroup-cpu")
    if "cgroup-memory" not in layers:
        return None, [*notes, "no cgroup: the memory limit could not be set"]
    memory = os.path.join(present["memory"], name)
    return Group(1, tuple(paths), memory, tuple(layers)), notes


def limit(group: Group, memory_mb: int) -> bool:
    """Set the group's memory limit (all its processes together, swap none), where it changed."""
    if _limit_set.get(group.memory) == memory_mb:
        return True
    value = str(memory_mb * 2**20)
    if group.version == 2:
        ok = _write(os.path.join(group.memory, "memory.max"), value)
    else:
        # memsw is at least the memory limit: raise it first when raising, after when lowering.
        memsw = os.path.join(group.memory, "memory.memsw.limit_in_bytes")
        _write(memsw, value)
        ok = _write(os.path.join(group.memory, "memory.limit_in_bytes"), value)
        _write(memsw, value)
    if ok:
        _limit_set[group.memory] = memory_mb
    return ok


def _files(group: Group) -> list[tuple[str, int]]:
    files = [(os.path.join(p, "cgroup.procs"), os.O_WRONLY) for p in group.paths]
    names = (
        ("memory.max", "memory.events")
        if group.version == 2
        else ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.oom_control")
    )
    for name in names:
        flags = os.O_RDONLY if name.endswith(("events", "oom_control")) else os.O_WRONLY
        files.append((os.path.join(group.memory, name), flags))
    return files


def hold(group: Group) -> None:
    """Open, now, the group's files the worker uses later: it is about to leave the host's
    filesystem (`grader.rootfs`), where /sys is not. Each submission lets go of them (`let_go`)
    before its code runs: with a descriptor opened by root, any process could raise the limit."""
    for path, flags in _files(group):
        try:
            _held[path] = os.open(path, flags | os.O_CLOEXEC)
        except OSError:
            pass


def held() -> tuple[int, ...]:
    """The descriptors `hold` opened (for a process that closes all it does not need)."""
    return tuple(_held.values())


def let_go() -> None:
    """Close the held descriptors (in a submission's process, after `join`)."""
    for fd in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


def join(group: Group) -> bool:
    """Move this process (and what it forks from now on) into the group."""
    me = str(os.getpid())
    return all(_write(os.path.join(p, "cgroup.procs"), me) for p in group.paths)


def first_to_kill() -> bool:
    """In a submission's first process (and so in everything it forks): be the kernel's first
    choice when the group runs out of memory. The warm worker sits in the same group at the
    default score (lowering its own would need CAP_SYS_RESOURCE, which containers often lack;
    raising one needs no privilege). Once the uid is dropped, the file belongs to root and the
    submission cannot lower its score again (tested in test_cgroup)."""
    return _write("/proc/self/oom_score_adj", "1000")


def oom_kills(group: Group) -> int:
    """How many processes the kernel has killed for the group's memory limit so far."""
    name = "memory.events" if group.version == 2 else "memory.oom_control"
    for line in _read(os.path.join(group.memory, name)).splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def remove(group: Group) -> None:
    """Remove the group (at the worker's end)."""
    for path in group.paths:
        _rmdir_tree(path)


def discard(worker_pid: int) -> None:
    """Remove the group of a worker that has ended (called by the grader once it has reaped
    the worker, which cannot clean up after a SIGKILL itself)."""
    name = f"{PREFIX}{worker_pid}"
    roots = (
        [_v2_root()]
        if _v2_root() is not None
        else [os.path.join(ROOT, c, _own(c)) for c in ("memory", "pids", "cpu")]
    )
    for root in roots:
        if root is not None and os.path.isdir(os.path.join(root, name)):
            _rmdir_tree(os.path.join(root, name))
