"""The untrusted side: a warm zygote that forks one child per submission.

Run as `python -m grader.worker`. The zygote imports numpy, IPython's input transformer and the
course helper module once, then reads jobs (one JSON line each) on stdin. For each job it forks a
child that:

1. becomes its own process group and applies rlimits; as root it also enters fresh namespaces
   (network, mount, PID), sees a read-only filesystem with a private /tmp and none of the
   grader's files, and runs student code under a uid of its own with no capabilities
   (`grader.jail`); elsewhere it runs in a fresh scratch directory and the result says what
   was missing;
2. hides the `grader` and `reference` packages from student code;
3. runs the notebook's code cells in order ("Run All", errors allowed), demo cells excluded;
4. forks one grandchild per graded function, which calls it on each probe input with
   `np.random` seeded right before the call, under a per-call timer;
5. writes plain-data results (JSON lines, arrays as bytes) to a file the grader reads.

The zygote never runs student code itself: it watches the child's wall clock, kills its whole
process group when time is up, and answers the grader with one JSON line per job. This module
holds no reference code, no expected values and no comparison code.
"""

from __future__ import annotations

import builtins
import importlib.util
import io
import json
import linecache
import os
import resource
import select
import signal
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

from grader import cgroup, jail, wire
from grader.bindings import BINDINGS
from grader.ipysyntax import needs_transform, plain
from grader.lifeline import die_with_parent

# Captured before any student code runs: student code may patch the modules, not these names.
_fork, _exit, _write, _waitpid, _kill, _killpg = (
    os.fork,
    os._exit,
    os.write,
    os.waitpid,
    os.kill,
    os.killpg,
)
_monotonic, _sleep, _setitimer = time.monotonic, time.sleep, signal.setitimer
_dumps, _encode, _seed = json.dumps, wire.encode, np.random.seed

BLOCKED_PACKAGES = ("grader", "reference")
OUTPUT_EXCERPT = 8192


def _warm_imports() -> None:
    """What every notebook needs, imported once in the zygote rather than once per submission."""
    from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401

    for name in (
        "coursekit.data",
        "coursekit.network",
        "coursekit.gradcheck",
        "coursekit.plotting",
    ):
        try:
            __import__(name)
        except Exception:  # the helper module is optional for foreign assignments
            pass


# ----------------------------------------------------------------------------------------------
# the child: one submission


class _Emitter:
    """Writes result lines to the file descriptor the grader reads."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __call__(self, record: dict[str, Any]) -> None:
        data = (_dumps(record) + "\n").encode()
        try:
            while data:
                n = _write(self.fd, data)
                data = data[n:]
        except OSError:
            pass


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


class _CellTimeout(BaseException):
    """Raised in the running cell when the notebook's time is up."""


def _trimmed_traceback(exc: BaseException) -> list[dict[str, Any]]:
    """The frames of the student's own cells only: cell index, line number and line text."""
    frames = []
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename.startswith("<cell "):
            frames.append(
                {
                    "cell": int(fs.filename[6:-1]),
                    "line": fs.lineno,
                    "text": (fs.line or "")[:200],
                    "function": fs.name,
                }
            )
    return frames[-8:]


