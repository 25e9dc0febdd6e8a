"""The allowlist root: an empty tmpfs holding, read-only, only what running a course notebook
needs, which the warm worker enters with `pivot_root` once and every submission inherits.

What is needed is derived from what the warm worker has loaded, never from a hand list:

- the standard library, whole (a notebook may import any of it late: `math`, `random`, `json`),
  without the base interpreter's own site-packages;
- each third-party top-level package that is loaded (numpy and what it pulled in, the course
  module), and those that a notebook's late import needs (`LATE_IMPORTS`: matplotlib, IPython
  and their requirements, found from their installed metadata);
- every shared library mapped into the worker (`/proc/self/maps`): numpy's BLAS, libm, libffi...,
  and the system's library folder that holds the C library (an extension module imported late
  links libraries the worker has not mapped yet);
- four device nodes (`DEVICES`).

Nothing else: no project checkout or its `.git`, no home folder, no `/etc`, no `/sys`, no other
batch. The grader's and the reference's packages are never on the list, whatever is loaded.
`/proc`, `/tmp` and `/dev/shm` are empty mount points, filled per submission (`grader.jail`)."""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.sandbox.libc import libc as shared_libc

DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
MOUNT_POINTS = ("/proc", "/tmp", "/dev/shm")
LATE_IMPORTS = ("matplotlib", "ipython")
"""Distributions a notebook may import late that the warm worker does not load (loading
matplotlib's pyplot costs about a second per worker; IPython, which a notebook may import for
`IPython.display`, is not needed by the worker since the grader transforms cells): they and
their requirements are listed, and bound, from their installed metadata."""

MS_RDONLY, MS_NOSUID, MS_NODEV = 1, 2, 4
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}


@dataclass(frozen=True)
class Allowlist:
    """Everything the root shows, by host path."""

    dirs: tuple[str, ...]
    """Folders bound whole, read-only (the standard library, packages)."""
    files: tuple[str, ...]
    """Single files bound read-only (shared libraries, single-file modules)."""
    empty: tuple[str, ...]
    """Folders inside a bound folder that are covered by an empty one (the base interpreter's
    site-packages inside the standard library)."""
    devices: tuple[str, ...]

    def visible(self) -> tuple[str, ...]:
        """The paths a submission may reach: these and what lies under them (and the mount
        points), for a test to compare with what it finds."""
        return (*self.dirs, *self.files, *self.devices, *MOUNT_POINTS)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _stdlib() -> str:
    return os.path.dirname(os.__file__)


def _module_locations(blocked: Sequence[str]) -> set[str]:
    """Where each loaded top-level module lives: a package's folders, a module's file."""
    found: set[str] = set()
    for name, module in list(sys.modules.items()):
        if "." in name or name in blocked or name == "__main__" or module is None:
            continue
        paths = getattr(module, "__path__", None)
        if paths is not None:
            try:
                found.update(p for p in list(paths) if isinstance(p, str) and os.path.isdir(p))
            except TypeError:
                pass
            continue
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.isfile(file):
            found.add(os.path.abspath(file))
    return found


def _late_locations(names: Iterable[str]) -> set[str]:
    """The top-level folders and files of these distributions and their requirements (their
    RECORD files), where installed."""
    from importlib import metadata

    found: set[str] = set()
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for req in dist.requires or ():
            if "extra ==" in req:
                continue
            match = re.match(r"[A-Za-z0-9._-]+", req)
            if match:
                todo.append(match[0])
        base = str(dist.locate_file(""))
        for f in dist.files or ():
            top = f.parts[0]
            if top.endswith((".dist-info", ".egg-info", ".pth")) or top in ("..", "__pycache__"):
                continue
            path = os.path.join(base, top)
            if os.path.exists(path):
                found.add(os.path.abspath(path))
    return found


def _mapped_files() -> set[str]:
    found: set[str] = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6:
                    path = parts[5].strip()
                    if path.startswith("/") and not path.startswith(("/dev/", "/proc/", "/memfd")):
                        if not path.endswith("(deleted)") and os.path.isfile(path):
                            found.add(path)
    except OSError:
        pass
    return found


