"""One root exception; each class carries its exit code and a one-line message for users."""

from __future__ import annotations


class GraderError(Exception):
    """Root of every error the grader reports to a user. `kind` names it in results."""

    exit_code = 2
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
