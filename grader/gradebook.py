"""The gradebook: one SQLite file per output folder, the batch's memory between runs.

Rows are keyed by (student, assignment, submission sha256). A re-run skips a key it already
holds; a changed notebook is a new key, and the newest key of a (student, assignment) pair is
the one marked `current` and exported. WAL mode and one transaction per step of results mean
that a `kill -9` at any moment loses at most the submissions still being graded, never a
recorded one, and never leaves a half-written row (a batch's results whose row was not committed
yet are on disk and adopted by the next run). Only the batch's parent process writes to it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError
from grader.model import GradingResult
from grader.record import dumps, from_json

FILENAME = "gradebook.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    student     TEXT NOT NULL,
    assignment  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,
    error_kind  TEXT,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    graded_at   TEXT NOT NULL,
    grader      TEXT NOT NULL,
    current     INTEGER NOT NULL DEFAULT 1,
    result      TEXT NOT NULL,
    PRIMARY KEY (student, assignment, sha256)
);
CREATE INDEX IF NOT EXISTS results_current ON results (current, student, assignment);
"""


class GradebookError(GraderError):
    """The gradebook file exists but cannot be used (another program's file, a newer schema)."""

    kind = "gradebook"


@dataclass(frozen=True)
class Key:
    """What identifies one graded submission."""

    student: str
    """Student id."""
    assignment: str
    """Assignment name (the file's stem when the notebook names none)."""
    sha256: str
    """Hash of the notebook's bytes."""


def key_of(result: GradingResult) -> Key:
    """The gradebook key a result is filed under."""
    return Key(result.student, result.assignment, str(result.environment.get("submission_sha256")))


class Gradebook:
    """The SQLite gradebook of one output folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise GradebookError(
                    f"{path}: gradebook schema {row[0]}, this grader reads {SCHEMA_VERSION}"
                )
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{path}: not a usable gradebook ({exc})") from None

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, key: Key) -> bool:
        """This exact submission is already graded."""
        row = self._db.execute(
            "SELECT 1 FROM results WHERE student=? AND assignment=? AND sha256=?",
            (key.student, key.assignment, key.sha256),
        ).fetchone()
        return row is not None

    def make_current(self, key: Key) -> None:
        """Mark an already graded submission as the pair's current one (a student went back to
        an earlier notebook)."""
        with self._transaction():
            self._demote(key)
            self._db.execute(
                "UPDATE results SET current=1 WHERE student=? AND assignment=? AND sha256=?",
                (key.student, key.assignment, key.sha256),
            )

    def record(self, result: GradingResult, source: str, text: str | None = None) -> None:
        """File a result as its pair's current one, in one transaction; a regrade replaces it.
        `text` is the result's JSON (`record.dumps`) when the caller already made it."""
        self.record_many([(result, source, text)])

    def record_many(self, rows: Sequence[tuple[GradingResult, str, str | None]]) -> None:
        """File several results, each as its pair's current one, in one transaction: all of
        them or none. Each row is (result, source, its JSON text or None)."""
        if not rows:
            return
        with self._transaction():
            for result, source, text in rows:
                key = key_of(result)
                self._demote(key)
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,1,?)",
                    (
                        key.student,
                        key.assignment,
                        key.sha256,
                        source,
                        result.status,
                        result.error["kind"] if result.error else None,
                        result.score,
                        result.max_score,
                        result.graded_at,
                        str(result.environment.get("grader", "")),
                        dumps(result) if text is None else text,
                    ),
                )

    def retire_unreadable(self, keep: set[tuple[str, str]]) -> None:
        """Unmark the error rows of zips that could not be opened, except the (student, sha256)
        pairs in `keep` (still broken in this run): a zip fixed or removed since leaves no row."""
        rows = self._db.execute(
            "SELECT student, sha256 FROM results WHERE current=1 AND assignment='' "
            "AND error_kind='unreadable-archive'"
        ).fetchall()
        stale = [row for row in rows if tuple(row) not in keep]
        if stale:
            with self._transaction():
                self._db.executemany(
                    "UPDATE results SET current=0 WHERE student=? AND assignment='' AND sha256=?",
                    stale,
                )

    def current(self) -> Iterator[GradingResult]:
        """The current result of every (student, assignment) pair, by student and assignment."""
        for (text,) in self._db.execute(
            "SELECT result FROM results WHERE current=1 ORDER BY student, assignment"
        ):
            yield from_json(json.loads(text))

    def count(self) -> int:
        """How many submissions the gradebook holds, current or not."""
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def _demote(self, key: Key) -> None:
        self._db.execute(
            "UPDATE results SET current=0 WHERE student=? AND assignment=? AND sha256<>?",
            (key.student, key.assignment, key.sha256),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
