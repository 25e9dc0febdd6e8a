"""Intake: which notebooks a class handed in, whose each one is, and which assignment.

Classes arrive in several layouts, all recognised in one pass:

- the contract's, `<anything>/<student>/<assignment>.ipynb` (the student is the parent folder);
- a learning platform's flat export, one folder of files named after the student
  (`smithjane_12345_678_dropout.ipynb`, see `PATTERNS`; `--name-pattern` adds more);
- per-student zips (`alice.zip` holding `dropout.ipynb`), and zips inside a student's folder.

A folder or a zip named on the command line holds a class; a zip found inside one belongs to one
student: the zip's own name at the top of the class, else the folder it lies in. The assignment
is the notebook's `metadata.grader.assignment`, else the file's name once the platform's prefix
and a resubmission suffix (`-1`, ` (2)`) are taken off, else the graded functions the notebook
defines (from the installed specs). Resubmissions of one assignment by one student keep the
newest. Nothing here runs or trusts a notebook: it reads names, bytes and JSON.

Students name the files in their own folders and zips, so those names never decide whose work
is whose: the platforms' patterns apply only at the top of a class (names the platform made),
a student's zip owns everything in it, and a notebook that a folder below the first level
credits to a student (`<class>/alice/bob/`) never sets aside that student's own (`settle`).
Symbolic links are never followed (`LINK`)."""

from __future__ import annotations

import ast
import functools
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from grader.errors import UnreadableNotebook, UsageError
from grader.load import MAX_NOTEBOOK_BYTES, assignment_of
from grader.names import shown

MAX_ZIP_BYTES = 2 * 2**30
"""Most a zip may unpack to, summed over its notebooks and inner zips."""
MAX_INNER_ZIP_BYTES = 256 * 2**20
"""Largest zip inside a zip (read into memory)."""
MAX_DEPTH = 3
"""Zips inside zips, at most this deep."""

ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile does not have
    zlib.error,  # corrupt compressed data
)
"""What reading a zip that is not what it says raises: each is the student's problem, said in
one line, never the batch's."""


@dataclass(frozen=True)
class Pattern:
    """A platform's file-name convention: a regular expression with named groups `student` and
    `file` (the name the student gave the file), and optionally `lms_id` (the platform's user
    id), `late` (non-empty when late) and `attempt` (sorts newer attempts later)."""

    platform: str
    """Where the convention comes from."""
    regex: re.Pattern[str]
    """Matched against a whole file or folder name."""


PATTERNS: tuple[Pattern, ...] = (
    # Canvas, "Download Submissions": <name>_[LATE_]<user id>_<submission id>_<file>, where the
    # name is the student's sortable name in lower case without spaces (smithjane).
    Pattern(
        "canvas",
        re.compile(
            r"(?P<student>[a-z][a-z0-9-]*)_(?:(?P<late>LATE)_)?(?P<lms_id>\d+)_(?:\d+_)?"
            r"(?P<file>[^_].*)"
        ),
    ),
    # Moodle, "Download all submissions": <full name>_<participant id>_assignsubmission_file_<file>
    # (or a folder of that name with the file inside, when downloaded "in folders").
    Pattern(
        "moodle",
        re.compile(
            r"(?P<student>[^_]+)_(?P<lms_id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)"
        ),
    ),
    # Blackboard Learn, "Download Assignment":
    # <assignment>_<username>_attempt_<yyyy-mm-dd-hh-mm-ss>_<file>. Anchored on the first
    # "_attempt_": the file name after it is the student's, and may hold another "_attempt_".
    Pattern(
        "blackboard",
        re.compile(
            r"(?:(?!_attempt_).)+?_(?P<student>[^_]+)_attempt_(?P<attempt>\d{4}(?:-\d\d){5})"
            r"(?:_(?P<file>.+))?"
        ),
    ),
)

_REVISION = re.compile(r"(?:-(?P<dash>\d{1,3})|\s*\((?P<paren>\d{1,3})\))$")


def pattern(text: str) -> Pattern:
    """A `--name-pattern` from the command line: a regex with groups `student` and `file`."""
    try:
        regex = re.compile(text)
    except re.error as exc:
        raise UsageError(f"--name-pattern {text!r}: not a regular expression ({exc})") from None
    if not {"student", "file"} <= set(regex.groupindex):
        raise UsageError(
            f"--name-pattern {text!r}: needs the named groups (?P<student>...) and (?P<file>...)"
        )
    return Pattern("custom", regex)


