"""The frozen records that pass between pipeline stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["graded", "error"]
"""A result's status (contract section 5)."""

Visibility = Literal["public", "hidden"]
"""Who sees a test's details: public tests show expected and got; hidden ones only a verdict."""

ErrorKind = Literal[
    "unreadable-notebook",
    "unreadable-archive",
    "unknown-assignment",
    "timeout",
    "memory",
    "crashed",
    "tampered",
    "error",
    "usage",
]
"""The kinds of a result's error (contract section 5: the schema's own, then the grader's)."""

FatalKind = Literal["exit", "signal", "memory", "timeout"]
"""How a cell ended the notebook's process."""

Ended = Literal["exit", "crashed", "signal", "timeout", "memory"]
"""How a job's sandbox ended, as the trusted side saw it."""


@dataclass(frozen=True)
class Raised:
    """What a trusted call (the reference's, a mutant's) raised, in place of its output."""

    description: str
    """The exception's type and message, e.g. "KeyError: 'W3'"."""

    @classmethod
    def of(cls, exc: BaseException) -> Raised:
        """The record of an exception."""
        return cls(f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox."""

    timeout_s: float = 60.0
    """Wall-clock budget for running the notebook's cells."""
    call_timeout_s: float = 10.0
    """Wall-clock budget for one call of a graded function."""
    cell_timeout_s: float = 10.0
    """Wall-clock budget for one cell, inside `timeout_s`: a cell past it is interrupted (as
    Jupyter's interrupt would) and the next cell runs."""
    memory_mb: int = 1024
    """Address space the student's code may add to the warm worker's."""
    file_mb: int = 64
    """Largest file the student's code may write."""
    hidden: tuple[str, ...] = ()
    """Paths the student's code must not see (the batch's submissions and output), besides the
    grader's own files, which are always hidden. Needs the mount namespace (root)."""

    def wall_s(self, n_calls: int) -> float:
        """The hard deadline of the whole job, after which its process group is killed."""
        return self.timeout_s + n_calls * self.call_timeout_s + 5.0

    def to_wire(self, n_calls: int) -> dict[str, Any]:
        """The form the worker reads."""
        return {
            "timeout_s": self.timeout_s,
            "call_timeout_s": self.call_timeout_s,
            "cell_timeout_s": self.cell_timeout_s,
            "memory_mb": self.memory_mb,
            "file_mb": self.file_mb,
            "hidden": list(self.hidden),
            "cpu_s": int(self.wall_s(n_calls)) + 1,
            "wall_s": self.wall_s(n_calls),
        }


@dataclass(frozen=True)
class CodeCell:
    """A code cell of a submitted notebook."""

    index: int
    """Position among all the notebook's cells (0-based, markdown cells counted)."""
    source: str
    """The cell's text."""
    tags: tuple[str, ...]
    """Its metadata tags."""
    number: int = 0
    """Its number among the code cells (1-based): the In [n] Jupyter shows after Restart & Run
    All, which is how pages name it ("cell [n]")."""


@dataclass(frozen=True)
class Submission:
    """A notebook read and validated by the load stage."""

    path: str
    """Where the notebook was read from."""
    student: str
    """Student id: the parent folder's name."""
    assignment: str
    """Assignment name, from metadata.grader.assignment or the file's stem."""
    sha256: str
    """Hash of the file's bytes."""
    cells: tuple[CodeCell, ...]
    """Its code cells, in order."""
    notes: tuple[str, ...] = ()
    """What was repaired while reading it (repeated cell ids), for the page."""


@dataclass(frozen=True)
class ProbeCall:
    """One call of a graded function, as sent to the worker."""

    case_id: str
    """Test case id, unique within the assignment."""
    function: str
    """Name of the graded function."""
    args: tuple[Any, ...]
    """Positional arguments (plain data)."""
    kwargs: Mapping[str, Any]
    """Keyword arguments (plain data)."""
    seed: int | None
    """np.random.seed value set right before the call."""
    bindings: Mapping[str, str]
    """Notebook names rebound to course functions for this call."""


@dataclass(frozen=True)
class CellRun:
    """What happened to one code cell."""

    index: int
    """The cell's position in the notebook."""
    ok: bool
    """It ran without raising."""
    error: Mapping[str, Any] | None
    """kind, type, message and the traceback trimmed to the student's cells."""
    output: str
    """The first characters it printed."""
    output_chars: int
    """How many characters it printed in all."""
    skipped: bool = False
    """Not run: the notebook's time was up, or the cell ended the notebook's process in an
    earlier run (then `error` says how, with kind "fatal")."""
    number: int = 0
    """Its number among the code cells, as CodeCell.number (0 in records made before it)."""

    @property
    def shown(self) -> int:
        """The number a page shows for the cell: `number`, or for an old record the position."""
        return self.number or self.index + 1


@dataclass(frozen=True)
class CallOutcome:
    """The worker's report of one probe call: a value, or why there is none."""

    case_id: str
    """The test case."""
    ok: bool
    """The call returned."""
    value: Any = None
    """The returned value, decoded from plain data."""
    error: Mapping[str, Any] | None = None
    """kind (exception, memory, exit, timeout, crashed, missing, not-run), type, message and
    traceback."""
    elapsed_s: float = 0.0
    """Seconds the call took, as measured where it ran (0 when it was not measured)."""
    changed: tuple[str, ...] = ()
    """The arguments the call changed in place, by name (the runner's word: a note, never a
    verdict)."""


MAX_FATAL_CELLS = 3
"""Cells that end the notebook's process skipped before the grader stops running it again."""


@dataclass(frozen=True)
class FatalCell:
    """A cell that ended the notebook's process; the notebook was run again without it."""

    index: int
    """The cell's position in the notebook."""
    kind: FatalKind
    """"exit", "signal", "memory" (killed at the sandbox's memory limit) or "timeout" (it did
    not stop when interrupted)."""
    code: int
    """The exit status or the signal number."""
    reason: str
    """In words, e.g. "SIGSEGV: recursion too deep for the C stack"."""


@dataclass(frozen=True)
class Execution:
    """Everything the worker reported about one submission."""

    cells: tuple[CellRun, ...]
    """Each code cell that was sent, in order."""
    outcomes: Mapping[str, CallOutcome]
    """Each probe call's outcome, by case id."""
    isolation: tuple[str, ...]
    """Sandbox layers the run actually had."""
    isolation_notes: tuple[str, ...]
    """Why a layer is missing, in words."""
    ended: Ended
    """How the job ended: "exit", "timeout", "signal", "memory" or "crashed"."""
    elapsed_s: float
    """Wall time of the job."""
    notebook_timed_out: bool = False
    """The cells ran past the notebook's time limit."""
    exited_early: bool = False
    """The notebook's process exited (os._exit or similar) before its last cell finished."""
    signal: int = 0
    """The signal that ended the notebook's process, when `ended` is "signal"."""
    tampered: str = ""
    """What the submission's process sent that the grader could not accept, if anything."""
    fatal_cells: tuple[FatalCell, ...] = ()
    """Cells that ended the notebook's process, in the order found; each but one found past
    the bound was skipped in the runs after."""
    runs: int = 1
    """How many times the notebook was run (1 + the fatal cells skipped)."""
    cell_timeouts: tuple[int, ...] = ()
    """Cells interrupted at the per-cell time limit."""


@dataclass(frozen=True)
class TestResult:
    """One test case's verdict (contract section 5)."""

    id: str
    """Case id, e.g. public-1."""
    visibility: Visibility
    """"public" or "hidden"."""
    passed: bool
    """The output matched."""
    points: float
    """Points earned."""
    max_points: float
    """Points available."""
    message: str
    """What differed, or "ok"."""
    diagnosis: str | None = None
    """A catalogue id when this case's output matches a known mistake."""
    detail: Mapping[str, Any] = field(default_factory=dict)
    """Public tests only: a summary of inputs, expected and got, for reports."""
    kind: str = ""
    """What went wrong in one word (value, shape, exception, timeout...): all a report shows of a
    hidden test besides its verdict."""
    elapsed_s: float = 0.0
    """Seconds the call took (0 when it was not measured, e.g. not run)."""


@dataclass(frozen=True)
class FunctionResult:
    """A graded function's verdict."""

    name: str
    """The function's name."""
    score: float
    """Points earned."""
    max_score: float
    """Points available."""
    diagnoses: tuple[str, ...]
    """Catalogue ids of the mistakes its outputs match."""
    tests: tuple[TestResult, ...]
    """Its test cases."""
    error: Mapping[str, Any] | None = None
    """Why it could not be called at all (missing, crashed, timeout), if so."""
    attempted: bool = True
    """False when the function is still as the assignment gave it: every call raised
    NotImplementedError, returned None, or found no function."""
    mistake_group: str | None = None
    """A failing function no recogniser names: the id of the outputs it returns on the hidden
    cases, shared by every student who returns the same (grader.groups)."""
    changed_inputs: tuple[str, ...] = ()
    """The arguments its calls changed in place, by name, in the order first seen: a note for
    the student (code that uses them after the call sees changed data), worth no points."""


@dataclass(frozen=True)
class GradingResult:
    """One submission's result (schema grader.result/1)."""

    student: str
    """Student id."""
    assignment: str
    """Assignment name ("" when it could not be decided)."""
    status: Status
    """"graded" or "error"."""
    error: Mapping[str, str] | None
    """kind and message when status is "error"."""
    score: float
    """Points earned."""
    max_score: float
    """Points available."""
    functions: tuple[FunctionResult, ...]
    """Per graded function."""
    sandbox: Mapping[str, Any]
    """The isolation the run actually had and its limits."""
    environment: Mapping[str, Any]
    """Python, NumPy and grader versions, and the submission's hash."""
    cells: tuple[CellRun, ...] = ()
    """What happened to each code cell (errors and output excerpts), for the report."""
    fatal_cells: tuple[FatalCell, ...] = ()
    """Cells that ended the notebook's process; the notebook was run again without each."""
    runs: int = 1
    """How many times the notebook was run (more than once only past a fatal cell)."""
    notes: tuple[str, ...] = ()
    """What the grader repaired or noticed in the notebook, for the page."""
    elapsed_s: float = 0.0
    """Time spent grading this submission."""
    path: str = ""
    """Where the submission was read from."""
    graded_at: str = ""
    """When it was graded (ISO 8601, UTC)."""

    @property
    def attempted(self) -> bool:
        """Some graded function has been written (not every one is as the assignment gave it)."""
        return any(f.attempted for f in self.functions)

    @classmethod
    def from_error(
        cls,
        *,
        student: str,
        assignment: str,
        kind: str,
        message: str,
        functions: tuple[FunctionResult, ...] = (),
        max_score: float = 0.0,
        sandbox: Mapping[str, Any] | None = None,
        environment: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> GradingResult:
        """A result for a submission that could not be graded in full: what could be scored
        counts, the rest is zero."""
        return cls(
            student=student,
            assignment=assignment,
            status="error",
            error={"kind": kind, "message": message},
            score=round(sum(f.score for f in functions), 2) + 0.0,
            max_score=max_score,
            functions=functions,
            sandbox=sandbox or {"isolated": False, "layers": []},
            environment=environment or {},
            **extra,
        )
