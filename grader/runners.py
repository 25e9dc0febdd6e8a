"""Where a batch's jobs run: in this process, in a pool of local processes, or on a Dask cluster.

A job is one submission's bytes and what to grade it with; its outcome is the result and the
rendered page. Every runner yields one outcome per job, whatever happens to the processes that
run them: a job whose grading process dies is retried, and after `MAX_ATTEMPTS` it becomes a
`crashed` result rather than a lost one. Student code still runs only inside each process's
sandbox (`grader.execute.Sandbox`), so the sandboxing is the same on every runner."""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from grader import notebook, profile
from grader.errors import UsageError
from grader.execute import Sandbox
from grader.memo import JudgementMemo
from grader.model import GradingResult, Limits
from grader.oracle import available, load_spec
from grader.outputs import Outputs, compose
from grader.pipeline import environment, grade_notebook, sandbox_record
from grader.sandbox.lifeline import die_with_parent

MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class Job:
    """One submission to grade, self-contained so that it can run on another machine."""

    source: str
    """Where the notebook was found (shown in results and messages)."""
    student: str
    """Student id."""
    assignment: str
    """The assignment the planner expects (the load stage decides the same way)."""
    sha256: str
    """Hash of `raw`."""
    raw: bytes | None
    """The notebook's bytes; None when the file could not be read (the result says why)."""
    visibility: frozenset[str]
    """Which tests to run."""
    limits: Limits
    """Sandbox limits."""
    include_notebook: bool = False
    """Put the executed notebook, rendered by nbconvert, in the page."""
    problem: str = ""
    """Why the notebook cannot be read (a broken zip, a file too large): the job's result is
    that error, without running anything."""
    problem_kind: str = ""
    """The error kind of `problem` when it is not a file that cannot be read (e.g. `error`
    when places disagree on whose a notebook is)."""


@dataclass(frozen=True)
class Outcome:
    """A graded job."""

    job: Job
    """The job."""
    outputs: Outputs
    """Its result and the texts made from it (`grader.outputs`), composed where it was graded,
    so the parent process only writes them."""

    @property
    def result(self) -> GradingResult:
        """Its result."""
        return self.outputs.result


class _Local(threading.local):
    """One warm sandbox and one judgement memo per process and thread that runs jobs (pool
    process, Dask thread)."""

    sandbox: Sandbox | None = None
    memo: JudgementMemo | None = None


_LOCAL = _Local()


def _memo() -> JudgementMemo:
    if _LOCAL.memo is None:
        _LOCAL.memo = JudgementMemo()
    return _LOCAL.memo


def _sandbox(limits: Limits) -> Sandbox:
    sandbox = _LOCAL.sandbox
    if sandbox is None or sandbox.limits != limits:
        if sandbox is not None:
            sandbox.close()
        sandbox = _LOCAL.sandbox = Sandbox(limits)
        # Run at interpreter exit, including a pool process's exit (atexit is not).
        multiprocessing.util.Finalize(None, sandbox.close, exitpriority=10)
    return sandbox


def run_job(job: Job) -> Outcome:
    """Grade one job with this process's warm sandbox. Never raises for student input."""
    if job.problem:
        return unreadable(job)
    result = grade_notebook(
        Path(job.source),
        sandbox=_sandbox(job.limits),
        visibility=job.visibility,
        student=job.student,
        raw=job.raw,
        memo=_memo(),
        assignment=job.assignment,
    )
    with profile.stage("render"):
        shown = notebook.fragment(job.raw, result.cells) if job.include_notebook else None
        return Outcome(job, compose(result, shown))


