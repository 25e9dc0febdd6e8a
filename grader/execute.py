"""Stages 2-4, execute, probe and transfer, seen from the trusted side.

`Sandbox` owns a warm worker process (`python -m grader.sandbox.worker`) started once; each
submission is one or more jobs for it. For each job the grader hands the worker two sockets of the
job's own and then drives it: it sends the cells one at a time, then each graded function's calls
one at a time, and keeps every clock itself. A cell past its limit is interrupted from outside (the
worker's zygote, outside the submission's PID namespace, sends SIGINT, as Jupyter's interrupt
does) and killed if it does not stop; a call past its limit has its probe process killed, or,
where the runner makes the calls itself, the sandbox, and the functions still to test get a fresh
run. Nothing the sandbox sends is unpickled or executed, and nothing is believed unless it is the
answer the grader is waiting for (`grader.channel`): anything else ends the job as `tampered`,
keeping what was graded before.

A cell that ends the notebook's process (an exit, a signal, a kill at the limit) does not end the
grading: the notebook runs again from the start in a fresh sandbox without it, up to
`MAX_FATAL_CELLS` such cells."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from coursekit.tags import CHECK_TAG, DEMO_TAG
from grader import channel
from grader.channel import Tampered
from grader.errors import WorkerFailure
from grader.model import (
    MAX_FATAL_CELLS,
    CallOutcome,
    CellRun,
    CodeCell,
    Ended,
    Execution,
    FatalCell,
    Limits,
    ProbeCall,
)
from grader.sandbox import cgroup, jail, wire
from grader.sandbox.lifeline import owned_tempdir, sweep_abandoned
from grader.transform import Budget, to_python

# The course's demo tag, plus spellings an instructor might use for the same thing, and the
# self-check cells (check() runs the public tests in the student's kernel; grading has its own).
DEMO_TAGS = frozenset({DEMO_TAG, "demonstration", "skip-grading", CHECK_TAG})
UID_BASE = 1_000_000
"""Student code runs as UID_BASE + the grading process's pid: a uid no account has, different
for each sandbox running at once, so that one submission's processes cannot signal another's
and the per-uid process cap is per sandbox."""
INTERRUPT_GRACE_S = 2.0
"""How long an interrupted cell has to stop before it is killed."""
CALL_SLACK_S = 0.5
"""Added to the call limit for what the clock outside counts besides the call itself (sending
the inputs, the answer's way back, a loaded machine). A call still running then is killed."""
MAX_OUTPUT_CHARS = 256 * 1024
"""Printed output kept per submission over all its cells (each cell's is cut at 8192 already):
a notebook of many printing cells cannot make the grader hold or write more."""
RUNS_BUDGET = 2.0
"""The time for cells over all the runs of one submission, in notebook budgets (`timeout_s`)."""
KILL_GRACE_S = 3.0
"""How long the sandbox has to answer after a kill or at the end."""
MAX_VALUES_BYTES = 8 * 2**20
"""Returned values kept per submission over all its runs, counted as received: whatever the
student returns, the grader holds a few tens of MB for one submission at most."""


@dataclass
class _Values:
    """What is left of a submission's MAX_VALUES_BYTES, shared by all its runs (a rerun past a
    call that ended its process must not start a fresh budget)."""

    left: int = MAX_VALUES_BYTES


STOP_GRACE_S = 3.0
"""How long a worker asked to stop has to end by itself before it is killed."""

ROOT_PREFIX = "grader-sandbox-"


class _Gone(Exception):
    """The process running student code ended (or stopped answering): nothing more can run."""


class Sandbox:
    """A warm worker and the jobs it runs, one at a time."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._proc: subprocess.Popen[bytes] | None = None
        self._jobs_socket: socket.socket | None = None
        self._helper_pids: tuple[int, ...] = ()
        """The worker's plot zygote and nursery, where it has them."""
        sweep_abandoned(ROOT_PREFIX)
        self._root = owned_tempdir(ROOT_PREFIX)
        self._jobs = 0
        self._unsettled: tuple[_Attempt, socket.socket, Path] | None = None
        """The last job, while its end is still to come: the worker's word that its sandbox is
        gone (`_settle`). A clean job's is awaited before the next job, not before its result."""

    # -- lifecycle ------------------------------------------------------------------------------
    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = jail.worker_environment(
            {"GRADER_PARENT_PID": str(os.getpid()), "GRADER_JOB_SOCKET": str(theirs.fileno())}
        )
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "grader.sandbox.worker"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
                cwd=str(self._root),
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        self._jobs_socket = ours
        hello = _receive(ours, time.monotonic() + 60)
        if not hello or not hello.get("ready"):
            self._stop_worker()
            raise WorkerFailure("the grading worker did not start")
        self._helper_pids = tuple(
            pid
            for pid in (hello.get("plots"), hello.get("nursery"))
            if isinstance(pid, int) and not isinstance(pid, bool)
        )

    def worker_pids(self) -> tuple[int, ...]:
        """The warm worker's processes (its zygote, and its plot zygote and nursery where it has
        them), for the profile's CPU figures."""
        if self._proc is None:
            return ()
        return (self._proc.pid, *self._helper_pids)

    def close(self) -> None:
        """Stop the worker and remove the scratch space. The worker is asked first (its job
        socket closes) and has a moment to end by itself, so that its CPU time and its
        children's are counted where the grader's children's are."""
        self._settle()
        if self._proc is not None and self._jobs_socket is not None:
            self._jobs_socket.close()
            self._jobs_socket = None
            try:
                self._proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
        self._stop_worker()
        shutil.rmtree(self._root, ignore_errors=True)

    def abandon(self) -> None:
        """Kill the worker and remove the scratch space without waiting for anything: safe in a
        signal handler, even one that interrupted this object's own methods."""
        proc = self._proc
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self._root, ignore_errors=True)

    def settle(self) -> None:
        """Wait until the last job's processes are all gone (`run` returns once every answer
        is in; this is done before the next job anyway)."""
        self._settle()

    def _settle(self, wait: bool = True) -> None:
        """The last job's end, if it is still to come: the worker's word that its sandbox is
        gone (it takes the next job only then), or, without it, a kill and a new worker for
        the next job; then its sockets and its folder go. Not `wait`: the worker is being
        killed, and the job goes with it."""
        if self._unsettled is None:
            return
        attempt, ctl, job_dir = self._unsettled
        self._unsettled = None
        try:
            if wait and not attempt.finish():
                self._stop_worker()
        finally:
            ctl.close()
            shutil.rmtree(job_dir, ignore_errors=True)

    def _stop_worker(self) -> None:
        """Kill the worker's whole process group; the next job starts anew."""
        self._settle(wait=False)
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self._proc.wait()
            cgroup.discard(self._proc.pid)
            self._proc = None
        if self._jobs_socket is not None:
            self._jobs_socket.close()
            self._jobs_socket = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one submission -------------------------------------------------------------------------
    def run(self, cells: Sequence[CodeCell], probes: Sequence[ProbeCall]) -> Execution:
        """Run a notebook's cells, then the probe calls, in a fresh sandboxed child. Again from
        the start without a cell that ended the notebook's process, up to MAX_FATAL_CELLS of
        them; past that, once more with only the cells before the next one. Again, too, when a
        graded call ended the process running the tests (it killed its parent), for the other
        functions' calls."""
        t0 = time.monotonic()
        graded = [c for c in cells if not DEMO_TAGS.intersection(c.tags)]
        fatal: list[FatalCell] = []
        outcomes: dict[str, CallOutcome] = {}
        pending = list(probes)
        stop_at: int | None = None
        runs = restarts = 0
        functions = len({p.function for p in probes})
        # One budget for the cells of every run: the reruns past fatal cells and lost functions
        # share it, so no submission holds its worker for more than RUNS_BUDGET notebooks' time.
        cells_left = RUNS_BUDGET * self.limits.timeout_s
        transforms = Budget()  # the grader's share of IPython's transformer, over all runs
        values = _Values()  # and the returned values it keeps
        retried = False
        while True:
            skip = {f.index: f for f in fatal[:MAX_FATAL_CELLS]}
            attempt = self._attempt(graded, pending, skip, stop_at, cells_left, transforms, values)
            if not attempt.isolation_seen and not attempt.tampered:
                # The runner never said it was set up, which it does before any student code
                # runs: the worker failed (it died, or could not make the sandbox), not the
                # submission. Once more on a fresh worker; then an error, never a grade.
                self._stop_worker()
                if retried:
                    raise WorkerFailure(
                        "the sandbox could not be started for this submission (twice, on "
                        "fresh workers): it was not graded"
                    )
                retried = True
                continue
            runs += 1
            cells_left -= attempt.cells_spent
            outcomes.update(attempt.outcomes)
            if (attempt.fatal is not None or attempt.lost_function) and cells_left <= 0:
                attempt.out_of_runs(graded)
                break
            if attempt.fatal is not None:
                fatal.append(attempt.fatal)
                if len(fatal) <= MAX_FATAL_CELLS:
                    continue
                if stop_at is None:
                    stop_at = attempt.fatal.index
                    continue
                break
            lost = attempt.lost_function
            # Each fresh run past a lost function leaves that function behind, so there are at
            # most as many as there are functions; the shared time budget bounds them too.
            if lost is None or attempt.tampered or restarts >= max(MAX_FATAL_CELLS, functions):
                break
            restarts += 1
            why = (
                "an earlier call of this function did not return"
                if attempt.lost_hung
                else "an earlier call of this function ended its process"
            )
            for p in pending:
                if p.function == lost and p.case_id not in outcomes:
                    outcomes[p.case_id] = _not_run(p.case_id, why)
            pending = [p for p in pending if p.case_id not in outcomes]
            if not pending:
                break
        return attempt.execution(
            probes, outcomes, tuple(fatal), runs, time.monotonic() - t0, stop_at
        )

    def _attempt(
        self,
        cells: Sequence[CodeCell],
        probes: Sequence[ProbeCall],
        skip: Mapping[int, FatalCell],
        stop_at: int | None,
        cells_left: float,
        transforms: Budget,
        values: _Values,
    ) -> _Attempt:
        self._settle()
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._jobs_socket is not None
        self._jobs += 1
        job_dir = self._root / f"job{self._jobs}"
        scratch = job_dir / "scratch"
        scratch.mkdir(parents=True)
        uid = UID_BASE + os.getpid() if os.geteuid() == 0 else None
        if uid is not None:
            os.chown(scratch, uid, uid)
        wire_limits = self.limits.to_wire(len(probes))
        # A backstop only: every step below has its own, shorter deadline.
        wire_limits["wall_s"] = wire_limits["wall_s"] + KILL_GRACE_S * (len(probes) + 4) + 10
        header = {
            "id": self._jobs,
            "scratch": str(scratch),
            "uid": uid,
            "limits": wire_limits,
            "max_value_bytes": channel.MAX_VALUE_BYTES,
            "plots": any(_plots(c.source) for c in cells),
        }
        data, data_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ctl, ctl_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        attempt = _Attempt(
            self.limits,
            data,
            ctl,
            self._jobs_socket,
            cell_budget=cells_left,
            transforms=transforms,
            values=values,
        )
        try:
            try:
                socket.send_fds(
                    self._jobs_socket,
                    [json.dumps(header).encode()],
                    [data_theirs.fileno(), ctl_theirs.fileno()],
                )
            finally:
                data_theirs.close()
                ctl_theirs.close()
            attempt.drive(cells, probes, skip, stop_at)
        except OSError:
            attempt.lost = True
        finally:
            data.close()
            self._unsettled = (attempt, ctl, job_dir)
            if not attempt.clean:
                # Its end is awaited now, for a verdict may hang on it; a clean job's (everything
                # of it is in) waits for the next job, while this one is scored.
                self._settle()
        if attempt.answer is not None and attempt.answer.get("oom") is True:
            attempt.out_of_memory()
        return attempt


