"""Stages 2-4, execute, probe and transfer, seen from the trusted side.

`Sandbox` owns a warm worker process (`python -m grader.worker`) started once; each submission is
one job for it. The grader writes the job, waits for the worker's one-line answer under its own
deadline, then reads the results file with a bound on its size. Nothing the worker sends is
unpickled or executed: it is JSON and raw array bytes."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from coursekit.notebooks import CHECK_TAG, DEMO_TAG
from grader import cgroup, jail, wire
from grader.errors import WorkerFailure
from grader.lifeline import owned_tempdir, sweep_abandoned
from grader.model import CallOutcome, CellRun, CodeCell, Execution, Limits, ProbeCall

MAX_RESULTS_BYTES = 128 * 2**20
MAX_LINE_BYTES = 80 * 2**20
# The course's demo tag, plus spellings an instructor might use for the same thing, and the
# self-check cells (check() runs the public tests in the student's kernel; grading has its own).
DEMO_TAGS = frozenset({DEMO_TAG, "demonstration", "skip-grading", CHECK_TAG})
UID_BASE = 1_000_000
"""Student code runs as UID_BASE + the grading process's pid: a uid no account has, different
for each sandbox running at once, so that one submission's processes cannot signal another's
and the per-uid process cap is per sandbox."""


ROOT_PREFIX = "grader-sandbox-"


class Sandbox:
    """A warm worker and the jobs it runs, one at a time."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._proc: subprocess.Popen[str] | None = None
        self._stdout: IO[str] | None = None
        sweep_abandoned(ROOT_PREFIX)
        self._root = owned_tempdir(ROOT_PREFIX)
        self._jobs = 0

    # -- lifecycle ------------------------------------------------------------------------------
    def _start(self) -> None:
        env = jail.worker_environment({"GRADER_PARENT_PID": str(os.getpid())})
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "grader.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            start_new_session=True,
            cwd=str(self._root),
        )
        self._stdout = self._proc.stdout
        hello = self._readline(time.monotonic() + 60)
        if not hello or not hello.get("ready"):
            self._stop_worker()
            raise WorkerFailure("the grading worker did not start")

    def close(self) -> None:
        """Stop the worker and remove the scratch space."""
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

    def _stop_worker(self) -> None:
        """Kill the worker's whole process group and close its pipes; the next job starts anew."""
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self._proc.wait()
            cgroup.discard(self._proc.pid)
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream:
                    stream.close()
            self._proc = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _readline(self, deadline: float) -> dict[str, Any] | None:
        assert self._stdout is not None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._stdout], [], [], left)
            if ready:
                line = self._stdout.readline()
                if not line:
                    return None
                return json.loads(line)

    # -- one job --------------------------------------------------------------------------------
    def run(self, cells: Sequence[CodeCell], probes: Sequence[ProbeCall]) -> Execution:
        """Run a notebook's cells, then the probe calls, in a fresh sandboxed child."""
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        self._jobs += 1
        job_dir = self._root / f"job{self._jobs}"
        scratch = job_dir / "scratch"
        scratch.mkdir(parents=True)
        results = job_dir / "results.jsonl"
        results.touch(mode=0o600)
        uid = UID_BASE + os.getpid() if os.geteuid() == 0 else None
        if uid is not None:
            os.chown(scratch, uid, uid)
        wire_limits = self.limits.to_wire(len(probes))
        job = {
            "id": self._jobs,
            "scratch": str(scratch),
            "results": str(results),
            "uid": uid,
            "limits": wire_limits,
            "cells": [
                {"index": c.index, "source": c.source}
                for c in cells
                if not DEMO_TAGS.intersection(c.tags)
            ],
            "probes": [
                {
                    "case": p.case_id,
                    "function": p.function,
                    "args": wire.encode(tuple(p.args)),
                    "kwargs": wire.encode(dict(p.kwargs)),
                    "seed": p.seed,
                    "bindings": dict(p.bindings),
                }
                for p in probes
            ],
        }
        t0 = time.monotonic()
        try:
            self._proc.stdin.write(json.dumps(job) + "\n")
            self._proc.stdin.flush()
            answer = self._readline(t0 + wire_limits["wall_s"] + 10)
        except (BrokenPipeError, OSError, ValueError):
            answer = None
        code = 0
        if answer is None:  # the worker itself died or hung: restart it for the next job
            self._stop_worker()
            ended = "crashed"
        else:
            ended = str(answer.get("ended", "crashed"))
            code = int(answer.get("code", 0)) if ended == "signal" else 0
            if ended == "signal" and code == signal.SIGKILL and answer.get("oom") is True:
                ended = "memory"  # the kernel killed it for its control group's memory limit
        try:
            return _read_results(results, probes, ended, time.monotonic() - t0, code)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)


