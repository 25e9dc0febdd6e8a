"""The operating-system layers around one submission: namespaces, mounts and privileges.

Linux only, and only as root; elsewhere every function here reports what it could not do rather
than pretending. The worker uses them in three steps, all in the submission's first process (its
runner), which the zygote forked into a PID namespace of its own (`join_pid_namespace`, with an
init of the nursery's making: `grader.sandbox.nursery`):

1. `enter` (still root): fresh mount, IPC, UTS and cgroup namespaces (the network namespace is
   the worker's, empty); every mount read-only; a private tmpfs on `/tmp` and `/dev/shm`; the
   grader's files, the reference and the batch's own folders covered by empty, unreadable
   mounts; the Python installation kept reachable for an unprivileged user even where it lives
   in a private folder such as `/root` (a tmpfs over that folder, with only the installation
   bound back).
2. `mount_proc` (still root): a `/proc` that shows the namespace's processes only, so nothing
   outside can be read, traced or signalled by number.
3. `drop_privileges`: a uid of its own, no capabilities, no way to regain them, and a cap on its
   processes.

Every step returns the layers it put in place and notes on what it could not, which the result
records. No step raises: a missing layer is a note, never a failure to grade."""

from __future__ import annotations

import ctypes
import functools
import os
import re
import resource
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.sandbox import rootfs, seccomp
from grader.sandbox.libc import libc as shared_libc
from grader.sandbox.nursery_program import clear_capabilities

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
WORKER_NAMESPACES = (
    (CLONE_NEWNET, "network-namespace"),
    (CLONE_NEWNS, "worker-mount-namespace"),
)
"""Entered once by the warm worker: every submission it runs inherits them. An empty network
namespace is as private to one submission at a time as a new one per submission (nothing of a
submission outlives it: its processes, and so its sockets, die with its PID namespace), and a new
one per submission costs kernel time to tear down. The worker's own mount namespace holds the
allowlist root (`grader.rootfs`), built once."""
SUBMISSION_NAMESPACES = (
    (CLONE_NEWNS, "mount-namespace"),
    (CLONE_NEWIPC, "ipc-namespace"),
    (CLONE_NEWUTS, "uts-namespace"),
    (CLONE_NEWCGROUP, "cgroup-namespace"),
)
"""Entered by each submission: its own mounts (a fresh /tmp), its own SysV and POSIX IPC objects
and host name (nothing one student leaves there reaches the next), and its own view of the
control groups: entered once the submission is in its group, so
`/proc/self/cgroup` says "/" rather than naming the host's groups (a container's id, the
grader's group). Its own processes it has from birth: the zygote forks it into a PID
namespace of its own (`join_pid_namespace`)."""
UID_BASE = 1_000_000
"""Student code runs as UID_BASE + the pid of its submission's first process: a uid no account
has, different for every submission (one after another in a worker, and at once in several), so
nothing kept per uid (a keyring, a process count) passes from one student to the next."""
TMP_INODES = 16384
SHM_MB, SHM_INODES = 16, 256
DISABLE = frozenset(x for x in os.environ.get("GRADER_TEST_DISABLE_LAYERS", "").split(",") if x)
"""Layers switched off, for tests that show a hostile case fails without its layer only."""

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MOUNT_ATTR_RDONLY = 1
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (new syscall table)
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38

PROCESS_CAP = 64
"""Processes the submission's uid may have at once (a fork bomb stops there)."""

# What a sandboxed submission ends up with when every layer is available; the result lists those
# it lacked.
FULL = (
    "network-namespace",
    "mount-namespace",
    "pid-namespace",
    "ipc-namespace",
    "uts-namespace",
    "cgroup-namespace",
    "private-proc",
    "allowlist-root",
    "read-only-filesystem",
    "private-tmp",
    "hidden-grader-files",
    "dropped-uid",
    "no-capabilities",
    "process-cap",
    "seccomp",
    "scrubbed-environment",
    "cgroup-memory",
    "cgroup-pids",
    "cgroup-cpu",
)


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, opened once in the warm worker; every submission's fork inherits it."""
    return shared_libc()


