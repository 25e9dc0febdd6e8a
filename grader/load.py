"""Stage 1, load: read and validate a notebook, decide its assignment, hash the file.

The JSON is checked by hand rather than with nbformat's schema: Jupyter itself opens notebooks
the schema rejects (extra keys, odd metadata), and a student must not lose marks over those.
What we need, a list of cells with text sources, is checked strictly."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from grader.errors import UnknownAssignment, UnreadableNotebook
from grader.model import CodeCell, Submission
from grader.names import shown

MAX_NOTEBOOK_BYTES = 32 * 2**20
MAX_CODE_CELLS = 1000
"""Code cells a notebook may hold (the course's have about 30): each runs and is recorded, so a
notebook of tens of thousands of tiny cells would cost the grader gigabytes."""


def read_notebook(path: Path, *, follow_links: bool = True) -> bytes:
    """The file's bytes, refusing what is too large to be a notebook. With `follow_links`
    false (a class's files) a symbolic link is refused, never followed: it is opened with
    O_NOFOLLOW, so a link put there after the class was searched is refused too."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:
            raise UnreadableNotebook(
                f"{path}: a symbolic link, which the grader does not follow"
            ) from None
        raise UnreadableNotebook(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not follow_links and not stat.S_ISREG(st.st_mode):
                raise UnreadableNotebook(f"{path}: not a regular file")
            if st.st_size > MAX_NOTEBOOK_BYTES:
                mb = st.st_size // 2**20
                raise UnreadableNotebook(f"{path.name}: {mb} MB is too large for a notebook")
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise UnreadableNotebook(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"{path.name}: too large for a notebook")
    return data


def read_or_none(path: Path) -> bytes | None:
    """`read_notebook`, or None when the file cannot be read: the load stage then names the
    problem in the submission's result."""
    try:
        return read_notebook(path)
    except UnreadableNotebook:
        return None


def sha256_of(raw: bytes) -> str:
    """The submission's content hash, as results and the gradebook record it."""
    return hashlib.sha256(raw).hexdigest()


def assignment_of(data: object, stem: str) -> str:
    """metadata.grader.assignment when the notebook names one, else the file's stem."""
    meta = data.get("metadata") if isinstance(data, dict) else None
    grader_meta = meta.get("grader") if isinstance(meta, dict) else None
    assignment = grader_meta.get("assignment") if isinstance(grader_meta, dict) else None
    if not isinstance(assignment, str) or not assignment:
        return stem
    if len(assignment) > MAX_ASSIGNMENT_CHARS:  # never one of ours: named, not repeated whole
        return shown(assignment[:MAX_ASSIGNMENT_CHARS]) + "…"
    return shown(assignment)


MAX_ASSIGNMENT_CHARS = 64
"""The longest assignment name a notebook's metadata is taken at (a 100,000-character name was
repeated whole in the progress line, grades.csv, the summary and the result)."""


def json_problem(exc: json.JSONDecodeError) -> str:
    """The JSON error as a whole sentence: json's own message ends mid-sentence ("Unterminated
    string starting at") and leaves the place to its str()."""
    msg = exc.msg[:1].lower() + exc.msg[1:]
    where = f"line {exc.lineno}, column {exc.colno}"
    return f"{msg} {where}" if msg.endswith(" at") else f"{msg} at {where}"


def peek_assignment(raw: bytes, stem: str) -> str:
    """The assignment a file will be graded as, decided without validating it: the batch
    planner's cheap version of what load_submission decides."""
    try:
        return assignment_of(json.loads(raw), stem)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return stem


def load_submission(
    path: Path,
    known: frozenset[str],
    student: str | None = None,
    raw: bytes | None = None,
    assignment: str | None = None,
) -> Submission:
    """The submission at `path` (its bytes given as `raw` when already read, e.g. on another
    machine). `assignment` is the intake's decision for a notebook whose metadata names none
    (default: the file's stem). Raises UnreadableNotebook or UnknownAssignment with one line."""
    if raw is None:
        raw = read_notebook(path)
    elif len(raw) > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"{path.name}: {len(raw) // 2**20} MB is too large for a notebook")
    sha = sha256_of(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableNotebook(f"{path.name}: not UTF-8 text, so not a notebook") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableNotebook(f"{path.name}: not valid JSON: {json_problem(exc)}") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise UnreadableNotebook(f"{path.name}: not a notebook ({str(exc)[:80]})") from None
    except RecursionError:
        raise UnreadableNotebook(f"{path.name}: JSON nested too deeply to be a notebook") from None
    if isinstance(data, dict) and isinstance(data.get("nbformat"), int) and data["nbformat"] < 4:
        raise UnreadableNotebook(
            f"{path.name}: nbformat {data['nbformat']}, an old notebook format; "
            "open and save it with Jupyter 4 or later"
        )
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook(f"{path.name}: JSON, but not a Jupyter notebook (no cell list)")
    if data.get("nbformat") != 4:
        raise UnreadableNotebook(
            f"{path.name}: nbformat {data.get('nbformat')!r}; save it with Jupyter 4 or later"
        )
    cells: list[CodeCell] = []
    ids: set[str] = set()
    notes: list[str] = []
    for i, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict):
            raise UnreadableNotebook(f"{path.name}: cell {i} is not a cell")
        cell_id = cell.get("id")
        if isinstance(cell_id, str):
            if cell_id in ids:  # invalid nbformat 4.5: the file was edited outside Jupyter
                # Repaired as Jupyter and nbformat repair it: the later cell gets an id of its
                # own. The grader does not use cell ids, so only the note remains.
                notes.append(
                    f"cell [{i + 1}] repeats the cell id {cell_id[:40]!r}; it was repaired as "
                    "Jupyter repairs it (a new id for the repeat) and graded as usual"
                )
            ids.add(cell_id)
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise UnreadableNotebook(f"{path.name}: cell {i} has no readable source")
        meta: dict[str, Any] = cell["metadata"] if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("tags", [])
        tags = tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ()
        cells.append(CodeCell(index=i, source=source, tags=tags, number=len(cells) + 1))
        if len(cells) > MAX_CODE_CELLS:
            raise UnreadableNotebook(
                f"{path.name}: more than {MAX_CODE_CELLS} code cells; a course notebook has "
                "a few dozen"
            )
    assignment = assignment_of(data, assignment or path.stem)
    if assignment not in known:
        raise UnknownAssignment(
            f"{path.name}: unknown assignment {assignment[:80]!r} "
            f"(known: {', '.join(sorted(known))})"
        )
    if not cells:
        raise UnreadableNotebook(f"{path.name}: the notebook has no code cells")
    return Submission(
        path=str(path),
        student=student or path.parent.name or "student",
        assignment=assignment,
        sha256=sha,
        cells=tuple(cells),
        notes=tuple(notes[:10]),
    )