PLOTS = re.compile(
    r"\b(?:import|__import__|import_module)\b[^\n]*\b(?:matplotlib|pylab|seaborn)\b"
    r"|\bfrom\s+(?:matplotlib|pylab|seaborn)\b"
    r"|\bplot_\w+\s*\("
)
"""What in a graded cell sends its notebook to the worker's plot zygote (matplotlib loaded): an
import of matplotlib (or of what is built on it), or a call of a `plot_` function such as the
course's helpers, which import it when first called. `%matplotlib inline` and importing the
course's helpers load nothing. A notebook that loads matplotlib some other way still runs,
only slower."""


def _plots(source: str) -> bool:
    return PLOTS.search(source) is not None


_FRAMES: dict[tuple[Any, ...], tuple[Any, Any, bytes]] = {}
"""Call orders already encoded, by case and inputs: every student of an assignment gets the same
inputs (the oracle builds each case's once), so each order is encoded once per process."""
MAX_FRAMES = 2048


def _test_disabled(switch: str) -> bool:
    """A test-only switch of this process (`GRADER_TEST_DISABLE_LAYERS`), read when asked:
    the tests set it after this module is imported."""
    return switch in os.environ.get("GRADER_TEST_DISABLE_LAYERS", "").split(",")


def _call_frame(p: ProbeCall) -> bytes:
    """The order for one call, as a frame."""
    key = (p.case_id, id(p.args), id(p.kwargs), p.seed, tuple(sorted(dict(p.bindings).items())))
    known = _FRAMES.get(key)
    if known is not None and known[0] is p.args and known[1] is p.kwargs:
        return known[2]
    blob = bytearray()  # the inputs' arrays, raw, after the order's JSON
    payload = channel.frame(
        {
            "op": "call",
            "case": p.case_id,
            "args": wire.encode(tuple(p.args), blob=blob),
            "kwargs": wire.encode(dict(p.kwargs), blob=blob),
            "seed": p.seed,
            "bindings": dict(p.bindings),
        },
        bytes(blob),
    )
    if len(_FRAMES) >= MAX_FRAMES:
        _FRAMES.clear()
    _FRAMES[key] = (p.args, p.kwargs, payload)  # holding the inputs keeps their ids theirs
    return payload