def warm(keep: Sequence[str]) -> None:
    """In the zygote, once its allowlist root is in place: what every submission's set-up
    asks and would otherwise work out anew in each first process (about 2 ms there, where
    reading the mount table and walking the kept folders touches copy-on-write pages): the C
    library, the highest capability number, the mounts under /tmp, and which kept folders an
    unprivileged uid cannot read. None of them changes while the worker lives: submissions
    mount only in namespaces of their own."""
    _libc()
    _last_capability()
    _tmp_mounts()
    _unreadable(tuple(keep))


@functools.cache
def _unreadable(paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in paths if not readable_by_others(p))


class _Failed(OSError):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise _Failed(err, f"{what}: {os.strerror(err)}")


@dataclass(frozen=True)
class Plan:
    """Which paths a submission must still read, and which it must not see. Worked out once, in
    the warm worker, from where Python and the course module live."""

    keep: tuple[str, ...]
    """Folders student code imports from: Python's prefix, `sys.path`, the course module."""
    tmp: str
    """The shared temporary folder, replaced by a private tmpfs."""
    covers: tuple[str, ...]
    """Other folders replaced by an empty tmpfs: any folder an unprivileged user cannot enter
    that holds a kept path (such as `/root`)."""
    secret: tuple[str, ...]
    """Folders always hidden: the grader package and the reference solutions."""


def outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The given paths, minus those inside another of them."""
    result: list[str] = []
    for p in sorted({os.path.abspath(p) for p in paths}, key=len):
        if not any(inside(p, q) for q in result):
            result.append(p)
    return tuple(result)


def inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies under it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _searchable_by_others(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def make_plan(keep: Iterable[str], secret: Iterable[str], tmp: str = "/tmp") -> Plan:
    """The plan for these kept and secret folders (those that exist)."""
    kept = outermost(p for p in keep if p and os.path.isdir(p))
    covers: list[str] = []
    for path in kept:
        # The topmost folder on the way that an unprivileged user cannot enter.
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            ancestor = "/" + "/".join(parts[:i])
            if not _searchable_by_others(ancestor):
                covers.append(ancestor)
                break
    return Plan(
        keep=kept,
        tmp=tmp,
        covers=tuple(c for c in outermost(covers) if not inside(c, tmp) and not inside(tmp, c)),
        secret=outermost(p for p in secret if p and os.path.exists(p)),
    )


def readable_by_others(path: str) -> bool:
    """Whether an unprivileged user can reach and read `path` (every ancestor searchable)."""
    p = os.path.abspath(path)
    try:
        if not os.stat(p).st_mode & stat.S_IROTH:
            return False
        while True:
            if not os.stat(p).st_mode & stat.S_IXOTH:
                return False
            parent = os.path.dirname(p)
            if parent == p:
                return True
            p = parent
    except OSError:
        return False


# ----------------------------------------------------------------------------------------------
# step 1: namespaces and mounts


def _unshare(namespaces: Sequence[tuple[int, str]]) -> tuple[list[str], list[str]]:
    """Enter fresh namespaces: all at once, else whichever this kernel or container allows."""
    libc = _libc()
    if libc is None or not hasattr(libc, "unshare"):
        return [], ["unshare() is unavailable: no namespaces"]
    wanted = 0
    for flag, _ in namespaces:
        wanted |= flag
    if libc.unshare(wanted) == 0:
        return [name for _, name in namespaces], []
    layers: list[str] = []
    notes: list[str] = []
    for flag, name in namespaces:
        if libc.unshare(flag) == 0:
            layers.append(name)
        else:
            notes.append(f"no {name}: unshare was refused ({os.strerror(ctypes.get_errno())})")
    return layers, notes


@dataclass(frozen=True)
class Worker:
    """What the warm worker set up once, for every submission it runs."""

    layers: tuple[str, ...]
    notes: tuple[str, ...]
    trusted: tuple[str, ...] = ()
    """Mounts of the worker's own (its job folder, the grader's code, the host's /proc) that
    each submission detaches before its code runs; empty when the worker has no allowlist root."""


def enter_worker(staging: str, trusted: Sequence[str], blocked: Sequence[str]) -> Worker:
    """In the warm worker, once, as root: the namespaces every submission shares with none
    running at the same time (`WORKER_NAMESPACES`), and the allowlist root (`grader.rootfs`,
    derived from what this process has loaded, laid out in the empty folder `staging`) entered
    with pivot_root. `trusted` folders stay reachable for the worker only; `blocked` folders are
    never bound for anyone."""
    if os.geteuid() != 0:
        return Worker((), (user_namespaces(),))
    layers, notes = _unshare(WORKER_NAMESPACES)
    if "worker-mount-namespace" not in layers:
        return Worker(tuple(layers), tuple(notes))
    layers.remove("worker-mount-namespace")
    if "allowlist-root" in DISABLE:
        return Worker(tuple(layers), (*notes, "no allowlist root: switched off for a test"))
    seccomp.program()  # built now, while libseccomp's file is in sight
    try:
        allow = rootfs.derive(blocked_dirs=blocked)
        os.makedirs(staging, mode=0o755, exist_ok=True)
        rootfs.build(staging, allow, trusted)
        rootfs.pivot(staging)
    except OSError as exc:
        notes.append(f"no allowlist root: {exc.strerror or exc}")
        return Worker(tuple(layers), tuple(notes))
    return Worker((*layers, "allowlist-root"), tuple(notes), (*trusted, "/proc"))


CLONE_NEWUSER = 0x10000000


def user_namespaces() -> str:
    """Without root: whether this machine would give an unprivileged user namespace (tried in a
    throwaway child), for the result's notes. The sandbox does not build on one yet."""
    libc = _libc()
    if libc is None:
        return "no user namespaces: the C library is not available"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            ok = libc.unshare(CLONE_NEWUSER) == 0
            os.write(write_end, b"ok" if ok else str(ctypes.get_errno()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as f:
        answer = f.read().decode()
    if answer == "ok":
        return (
            "unprivileged user namespaces are available here, but the sandbox does not use them "
            "yet: without root it has no namespaces, allowlist root, cgroup or dropped uid"
        )
    reason = os.strerror(int(answer)) if answer.isdigit() else "unknown"
    return f"unprivileged user namespaces are refused here ({reason}): no namespace layers"


def own_pid_namespace() -> int:
    """In the warm worker, once: a handle on its own PID namespace (-1 where there is none to
    have), to come back to after each `join_pid_namespace`."""
    if os.geteuid() != 0 or "pid-namespace" in DISABLE:
        return -1
    try:
        return os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return -1


def join_pid_namespace(pidfd: int) -> bool:
    """In the warm worker, right before it forks a submission's first process: make that
    process be born in the PID namespace of the init `pidfd` names (`grader.sandbox.nursery`).
    The worker must `leave_pid_namespace` right after the fork."""
    libc = _libc()
    return libc is not None and libc.setns(pidfd, CLONE_NEWPID) == 0


def leave_pid_namespace(own: int) -> None:
    """In the warm worker, after the fork: its next children are in its own namespace again.
    If that fails, it cannot go on safely (the next submission's init would be born into the
    last one's namespace), so it ends and the grader starts another."""
    libc = _libc()
    if libc is None or libc.setns(own, CLONE_NEWPID) != 0:
        os._exit(70)


def enter(
    plan: Plan,
    hidden: Sequence[str],
    tmp_mb: int,
    worker: Worker | None = None,
    *,
    pid_namespace: bool = False,
) -> tuple[list[str], list[str]]:
    """In a submission's first process, as root: its own mount, IPC, UTS and cgroup
    namespaces, and its mounts laid out. Returns (layers, notes). Its PID namespace it was born
    in, with `pid_namespace` (`join_pid_namespace`): one entered here would hold only the
    children this process forks from now on, not itself."""
    namespaces = [n for n in SUBMISSION_NAMESPACES if n[1] not in DISABLE]
    layers, notes = _unshare(namespaces)
    if pid_namespace:
        layers.append("pid-namespace")
    libc = _libc()
    if "uts-namespace" in layers and libc is not None:
        libc.sethostname(b"sandbox", 7)
    if worker is not None and worker.trusted and "mount-namespace" in layers and libc is not None:
        try:
            layers += _private_mounts(libc, worker, tmp_mb, notes)
        except _Failed as exc:
            notes.append(f"mounts not laid out: {exc.strerror}")
    elif "mount-namespace" in layers and libc is not None:
        try:
            layers += _lay_out_mounts(libc, plan, hidden, tmp_mb, notes)
        except _Failed as exc:
            notes.append(f"mounts not laid out: {exc.strerror}")
    else:
        notes.append("no mount namespace: /tmp is shared and the filesystem is writable")
    return layers, notes


def _private_mounts(libc: ctypes.CDLL, worker: Worker, tmp_mb: int, notes: list[str]) -> list[str]:
    """Inside the allowlist root: let go of the worker's own mounts, then a private /tmp and
    /dev/shm, each limited in size and in inodes."""
    layers = ["read-only-filesystem"]
    # Allowlisted folders under /tmp (a checkout or virtual environment there, as in CI) would be
    # hidden by the private /tmp: hold them by handle and bind them back inside it, read-only.
    # The mount table and the handles' paths need the worker's /proc, so it goes last.
    rebind = [
        (path, os.open(path, os.O_PATH | os.O_DIRECTORY))
        for path in _tmp_mounts()
        if not any(inside(path, t) or inside(t, path) for t in worker.trusted)
        and os.path.isdir(path)
        and "tmp-rebind" not in DISABLE
    ]
    try:
        failed = rootfs.detach(t for t in worker.trusted if t != "/proc")
        inodes = TMP_INODES if "limited-tmp" not in DISABLE else 1 << 24
        _check(
            _tmpfs(libc, "/tmp", f"size={tmp_mb}m,nr_inodes={inodes},mode=1777"), "a private /tmp"
        )
        shm_inodes = SHM_INODES if "limited-tmp" not in DISABLE else 1 << 24
        _check(
            _tmpfs(libc, "/dev/shm", f"size={SHM_MB}m,nr_inodes={shm_inodes},mode=1777"), "/dev/shm"
        )
        old_umask = os.umask(0o022)  # the folders on the way must stay searchable by others
        try:
            for path, fd in rebind:
                os.makedirs(path, mode=0o755, exist_ok=True)
                source = f"/proc/self/fd/{fd}".encode()
                _check(
                    libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), f"bind {path}"
                )
                _read_only(libc, path)
        finally:
            os.umask(old_umask)
    finally:
        for _, fd in rebind:
            os.close(fd)
    failed += rootfs.detach(t for t in worker.trusted if t == "/proc")
    if failed:
        # Still there: cover them, or say so.
        for path in failed:
            if (
                libc.mount(
                    b"tmpfs",
                    path.encode(),
                    b"tmpfs",
                    MS_RDONLY | MS_NOSUID | MS_NODEV,
                    b"size=4k,nr_inodes=2,mode=000",
                )
                != 0
            ):
                notes.append(f"{path} could not be detached or covered")
    if not any(n.endswith("could not be detached or covered") for n in notes):
        layers.append("hidden-grader-files")
    layers.append("private-tmp")
    return layers


@functools.cache
def _tmp_mounts() -> tuple[str, ...]:
    """The mounts under /tmp in the worker's allowlist root, which every submission's mount
    namespace starts as a copy of."""
    return tuple(_mounts_under("/tmp"))


def _mounts_under(folder: str) -> list[str]:
    """The outermost mount points strictly inside `folder`, from this mount namespace's table."""
    points: list[str] = []
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 4:
                    point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
                    if point != folder and inside(point, folder):
                        points.append(point)
    except OSError:
        return []
    return list(outermost(points))


def _lay_out_mounts(
    libc: ctypes.CDLL, plan: Plan, hidden: Sequence[str], tmp_mb: int, notes: list[str]
) -> list[str]:
    layers: list[str] = []
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    # Handles on the kept folders that a cover is about to hide, to bind them back afterwards.
    rebind: list[tuple[str, int]] = []
    for path in plan.keep:
        if any(inside(path, c) for c in (plan.tmp, *plan.covers)):
            rebind.append((path, os.open(path, os.O_PATH | os.O_DIRECTORY)))
    try:
        if _read_only(libc, "/"):
            layers.append("read-only-filesystem")
        else:
            notes.append("the filesystem could not be made read-only")
        options = f"size={tmp_mb}m,nr_inodes={TMP_INODES},mode=1777"
        _check(_tmpfs(libc, plan.tmp, options), "a private /tmp")
        layers.append("private-tmp")
        for cover in plan.covers:
            _check(_tmpfs(libc, cover, "size=1m,mode=755"), f"cover {cover}")
        if os.path.isdir("/dev/shm"):
            _tmpfs(libc, "/dev/shm", f"size={SHM_MB}m,nr_inodes={SHM_INODES},mode=1777")
        for path, fd in rebind:
            os.makedirs(path, mode=0o755, exist_ok=True)
            source = f"/proc/self/fd/{fd}".encode()
            _check(libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), f"bind {path}")
            _read_only(libc, path)
        for cover in plan.covers:
            _read_only(libc, cover)
    finally:
        for _, fd in rebind:
            os.close(fd)
    hidden_now = _hide(libc, plan, hidden, notes)
    if hidden_now:
        layers.append("hidden-grader-files")
    return layers