@dataclass(frozen=True)
class Found:
    """One notebook a class handed in, and what its name and place say about it."""

    source: str
    """Where it is, as the instructor named it: a path, with `!member` for each zip it is in."""
    file: str
    """The file on disk that holds it (the notebook, or the outermost zip)."""
    members: tuple[str, ...]
    """The zip members to descend through from `file` (empty for a plain notebook)."""
    student: str
    """The student id its place gives (folder, zip or platform file name)."""
    lms_id: str
    """The platform's id of the student when the file name carries one, else empty."""
    stem: str
    """The file's own name without the platform's prefix, the resubmission suffix and .ipynb."""
    revision: tuple[int, str, float, str]
    """Sorts resubmissions: the suffix's number, the platform's attempt, the file's time, name."""
    late: bool = False
    """The platform marked it late."""
    problem: str = ""
    """Why it cannot be read (a broken zip): it becomes an error result, not a stop."""
    claimed_in: str = ""
    """Empty when the student's own place named the student: a first-level folder or zip of the
    class, or a name the platform made at its top. Otherwise the first-level folder whose inside
    named the student (`<class>/s1/bob/dropout.ipynb`, but also `<class>/alice/bob/...`): names
    another student may have chosen, so they never set aside work from the student's own place
    (`settle`)."""


def _matches(name: str, patterns: Sequence[Pattern]) -> re.Match[str] | None:
    for p in patterns:
        m = p.regex.fullmatch(name)
        if m:
            return m
    return None


def _hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def _split_revision(stem: str) -> tuple[str, int]:
    m = _REVISION.search(stem)
    if not m or m.start() == 0:
        return stem, 0
    return stem[: m.start()], int(m.group("dash") or m.group("paren"))


@dataclass(frozen=True)
class _Place:
    """Where a container (folder or zip) sits: enough to name the student of what it holds."""

    source: str
    """The instructor's name for it."""
    file: str
    """The file on disk."""
    members: tuple[str, ...]
    """Zip members down to it."""
    owner: str | None
    """The student every notebook inside belongs to (a student's zip), if decided."""
    owner_lms: str
    """That student's platform id, if the zip's name carried one."""
    root_name: str
    """The class container's own name: the student of notebooks lying at its top."""
    claimed_in: str = ""
    """`Found.claimed_in` of everything inside (a zip in a folder below the first level)."""


def _folder_student(parts: Sequence[str], patterns: Sequence[Pattern]) -> tuple[str, str, bool]:
    """(student, lms_id, claimed) of what lies under the folders `parts` of a class (not in a
    student's zip). The first-level folder decides when a platform made it (Moodle "in
    folders"); else the parent folder, as the contract says. `claimed`: that parent is below the
    first level (and not named as the first-level one), so a name inside someone's folder
    decided."""
    m = _matches(parts[0], patterns)
    if m:
        return m.group("student"), m.groupdict().get("lms_id") or "", False
    return parts[-1], "", len(parts) > 1 and parts[-1] != parts[0]


def _identify(
    parts: Sequence[str], name: str, place: _Place, patterns: Sequence[Pattern]
) -> tuple[str, str, str, bool, str, bool]:
    """(student, lms_id, stem, late, attempt, claimed) of a notebook called `name` under the
    folders `parts` of `place`. A student's zip decides its notebooks' student, whatever their
    names; the platforms' patterns apply only to names at the top of the class, which the
    platform made, never to a name inside a student's folder or zip."""
    file_name = name
    lms_id, late, attempt, claimed = "", False, "", False
    if place.owner is not None:
        student = place.owner
        lms_id = place.owner_lms
    elif parts:
        student, lms_id, claimed = _folder_student(parts, patterns)
    else:
        student = place.root_name
        m = _matches(name, patterns)
        if m and m.group("file"):
            student, file_name = m.group("student"), m.group("file")
            lms_id = m.groupdict().get("lms_id") or ""
            late, attempt = bool(m.groupdict().get("late")), m.groupdict().get("attempt") or ""
    stem = file_name[: -len(".ipynb")] if file_name.lower().endswith(".ipynb") else file_name
    return shown(student), lms_id, stem, late, attempt, claimed


def _owner_of_zip(
    parts: Sequence[str], name: str, place: _Place, patterns: Sequence[Pattern]
) -> tuple[str, str, bool]:
    """(student, lms_id, claimed) of a zip found inside a class: the student every notebook in
    it belongs to."""
    if place.owner is not None:
        return place.owner, place.owner_lms, False
    if parts:  # inside a folder
        return _folder_student(parts, patterns)
    m = _matches(name, patterns)
    if m:
        return m.group("student"), m.groupdict().get("lms_id") or "", False
    return (name[:-4] if name.lower().endswith(".zip") else name), "", False