def _read_results(
    path: Path, probes: Sequence[ProbeCall], ended: str, elapsed: float, code: int
) -> Execution:
    """Parse the worker's result lines, bounded, trusting nothing but their shape. `code` is the
    signal that ended the job, when it `ended` by one."""
    cells: list[CellRun] = []
    outcomes: dict[str, CallOutcome] = {}
    begun: set[str] = set()
    function_end: dict[str, tuple[str, int]] = {}
    isolation: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    cells_done = seen_isolation = False
    budget = MAX_RESULTS_BYTES
    wanted = {p.case_id for p in probes}
    with open(path, "rb") as f:
        for raw in f:
            if len(raw) > MAX_LINE_BYTES or len(raw) > budget:
                break
            budget -= len(raw)
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(rec, dict):
                continue
            if "isolation" in rec and isinstance(rec["isolation"], list):
                if seen_isolation:
                    continue  # the worker's record comes first; a later one is student code
                seen_isolation = True
                isolation = tuple(str(x)[:80] for x in rec["isolation"][:24])
                notes = tuple(str(x)[:200] for x in rec.get("notes", [])[:10])
            elif "cell" in rec:
                out = rec.get("output") or {}
                cells.append(
                    CellRun(
                        index=int(rec["cell"]),
                        ok=bool(rec.get("ok")),
                        error=_clean_error(rec.get("error")),
                        output=str(out.get("text", ""))[:8192],
                        output_chars=int(out.get("total_chars", 0)),
                        skipped=bool(rec.get("skipped")),
                    )
                )
            elif "cells_done" in rec:
                cells_done = True
            elif "begin" in rec:
                begun.add(str(rec["begin"]))
            elif "case" in rec and rec["case"] in wanted and rec["case"] not in outcomes:
                case = str(rec["case"])
                if rec.get("ok"):
                    try:
                        value = wire.decode(rec.get("value"), max_bytes=MAX_LINE_BYTES)
                    except (wire.WireError, ValueError, TypeError, KeyError) as exc:
                        outcomes[case] = CallOutcome(
                            case,
                            False,
                            error={
                                "kind": "unreadable-output",
                                "type": "WireError",
                                "message": f"the returned value could not be read as data ({exc})",
                            },
                        )
                        continue
                    outcomes[case] = CallOutcome(case, True, value=value, elapsed_s=_elapsed(rec))
                else:
                    error = _clean_error(rec.get("error"))
                    outcomes[case] = CallOutcome(case, False, error=error, elapsed_s=_elapsed(rec))
            elif "function" in rec and "ended" in rec:
                function_end[str(rec["function"])] = (str(rec["ended"]), int(rec.get("code", 0)))
    timed_out = any(c.error and c.error.get("kind") == "timeout" for c in cells)
    exited_early = ended == "exit" and not cells_done
    for p in probes:
        if p.case_id in outcomes:
            continue
        if exited_early:
            outcomes[p.case_id] = CallOutcome(
                p.case_id,
                False,
                error={
                    "kind": "not-run",
                    "type": "",
                    "traceback": [],
                    "message": "not run: the notebook's process exited before the tests",
                },
            )
            continue
        how, call_code = function_end.get(p.function, (ended, code))
        outcomes[p.case_id] = CallOutcome(
            p.case_id,
            False,
            error=_lost_call(p.case_id in begun, how, call_code, ended, cells_done),
        )
    return Execution(
        cells=tuple(cells),
        outcomes=outcomes,
        isolation=isolation,
        isolation_notes=notes,
        ended=ended,
        elapsed_s=elapsed,
        notebook_timed_out=timed_out,
        exited_early=exited_early,
        signal=code,
    )


def _elapsed(rec: dict[str, Any]) -> float:
    """A call's measured seconds, as its record gives them (0 when it does not)."""
    try:
        seconds = float(rec.get("elapsed", 0.0))
    except (TypeError, ValueError):
        return 0.0
    return seconds if 0.0 <= seconds < 1e6 else 0.0


def _clean_error(err: Any) -> dict[str, Any] | None:
    """Keep only the expected keys of a worker-described error, as short strings."""
    if not isinstance(err, dict):
        return None
    frames = []
    for fr in err.get("traceback", [])[:8] if isinstance(err.get("traceback"), list) else []:
        if isinstance(fr, dict):
            frames.append(
                {
                    "cell": int(fr.get("cell", -1)),
                    "line": int(fr.get("line") or 0),
                    "text": str(fr.get("text", ""))[:200],
                    "function": str(fr.get("function", ""))[:80],
                }
            )
    return {
        "kind": str(err.get("kind", "exception"))[:40],
        "type": str(err.get("type", ""))[:80],
        "message": str(err.get("message", ""))[:500],
        "traceback": frames,
    }


def _lost_call(
    begun: bool, how: str, code: int, job_ended: str, cells_done: bool
) -> dict[str, Any]:
    """Why a call has no result: it hung, crashed the process, or never started."""
    if not begun:
        if job_ended in ("timeout", "crashed"):
            why = "the submission ran out of time before this call"
        elif not cells_done:
            why = "the notebook's process ended before the tests"
            if job_ended == "signal":
                why += f" ({signal_name(code)})"
        else:
            why = "an earlier call of this function did not return"
        return {"kind": "not-run", "type": "", "traceback": [], "message": f"not run: {why}"}
    if how == "timeout" or (how == "signal" and code in (signal.SIGALRM, signal.SIGXCPU)):
        return {
            "kind": "timeout",
            "type": "",
            "traceback": [],
            "message": "the call did not finish within its time limit",
        }
    if how == "signal" and code == signal.SIGKILL:
        return {
            "kind": "memory",
            "type": "",
            "traceback": [],
            "message": "the process was killed during this call (memory or process limit)",
        }
    if how == "signal":
        return {
            "kind": "crashed",
            "type": "",
            "traceback": [],
            "message": f"the process crashed during this call ({signal_name(code)})",
        }
    return {
        "kind": "exit",
        "type": "",
        "traceback": [],
        "message": f"the process exited during this call (os._exit({code}) or similar)",
    }


def signal_name(code: int) -> str:
    """ "signal SIGSEGV", or the number when it has no name."""
    try:
        return f"signal {signal.Signals(code).name}"
    except ValueError:
        return f"signal {code}"
