"""One root exception; each class carries its exit code and a one-line message for users."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The commands' exit statuses (contract section 4)."""

    OK = 0
    """Done: every test passed (check, ci), or the batch finished (grade)."""
    FAILED = 1
    """Some test failed (check, ci)."""
    UNUSABLE = 2
    """Unusable input or arguments, or the machine failed us (a full disk)."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (128 + SIGINT), with what was recorded kept."""


class GraderError(Exception):
    """Root of every error the grader reports to a user. `kind` names it in results."""

    exit_code = ExitCode.UNUSABLE
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(GraderError):
    """Unusable command-line arguments."""

    kind = "usage"


class UnreadableNotebook(GraderError):
    """The file is not a notebook we can read: missing, not JSON, not nbformat 4, ..."""

    kind = "unreadable-notebook"


class UnreadableArchive(GraderError):
    """A .zip file that cannot be opened: its student gets an error result, the batch goes on."""

    kind = "unreadable-archive"


class UnknownAssignment(GraderError):
    """The notebook names no assignment this grader knows."""

    kind = "unknown-assignment"


class WorkerFailure(GraderError):
    """The sandboxed worker could not be started or stopped answering."""

    kind = "crashed"