def find(paths: Sequence[Path], patterns: Sequence[Pattern] = PATTERNS) -> Iterator[Found]:
    """Every notebook under `paths` (notebooks, folders searched recursively, .zip files), in a
    stable order, with a `problem` entry for each zip that cannot be read."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{shown(str(path))}: no such file or folder")
        source = shown(str(path))
        if path.is_dir():
            place = _Place(source, str(path), (), None, "", shown(path.resolve().name))
            yield from _folder(path, place, patterns)
        elif path.suffix.lower() == ".zip":
            place = _Place(source, str(path), (), None, "", shown(path.stem))
            yield from _zip_file(path, place, patterns)
        else:
            parent = shown(path.resolve().parent.name) or "student"
            place = _Place(source, str(path), (), None, "", parent)
            student, lms, stem, late, attempt, _ = _identify([], path.name, place, patterns)
            yield _found(source, str(path), (), student, lms, stem, late, attempt, path)


def _found(
    source: str,
    file: str,
    members: tuple[str, ...],
    student: str,
    lms_id: str,
    stem: str,
    late: bool,
    attempt: str,
    path: Path | None = None,
    when: float = 0.0,
    claimed_in: str = "",
) -> Found:
    base, number = _split_revision(stem)
    if path is not None:
        try:
            when = path.lstat().st_mtime
        except OSError:
            when = 0.0
    return Found(
        source=source,
        file=file,
        members=members,
        student=student,
        lms_id=lms_id,
        stem=shown(base),
        revision=(number, attempt, when, source),
        late=late,
        claimed_in=claimed_in,
    )


LINK = "a symbolic link, which the grader does not follow"
"""Why a linked notebook or zip is not read: a link could hand in another student's work or
any file on the host."""


def _folder(root: Path, place: _Place, patterns: Sequence[Pattern]) -> Iterator[Found]:
    for path in sorted(root.rglob("*")):  # rglob does not descend into linked folders
        rel = path.relative_to(root).parts
        if any(_hidden(p) for p in rel):
            continue
        link = path.is_symlink()  # found like any file, and never followed
        if not link and not path.is_file():
            continue
        parts = [shown(p) for p in rel[:-1]]
        source = shown(str(path))
        first = shown(str(root / rel[0]))
        if path.suffix.lower() == ".ipynb":  # `read` refuses a link (O_NOFOLLOW)
            student, lms, stem, late, attempt, claimed = _identify(
                parts, path.name, place, patterns
            )
            yield _found(source, str(path), (), student, lms, stem, late, attempt, path,
                         claimed_in=first if claimed else "")  # fmt: skip
        elif path.suffix.lower() == ".zip":
            owner, lms, claimed = _owner_of_zip(parts, path.name, place, patterns)
            inner = _Place(source, str(path), (), shown(owner), lms, shown(path.stem),
                           claimed_in=first if claimed else "")  # fmt: skip
            if link:
                yield _broken(inner, LINK)
                continue
            yield from _zip_file(path, inner, patterns)


def _zip_file(path: Path, place: _Place, patterns: Sequence[Pattern]) -> Iterator[Found]:
    try:
        with zipfile.ZipFile(path) as zf:
            found = list(_zip_members(zf, place, patterns, depth=1))
    except ZIP_ERRORS as exc:
        yield _broken(place, f"not a readable .zip file ({exc})")
        return
    except UnreadableNotebook as exc:
        yield _broken(place, exc.message)
        return
    yield from found


def _broken(place: _Place, why: str) -> Found:
    return Found(
        source=place.source,
        file=place.file,
        members=place.members,
        student=place.owner or place.root_name,
        lms_id=place.owner_lms,
        stem="",
        revision=(0, "", 0.0, place.source),
        problem=f"{place.source}: {why}",
        claimed_in=place.claimed_in,
    )


def _zip_members(
    zf: zipfile.ZipFile, place: _Place, patterns: Sequence[Pattern], depth: int
) -> Iterator[Found]:
    total = 0
    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        rel = [p for p in info.filename.replace("\\", "/").split("/") if p]
        if not rel or any(_hidden(p) for p in rel):
            continue
        name = rel[-1]
        lower = name.lower()
        if not (lower.endswith(".ipynb") or lower.endswith(".zip")):
            continue
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise UnreadableNotebook("more than 2 GB uncompressed")
        parts = [shown(p) for p in rel[:-1]]
        source = f"{place.source}!{shown(info.filename)}"
        members = (*place.members, info.filename)
        when = _zip_time(info)
        # Only a class's zip has no owner; below its first level, names are someone's.
        first = f"{place.source}!{shown(rel[0])}"
        if lower.endswith(".ipynb"):
            student, lms, stem, late, attempt, claimed = _identify(parts, name, place, patterns)
            claimed_in = first if claimed else place.claimed_in
            yield _found(source, place.file, members, student, lms, stem, late, attempt,
                         when=when, claimed_in=claimed_in)  # fmt: skip
            continue
        owner, lms, claimed = _owner_of_zip(parts, name, place, patterns)
        inner = _Place(source, place.file, members, shown(owner), lms, shown(name[:-4]),
                       claimed_in=first if claimed else place.claimed_in)  # fmt: skip
        if depth >= MAX_DEPTH:
            yield _broken(inner, f"zips nested more than {MAX_DEPTH} deep are not opened")
            continue
        if info.file_size > MAX_INNER_ZIP_BYTES:
            yield _broken(inner, "a zip inside a zip larger than 256 MB is not opened")
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(_bounded(zf, info, MAX_INNER_ZIP_BYTES))) as inner_zf:
                found = list(_zip_members(inner_zf, inner, patterns, depth + 1))
        except ZIP_ERRORS as exc:
            yield _broken(inner, f"not a readable .zip file ({exc})")
            continue
        except UnreadableNotebook as exc:
            yield _broken(inner, exc.message)
            continue
        yield from found


def _zip_time(info: zipfile.ZipInfo) -> float:
    import datetime

    try:
        return datetime.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return 0.0


def _bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than `limit` whatever its header claims."""
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UnreadableNotebook(f"{info.filename}: more than {limit // 2**20} MB")
    return data


