"""The untrusted side: a warm zygote that forks one sandbox per submission.

Run as `python -m grader.sandbox.worker`. The zygote imports numpy and the course helper module once
(not IPython: cells arrive as Python, transformed by the grader), then takes jobs from the grader on
a Unix socket. A job is a short header (limits, scratch folder, uid) and two sockets of its own,
passed with it:

- `data`, a byte stream on which the grader sends the cells one at a time, and after them the
  probe calls one at a time, and reads each answer;
- `ctl`, on which the zygote takes the grader's orders (interrupt the cell, kill the probe
  process, kill everything) and reports how the process running student code ended.

A second zygote (`_PlotZygote`), forked from the first once the allowlist root is in place, has
matplotlib's pyplot loaded too; notebooks that import it are forked from there, the rest from
the first, which is smaller by pyplot's heap (every fork copies, and every exit frees, less).

For each job the zygote asks the nursery (`grader.sandbox.nursery`, a small process of its own)
for a new PID namespace, whose init is the nursery's, joins it and forks the job's runner into
it. The runner:

1. becomes its own process group and applies rlimits; as root it is in that PID namespace (pid
   2 there), enters fresh mount, IPC, UTS and cgroup namespaces, sees a read-only filesystem with
   a private /tmp and none of the grader's files, and runs student code under a uid of its own
   with no capabilities (`grader.sandbox.jail`); elsewhere it runs in a fresh scratch directory
   and the result says what was missing;
2. drops privileges, sends the isolation it has on `ctl` and closes it, so student code never
   holds that socket; then it hides the `grader` and `reference` packages, runs each cell it is
   sent ("Run All", errors allowed) and answers with what happened;
3. then it makes each graded function's calls one at a time, with `np.random` seeded right
   before each, and answers with plain data (JSON, arrays as bytes). In a PID namespace with its
   own /proc it makes them itself, and before each function kills whatever was started before
   it (a call that ends it, or runs past its limit, costs a fresh run for the functions still
   to test); elsewhere it forks a probe process for each function's calls.

Meanwhile the zygote supervises from outside the namespace (`_supervise`): it obeys the
grader's orders on `ctl` (interrupt the cell, kill the probe process, kill everything), reports
how the runner ended, and at the end kills the init, which takes with it whatever the
submission left running, orphans included, and waits until all of it is gone. The init only
reaps orphans; it is not a copy of the zygote, so a submission costs one fork of the zygote,
not two.

Nothing here keeps time for student code: the grader does, and tells the zygote when to act, so
nothing a cell does can lift a limit. The zygote holds no cells and no probe inputs (they never
pass through it), no reference code, no expected values and no comparison code; the runner holds
one cell or one call's inputs at a time.
"""

from __future__ import annotations

import builtins
import gc
import importlib.util
import inspect
import io
import json
import linecache
import os
import resource
import select
import signal
import socket
import struct
import sys
import time
import traceback
import types
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from grader.sandbox import cgroup, jail, nursery, seccomp, wire
from grader.sandbox.bindings import BINDINGS
from grader.sandbox.libc import libc as shared_libc
from grader.sandbox.lifeline import die_with_parent

# Captured before any student code runs: student code may patch the modules, not these names.
_fork, _exit, _write, _read, _waitpid, _kill, _killpg = (
    os.fork,
    os._exit,
    os.write,
    os.read,
    os.waitpid,
    os.kill,
    os.killpg,
)
_getpid, _getppid, _close, _listdir = os.getpid, os.getppid, os.close, os.listdir
_monotonic, _sleep = time.monotonic, time.sleep
_signal, _default_int = signal.signal, signal.default_int_handler
_dumps, _loads, _encode, _seed = json.dumps, json.loads, wire.encode, np.random.seed
_pack, _unpack = struct.Struct(">I").pack, struct.Struct(">I").unpack
_join, _split = wire.join_frame, wire.split_frame

BLOCKED_PACKAGES = ("grader", "reference")
OUTPUT_EXCERPT = 8192


def _warm_imports() -> None:
    """What every notebook needs, imported once in the zygote rather than once per submission.
    Not IPython: the grader sends cells already transformed into Python (`grader.transform`)."""
    try:
        import coursekit
    except Exception:  # the helper module is optional for foreign assignments
        return
    import pkgutil

    # Every helper module the notebooks may import; not the notebooks' own source (nbformat).
    for m in pkgutil.iter_modules(coursekit.__path__):
        if m.name in ("notebooks", "lessons") or m.name.startswith("_"):
            continue
        try:
            __import__(f"coursekit.{m.name}")
        except Exception:
            pass


def _warm_plots(root: str) -> None:
    """matplotlib's pyplot, for the plot zygote (`_PlotZygote`): a notebook that imports it (the
    setup notebook does) would otherwise pay about half a second for the import, and as much
    again for a font list built anew in each submission's empty home, every time. Imported
    inside the allowlist root, so the font list holds only fonts a submission can open."""
    os.environ["MPLCONFIGDIR"] = os.path.join(root, ".matplotlib")  # the font list, once
    try:
        import matplotlib.pyplot  # noqa: F401
    except Exception:  # a course without plots may run without matplotlib
        return
    finally:
        del os.environ["MPLCONFIGDIR"]  # not one of the submission's variables
    _unpin_plot_dirs()


def _unpin_plot_dirs() -> None:
    """matplotlib remembers its config and cache folders from the first time it is asked: here,
    the zygote's folder, which no submission can see (a font cache saved there failed, and said
    so in the student's output, naming a host path). A submission's matplotlib finds them anew,
    under its own home, as it would in a notebook of its own."""
    try:
        import matplotlib
        import matplotlib.style

        mpl: Any = matplotlib  # its private helpers are not in its type stubs
        find = mpl._get_config_or_cache_dir
        config, cache = mpl._get_xdg_config_dir, mpl._get_xdg_cache_dir
    except Exception:  # another matplotlib: it keeps its own folders
        return
    mpl.get_configdir = lambda: find(config)
    mpl.get_cachedir = lambda: find(cache)
    matplotlib.style.USER_LIBRARY_PATHS = []  # the zygote's stylelib; a submission has none