def unreadable(job: Job) -> Outcome:
    """The outcome of a job whose notebook could not be read: an error result saying why."""
    result = GradingResult.from_error(
        student=job.student,
        assignment=job.assignment,
        kind=job.problem_kind
        or ("unreadable-notebook" if job.assignment else "unreadable-archive"),
        message=job.problem,
        max_score=load_spec(job.assignment).points(job.visibility)
        if job.assignment in available()
        else 0.0,
        environment=environment(job.sha256),
        sandbox=sandbox_record(job.limits, ()),
        path=job.source,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return Outcome(job, compose(result))


def lost(job: Job, why: str) -> Outcome:
    """The outcome of a job whose grading process kept dying: an honest error, not a gap."""
    result = GradingResult.from_error(
        student=job.student,
        assignment=job.assignment,
        kind="crashed",
        message=why,
        environment=environment(job.sha256),
        sandbox=sandbox_record(job.limits, ()),
        path=job.source,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return Outcome(job, compose(result))


Runner = Callable[[Iterable[Job]], Iterator[Outcome]]


def inline() -> Runner:
    """Jobs one at a time in this process (one warm sandbox)."""

    def run(jobs: Iterable[Job]) -> Iterator[Outcome]:
        try:
            for job in jobs:
                try:
                    outcome = run_job(job)
                except Exception as exc:  # a bug of ours: say so, keep the batch going
                    outcome = lost(job, f"internal error while grading: {exc!r}")
                yield outcome
        finally:
            if _LOCAL.sandbox is not None:
                _LOCAL.sandbox.close()
                _LOCAL.sandbox = None

    return run


def _pool_process_init(parent: int) -> None:
    """A pool process: Ctrl-C is the parent's to handle; it dies with the parent, and on the way
    takes its sandbox (warm worker, scratch space) with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def on_term(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if _LOCAL.sandbox is not None:
            _LOCAL.sandbox.abandon()
        os._exit(1)

    signal.signal(signal.SIGTERM, on_term)
    die_with_parent(signal.SIGTERM, parent)


class _CtrlC:
    """Ctrl-C as a flag that the pool loop checks where it is safe to stop. The default
    KeyboardInterrupt lands wherever the main thread is, including inside the executor's own
    locking (submit, wait); a lock left held there makes the shutdown that follows wait forever
    (seen once in CI, a grader hung after Ctrl-C)."""

    def __init__(self) -> None:
        self.pressed = threading.Event()
        self.previous: Any = None

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
                self.previous = signal.signal(signal.SIGINT, lambda s, f: self.pressed.set())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def check(self) -> None:
        if self.pressed.is_set():
            raise KeyboardInterrupt


def local_pool(workers: int) -> Runner:
    """Jobs on `workers` local processes, each with its own warm sandbox and one job at a time,
    so memory stays bounded whatever the class size.

    The pool is our own, over one pipe per process, rather than concurrent.futures'
    ProcessPoolExecutor: that executor's manager thread, feeder thread and shared queue locks
    mean that an interrupt landing at the wrong moment (Ctrl-C) can leave a lock held and its
    shutdown waiting forever; it was seen to hang 2 times in 20. Here the main thread is the
    only one: it sends a job down an idle process's pipe, waits on the pipes and the processes'
    sentinels together, and to stop it terminates the processes it started and reaps them. A
    process that dies costs only the job it had (retried on a fresh process, then `crashed`).
    loky and pebble were the alternatives: loky keeps the executor's design (and its threads);
    pebble kills a worker per cancelled task but also runs manager threads, and both would add
    a dependency for what is a hundred lines here."""

    def run(jobs: Iterable[Job]) -> Iterator[Outcome]:
        with _CtrlC() as ctrl_c:
            yield from _pooled(jobs, workers, ctrl_c)

    return run


class _Process:
    """One grading process of the pool and the pipe to it."""

    def __init__(self, ctx: Any) -> None:
        here, there = ctx.Pipe(duplex=True)
        self.conn: Connection = here
        self.process = ctx.Process(target=_serve, args=(there, os.getpid()))
        self.process.start()
        there.close()
        self.job: Job | None = None

    def stop(self, *, now: bool) -> None:
        """Ask it to finish (or, `now`, terminate it: it abandons its sandbox on SIGTERM), then
        reap it, killing it if it does not go."""
        try:
            if now:
                self.process.terminate()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2 if now else 10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def _serve(conn: Connection, parent: int) -> None:
    """A pool process: grade each job that comes down the pipe and send its outcome back."""
    _pool_process_init(parent)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        try:
            message: tuple[str, Any] = ("outcome", run_job(job))
        except Exception as exc:  # a bug of ours: say so, keep the batch going
            message = ("error", repr(exc))
        try:
            conn.send(message)
        except (OSError, ValueError):
            break
    if _LOCAL.sandbox is not None:
        _LOCAL.sandbox.close()
        _LOCAL.sandbox = None


def _pooled(jobs: Iterable[Job], workers: int, ctrl_c: _CtrlC) -> Iterator[Outcome]:
    """The local pool's loop; Ctrl-C stops it at its next check."""
    source = iter(jobs)
    pending: deque[Job] = deque()  # jobs to retry, before any new one
    attempts: dict[int, int] = {}
    ctx = multiprocessing.get_context("fork")
    exhausted = False
    pool: list[_Process] = []
    finished = False

    def more() -> Job | None:
        nonlocal exhausted
        if pending:
            return pending.popleft()
        job = None if exhausted else next(source, None)
        exhausted = exhausted or job is None
        return job

    def died(proc: _Process) -> Outcome | None:
        """A grading process died with a job: replace it; retry the job or give it up."""
        job = proc.job
        pool.remove(proc)
        proc.stop(now=True)
        pool.append(_Process(ctx))
        if job is None:
            return None
        attempts[id(job)] = attempts.get(id(job), 0) + 1
        if attempts[id(job)] >= MAX_ATTEMPTS:
            return lost(job, "the grading process died repeatedly on this submission")
        pending.appendleft(job)
        return None

    try:
        pool.extend(_Process(ctx) for _ in range(workers))
        while True:
            ctrl_c.check()
            for proc in [p for p in pool if p.job is None]:
                job = more()
                if job is None:
                    break
                proc.job = job
                try:
                    proc.conn.send(job)
                except (OSError, ValueError):
                    gone = died(proc)
                    if gone is not None:
                        yield gone
            busy = [p for p in pool if p.job is not None]
            if not busy:
                break
            ready = set(
                wait([p.conn for p in busy] + [p.process.sentinel for p in busy], timeout=0.1)
            )
            for proc in busy:
                if proc.conn not in ready and proc.process.sentinel not in ready:
                    continue
                try:
                    kind, value = proc.conn.recv() if proc.conn.poll() else (None, None)
                except (EOFError, OSError):
                    kind, value = None, None
                if kind is None:  # no answer and the process is gone (or its pipe broke)
                    if proc.process.is_alive() and proc.process.sentinel not in ready:
                        continue
                    gone = died(proc)
                    if gone is not None:
                        yield gone
                    continue
                job, proc.job = proc.job, None
                assert job is not None
                if kind == "outcome":
                    assert isinstance(value, Outcome)
                    yield value
                else:
                    yield lost(job, f"internal error while grading: {value}")
        finished = True
    finally:
        # Interrupted (Ctrl-C, the consumer stopped) or done: every process we started is
        # stopped and reaped before this returns; nothing is left running.
        for proc in pool:
            proc.stop(now=not finished)


def dask(address: str) -> Runner:
    """Jobs on a Dask distributed cluster. Each worker process keeps one warm sandbox per
    thread; the submission's bytes travel with the job, so workers need no shared folder."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask: pip install 'nn-practical-grader[dask]'"
        ) from None

    try:  # connect now, so that a wrong address fails before any planning or output
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def run(jobs: Iterable[Job]) -> Iterator[Outcome]:
        try:
            width = max(2, 2 * sum(client.nthreads().values()))
            it = iter(jobs)
            by_key: dict[Any, Job] = {}  # by each future's key
            futures = as_completed()
            for job in it:
                fut = client.submit(run_job, job, pure=False)
                by_key[fut.key] = job
                futures.add(fut)
                if len(by_key) >= width:
                    break
            for fut in futures:
                job = by_key.pop(fut.key)
                try:
                    yield fut.result()
                except Exception as exc:  # the task itself failed after Dask's own retries
                    yield lost(job, f"the Dask task failed: {exc!r}")
                nxt = next(it, None)
                if nxt is not None:
                    new = client.submit(run_job, nxt, pure=False)
                    by_key[new.key] = nxt
                    futures.add(new)
        finally:
            client.close()

    return run