def read(found: Found) -> bytes:
    """The notebook's bytes. Raises UnreadableNotebook with one line."""
    if not found.members:
        from grader.load import read_notebook

        return read_notebook(Path(found.file), follow_links=False)
    try:
        zf = _archive(found.file, found.members[:-1])
        info = zf.getinfo(found.members[-1])
        if info.file_size > MAX_NOTEBOOK_BYTES:
            raise UnreadableNotebook(f"{found.source}: too large for a notebook")
        return _bounded(zf, info, MAX_NOTEBOOK_BYTES)
    except ZIP_ERRORS as exc:
        raise UnreadableNotebook(f"{found.source}: cannot read ({exc})") from None


_Key = tuple[str, int, int, int, tuple[str, ...]]
_OPEN: dict[_Key, zipfile.ZipFile] = {}
"""The zips `read` opened last, by `_archive`'s key: one chain, from a file to a zip inside it."""
_OPEN_PID = [0]


def _archive(file: str, members: tuple[str, ...]) -> zipfile.ZipFile:
    """The zip at `file`, or the zip inside it that `members` lead to (each a member of the one
    before), kept open while a batch reads its notebooks in turn: opened anew for each notebook,
    a zip's directory was read again each time (a 460 KB zip of 4,000 notebooks took 87 s to
    plan) and a zip inside it was decompressed again each time. A file changed since is opened
    anew; a forked copy of the grader never uses the parent's (their offsets are shared)."""
    if _OPEN_PID[0] != os.getpid():
        _OPEN.clear()
        _OPEN_PID[0] = os.getpid()
    st = os.stat(file)
    key: _Key = (file, st.st_ino, st.st_size, st.st_mtime_ns, members)
    zf = _OPEN.get(key)
    if zf is not None:
        return zf
    for other in [k for k in _OPEN if k[:4] != key[:4] or k[4] != members[: len(k[4])]]:
        _OPEN.pop(other).close()  # not on the way to this one
    if members:
        outer = _archive(file, members[:-1])
        info = outer.getinfo(members[-1])
        if info.file_size > MAX_INNER_ZIP_BYTES:
            raise UnreadableNotebook(f"{members[-1]}: a zip inside a zip larger than 256 MB")
        zf = zipfile.ZipFile(io.BytesIO(_bounded(outer, info, MAX_INNER_ZIP_BYTES)))
    else:
        zf = zipfile.ZipFile(file)
    _OPEN[key] = zf
    return zf


def forget() -> None:
    """Close the zips `read` keeps open (the batch has read every notebook)."""
    for zf in _OPEN.values():
        zf.close()
    _OPEN.clear()


def read_or_none(found: Found) -> bytes | None:
    """`read`, or None (the grading stage then names the problem)."""
    try:
        return read(found)
    except UnreadableNotebook:
        return None