def _tmpfs(libc: ctypes.CDLL, path: str, options: str) -> int:
    return int(
        libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options.encode())
    )


def _read_only(libc: ctypes.CDLL, path: str) -> bool:
    """Make the mount at `path` and every mount below it read-only."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    result = libc.syscall(
        SYS_MOUNT_SETATTR,
        AT_FDCWD,
        path.encode(),
        AT_RECURSIVE,
        ctypes.byref(attr),
        ctypes.sizeof(attr),
    )
    if result == 0:
        return True
    # Kernels before 5.12: remount each mount under `path` read-only, one at a time.
    ok = True
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    for point in points:
        if inside(point, path):
            flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
            if libc.mount(None, point.encode(), None, flags, None) != 0:
                ok = ok and libc.mount(None, point.encode(), None, flags & ~MS_NODEV, None) == 0
    return ok


def _hide(libc: ctypes.CDLL, plan: Plan, hidden: Sequence[str], notes: list[str]) -> bool:
    """Cover each secret or hidden path with an empty mount nobody can read. A path that holds
    something the submission needs (Python, the course module) stays visible, and a note says
    so. True when every secret path is out of sight (covered here, or gone under a cover such as
    the private /tmp)."""
    secret_seen = False
    # The batch's folders first: a secret folder inside one is then gone, and one inside a folder
    # that must stay visible is still covered on its own.
    for secret, path in [
        *((False, p) for p in outermost(hidden)),
        *((True, p) for p in plan.secret),
    ]:
        if not os.path.lexists(path):
            continue  # under a cover already (such as /tmp), or gone
        if any(inside(k, path) for k in plan.keep):
            notes.append(f"{path} stays visible: it holds the Python installation or course code")
            secret_seen = secret_seen or secret
            continue
        if os.path.isdir(path):
            result = libc.mount(
                b"tmpfs",
                path.encode(),
                b"tmpfs",
                MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                b"size=4k,mode=000",
            )
        else:
            result = libc.mount(b"/dev/null", path.encode(), None, MS_BIND, None)
        if result != 0:
            notes.append(f"{path} could not be hidden ({os.strerror(ctypes.get_errno())})")
            secret_seen = secret_seen or secret
    return not secret_seen


# ----------------------------------------------------------------------------------------------
# step 2: the namespace's own /proc


def mount_proc() -> bool:
    """In a process of a new PID namespace, in a mount namespace of its own: a /proc of this
    PID namespace only."""
    libc = _libc()
    if libc is None:
        return False
    return libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) == 0


# ----------------------------------------------------------------------------------------------
# step 3: privileges


def _process_count(uid: int) -> int:
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                count += os.stat(f"/proc/{name}").st_uid == uid
            except OSError:
                pass
    return count


def _setrlimit(which: int, value: int) -> bool:
    try:
        resource.setrlimit(which, (value, value))
        return True
    except (ValueError, OSError):
        return False


def drop_privileges(uid: int | None, paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """Give up root for `uid` (when Python stays importable for it), every capability and any
    way back; cap the number of processes. Not root: only the process cap, counted on top of
    what this user already runs. Returns (layers, notes)."""
    layers: list[str] = []
    notes: list[str] = []
    if uid is None or os.geteuid() != 0:
        me = os.getuid()
        if _setrlimit(resource.RLIMIT_NPROC, _process_count(me) + PROCESS_CAP):
            layers.append("process-cap")
        notes.append("not running as root: no namespaces, no dropped uid")
        libc = _libc()
        if libc is not None:
            libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        more, more_notes = filter_syscalls()
        return layers + more, notes + more_notes
    libc = _libc()
    if libc is not None:
        last = _last_capability()
        for cap in range(last + 1):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    unreadable = _unreadable(tuple(paths))
    if unreadable:
        notes.append(
            f"uid not dropped: {unreadable[0]} is private to root, so an unprivileged user "
            "could not import modules"
        )
    else:
        try:
            _setrlimit(resource.RLIMIT_NPROC, PROCESS_CAP)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            layers += ["dropped-uid", "process-cap"]
        except OSError as exc:
            notes.append(f"uid not dropped: {exc.strerror}")
    if libc is not None:
        if clear_capabilities(libc):
            layers.append("no-capabilities")
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    more, more_notes = filter_syscalls()
    return layers + more, notes + more_notes


def filter_syscalls() -> tuple[list[str], list[str]]:
    """The system-call filter (`grader.seccomp`), last: it also denies what the steps before
    needed."""
    if "seccomp" in DISABLE:
        return [], ["no seccomp: switched off for a test"]
    return seccomp.install()


def submission_uid() -> int:
    """The uid for the submission whose first process this is (see UID_BASE). Its pid as the
    host sees it: in its own PID namespace it is 2 to itself, but the worker's /proc still
    belongs to the host's."""
    try:
        return UID_BASE + int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return UID_BASE + os.getpid()


ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}
"""All the environment the warm worker, and so student code, starts with."""
PASSED_ON = ("PYTHONPATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "GRADER_TEST_DISABLE_LAYERS")
"""Taken from the grader's environment: where Python finds the grader (a student bundle runs
from PYTHONPATH), the OpenBLAS settings some processors need to compute right, and the tests'
layer switch."""


STARTUP_VARIABLES = frozenset({"GRADER_PARENT_PID", "GRADER_JOB_SOCKET"})
"""Set by the grader for the worker's start only (the worker removes them at once)."""


def worker_environment(extra: dict[str, str]) -> dict[str, str]:
    """The environment to start a warm worker with: ENVIRONMENT, PASSED_ON where set, `extra`;
    nothing else of the grader's (an instructor's shell or a CI runner may hold secrets). A
    forked child's /proc/self/environ still shows the environment its process was started
    with, so the scrubbing must happen here, at the start, not in the child."""
    if "scrubbed-environment" in os.environ.get("GRADER_TEST_DISABLE_LAYERS", "").split(","):
        return {**os.environ, **extra}
    env = dict(ENVIRONMENT)
    env.update({k: os.environ[k] for k in PASSED_ON if k in os.environ})
    env.update(extra)
    return env


@functools.cache
def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 63


def python_paths() -> list[str]:
    """The folders this interpreter imports from (existing ones)."""
    return [p for p in (sys.base_prefix, sys.prefix, *sys.path) if p and os.path.isdir(p)]


def environment_layer() -> tuple[list[str], list[str]]:
    """Whether this process started with the scrubbed environment (`worker_environment`), read
    from what its children can read too: /proc/self/environ."""
    try:
        with open("/proc/self/environ", "rb") as f:
            block = f.read()
        names = {e.split(b"=", 1)[0].decode(errors="replace") for e in block.split(b"\0") if e}
    except OSError:
        return [], ["environment not checked: /proc/self/environ unreadable"]
    extra = sorted(names - set(ENVIRONMENT) - set(PASSED_ON) - STARTUP_VARIABLES)
    if extra:
        return [], [f"environment not scrubbed: {len(extra)} variables inherited, e.g. {extra[0]}"]
    return ["scrubbed-environment"], []