# ----------------------------------------------------------------------------------------------
# the child: one submission


class _Stream:
    """Length-prefixed JSON frames on the job's `data` socket, both ways; after a NUL byte, a
    frame may carry the raw bytes of its arrays (`grader.channel.Frames`)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.blob = b""
        """The blob of the last frame received."""

    def send(self, record: dict[str, Any]) -> None:
        self.send_payload(_dumps(record).encode())

    def send_payload(self, payload: bytes, blob: bytes = b"") -> None:
        framed = _join(payload, blob)
        data = memoryview(_pack(len(framed)) + framed)
        try:
            while data:
                n = _write(self.fd, data)
                data = data[n:]
        except OSError:
            _exit(0)  # the grader is gone: nothing left to answer to

    def _exactly(self, n: int) -> bytes:
        parts = []
        while n:
            try:
                chunk = _read(self.fd, min(n, 1 << 20))
            except InterruptedError:
                continue
            if not chunk:
                _exit(0)  # the grader closed the job
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def recv(self) -> dict[str, Any]:
        (n,) = _unpack(self._exactly(4))
        text, self.blob = _split(self._exactly(n))
        message: dict[str, Any] = _loads(text)
        return message


class _BoundedText(io.TextIOBase):
    """A stdout/stderr stand-in: keeps the first OUTPUT_EXCERPT characters, counts the rest."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        self.total += len(s)
        room = OUTPUT_EXCERPT - self.kept
        if room > 0:
            self.parts.append(s[:room])
            self.kept += min(room, len(s))
        return len(s)

    def excerpt(self) -> dict[str, Any]:
        return {"text": "".join(self.parts), "total_chars": self.total}


class _ImportGuard:
    """Refuses the grader's own packages to student code."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".")[0] in BLOCKED_PACKAGES:
            raise ImportError(f"{fullname} is not available while grading")
        return None


class _Shell:
    """The part of IPython's shell a course notebook may touch. Magics other than the harmless
    display ones are refused; shell escapes never reach the host."""

    def run_line_magic(self, name: str, line: str, *args: Any, **kwargs: Any) -> None:
        if name in ("matplotlib", "config", "load_ext", "reload_ext", "autoreload", "precision"):
            return None
        raise RuntimeError(f"the magic %{name} is not run when grading")

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        raise RuntimeError(f"the cell magic %%{name} is not run when grading")

    def system(self, cmd: str, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("shell escapes (!cmd) are not run when grading")

    getoutput = system

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"get_ipython().{name} is not available when grading")


def _display(*objs: Any, **kwargs: Any) -> None:
    """IPython's display(): prints a text form."""
    for obj in objs:
        print(repr(obj))


def _trimmed_traceback(exc: BaseException) -> list[dict[str, Any]]:
    """The frames of the student's own cells only: cell index, line number and line text."""
    frames = []
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename.startswith("<cell ") and fs.filename[6:-1].isdigit():
            frames.append(
                {
                    "cell": int(fs.filename[6:-1]),
                    "line": int(fs.lineno or 0),
                    "text": (fs.line or "")[:200],
                    "function": str(fs.name)[:80],
                }
            )
    return frames[-8:]


def _describe(exc: BaseException) -> dict[str, Any]:
    try:
        message = str(exc)[:500]
    except BaseException:
        message = "<unprintable>"
    kind = "exception"
    if isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, SystemExit):
        kind = "exit"
    try:
        frames = _trimmed_traceback(exc)
    except BaseException:
        frames = []
    return {
        "kind": kind,
        "type": type(exc).__name__[:80],
        "message": message,
        "traceback": frames,
    }


