"""`from grader import check`: the public tests, run in the student's own kernel on the functions
as they are defined right now, with the verdicts, messages and named mistakes of the reports.

`check("initialize_parameters_he")` checks one function, `check()` every graded function of the
notebook's assignment that the kernel defines. The result shows as HTML in Jupyter and as text
elsewhere (its `repr`).

This is the student's code on the student's machine, so there is no sandbox to keep: only care
not to disturb the session. Each call gets copies of its inputs, NumPy's global random state is
restored at the end, names a test binds are put back, what the function prints is kept out of the
notebook, and a call that hangs is stopped after the call time limit (by SIGALRM, when running in
the main thread, as a kernel does). Where there is no SIGALRM (Windows) the call runs in a helper
thread instead and the check stops waiting for it at the limit: the verdict is the same, but the
hung call goes on in the background until the kernel is restarted. The values a call returns
pass through the same wire encoding the sandboxed worker uses, so the verdicts are the ones
`grader check` gives. Hidden tests never run here (a student bundle has none).
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any

import numpy as np

from grader import wire
from grader.ci import function_line
from grader.display import number
from grader.model import CallOutcome, FunctionResult, Limits
from grader.oracle import Oracle, available, load
from grader.score import grade_function
from grader.spec import AssignmentSpec, Case, FunctionSpec, call_with

CALL_TIMEOUT_S = Limits().call_timeout_s
"""Seconds one call may take, as when grading."""


@dataclass(frozen=True)
class CheckReport:
    """What `check` found: shown as HTML in Jupyter, as text elsewhere."""

    assignment: str
    """The assignment the functions belong to ("" when none could be told)."""
    functions: tuple[FunctionResult, ...]
    """Each checked function's public verdicts, score and named mistakes."""
    problem: str = ""
    """Why nothing (or not everything) could be checked, for the student; "" when all ran."""

    @property
    def passed(self) -> bool:
        """Every checked function passed every public test."""
        return (
            not self.problem
            and bool(self.functions)
            and all(f.score == f.max_score for f in self.functions)
        )

    def __repr__(self) -> str:
        lines = [f"✗ {self.problem}"] if self.problem else []
        lines += [function_line(f, public_only=True) for f in self.functions]
        if self.functions:
            lines.append("(the grade also uses hidden tests, which run when your work is graded)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from grader.render import render_check

        names = ", ".join(f.name for f in self.functions) or self.assignment or "your notebook"
        return render_check(names, self.functions, self.problem)


class _CallTimeout(BaseException):
    """Raised into a call that ran past its time (BaseException: the student's `except
    Exception` must not swallow it)."""


def alarm_available() -> bool:
    """SIGALRM and setitimer exist here (POSIX); on Windows calls are timed by a thread."""
    return hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")


def _in_thread(run: Any, seconds: float) -> Any:
    """`run()` in a helper thread, waited for `seconds` at most: its value, or _CallTimeout
    raised here when it did not finish (the thread cannot be stopped, only left behind)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = run()
        except BaseException as exc:  # handed to the caller's thread as it is
            box["error"] = exc

    worker = threading.Thread(target=target, name="grader-check-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _CallTimeout()
    if "error" in box:
        raise box["error"]
    return box["value"]


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if not alarm_available() or threading.current_thread() is not threading.main_thread():
        yield  # signals only reach the main thread: no limit, as in any other helper thread
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _CallTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _line_in(fn: Any, tb: TracebackType | None) -> int | None:
    """The line of the student's function's cell where the exception passed last."""
    code = getattr(fn, "__code__", None)
    line = None
    while tb is not None:
        if code is not None and tb.tb_frame.f_code.co_filename == code.co_filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def call(fn: Any, name: str, case: Case, inputs: Any, timeout_s: float) -> CallOutcome:
    """One public test's call of the student's function, reported as the worker reports it."""
    if not callable(fn):
        message = (
            f"no function named {name} is defined in this kernel: run the cell that defines it"
            if fn is None
            else f"{name} is not a function"
        )
        error = {"kind": "missing", "type": "NameError", "message": message, "traceback": []}
        return CallOutcome(case.id, False, error=error)
    printed = io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
            _time_limit(timeout_s),
        ):
            if alarm_available():
                value = call_with(fn, case, inputs)
            else:
                value = _in_thread(lambda: call_with(fn, case, inputs), timeout_s)
        return CallOutcome(case.id, True, value=wire.decode(wire.encode(value)))
    except _CallTimeout:
        error = {
            "kind": "timeout",
            "message": f"the call did not return within {number(timeout_s)} s",
            "traceback": [],
        }
        return CallOutcome(case.id, False, error=error)
    except (Exception, SystemExit) as exc:
        line = _line_in(fn, exc.__traceback__)
        where = f" (line {line} of its cell)" if line else ""
        error = {
            "kind": "exit" if isinstance(exc, SystemExit) else "exception",
            "type": type(exc).__name__,
            "message": f"{str(exc)[:500]}{where}",
            "traceback": [],
        }
        return CallOutcome(case.id, False, error=error)


def _graded() -> dict[str, tuple[AssignmentSpec, Oracle, FunctionSpec]]:
    """Every graded function with public tests, by name."""
    found: dict[str, tuple[AssignmentSpec, Oracle, FunctionSpec]] = {}
    for a in sorted(available()):
        spec, oracle = load(a)
        for f in spec.functions:
            if any(c.visibility == "public" for c in f.cases):
                found.setdefault(f.name, (spec, oracle, f))
    return found


def check_functions(
    names: tuple[str, ...], namespace: Mapping[str, Any], timeout_s: float = CALL_TIMEOUT_S
) -> CheckReport:
    """The public tests of the named functions (all graded functions of the assignment the
    namespace defines most of, when no name is given), on the namespace's definitions."""
    graded = _graded()
    unknown = [n for n in names if n not in graded]
    if unknown:
        known = ", ".join(sorted(graded))
        return CheckReport(
            "", (), f"{', '.join(unknown)}: not a graded function (these are: {known})"
        )
    if names:
        chosen = [graded[n] for n in names]
    else:
        defined: dict[str, int] = {}
        for name, (spec, _, _) in graded.items():
            if callable(namespace.get(name)):
                defined[spec.name] = defined.get(spec.name, 0) + 1
        if not defined:
            return CheckReport(
                "", (), "no graded function is defined yet: run the cells that define them first"
            )
        assignment = max(sorted(defined), key=lambda a: defined[a])
        chosen = [(s, o, f) for s, o, f in graded.values() if s.name == assignment]
    results = []
    state = np.random.get_state()  # the calls seed it, and so do the reference's where installed
    try:
        for spec, oracle, fspec in chosen:
            cases = [c for c in fspec.cases if c.visibility == "public"]
            fn = namespace.get(fspec.name)
            outcomes = {
                c.id: call(fn, fspec.name, c, oracle.inputs(fspec, c), timeout_s) for c in cases
            }
            results.append(grade_function(spec, oracle, fspec, cases, outcomes))
    finally:
        np.random.set_state(state)
    return CheckReport(chosen[0][0].name, tuple(results))


def check(*names: str, timeout_s: float = CALL_TIMEOUT_S) -> CheckReport:
    """Run the public tests on your functions as they are defined now.

    check("initialize_parameters_he") checks one function; check() checks every graded function
    of the assignment. Nothing is sent anywhere; nothing in your session is changed."""
    frame = sys._getframe(1)
    return check_functions(tuple(names), frame.f_globals, timeout_s)