def derive(
    blocked: Sequence[str] = ("grader", "reference"), blocked_dirs: Sequence[str] = ()
) -> Allowlist:
    """The allowlist of this process, as it is now (call it after the warm imports).
    `blocked_dirs` are never bound, nor anything inside them."""
    stdlib = _stdlib()
    dirs: set[str] = {stdlib}
    files: set[str] = set()
    for path in _module_locations(blocked) | _late_locations(LATE_IMPORTS):
        if _inside(path, stdlib):
            continue
        (dirs if os.path.isdir(path) else files).add(path)
    mapped = _mapped_files()
    files |= mapped
    # The system's library folder (where the C library lives), whole: an extension module that a
    # notebook imports late (matplotlib's, the standard library's) links libraries the worker
    # has not mapped yet.
    dirs |= {os.path.dirname(f) for f in mapped if os.path.basename(f).startswith("libc.so")}
    bad = [os.path.abspath(d) for d in blocked_dirs]
    dirs = {d for d in dirs if not any(_inside(d, b) or _inside(b, d) for b in bad)}
    files = {f for f in files if not any(_inside(f, b) for b in bad)}
    kept_dirs = _outermost(dirs)
    files = {f for f in files if not any(_inside(f, d) for d in kept_dirs)}
    empty = []
    for name in ("site-packages", "dist-packages"):
        path = os.path.join(stdlib, name)
        if os.path.isdir(path):
            empty.append(path)
    return Allowlist(
        dirs=kept_dirs,
        files=tuple(sorted(files)),
        empty=tuple(empty),
        devices=tuple(d for d in DEVICES if os.path.exists(d)),
    )


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    result: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(_inside(p, q) for q in result):
            result.append(p)
    return tuple(sorted(result))


# ----------------------------------------------------------------------------------------------
# building it


class BuildError(OSError):
    pass


def _libc() -> ctypes.CDLL:
    return shared_libc() or ctypes.CDLL(None, use_errno=True)  # the latter raises the reason


def _enc(s: str | None) -> bytes | None:
    return s.encode() if s is not None else None


def _mount(
    libc: ctypes.CDLL,
    source: str | None,
    target: str,
    fstype: str | None,
    flags: int,
    data: str | None,
) -> None:
    if libc.mount(_enc(source), _enc(target), _enc(fstype), flags, _enc(data)) != 0:
        err = ctypes.get_errno()
        raise BuildError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind_ro(libc: ctypes.CDLL, source: str, target: str) -> None:
    _mount(libc, source, target, None, MS_BIND, None)
    flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
    try:
        _mount(libc, None, target, None, flags | MS_NODEV, None)
    except BuildError:
        # A source mounted nodev must stay nodev; one mounted with it (such as a device node's
        # devtmpfs) must not gain it.
        _mount(libc, None, target, None, flags, None)


def _mkdirs(root: str, path: str) -> str:
    target = root + path
    os.makedirs(target, mode=0o755, exist_ok=True)
    return target


def _touch(root: str, path: str) -> str:
    target = root + path
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if not os.path.lexists(target):
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    return target


def build(root: str, allow: Allowlist, trusted: Sequence[str] = ()) -> None:
    """Lay out the allowlist root in the empty folder `root` (in a mount namespace of this
    process's own, as root or in a user namespace). `trusted` folders are bound too, writable:
    the warm worker's own job folder and code, which each submission detaches
    (`detach`) before any of its code runs."""
    libc = _libc()
    old_umask = os.umask(0o022)
    try:
        _mount(libc, None, "/", None, MS_REC | MS_PRIVATE, None)
        _mount(
            libc, "tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=8192,mode=755"
        )
        for d in allow.dirs:
            _bind_ro(libc, d, _mkdirs(root, d))
        for d in allow.empty:
            if any(_inside(d, x) for x in allow.dirs):
                _mount(
                    libc,
                    "tmpfs",
                    root + d,
                    "tmpfs",
                    MS_RDONLY | MS_NOSUID | MS_NODEV,
                    "size=4k,nr_inodes=16,mode=755",
                )
        for f in allow.files:
            _bind_ro(libc, f, _touch(root, f))
        for dev in allow.devices:
            target = _touch(root, dev)
            _mount(libc, dev, target, None, MS_BIND, None)
            _mount(libc, None, target, None, MS_BIND | MS_REMOUNT | MS_NOSUID, None)
        for point in MOUNT_POINTS:
            _mkdirs(root, point)
        for name, to in (
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ):
            os.symlink(to, f"{root}/dev/{name}")
        os.chmod(root + "/tmp", 0o1777)
        for t in trusted:
            _mount(libc, t, _mkdirs(root, t), None, MS_BIND, None)
        _mount(libc, "proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV, None)
    finally:
        os.umask(old_umask)
    # The root itself read-only: nothing can be created beside what is bound.
    _mount(libc, None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def pivot(root: str) -> None:
    """Make `root` this mount namespace's `/`, and let go of the old one."""
    import platform

    libc = _libc()
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise BuildError(0, f"pivot_root: unknown system call number on {platform.machine()}")
    cwd = os.getcwd()
    os.chdir(root)
    if libc.syscall(number, b".", b".") != 0:
        err = ctypes.get_errno()
        os.chdir(cwd)
        raise BuildError(err, f"pivot_root: {os.strerror(err)}")
    if libc.umount2(b".", MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise BuildError(err, f"detach the old root: {os.strerror(err)}")
    os.chdir(cwd if os.path.isdir(cwd) else "/")


def detach(paths: Iterable[str]) -> list[str]:
    """Unmount these (in this process's own mount namespace); those that could not be."""
    libc = _libc()
    failed = []
    for p in paths:
        if libc.umount2(p.encode(), MNT_DETACH) != 0:
            failed.append(p)
    return failed