def _normal(stem: str) -> str:
    return re.sub(r"[\s\-]+", "_", stem.strip()).lower()


@functools.cache
def _graded_functions() -> dict[str, frozenset[str]]:
    """The graded functions of each installed assignment, from its spec."""
    from grader.oracle import available, load_spec

    return {a: frozenset(f.name for f in load_spec(a).functions) for a in sorted(available())}


def defined_functions(data: object) -> frozenset[str]:
    """The names of the functions a notebook's code cells define at their top level."""
    cells = data.get("cells") if isinstance(data, dict) else None
    names: set[str] = set()
    for cell in cells if isinstance(cells, list) else ():
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        try:
            tree = ast.parse(source)
            names.update(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            names.update(re.findall(r"^def\s+([A-Za-z_]\w*)", source, re.M))
    return frozenset(names)


def recognise(data: object) -> str | None:
    """The assignment whose graded functions the notebook defines most of, when one does
    strictly more than any other; None otherwise."""
    defined = defined_functions(data)
    counts = sorted(
        ((len(defined & names), a) for a, names in _graded_functions().items()), reverse=True
    )
    if not counts or counts[0][0] == 0 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


def assignment_for(found: Found, raw: bytes | None, known: frozenset[str]) -> tuple[str, str]:
    """(assignment, how it was decided): the notebook's metadata, its file name, or what it
    defines. An unknown name is returned as it is (it becomes an unknown-assignment result)."""
    data: object = None
    if raw is not None:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
    named = assignment_of(data, "")
    if named:
        return shown(named), "metadata"
    if found.stem in known:
        return found.stem, "file name"
    normal = _normal(found.stem)
    if normal in known:
        return normal, "file name"
    guessed = recognise(data) if data is not None else None
    if guessed:
        return guessed, "the functions it defines"
    return found.stem, "file name"


def newest(found: Sequence[Found]) -> tuple[Found, tuple[Found, ...]]:
    """The newest of one student's notebooks for one assignment, and the ones it supersedes:
    the highest resubmission suffix, then the platform's attempt, then the file's time. The
    student names these, so they only ever order one student's own notebooks from one place;
    notebooks of several students, or from several places, are `settle`'s to decide."""
    if len({(f.student, f.claimed_in) for f in found}) != 1:
        raise ValueError("newest: notebooks of one student from one place only")
    ordered = sorted(found, key=lambda f: f.revision)
    return ordered[-1], tuple(ordered[:-1])


@dataclass(frozen=True)
class Settled:
    """Which of one student's notebooks for one assignment is graded, and why the rest are not."""

    kept: Found | None
    """The one to grade; None when places that are not the student's own disagree."""
    older: tuple[Found, ...]
    """Older resubmissions from the same place as `kept`."""
    refused: tuple[Found, ...]
    """Notebooks a folder not the student's own credits to them, not graded."""
    why: str
    """One line on what was refused and why; empty when nothing was."""


def settle(found: Sequence[Found]) -> Settled:
    """Choose among one student's notebooks for one assignment. The notebooks from the
    student's own place (their first-level folder, their zip, the platform's names) come first,
    newest first: a notebook that a folder inside someone else's names as theirs
    (`<class>/alice/bob/dropout.ipynb`) never sets that work aside, and is refused, saying so.
    With no own notebook, one outside place is graded like one; two or more that disagree are
    reported and none is graded (an error result says so), rather than one picked silently."""
    if len({f.student for f in found}) != 1:
        raise ValueError("settle: notebooks of one student only")
    student = found[0].student
    own = [f for f in found if not f.claimed_in]
    places: dict[str, list[Found]] = {}
    for f in found:
        if f.claimed_in:
            places.setdefault(f.claimed_in, []).append(f)
    if not own and len(places) == 1:
        own = next(iter(places.values()))
        places = {}
    if not places:
        kept, older = newest(own)
        return Settled(kept, older, (), "")
    refused = tuple(f for group in places.values() for f in group)
    where = ", ".join(f"{f.source} (inside {f.claimed_in})" for f in refused)
    if own:
        kept, older = newest(own)
        return Settled(
            kept,
            older,
            refused,
            f"not graded: {where}, credited to {student!r} by a folder below the class's first "
            f"level; graded {kept.source}, from the student's own place",
        )
    return Settled(
        None,
        (),
        refused,
        f"not graded: {len(places)} folders each credit a notebook to {student!r} by a folder "
        f"inside them: {where}; remove all but one",
    )


def with_student(found: Found, student: str) -> Found:
    """The same notebook filed under another id (the roster's)."""
    return replace(found, student=student)