def _receive(sock: socket.socket, deadline: float) -> dict[str, Any] | None:
    """One JSON message from a SEQPACKET socket, or None by the deadline or at its end."""
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([sock], [], [], left)[0]:
        return None
    try:
        raw = sock.recv(1 << 16)
        message = json.loads(raw) if raw else None
    except (OSError, ValueError):
        return None
    return message if isinstance(message, dict) else None


@dataclass
class _Attempt:
    """One run of a notebook in one sandbox, driven step by step."""

    limits: Limits
    data: socket.socket
    ctl: socket.socket
    jobs: socket.socket
    cells: list[CellRun] = field(default_factory=list)
    outcomes: dict[str, CallOutcome] = field(default_factory=dict)
    isolation: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    fatal: FatalCell | None = None
    tampered: str = ""
    cell_timeouts: list[int] = field(default_factory=list)
    budget_out: bool = False
    runner: tuple[str, int] | None = None
    answer: dict[str, Any] | None = None
    lost: bool = False
    lost_function: str | None = None
    """The function whose call ended the process running the tests, if one did."""
    lost_hung: bool = False
    """That call ran past its limit (rather than ending the process itself)."""
    killed: bool = False
    values: _Values = field(default_factory=_Values)
    """The submission's returned values budget, over all its runs."""
    probing: str | None = None
    """The function whose calls are under way, if any."""
    sent: tuple[ProbeCall, float] | None = None
    """A call already sent, and when, before its turn came (`_call`)."""
    done_sent: bool = False
    """The end of the function's calls already sent, with its last answer in (`_call`)."""
    clean: bool = False
    """Every answer came, and the runner was told to end: its end is awaited later."""
    output_left: int = 0
    """Characters of cell output still to keep for this submission (set from
    MAX_OUTPUT_CHARS)."""
    cell_budget: float = float("inf")
    """What is left of the submission's time for cells, over all its runs."""
    cells_spent: float = 0.0
    """The time this run's cells took, and its call that did not return, if one did."""
    transforms: Budget = field(default_factory=Budget)
    """The submission's transform work left on the grader's side (`grader.transform`)."""
    runs_out: bool = False
    """The submission's time for cells, over all its runs, ran out after this run."""

    @property
    def inline(self) -> bool:
        """The sandbox's runner makes the calls itself (it has a PID namespace and its own
        /proc to clear before each function), not a probe process of its own per function."""
        return "private-proc" in self.isolation

    def __post_init__(self) -> None:
        self.output_left = MAX_OUTPUT_CHARS
        self.frames = channel.Frames(self.data)
        self.data.setblocking(False)
        self.ctl_open = True
        self.isolation_seen = False

    # -- events ---------------------------------------------------------------------------------
    def _next(self, deadline: float) -> tuple[str, Any]:
        """The next thing that happens before `deadline`: ("data", a record), ("ended", how the
        runner ended), or ("time", None). Data is read before the runner's end, so that what the
        runner sent before it ended is seen first."""
        while True:
            record = self.frames.next()
            if record is not None:
                if self.frames.last_blob and not (record.get("ok") is True and "case" in record):
                    raise Tampered("raw bytes after a record that returns no value")
                return "data", record
            if self.runner is not None:
                return "ended", self.runner
            if self.answer is not None:  # the whole sandbox is gone
                return "ended", ("signal", signal.SIGKILL)
            left = deadline - time.monotonic()
            if left <= 0:
                return "time", None
            watch: list[socket.socket] = [self.jobs]
            if not self.frames.eof:
                watch.append(self.data)
            if self.ctl_open:
                watch.append(self.ctl)
            ready, _, _ = select.select(watch, [], [], left)
            if self.data in ready:
                self.frames.fill()
            elif self.ctl in ready:
                self._ctl_message()
            elif self.jobs in ready:
                self.answer = _receive(self.jobs, time.monotonic() + 1) or {"ended": "crashed"}

    def _ctl_message(self) -> None:
        try:
            raw = self.ctl.recv(1 << 16)
        except OSError:
            raw = b""
        if not raw:
            self.ctl_open = False
            self.runner = self.runner or ("signal", signal.SIGKILL)
            return
        message = channel.parse(raw, "a control message")
        if "isolation" in message:
            if self.isolation_seen:
                raise Tampered("a second isolation record")
            self.isolation_seen = True
            self.isolation, self.notes = channel.isolation(message)
            return
        self.runner = channel.runner_end(message)
        # What the runner sent before it ended is already here: take it before its end.
        for _ in range(16):
            before = self.frames.received
            self.frames.fill()
            if self.frames.eof or self.frames.received == before:
                break

    def _order(self, order: bytes) -> None:
        try:
            self.ctl.send(order)
        except OSError:
            pass
        if order == b"kill":
            self.killed = True

    def _send(self, record: Mapping[str, Any] | bytes) -> None:
        self.data.setblocking(True)
        self.data.settimeout(KILL_GRACE_S)
        try:
            channel.send_frame(self.data, record)
        except OSError:
            raise _Gone from None
        finally:
            self.data.setblocking(False)

    # -- the run --------------------------------------------------------------------------------
    def drive(
        self,
        cells: Sequence[CodeCell],
        probes: Sequence[ProbeCall],
        skip: Mapping[int, FatalCell],
        stop_at: int | None,
    ) -> None:
        try:
            self._cells(cells, skip, stop_at)
            if self.fatal is None:
                self._probes(probes)
                self._end()
        except Tampered as exc:
            self.tampered = str(exc)[:300]
            self._order(b"kill")
        except _Gone:
            self._order(b"kill")
            if self.lost_function is None and self.probing is not None:
                # The process running the tests ended while a function's calls were under way
                # (seen as a closed socket, or before that function's probe process was ready):
                # that function loses its calls still to come, the others get a fresh run.
                self.lost_function = self.probing

    def _await_isolation(self) -> None:
        """Wait for the runner's isolation record, sent once it is set up and before any
        student code runs."""
        deadline = time.monotonic() + 30
        while not self.isolation_seen and self.runner is None and self.answer is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Gone
            ready, _, _ = select.select([self.ctl, self.jobs], [], [], left)
            if self.ctl in ready:
                self._ctl_message()
            elif self.jobs in ready:
                self.answer = _receive(self.jobs, time.monotonic() + 1) or {"ended": "crashed"}

    def _cells(
        self, cells: Sequence[CodeCell], skip: Mapping[int, FatalCell], stop_at: int | None
    ) -> None:
        limits = self.limits
        self._await_isolation()
        start = time.monotonic()  # the budget counts from when the runner is ready
        budget_end = start + max(0.0, min(limits.timeout_s, self.cell_budget))
        try:
            self._each_cell(cells, skip, stop_at, budget_end)
        finally:
            self.cells_spent = time.monotonic() - start

    def _each_cell(
        self,
        cells: Sequence[CodeCell],
        skip: Mapping[int, FatalCell],
        stop_at: int | None,
        budget_end: float,
    ) -> None:
        limits = self.limits
        for cell in cells:
            if cell.index in skip or (stop_at is not None and cell.index >= stop_at):
                f = skip.get(cell.index)
                message = (
                    f"skipped: in an earlier run it ended the notebook's process ({f.reason})"
                    if f is not None
                    else f"not run: after {MAX_FATAL_CELLS} cells that ended the notebook's "
                    f"process, the notebook was run only up to cell [{(stop_at or 0) + 1}]"
                )
                kind = "fatal" if f is not None else "not-run"
                error = {"kind": kind, "type": "", "message": message, "traceback": []}
                self.cells.append(
                    CellRun(cell.index, False, error, "", 0, skipped=True, number=cell.number)
                )
                continue
            python = to_python(cell.source, self.transforms)  # before the cell's clock starts
            t0 = time.monotonic()
            if self.budget_out or budget_end - t0 <= 0:
                self.budget_out = True
                self.cells.append(
                    CellRun(cell.index, False, None, "", 0, skipped=True, number=cell.number)
                )
                continue
            order: dict[str, Any] = {"op": "cell", "index": cell.index, "source": python.source}
            if python.transform:
                order["transform"] = True
            self._send(order)
            per_cell = limits.cell_timeout_s <= budget_end - t0
            deadline = min(t0 + limits.cell_timeout_s, budget_end)
            interrupted = False
            while True:
                event, value = self._next(deadline)
                if event == "data":
                    run = self._within_output_budget(channel.cell_reply(value, cell.index))
                    run = replace(run, number=cell.number)
                    if interrupted and run.error and run.error["type"] == "KeyboardInterrupt":
                        run = _timed_out(run, limits, per_cell)
                        if per_cell:
                            self.cell_timeouts.append(cell.index)
                        else:
                            self.budget_out = True
                    self.cells.append(run)
                    break
                if event == "ended":
                    how, code = value
                    self.fatal = _fatal(cell.index, how, code, interrupted, limits, per_cell)
                    return
                if not interrupted:
                    self._order(b"interrupt")
                    interrupted = True
                    deadline = time.monotonic() + INTERRUPT_GRACE_S
                elif not self.killed:
                    self._order(b"kill")
                    deadline = time.monotonic() + KILL_GRACE_S
                else:  # the sandbox does not answer even a kill
                    self.fatal = _fatal(cell.index, "signal", 9, True, limits, per_cell)
                    return

    def _probes(self, probes: Sequence[ProbeCall]) -> None:
        by_function: dict[str, list[ProbeCall]] = {}
        for p in probes:
            by_function.setdefault(p.function, []).append(p)
        for name, calls in by_function.items():
            self.probing = name
            self._send({"op": "probe", "function": name})
            alive = self._await_ready(name)
            self.sent, self.done_sent = None, False
            for p, after in zip(calls, [*calls[1:], None], strict=True):
                if not alive:
                    self.outcomes[p.case_id] = _not_run(
                        p.case_id, "an earlier call of this function did not return"
                    )
                    continue
                alive = self._call(name, p, after)
            if alive:
                if not self.done_sent:
                    self._send({"op": "done"})
                self._await_function_end(name, time.monotonic() + KILL_GRACE_S)
        self.probing = None

    def _await_ready(self, name: str) -> bool:
        """Wait for the new probe process of `name` to say it is ready; whether it is."""
        event, value = self._next(time.monotonic() + self.limits.call_timeout_s + KILL_GRACE_S)
        if event == "ended":
            raise _Gone
        if event == "time":
            self._order(b"kill")
            raise _Gone
        if channel.is_function_end(value):
            channel.function_end(value, name)
            return False
        channel.probe_ready(value, name)
        return True

    def _call(self, name: str, p: ProbeCall, after: ProbeCall | None) -> bool:
        """Make one call (unless it was sent already: `sent`); whether the process making the
        calls lives on. Once its answer is in, the next call, `after`, is sent before the
        answer is looked at, so that the sandbox runs it meanwhile: the runner still holds one
        call's inputs at a time, and each call's clock starts when it is sent."""
        if self.sent is not None and self.sent[0] is p:
            t0 = self.sent[1]
        else:
            self._send(_call_frame(p))
            t0 = time.monotonic()
        self.sent = None
        limit = self.limits.call_timeout_s
        event, value = self._next(t0 + limit + CALL_SLACK_S)
        gone = False  # the early send found the sandbox gone: this answer is judged first
        if (
            event == "data"
            and value.get("case") == p.case_id
            and not channel.is_function_end(value)
            and not _test_disabled("early-calls")
        ):
            try:
                if after is None:
                    self._send({"op": "done"})
                    self.done_sent = True
                else:
                    self._send(_call_frame(after))
                    self.sent = (after, time.monotonic())
            except _Gone:
                gone = True
        if event == "ended":  # the call ended the process making the calls
            self.lost_function = name
            if self.inline:
                how, code = value
                self.outcomes[p.case_id] = _lost(p.case_id, how, code, timed_out=False, limit=limit)
                raise _Gone
            self.outcomes[p.case_id] = CallOutcome(  # a probe process's call ended its parent
                p.case_id,
                False,
                error={
                    "kind": "crashed",
                    "type": "",
                    "traceback": [],
                    "message": "this call ended the process running the tests "
                    f"({signal_reason(value[1]) if value[0] == 'signal' else 'it exited'}); "
                    "the other functions were tested in a fresh run",
                },
            )
            raise _Gone
        if event == "time" and self.inline:
            # Only the end of the sandbox stops a call made by the runner itself: the functions
            # still to test get a fresh run.
            self._order(b"kill")
            self.outcomes[p.case_id] = _lost(
                p.case_id, "signal", signal.SIGKILL, timed_out=True, limit=limit
            )
            self.lost_function = name
            self.lost_hung = True
            # The worker's time it held counts in the submission's budget over all runs, as
            # its cells' time does: a call that hangs in each function costs at most that.
            self.cells_spent += time.monotonic() - t0
            raise _Gone
        if event == "time":
            self._order(b"kill-probe")
            self.outcomes[p.case_id] = _lost(
                p.case_id, "signal", signal.SIGKILL, timed_out=True, limit=limit
            )
            self._await_function_end(name, time.monotonic() + KILL_GRACE_S, ignore=p.case_id)
            return False
        if channel.is_function_end(value):
            how, code = channel.function_end(value, name)
            self.outcomes[p.case_id] = _lost(p.case_id, how, code, timed_out=False, limit=limit)
            return False
        reply = channel.case_reply(value, p.case_id)
        # The worker's own measure, never more than the grader's clock saw.
        seconds = min(reply.elapsed, time.monotonic() - t0)
        outcome = self._outcome(p.case_id, reply.ok, reply.value, seconds)
        self.outcomes[p.case_id] = replace(outcome, changed=reply.changed)
        if gone:
            raise _Gone
        return True

    def _outcome(self, case_id: str, ok: bool, got: Any, seconds: float) -> CallOutcome:
        if not ok:
            return CallOutcome(case_id, False, error=got, elapsed_s=seconds)
        size = self.frames.last_size  # the answer as received, its value the bulk of it
        if size > self.values.left:
            return CallOutcome(
                case_id,
                False,
                error={
                    "kind": "output-too-large",
                    "type": "",
                    "message": "the returned values of this submission are too large to keep",
                    "traceback": [],
                },
                elapsed_s=seconds,
            )
        self.values.left -= size
        try:
            value = wire.decode(got, max_bytes=channel.MAX_VALUE_BYTES, blob=self.frames.last_blob)
        except (wire.WireError, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
            raise Tampered(f"the value of call {case_id} is not plain data ({exc})") from None
        return CallOutcome(case_id, True, value=value, elapsed_s=seconds)

    def _await_function_end(self, name: str, deadline: float, ignore: str = "") -> None:
        """Wait for the runner's word that the probe process of `name` ended; kill it if it
        does not end. A late answer to the call `ignore` (already judged) is dropped."""
        ordered = False
        while True:
            event, value = self._next(deadline)
            if event == "ended":
                raise _Gone
            if event == "time":
                if ordered:
                    raise _Gone
                self._order(b"kill-probe")
                ordered = True
                deadline = time.monotonic() + KILL_GRACE_S
                continue
            if ignore and value.get("case") == ignore and not channel.is_function_end(value):
                channel.case_reply(value, ignore)
                ignore = ""
                continue
            if not channel.is_function_end(value):
                raise Tampered(f"a record nobody asked for, after the calls of {name[:60]}")
            channel.function_end(value, name)
            return

    def _end(self) -> None:
        self._send({"op": "end"})
        if not _test_disabled("settle-later"):
            # Nothing the runner sends from here on is read: every answer is in. The worker
            # ends the sandbox at once (a runner that would not end is killed, not left to
            # run until the next job); its word that it has is awaited before the next job,
            # with `finish`'s whole grace (not `killed`: a namespace may take END_S to end).
            with contextlib.suppress(OSError):
                self.ctl.send(b"kill")
            self.clean = True
            return
        deadline = time.monotonic() + KILL_GRACE_S
        while True:
            event, value = self._next(deadline)
            if event == "ended":
                return
            if event == "time":
                self._order(b"kill")
                raise _Gone
            raise Tampered("a record nobody asked for, after the last call")

    def finish(self) -> bool:
        """Wait for the worker's word that the sandbox is gone; False if it never comes."""
        if self.answer is None:
            self.answer = _receive(self.jobs, time.monotonic() + KILL_GRACE_S)
        if self.answer is None and not self.killed:
            self._order(b"kill")
            self.answer = _receive(self.jobs, time.monotonic() + KILL_GRACE_S)
        return self.answer is not None

    def _within_output_budget(self, run: CellRun) -> CellRun:
        """The cells' printed output kept for one submission is bounded in total: past
        MAX_OUTPUT_CHARS, a cell's output is cut (its count of characters stays)."""
        keep = min(len(run.output), max(0, self.output_left))
        self.output_left -= len(run.output)
        return run if keep == len(run.output) else replace(run, output=run.output[:keep])

    def out_of_runs(self, cells: Sequence[CodeCell]) -> None:
        """The submission's time for cells over all its runs is used up: no run again. A cell
        that ended this run's process says so in its own place."""
        self.runs_out = True
        f = self.fatal
        if f is None:
            return
        number = next((c.number for c in cells if c.index == f.index), 0)
        message = (
            f"this cell ended the notebook's process ({f.reason}); the notebook was not run "
            f"again without it, because its runs had used up the "
            f"{RUNS_BUDGET * self.limits.timeout_s:g} s it may take over all runs"
        )
        error = {"kind": "crashed", "type": "", "message": message, "traceback": []}
        self.cells.append(CellRun(f.index, False, error, "", 0, number=number))
        self.fatal = None

    def out_of_memory(self) -> None:
        """The worker saw the kernel kill a process of this sandbox for its control group's
        memory limit: a cell that ended by SIGKILL ended for that."""
        f = self.fatal
        if f is not None and f.kind == "signal" and f.code == signal.SIGKILL:
            self.fatal = FatalCell(
                f.index,
                "memory",
                f.code,
                f"SIGKILL: the notebook's processes together went over the {self.limits.memory_mb} "
                "MB memory limit (temporary files count too)",
            )

    # -- the result -----------------------------------------------------------------------------
    def execution(
        self,
        probes: Sequence[ProbeCall],
        outcomes: Mapping[str, CallOutcome],
        fatal: tuple[FatalCell, ...],
        runs: int,
        elapsed: float,
        stop_at: int | None,
    ) -> Execution:
        outcomes = dict(outcomes)
        for p in probes:
            if p.case_id in outcomes:
                continue
            if self.tampered:
                why = "the submission's process sent a record the grader could not accept"
            elif self.runs_out:
                why = (
                    "the notebook was not run again: its runs (past cells that ended its "
                    "process, or calls that did not return) used up its "
                    f"{RUNS_BUDGET * self.limits.timeout_s:g} s over all runs"
                )
            elif self.fatal is not None:
                why = f"the notebook's process ended in cell [{self.fatal.index + 1}]"
            else:
                why = "the process running the tests ended before this call"
            outcomes[p.case_id] = _not_run(p.case_id, why)
        ended: Ended = "exit"
        code = 0
        if self.lost:
            ended = "crashed"
        return Execution(
            cells=tuple(self.cells),
            outcomes=outcomes,
            isolation=self.isolation,
            isolation_notes=self.notes,
            ended=ended,
            elapsed_s=elapsed,
            notebook_timed_out=self.budget_out,
            exited_early=self.fatal is not None and self.fatal.kind == "exit",
            signal=code if ended == "signal" else 0,
            tampered=self.tampered,
            fatal_cells=fatal,
            runs=runs,
            cell_timeouts=tuple(self.cell_timeouts),
        )


def _timed_out(run: CellRun, limits: Limits, per_cell: bool) -> CellRun:
    if per_cell:
        message = (
            f"the cell did not finish within the {limits.cell_timeout_s:g} s limit per cell and "
            "was interrupted; the next cells still ran"
        )
    else:
        message = f"the notebook ran past its {limits.timeout_s:g} s limit and was interrupted here"
    return CellRun(
        run.index,
        False,
        {"kind": "timeout", "type": "", "message": message, "traceback": []},
        run.output,
        run.output_chars,
        number=run.number,
    )


def _fatal(
    index: int, how: str, code: int, interrupted: bool, limits: Limits, per_cell: bool
) -> FatalCell:
    if interrupted:
        limit = (
            f"the {limits.cell_timeout_s:g} s limit per cell"
            if per_cell
            else f"the notebook's {limits.timeout_s:g} s limit"
        )
        return FatalCell(index, "timeout", 0, f"it did not stop when interrupted at {limit}")
    if how == "signal":
        return FatalCell(index, "signal", code, signal_reason(code))
    return FatalCell(index, "exit", code, f"it exited: os._exit({code}) or similar")


def signal_reason(code: int) -> str:
    """A signal, named, with what usually sends it."""
    if code == signal.SIGSEGV:
        return "SIGSEGV: often recursion too deep for the C stack"
    if code == signal.SIGKILL:
        return "SIGKILL: the memory or process limit, or it killed itself"
    if code == signal.SIGXCPU:
        return "SIGXCPU: the CPU-time limit"
    return signal_name(code)


def _not_run(case_id: str, why: str) -> CallOutcome:
    return CallOutcome(
        case_id,
        False,
        error={"kind": "not-run", "type": "", "traceback": [], "message": f"not run: {why}"},
    )


def _lost(case_id: str, how: str, code: int, *, timed_out: bool, limit: float) -> CallOutcome:
    """A call that has no answer: it hung, or its process ended during it."""
    if timed_out:
        kind, message = "timeout", f"the call did not finish within the {limit:g} s limit per call"
    elif how == "signal" and code == signal.SIGKILL:
        kind, message = (
            "memory",
            "the process was killed during this call (memory or process limit)",
        )
    elif how == "signal":
        kind, message = "crashed", f"the process crashed during this call ({signal_reason(code)})"
    else:
        kind, message = "exit", f"the process exited during this call (os._exit({code}) or similar)"
    return CallOutcome(
        case_id, False, error={"kind": kind, "type": "", "traceback": [], "message": message}
    )


def signal_name(code: int) -> str:
    """ "signal SIGSEGV", or the number when it has no name."""
    try:
        return f"signal {signal.Signals(code).name}"
    except ValueError:
        return f"signal {code}"