def _apply_limits(limits: dict[str, Any]) -> None:
    """rlimits on this child and everything it forks."""

    def setlim(which: int, value: int) -> None:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    mb = 2**20
    # The address-space cap counts what the zygote already mapped (numpy, BLAS), plus the budget.
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * resource.getpagesize()
    setlim(resource.RLIMIT_AS, mapped + int(limits["memory_mb"]) * mb)
    setlim(resource.RLIMIT_CPU, int(limits["cpu_s"]))
    setlim(resource.RLIMIT_FSIZE, int(limits["file_mb"]) * mb)
    setlim(resource.RLIMIT_NOFILE, 256)
    setlim(resource.RLIMIT_CORE, 0)
    setlim(resource.RLIMIT_MEMLOCK, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing


def _skipped_check(*names: Any, **kwargs: Any) -> None:
    """What `check` is while grading: the grader runs the tests itself."""
    print("check() is skipped while grading: the grader runs the tests itself")


def _hide_grader() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED_PACKAGES:
            del sys.modules[name]
    sys.meta_path.insert(0, _ImportGuard())
    # A notebook's `from grader import check` (the self-check) still imports: it gets a stub
    # that does nothing, so the cell and the ones after it run as they would for the student.
    # Nothing else of the grader is reachable through it.
    stub = types.ModuleType("grader", "The grader is not available while grading.")
    stub.check = _skipped_check  # type: ignore[attr-defined]
    stub.__path__ = []  # a package, so `import grader.x` asks the guard, which refuses it
    sys.modules["grader"] = stub


def _child(job: dict[str, Any], plan: jail.Plan, shared: jail.Worker, data: int, ctl: int) -> None:
    """The submission's first process, which becomes its runner. Never returns.

    As root, the zygote forked it into a PID namespace of its own, whose init the nursery made
    (`grader.sandbox.nursery`); it enters fresh mount, IPC, UTS and cgroup namespaces, lays out
    the mounts (`jail.enter`) and mounts the namespace's own /proc, then drops privileges. The
    zygote supervises it from outside (`_supervise`)."""
    try:
        in_namespace = bool(job.get("pid_namespace"))
        # (its parent, the zygote, is outside its PID namespace: its pid there is 0 to it)
        die_with_parent(signal.SIGKILL, None if in_namespace else job["zygote"])
        os.setsid()
        limits = job["limits"]
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        os.close(devnull)
        _apply_limits(limits)
        layers, notes = list(shared.layers), list(shared.notes)
        if job.get("pid_note"):
            notes.append(str(job["pid_note"]))
        if job.get("uid") is not None and os.geteuid() == 0:
            job["uid"] = jail.submission_uid()
            if _GROUP is not None and _in_group(_GROUP):
                layers += _GROUP.layers
            cgroup.let_go()
            own, own_notes = jail.enter(
                plan,
                list(limits.get("hidden", [])),
                _tmp_mb(limits),
                shared,
                pid_namespace=in_namespace,
            )
            layers += own
            notes += own_notes
            if in_namespace and "mount-namespace" in layers and jail.mount_proc():
                layers.append("private-proc")
        _runner(job, plan, data, ctl, layers, notes)
    except BaseException:
        pass
    _exit(0)


def _supervise(
    runner: int, ctl: int, init: nursery.Init | None, deadline: float, keep: frozenset[int]
) -> bool:
    """In the zygote, while a submission runs: obey the grader's orders on `ctl` until the
    runner ends, and report on `ctl` how it ended; kill it all at `deadline`. Then end its PID
    namespace (killing its init) and wait until every process of it is gone. True if the
    deadline came first. `keep` are the zygote's own children (the plot zygote, the nursery);
    any other it has once the runner has ended is the submission's (`_clear_strays`)."""
    try:
        watch = os.pidfd_open(runner)  # readable once the runner has ended
    except OSError:
        watch = -1
    try:
        status, timed_out = _obey(runner, ctl, watch, init, deadline)
    except Exception:  # nothing of the submission may outlive its job, whatever went wrong
        _kill_all(runner, init)
        try:
            status = _waitpid(runner, 0)[1]
        except ChildProcessError:
            status = signal.SIGKILL
        timed_out = False
    finally:
        if watch >= 0:
            os.close(watch)
    how, code = _status(status)
    try:
        os.write(ctl, _dumps({"runner": how, "code": code}).encode())
    except OSError:
        pass
    _end_namespace(runner, init, keep)
    return timed_out


def _obey(
    runner: int, ctl: int, watch: int, init: nursery.Init | None, deadline: float
) -> tuple[int, bool]:
    """The grader's orders, until the runner ends: its wait status, and whether the deadline
    came first. Sleeps on the runner's pidfd where the kernel has them; polls otherwise."""
    delay = 0.0005
    killed = False
    while True:
        left = deadline - _monotonic()
        if left <= 0:
            _kill_all(runner, init)
            return _waitpid(runner, 0)[1], True
        waits = [] if killed else [ctl]  # after a kill, only its end is awaited
        if watch >= 0:
            waits.append(watch)
            timeout = min(left, 1.0)
        else:
            timeout = min(left, delay)
            delay = min(delay * 2, 0.02)
        try:
            ready, _, _ = select.select(waits, [], [], timeout)
        except InterruptedError:
            ready = []
        try:
            done, status = _waitpid(runner, os.WNOHANG)
        except ChildProcessError:
            return 0, False
        if done:
            return status, False
        if ctl not in ready:
            continue
        try:
            order = os.read(ctl, 64)
        except OSError:
            order = b""
        if order == b"interrupt":
            _signal_quietly(runner, signal.SIGINT)
        elif order == b"kill-probe":
            # The probe process only: the runner, its parent, then clears what it left (a fork
            # bomb's copies) before it says the function ended, so nothing of this order can
            # reach the next function's probe process.
            for pid in _children(runner):
                _signal_quietly(pid, signal.SIGKILL)
        else:  # "kill", or the grader is gone
            _kill_all(runner, init)
            killed = True


def _kill_all(runner: int, init: nursery.Init | None) -> None:
    """SIGKILL every process of the submission: with a PID namespace, its init (the kernel
    kills the rest); without one, the runner's descendants, then the runner."""
    if init is not None:
        _signal_quietly(runner, signal.SIGKILL)
        try:
            signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
        except OSError:
            pass
        return
    _kill_others(runner)
    _signal_quietly(runner, signal.SIGKILL)


def _end_namespace(runner: int, init: nursery.Init | None, keep: frozenset[int]) -> None:
    """After the runner has ended (and been reaped: the init's end waits for that): end the
    PID namespace and wait until its init has ended, which is once every process in it has.
    Without one, kill what is left in the runner's process group. Then, either way, whatever
    else of the submission's this zygote has for a child (`_clear_strays`)."""
    if init is None:
        try:
            _killpg(runner, signal.SIGKILL)
        except OSError:
            pass
    else:
        _end_init(init, keep)
    _clear_strays(keep)


def _end_init(init: nursery.Init, keep: frozenset[int]) -> None:
    """Kill a PID namespace's init, and wait until it has ended: once every process of its
    namespace has ended and been reaped, this zygote's strays too, so they are reaped while
    it waits."""
    try:
        signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
    except OSError:
        pass
    deadline = _monotonic() + END_S
    wait = 0.01
    while True:
        try:
            if select.select([init.pidfd], [], [], wait)[0]:
                return
        except (OSError, ValueError):
            return
        if _monotonic() >= deadline:
            return
        _clear_strays(keep)
        wait = min(wait * 2, 0.2)


PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    """Make this zygote the parent of its jobs' orphans where they have no PID namespace to be
    reaped in (without root), so that `_clear_strays` finds and ends them: a fork bomb's
    processes, orphaned, would otherwise go to the host's init and outlive the job."""
    lib = shared_libc()
    if lib is not None:
        lib.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _clear_strays(keep: frozenset[int]) -> None:
    """Kill and reap every child of this zygote's but `keep`: a submission's process that
    names the zygote its parent (clone with CLONE_PARENT, which the system-call filter refuses:
    this is the second line), or without a PID namespace an orphan of the submission's, which
    comes to the zygote as its subreaper. Left alone, the zombies would hold the worker's
    process cap, and a namespace's init cannot end until they are reaped."""
    if "clear-strays" in jail.DISABLE:
        return
    me = _getpid()
    for _ in range(20):
        strays = [pid for pid in _children(me) if pid not in keep]
        if not strays:
            return
        for pid in _descendants(*strays) + strays:
            _signal_quietly(pid, signal.SIGKILL)
        for pid in strays:
            try:
                _waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        _sleep(0.001)


END_S = 5.0
"""How long the zygote waits for a submission's processes to be gone once its init is killed
(the kernel kills them all; a process stuck in the kernel may take a moment)."""


def _kill_others(runner: int) -> None:
    """SIGKILL every descendant of the runner, again while new ones appear (a fork bomb forks
    between the listing and the kill), a bounded number of times."""
    for _ in range(20):
        others = _descendants(runner)
        if not others:
            return
        for pid in others:
            _signal_quietly(pid, signal.SIGKILL)


def _signal_quietly(pid: int, sig: int) -> None:
    try:
        _kill(pid, sig)
    except OSError:
        pass


def _children(runner: int) -> list[int]:
    """The runner's children, from its threads' /proc children lists (the worker's /proc, so
    these are pids as the zygote sees them); from every process's parent where those lists are
    not kept."""
    try:
        found: list[int] = []
        for task in _listdir(f"/proc/{runner}/task"):
            with open(f"/proc/{runner}/task/{task}/children", "rb") as f:
                found += [int(pid) for pid in f.read().split()]
        return found
    except (OSError, ValueError):
        parents = _parents()
        return [pid for pid, parent in parents.items() if parent == runner]


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            parents[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return parents


def _descendants(*roots: int) -> list[int]:
    """Every descendant of these processes still in the process tree (one read of /proc)."""
    parents = _parents()
    found: list[int] = []
    frontier = set(roots)
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = set(children)
    return found


def _runner(
    job: dict[str, Any], plan: jail.Plan, data: int, ctl: int, layers: list[str], notes: list[str]
) -> None:
    """Drop privileges and say what isolation holds (on `ctl`, which is then closed for good);
    then run what the grader sends on `data`: cells, then each function's calls."""
    home = plan.tmp if "private-tmp" in layers else job["scratch"]
    os.chdir(home)
    os.environ["HOME"] = home
    os.environ["TMPDIR"] = home
    _signal(signal.SIGINT, signal.SIG_IGN)
    more, more_notes = jail.drop_privileges(job.get("uid"), plan.keep)
    if "isolation-record" in jail.DISABLE or (
        "isolation-record-first" in jail.DISABLE and job["id"] == 1
    ):
        _exit(0)  # a sandbox that never starts, for the tests of the grader's retry
    try:
        os.write(
            ctl, _dumps({"isolation": [*layers, *more], "notes": [*notes, *more_notes]}).encode()
        )
    except OSError:
        pass
    _close(ctl)
    _hide_grader()
    if "pid-namespace" in layers:
        # Its parent, the zygote, is outside its PID namespace, so the kernel says 0, and
        # kill(0) signals the caller's own group: a cell that signals its parent would kill
        # itself. To `os`, its parent is the namespace's init, as a process born there sees it.
        os.getppid = _init_pid
    sys.path[:] = [p for p in sys.path if p not in ("", ".", job["scratch"], job["root"])]
    stream = _Stream(data)
    in_namespace = "pid-namespace" in layers
    private_proc = in_namespace and "private-proc" in layers
    max_value = int(job["max_value_bytes"])
    _forget(job)
    ns, run_cell = _cell_runner()
    me = _getpid()
    # Where this process is in a PID namespace with its own /proc, it makes the calls itself:
    # before each function it can kill whatever was started before, and a call that ends it or
    # runs past its limit costs a fresh run for the functions still to test (the grader's
    # side). Elsewhere each function's calls run in a probe process of their own, whose group
    # is killed after it.
    inline = private_proc
    while True:
        order = stream.recv()
        op = order.get("op")
        if op == "cell":
            record = run_cell(order)
            if _getpid() != me:
                _exit(0)  # a process the cell forked, come out of it: it has nothing to say
            if not record["ok"] and record["error"]["type"] == "KeyboardInterrupt":
                _clear(in_namespace)  # an interrupted cell's processes go with it
            stream.send(record)
        elif op == "probe" and inline:
            name = str(order["function"])
            if "clear-between-functions" not in jail.DISABLE:
                _clear(in_namespace)  # what the cells or the last calls started goes first
            _calls(ns, name, stream, max_value, me)  # returns on the grader's "done"
            stream.send({"function": name, "ended": "exit", "code": 0})
        elif op == "probe":
            name = str(order["function"])
            _clear(in_namespace)
            pid = _fork_when_room()
            if pid == 0:
                try:
                    os.setpgid(0, 0)  # its processes can be killed as one group, forks and all
                    die_with_parent(signal.SIGKILL, me)
                    _calls(ns, name, stream, max_value, _getpid())
                finally:
                    _exit(0)
            how, code = _status(_waitpid(pid, 0)[1])
            # What it left running goes before the next function: its group at once (a kill of
            # a group cannot be outrun by forks), then anything else in the namespace.
            try:
                _killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            _clear(in_namespace)
            stream.send({"function": name, "ended": how, "code": code})
        elif op == "end":
            break
        # anything else (a call the probe process did not live to read) is dropped unread
    _exit(0)


def _forget(job: dict[str, Any]) -> None:
    """Before student code runs: empty the job, in place, for every frame above the runner
    holds it (the zygote's loop, its `run`, `_child`), and a cell can walk up to them. It names
    host paths (the job's folder, the batch's class and output folders among the hidden ones)
    and the zygote's host pid, which a submission has no use for."""
    limits = job.get("limits")
    if isinstance(limits, dict):
        hidden = limits.get("hidden")
        if isinstance(hidden, list):
            hidden.clear()
        limits.clear()
    job.clear()


def _init_pid() -> int:
    """`os.getppid` in a PID namespace the runner was born in: 0 (a parent outside it) is the
    namespace's init instead; a process the runner forked has the runner for its parent."""
    return _getppid() or 1


def _fork_when_room(wait_s: float = 3.0) -> int:
    """fork(), again for a while when the process cap is full: the processes just killed (a
    fork bomb's) still count until the namespace's init has reaped them."""
    deadline = _monotonic() + wait_s
    while True:
        try:
            return _fork()
        except BlockingIOError:  # EAGAIN
            if _monotonic() >= deadline:
                raise
            _sleep(0.01)


def _late_transform(text: str) -> str:
    """IPython's transformer, for a cell the grader left to the sandbox (`grader.transform`):
    imported late, and run under the cell's own time and memory limits."""
    from IPython.core.inputtransformer2 import TransformerManager

    return str(TransformerManager().transform_cell(text))


def _cell_runner() -> tuple[dict[str, Any], Any]:
    """The notebook's namespace, and a function running one cell in it ("Run All" with errors
    allowed). SIGINT raises KeyboardInterrupt only while a cell runs, as Jupyter's interrupt."""
    shell = _Shell()
    ns: dict[str, Any] = {
        "__name__": "__main__",
        "__builtins__": builtins,
        "get_ipython": lambda: shell,
        "display": _display,
    }
    real_out, real_err = sys.stdout, sys.stderr

    def run_cell(order: dict[str, Any]) -> dict[str, Any]:
        index = int(order["index"])
        out = _BoundedText()
        record: dict[str, Any] = {"cell": index, "ok": True}
        sys.stdout = sys.stderr = out
        try:
            _signal(signal.SIGINT, _default_int)  # an interrupt stops the transform too
            source = order["source"]  # Python: the grader ran IPython's transformer, unless
            if order.get("transform"):  # the cell was too big for it to: then here, late
                source = _late_transform(source)
            filename = f"<cell {index}>"
            # So tracebacks can quote the student's line.
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            code = compile(source, filename, "exec")
            exec(code, ns)
            _signal(signal.SIGINT, signal.SIG_IGN)
        except BaseException as exc:
            _signal(signal.SIGINT, signal.SIG_IGN)
            record.update(ok=False, error=_describe(exc))
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        record["output"] = out.excerpt()
        return record

    return ns, run_cell


def _calls(ns: dict[str, Any], name: str, stream: _Stream, max_value: int, me: int) -> None:
    """The calls of one function, until the grader says it is done. What the calls print is
    dropped. A process a call forked (`me` is the one making the calls) comes out here: it has
    nothing to say."""
    fn = ns.get(name)
    stream.send({"ready": name})  # the grader starts each call's clock from here on
    while True:
        order = stream.recv()
        if order.get("op") != "call":
            return
        case = order["case"]
        if not callable(fn):
            stream.send(
                {
                    "case": case,
                    "ok": False,
                    "error": {
                        "kind": "missing",
                        "type": "NameError",
                        "message": f"no function named {name} after running the notebook"
                        if fn is None
                        else f"{name} is not a function",
                        "traceback": [],
                    },
                }
            )
            continue
        payload, blob = _call(fn, ns, order, stream.blob, max_value)
        if _getpid() != me:
            _exit(0)
        stream.send_payload(payload, blob)


def _call(
    fn: Any, ns: dict[str, Any], order: dict[str, Any], given: bytes, max_value: int
) -> tuple[bytes, bytes]:
    """One call, bindings and seed set right before it (its arguments' arrays in `given`, the
    order's blob); its answer as a JSON frame's text and the blob of the arrays it returned."""
    glob = getattr(fn, "__globals__", ns)
    if not isinstance(glob, dict):
        glob = ns
    saved: dict[str, Any] = {}
    case = order["case"]
    t0 = _monotonic()
    try:
        sent = order["args"], order["kwargs"]
        args = wire.decode(order["args"], blob=given)
        kwargs = wire.decode(order["kwargs"], blob=given)
        seed = order.get("seed")
        for target, helper in dict(order.get("bindings") or {}).items():
            saved[target] = glob.get(target, _MISSING)
            glob[target] = BINDINGS[helper]
        order.clear()
        sys.stdout = sys.stderr = _BoundedText()  # what a hidden call prints goes nowhere
        if seed is not None:
            _seed(seed)
        value = fn(*args, **kwargs)
        elapsed = _monotonic() - t0
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        # Encoded once: the size check and the frame share the text and the blob.
        blob = bytearray()
        answer = {"case": case, "ok": True, "value": _encode(value, blob=blob), "elapsed": elapsed}
        changed = _changed(fn, sent, given, args, kwargs)
        if changed:
            answer["changed"] = changed
        payload = _dumps(answer).encode()
        if len(payload) + len(blob) <= max_value:
            return payload, bytes(blob)
        return _dumps(
            {
                "case": case,
                "ok": False,
                "error": {
                    "kind": "output-too-large",
                    "type": "",
                    "message": f"the returned value is larger than {max_value // 2**20} MB",
                    "traceback": [],
                },
            }
        ).encode(), b""
    except BaseException as exc:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        failed = {"case": case, "ok": False, "error": _describe(exc), "elapsed": _monotonic() - t0}
        return _dumps(failed).encode(), b""
    finally:
        for target, old in saved.items():
            if old is _MISSING:
                glob.pop(target, None)
            else:
                glob[target] = old


_MISSING = object()


def _changed(fn: Any, sent: tuple[Any, Any], given: bytes, args: Any, kwargs: Any) -> list[str]:
    """The arguments a call changed in place (an array written to, a dict or list edited), by
    name: compared with the arguments as sent, decoded again. A note for the student, not a
    verdict: a function that edits its input hands its caller changed data."""
    try:
        before_args = wire.decode(sent[0], blob=given)
        before_kwargs = wire.decode(sent[1], blob=given)
        try:
            names = [
                p.name
                for p in inspect.signature(fn).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            names = []
        found = [
            names[i] if i < len(names) else f"argument {i + 1}"
            for i, (was, now) in enumerate(zip(before_args, args, strict=False))
            if not _same(was, now)
        ]
        found += [k for k, was in before_kwargs.items() if not _same(was, kwargs.get(k, was))]
        return [str(n)[:80] for n in found[:16]]
    except Exception:  # the student's objects may do anything when compared: no note then
        return []


def _same(was: Any, now: Any, depth: int = 0) -> bool:
    """`now` still holds what `was` held: arrays of one shape, dtype and values (NaN equal
    to NaN), dicts of the same keys, sequences of the same length, each entry alike."""
    if depth > 8:
        return True
    if isinstance(was, np.ndarray):
        if not isinstance(now, np.ndarray) or (was.shape, was.dtype) != (now.shape, now.dtype):
            return False
        return bool(np.array_equal(was, now, equal_nan=was.dtype.kind in "fc"))
    if isinstance(was, dict):
        return (
            isinstance(now, dict)
            and was.keys() == now.keys()
            and all(_same(v, now[k], depth + 1) for k, v in was.items())
        )
    if isinstance(was, (list, tuple)):
        return (
            type(now) is type(was)
            and len(now) == len(was)
            and all(_same(a, b, depth + 1) for a, b in zip(was, now, strict=True))
        )
    return True  # numbers, strings, None: a call cannot change them in place


def _group_limits(limits: dict[str, Any]) -> int:
    """Set the worker's group to this job's limits (where they changed); the group's OOM kills
    so far."""
    if _GROUP is None:
        return 0
    total = int(limits["memory_mb"]) + _tmp_mb(limits) + jail.SHM_MB + GROUP_SLACK_MB
    cgroup.limit(_GROUP, total)
    return cgroup.oom_kills(_GROUP)


GROUP_SLACK_MB = 256
"""Beyond the per-process budget and the tmpfs sizes: the interpreter's own pages that a
submission's processes touch after the fork."""


def _status(status: int) -> tuple[str, int]:
    if os.WIFSIGNALED(status):
        return ("signal", os.WTERMSIG(status))
    return ("exit", os.WEXITSTATUS(status))


def _clear(in_namespace: bool) -> None:
    """In a PID namespace of its own: kill whatever the submission left running (background
    processes, a fork bomb's survivors) and reap this process's children, so that the next
    tests start clean and the process cap has room for them. Outside one, `kill(-1)` would reach
    the user's other processes, so nothing is done."""
    if not in_namespace:
        return
    try:
        _kill(-1, signal.SIGKILL)  # every process of the namespace but its init and this one
    except OSError:
        pass
    deadline = _monotonic() + 2.0
    while _monotonic() < deadline:
        try:
            pid, _ = _waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            _sleep(0.002)


# ----------------------------------------------------------------------------------------------
# the zygote


def _package_dirs(name: str) -> list[str]:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)
    return [os.path.dirname(spec.origin)] if spec.origin else []


def _plan() -> jail.Plan:
    """What student code must still reach (Python, the course module) and must never see (the
    grader's and the reference's folders). The zygote's own folder, the sandbox's root, is
    neither: it holds other jobs."""
    root = os.getcwd()
    keep = [p for p in jail.python_paths() if not jail.inside(p, root)]
    keep += _package_dirs("coursekit")
    secret = [d for name in BLOCKED_PACKAGES for d in _package_dirs(name)]
    return jail.make_plan(keep, secret)


def _tmp_mb(limits: dict[str, Any]) -> int:
    return max(64, 2 * int(limits["file_mb"]))


_GROUP: cgroup.Group | None = None
"""The worker's control group (`grader.cgroup`), when it has one."""
_WORKER_IN_GROUP = False
"""Whether the worker itself is in its group (so its submissions start there)."""


def _in_group(group: cgroup.Group) -> bool:
    """In a submission's first process: be in the group, first in line for its OOM kills.
    Where the worker is in the group, this process already is."""
    if not _WORKER_IN_GROUP:
        return cgroup.join(group)
    cgroup.first_to_kill()
    return True


def _enter_worker(plan: jail.Plan, root: str) -> jail.Worker:
    """The worker's own layers, once: its control group, its namespaces and the allowlist root,
    and whether its environment was scrubbed. The group's folders, the job folder and the
    grader's code stay reachable to the worker only."""
    global _GROUP, _WORKER_IN_GROUP
    trusted = [root, *_package_dirs("grader")]
    notes: list[str] = []
    if "cgroup" not in jail.DISABLE:
        _GROUP, notes = cgroup.create()
        if _GROUP is not None:
            cgroup.hold(_GROUP)
            _WORKER_IN_GROUP = cgroup.join(_GROUP)
    else:
        notes = ["no cgroup: switched off for a test"]
    seccomp.program()  # the filter, built once for every submission to load
    worker = jail.enter_worker(os.path.join(root, ".root"), trusted, plan.secret)
    jail.warm(plan.keep)
    env_layers, env_notes = jail.environment_layer()
    return jail.Worker(
        (*worker.layers, *env_layers), (*notes, *worker.notes, *env_notes), worker.trusted
    )


def serve() -> None:
    """Take jobs on the socket the grader passed (fd `GRADER_JOB_SOCKET`), each with its two
    sockets, and answer each with one JSON message, until the grader closes it."""
    die_with_parent(signal.SIGKILL, int(os.environ.pop("GRADER_PARENT_PID", "0")) or None)
    jobs = socket.socket(fileno=int(os.environ.pop("GRADER_JOB_SOCKET")))
    root = os.getcwd()
    own_pids = jail.own_pid_namespace()
    _warm_imports()
    plan = _plan()
    shared = _enter_worker(plan, root)
    births: nursery.Nursery | None = None
    why = ""
    if own_pids >= 0:
        # The worker's own mounts, which the nursery lets go of (kept for a test that shows
        # an init's mount table would name them).
        mounts = () if "nursery-mounts" in jail.DISABLE else shared.trusted
        births, why = nursery.Nursery.start(mounts)
    channels = births.channels if births is not None else [None, None]
    zygote = _Zygote(root, own_pids, plan, shared, channels[0], why)
    sys.stdout = sys.stderr
    _freeze()
    _subreaper()
    plots = _PlotZygote.start(zygote, jobs, channels[1])
    zygote.keep = frozenset(
        pid for pid in (plots.pid if plots else 0, births.proc.pid if births else 0) if pid
    )
    if channels[1] is not None:
        channels[1].close()  # the plot zygote's
    hello = {
        "ready": True,
        "pid": os.getpid(),
        "plots": plots.pid if plots else None,
        "nursery": births.proc.pid if births else None,
    }
    jobs.send(json.dumps(hello).encode())
    try:
        _take_jobs(jobs, zygote, plots)
    finally:
        if plots is not None:
            plots.stop()
        if births is not None:
            births.stop()


def _next_job(sock: socket.socket) -> tuple[dict[str, Any], list[int]] | None:
    """The next job and its two sockets; None when the sender has closed. Only the decoded job
    is kept, not its bytes: what a job's runner must not read of it (`_forget`) is cleared
    from the one dict that every frame above the runner holds."""
    try:
        header, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
    except OSError:
        return None
    if not header or len(fds) != 2:
        return None
    job: dict[str, Any] = json.loads(header)
    return job, fds


def _take_jobs(jobs: socket.socket, zygote: _Zygote, plots: _PlotZygote | None) -> None:
    zygote.prepare()
    while (taken := _next_job(jobs)) is not None:
        job, fds = taken
        oom = _group_limits(job["limits"])
        answer = None
        if job.get("plots") and plots is not None and plots.alive:
            answer = plots.run(fds, job)
        if answer is None:
            answer = zygote.run(job, fds, jobs)
        if _GROUP is not None and cgroup.oom_kills(_GROUP) > oom:
            answer["oom"] = True  # the kernel killed a process of it for the group's memory
        jobs.send(json.dumps(answer).encode())
        zygote.prepare()


def _close_all_but(*keep: int) -> None:
    """In a submission's first process, right after the fork: close every descriptor the
    zygote had but the job's own sockets (and the group's files, let go of before student
    code runs). The zygotes hold trusted handles (the job socket, the socket to the plot
    zygote, their own PID namespace) that no submission may inherit."""
    try:
        open_fds = [int(name) for name in _listdir("/proc/self/fd")]
    except OSError:  # no /proc: every descriptor the process could have
        open_fds = list(range(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0]))
    for fd in open_fds:
        if fd > 2 and fd not in keep:
            try:
                _close(fd)
            except OSError:
                pass


def _freeze() -> None:
    """Everything loaded so far goes to a generation the collector never scans: a submission's
    processes would otherwise write to every old object's header in their first full
    collection and copy the zygote's whole heap page by page (tens of ms a process)."""
    gc.collect()
    gc.freeze()


class _Zygote:
    """What a zygote forks each submission's first process from, and supervises it from."""

    def __init__(
        self,
        root: str,
        own_pids: int,
        plan: jail.Plan,
        shared: jail.Worker,
        births: socket.socket | None = None,
        no_births: str = "",
    ) -> None:
        self.root = root
        self.own_pids = own_pids
        self.plan = plan
        self.shared = shared
        self.births = births
        """This zygote's channel to the nursery, which makes each submission's PID namespace."""
        self.no_births = no_births
        """Why there is no nursery, where there is none though there should be (it did not
        start: the result says so, as for any layer this machine cannot give)."""
        self.keep: frozenset[int] = frozenset()
        """This zygote's own children (the plot zygote, the nursery): any other is a job's."""
        self.spare: nursery.Init | None = None
        """The next job's PID namespace, made between jobs (`prepare`)."""

    def run(self, job: dict[str, Any], fds: list[int], jobs: socket.socket) -> dict[str, Any]:
        """Fork the job's first process, supervise it until it ends (killing it all at the
        job's wall-clock limit); the answer for the grader."""
        job["zygote"] = os.getpid()
        job["root"] = self.root
        t0 = _monotonic()
        data, ctl = fds
        init = self._namespace(job)
        try:
            try:
                pid = _fork()
            except BaseException:
                if init is not None:
                    jail.leave_pid_namespace(self.own_pids)
                raise
            if pid == 0:
                jobs.detach()
                _close_all_but(data, ctl, *cgroup.held())
                _child(job, self.plan, self.shared, data, ctl)
            if init is not None:
                jail.leave_pid_namespace(self.own_pids)
            os.close(data)
            data = -1
            deadline = t0 + float(job["limits"]["wall_s"])
            timed_out = _supervise(pid, ctl, init, deadline, self.keep)
        finally:
            for fd in (data, ctl, init.pidfd if init is not None else -1):
                if fd >= 0:
                    os.close(fd)
        how, code = ("timeout", 0) if timed_out else ("exit", 0)
        return {"id": job["id"], "ended": how, "code": code, "elapsed": _monotonic() - t0}

    def _namespace(self, job: dict[str, Any]) -> nursery.Init | None:
        """As root, a new PID namespace for the job's processes, joined so that the next fork
        is born into it (the caller must `leave_pid_namespace` right after); None without one,
        and the job says why where it should have had one."""
        job["pid_namespace"] = False
        if job.get("uid") is None or os.geteuid() != 0 or self.own_pids < 0:
            return None
        if self.births is None:
            job["pid_note"] = self.no_births
            return None
        init = self._spare_init() or nursery.Nursery.init(self.births)
        if isinstance(init, str) or not jail.join_pid_namespace(init.pidfd):
            # It worked for this worker before (its nursery started): a failure now (the
            # nursery gone, its fork refused) is this worker's, not a reason to run student
            # code with less. The worker ends; the grader runs the job again on a new one.
            _exit(70)
        job["pid_namespace"] = True
        return init

    def prepare(self) -> None:
        """Between jobs, as root: have the next job's PID namespace made now, while the grader
        scores the last one, rather than when the job comes. One namespace for one job still:
        it is used once, by the next job this zygote runs."""
        if self.spare is not None or os.geteuid() != 0 or self.own_pids < 0:
            return
        if self.births is None or "spare-init" in jail.DISABLE:
            return
        init = nursery.Nursery.init(self.births)
        if isinstance(init, nursery.Init):
            self.spare = init
        # else: the next job asks again, and ends this worker if it fails then too

    def _spare_init(self) -> nursery.Init | None:
        """The namespace `prepare` made, if its init still lives (the nursery may have gone
        since); None to ask for one now."""
        init, self.spare = self.spare, None
        if init is None:
            return None
        try:
            alive = not select.select([init.pidfd], [], [], 0)[0]
        except (OSError, ValueError):
            alive = False
        if alive:
            return init
        os.close(init.pidfd)
        return None


class _PlotZygote:
    """A second zygote, forked from the first once the allowlist root is in place, that has
    imported matplotlib's pyplot too. Notebooks whose cells name matplotlib (the grader says so
    in the job) are forked from it; every other one from the first zygote, which is smaller by
    pyplot's 28 MB of heap, so that each of a submission's forks copies and each of its exits
    frees that much less (about 15 ms a submission)."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock
        self.alive = True

    @classmethod
    def start(
        cls, zygote: _Zygote, jobs: socket.socket, births: socket.socket | None
    ) -> _PlotZygote | None:
        """Fork it; `births` is its channel to the nursery."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent = os.getpid()
        try:
            pid = _fork()
        except OSError:
            ours.close()
            theirs.close()
            return None
        if pid == 0:
            try:
                die_with_parent(signal.SIGKILL, parent)
                jobs.close()
                ours.close()
                if zygote.births is not None:
                    zygote.births.close()  # the first zygote's
                zygote.births = births
                if zygote.spare is not None:  # the first zygote's, not for this one's jobs
                    os.close(zygote.spare.pidfd)
                    zygote.spare = None
                zygote.keep = frozenset()  # its children are its jobs' only
                _subreaper()
                _warm_plots(zygote.root)
                _freeze()
                _PlotZygote._serve(zygote, theirs)
            finally:
                _exit(0)
        theirs.close()
        return cls(pid, ours)

    @staticmethod
    def _serve(zygote: _Zygote, sock: socket.socket) -> None:
        zygote.prepare()
        while (taken := _next_job(sock)) is not None:
            job, fds = taken
            answer = zygote.run(job, fds, sock)
            sock.send(json.dumps(answer).encode())
            zygote.prepare()

    def run(self, fds: list[int], job: dict[str, Any]) -> dict[str, Any] | None:
        """Hand the job to the plot zygote; its answer, or a crash if it does not give one by
        the job's wall-clock limit and a grace (then it is killed, and not used again). None
        when it could not take the job (it is gone): the job is still to run, elsewhere."""
        try:
            socket.send_fds(self.sock, [json.dumps(job).encode()], fds)
        except OSError:
            self.alive = False
            return None
        for fd in fds:
            os.close(fd)
        deadline = _monotonic() + float(job["limits"]["wall_s"]) + 5.0
        raw = b""
        while True:
            left = deadline - _monotonic()
            if left <= 0:
                break
            try:
                ready, _, _ = select.select([self.sock], [], [], left)
            except InterruptedError:
                continue
            if ready:
                try:
                    raw = self.sock.recv(1 << 16)
                except OSError:
                    raw = b""
                break
        if not raw:
            self.alive = False
            _signal_quietly(self.pid, signal.SIGKILL)
            try:
                _waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            return {"id": job["id"], "ended": "crashed", "code": 0, "elapsed": 0.0}
        answer: dict[str, Any] = json.loads(raw)
        return answer

    def stop(self) -> None:
        """Let it end (it ends when its socket closes) and reap it, so that its CPU time and its
        submissions' count in this process's children's."""
        self.sock.close()
        deadline = _monotonic() + 2.0
        while _monotonic() < deadline:
            try:
                if _waitpid(self.pid, os.WNOHANG)[0]:
                    return
            except ChildProcessError:
                return
            _sleep(0.005)
        _signal_quietly(self.pid, signal.SIGKILL)
        try:
            _waitpid(self.pid, 0)
        except ChildProcessError:
            pass


if __name__ == "__main__":
    serve()