def _describe(exc: BaseException) -> dict[str, Any]:
    try:
        message = str(exc)[:500]
    except Exception:
        message = "<unprintable>"
    kind = "exception"
    if isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, SystemExit):
        kind = "exit"
    elif isinstance(exc, _CellTimeout):
        kind = "timeout"
    return {
        "kind": kind,
        "type": type(exc).__name__,
        "message": message,
        "traceback": _trimmed_traceback(exc),
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


def _run_cells(cells: list[dict[str, Any]], emit: _Emitter, timeout_s: float) -> dict[str, Any]:
    """Run All with errors allowed, in one namespace; stop at the notebook's time limit."""
    from IPython.core.inputtransformer2 import TransformerManager

    transformer = TransformerManager()
    shell = _Shell()
    ns: dict[str, Any] = {
        "__name__": "__main__",
        "__builtins__": builtins,
        "get_ipython": lambda: shell,
        "display": _display,
    }

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CellTimeout(f"the notebook ran past its {timeout_s:g} s limit")

    signal.signal(signal.SIGALRM, on_alarm)
    _setitimer(signal.ITIMER_REAL, timeout_s)
    real_out, real_err = sys.stdout, sys.stderr
    timed_out = False
    for cell in cells:
        out = _BoundedText()
        record: dict[str, Any] = {"cell": cell["index"], "ok": True}
        if timed_out:
            record.update(ok=False, skipped=True)
            emit(record)
            continue
        sys.stdout = sys.stderr = out
        try:
            text = cell["source"]
            # IPython's transformer only where it can change something (most cells: not).
            source = transformer.transform_cell(text) if needs_transform(text) else plain(text)
            filename = f"<cell {cell['index']}>"
            # So tracebacks can quote the student's line.
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            code = compile(source, filename, "exec")
            exec(code, ns)
        except BaseException as exc:
            record.update(ok=False, error=_describe(exc))
            timed_out = isinstance(exc, _CellTimeout)
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        record["output"] = out.excerpt()
        emit(record)
    _setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    return ns


def _probe_function(
    ns: dict[str, Any], name: str, cases: list[dict[str, Any]], emit: _Emitter, call_timeout: float
) -> None:
    """In a grandchild: call `name` on each case. A timer kills the process if a call hangs."""
    fn = ns.get(name)
    for case in cases:
        emit({"begin": case["case"]})
        if not callable(fn):
            emit(
                {
                    "case": case["case"],
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
        glob = getattr(fn, "__globals__", ns)
        saved = {}
        t0 = _monotonic()
        try:
            args = wire.decode(case["args"])
            kwargs = wire.decode(case["kwargs"])
            for target, helper in case.get("bindings", {}).items():
                saved[target] = glob.get(target, _MISSING)
                glob[target] = BINDINGS[helper]
            out = _BoundedText()
            sys.stdout = sys.stderr = out
            if case.get("seed") is not None:
                _seed(case["seed"])
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            _setitimer(signal.ITIMER_REAL, call_timeout)
            t0 = _monotonic()
            value = fn(*args, **kwargs)
            elapsed = _monotonic() - t0
            _setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            emit({"case": case["case"], "ok": True, "value": _encode(value), "elapsed": elapsed})
        except BaseException as exc:
            _setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            elapsed = _monotonic() - t0
            emit({"case": case["case"], "ok": False, "error": _describe(exc), "elapsed": elapsed})
        finally:
            for target, old in saved.items():
                if old is _MISSING:
                    glob.pop(target, None)
                else:
                    glob[target] = old


_MISSING = object()


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


def _wait(pid: int, deadline: float) -> tuple[str, int]:
    """Wait for `pid` until `deadline`; kill it then. Returns ("exit", code), ("signal", n) or
    ("timeout", 0). Sleeps on a pidfd where the kernel has them, so a child that ends is seen at
    once; polls otherwise."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = -1
    try:
        delay = 0.0005
        while True:
            try:
                done, status = _waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return ("exit", 0)
            if done:
                return _status(status)
            left = deadline - _monotonic()
            if left <= 0:
                try:
                    _kill(pid, signal.SIGKILL)
                except OSError:
                    pass
                _waitpid(pid, 0)
                return ("timeout", 0)
            if fd >= 0:
                select.select([fd], [], [], left)
            else:
                _sleep(min(delay, left))
                delay = min(delay * 2, 0.02)
    finally:
        if fd >= 0:
            os.close(fd)


def _child(job: dict[str, Any], plan: jail.Plan, shared: jail.Worker) -> None:
    """One submission, start to end, in the first process of its sandbox. Never returns.

    As root, this process enters fresh namespaces and lays out the mounts (`jail.enter`), then
    forks the new PID namespace's init, which forks the process that runs student code. When that
    one ends, the init ends and the kernel kills whatever the submission left running in the
    namespace, orphans included."""
    try:
        die_with_parent(signal.SIGKILL, job["zygote"])
        os.setsid()
        fd = os.open(job["results"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        emit = _Emitter(fd)
        limits = job["limits"]
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        _apply_limits(limits)
        layers, notes = list(shared.layers), list(shared.notes)
        if job.get("uid") is not None and os.geteuid() == 0:
            job["uid"] = jail.submission_uid()
            if _GROUP is not None and cgroup.join(_GROUP):
                layers += _GROUP.layers
            cgroup.let_go()
            own, own_notes = jail.enter(
                plan, list(limits.get("hidden", [])), _tmp_mb(limits), shared
            )
            layers += own
            notes += own_notes
        if "pid-namespace" in layers:
            _exit_as(_namespace(job, plan, emit, layers, notes))
        _submission(job, plan, emit, layers, notes)
    except BaseException:
        pass
    _exit(0)


def _namespace(
    job: dict[str, Any], plan: jail.Plan, emit: _Emitter, layers: list[str], notes: list[str]
) -> int:
    """Fork the PID namespace's init and wait for it; the wait status of the process that ran
    the submission (the init's own, if it was killed first)."""
    read_end, write_end = os.pipe()
    pid = _fork()
    if pid == 0:
        try:
            os.close(read_end)
            die_with_parent(signal.SIGKILL)
            if "mount-namespace" in layers and jail.mount_proc():
                layers.append("private-proc")
            runner = _fork()
            if runner == 0:
                os.close(write_end)
                try:
                    die_with_parent(signal.SIGKILL, 1)
                    os.setsid()
                    _submission(job, plan, emit, layers, notes)
                finally:
                    _exit(0)
            status = _reap(runner)
            _write(write_end, status.to_bytes(4, "little", signed=True))
        finally:
            _exit(0)
    os.close(write_end)
    _, own = _waitpid(pid, 0)
    data = os.read(read_end, 4)
    os.close(read_end)
    return int.from_bytes(data, "little", signed=True) if len(data) == 4 else own


def _reap(pid: int) -> int:
    """As a PID namespace's init: reap every process that ends (orphans are reparented here)
    until `pid` does; its wait status."""
    while True:
        try:
            done, status = _waitpid(-1, 0)
        except ChildProcessError:
            return 0
        if done == pid:
            return status


def _exit_as(status: int) -> None:
    """End this process the way the wait `status` says another one ended."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        _kill(os.getpid(), sig)
        _exit(128 + sig)
    _exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _submission(
    job: dict[str, Any], plan: jail.Plan, emit: _Emitter, layers: list[str], notes: list[str]
) -> None:
    """Drop privileges, hide the grader, run the cells, then the probe calls."""
    home = plan.tmp if "private-tmp" in layers else job["scratch"]
    os.chdir(home)
    os.environ["HOME"] = home
    os.environ["TMPDIR"] = home
    more, more_notes = jail.drop_privileges(job.get("uid"), plan.keep)
    emit({"isolation": [*layers, *more], "notes": [*notes, *more_notes]})
    _hide_grader()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", job["scratch"], job["root"])]
    ns = _run_cells(job["cells"], emit, float(job["limits"]["timeout_s"]))
    in_namespace = "pid-namespace" in layers
    _clear(in_namespace)
    emit({"cells_done": True})
    by_function: dict[str, list[dict[str, Any]]] = {}
    for case in job["probes"]:
        by_function.setdefault(case["function"], []).append(case)
    call_timeout = float(job["limits"]["call_timeout_s"])
    for name, cases in by_function.items():
        parent = os.getpid()
        pid = _fork()
        if pid == 0:
            try:
                die_with_parent(signal.SIGKILL, parent)
                _probe_function(ns, name, cases, emit, call_timeout)
            finally:
                _exit(0)
        how, code = _wait(pid, _monotonic() + call_timeout * len(cases) + 1.0)
        _clear(in_namespace)
        emit({"function": name, "ended": how, "code": code})
    emit({"done": True})


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


def _enter_worker(plan: jail.Plan, root: str) -> jail.Worker:
    """The worker's own layers, once: its control group, its namespaces and the allowlist root,
    and whether its environment was scrubbed. The group's folders, the job folder and the
    grader's code stay reachable to the worker only."""
    global _GROUP
    trusted = [root, *_package_dirs("grader")]
    notes: list[str] = []
    if "cgroup" not in jail.DISABLE:
        _GROUP, notes = cgroup.create()
        if _GROUP is not None:
            cgroup.hold(_GROUP)
    else:
        notes = ["no cgroup: switched off for a test"]
    worker = jail.enter_worker(os.path.join(root, ".root"), trusted, plan.secret)
    env_layers, env_notes = jail.environment_layer()
    return jail.Worker(
        (*worker.layers, *env_layers), (*notes, *worker.notes, *env_notes), worker.trusted
    )


def serve() -> None:
    """Read jobs on stdin, answer on stdout, one JSON line each, until stdin closes."""
    die_with_parent(signal.SIGKILL, int(os.environ.pop("GRADER_PARENT_PID", "0")) or None)
    _warm_imports()
    plan = _plan()
    root = os.getcwd()
    shared = _enter_worker(plan, root)
    answer = sys.stdout
    sys.stdout = sys.stderr
    answer.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    answer.flush()
    for line in sys.stdin:
        job = json.loads(line)
        job["zygote"] = os.getpid()
        job["root"] = root
        t0 = _monotonic()
        oom = _group_limits(job["limits"])
        pid = _fork()
        if pid == 0:
            _child(job, plan, shared)
        deadline = t0 + float(job["limits"]["wall_s"])
        how, code = _wait(pid, deadline)
        try:
            _killpg(pid, signal.SIGKILL)  # whatever the child left running in its group
        except OSError:
            pass
        reply = {"id": job["id"], "ended": how, "code": code, "elapsed": _monotonic() - t0}
        if _GROUP is not None and cgroup.oom_kills(_GROUP) > oom:
            reply["oom"] = True  # the kernel killed a process of it for the group's memory
        answer.write(json.dumps(reply) + "\n")
        answer.flush()


if __name__ == "__main__":
    serve()
