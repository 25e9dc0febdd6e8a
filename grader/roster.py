"""The class list: who should have handed something in, read from a CSV file.

A roster needs one id column; a name, an email and the learning platform's own user id are
optional. The column names of the usual exports are recognised, so a gradebook downloaded from
the platform works as it is:

| export | id | name | email | platform id |
|---|---|---|---|---|
| plain | `id`, `student`, `student_id`, `username` | `name` | `email` | `lms_id` |
| Canvas gradebook | `SIS Login ID`, else `SIS User ID`, else `ID` | `Student` | | `ID` |
| Moodle grades | `ID number`, else `Email address` | `First name` + `Surname` | `Email address` | |
| Blackboard grade centre | `Username` | `First Name` + `Last Name` | `Email` | `Student ID` |

Canvas's second row ("Points Possible") and empty rows are skipped. A submission is matched to
a roster entry by the platform id its file name carries, else by id, email or its local part,
else by name (case, spaces and punctuation aside; "Smith, Jane", "Jane Smith" and Canvas's
"smithjane" all match)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.model import GradingResult


@dataclass(frozen=True)
class Member:
    """One student of the roster."""

    id: str
    """The id results and grades.csv use."""
    name: str = ""
    """Full name, for people."""
    email: str = ""
    """Email address."""
    lms_id: str = ""
    """The learning platform's user id (Canvas's numeric ID)."""


@dataclass(frozen=True)
class Roster:
    """The students of a class, in the roster's order."""

    members: tuple[Member, ...]
    """Everyone on it."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Their ids."""
        return tuple(m.id for m in self.members)

    def match(self, student: str, lms_id: str = "") -> Member | None:
        """The roster entry an intake's (student, platform id) names, if any."""
        index = _index(self)
        if lms_id and ("lms", lms_id) in index:
            return index[("lms", lms_id)]
        for key in (("id", student.casefold()), ("name", _letters(student))):
            if key in index:
                return index[key]
        return None


def _letters(text: str) -> str:
    """A name reduced to its letters and digits, accents off, lower case, first name first:
    "Smith, Jane" and "Jane Smith" both give "janesmith"."""
    return "".join(_letters_words(text))


def _index(roster: Roster) -> dict[tuple[str, str], Member]:
    index: dict[tuple[str, str], Member] = {}
    for m in roster.members:
        for key in (
            ("lms", m.lms_id),
            ("id", m.id.casefold()),
            ("id", m.email.casefold()),
            ("id", m.email.split("@")[0].casefold()),
        ):
            if key[1]:
                index.setdefault(key, m)
        if m.name:
            index.setdefault(("name", _letters(m.name)), m)
            words = _letters_words(m.name)
            if len(words) >= 2:  # Canvas files: sortable name, last name first (smithjane)
                index.setdefault(("name", "".join(words[-1:] + words[:-1])), m)
    return index


def _letters_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    out = []
    for w in re.findall(r"[^\W_]+", text.casefold()):
        out.append("".join(ch for ch in w if not unicodedata.combining(ch)))
    return out


def _pick(row: dict[str, str], names: Iterable[str]) -> str:
    for n in names:
        value = row.get(n, "").strip()
        if value:
            return value
    return ""


def _format(columns: list[str]) -> str:
    """Which export the header is."""
    has = set(columns).__contains__
    if has("student") and has("id") and (has("sis login id") or has("sis user id")):
        return "canvas"
    if has("first name") and has("surname"):
        return "moodle"
    if has("username") and has("first name") and has("last name"):
        return "blackboard"
    return "plain"


def _member(kind: str, row: dict[str, str]) -> Member:
    first_last = f"{_pick(row, ('first name',))} {_pick(row, ('surname', 'last name'))}".strip()
    email = _pick(row, ("email address", "email", "e-mail"))
    if kind == "canvas":
        return Member(
            id=_pick(row, ("sis login id", "sis user id", "id")),
            name=_pick(row, ("student",)),
            lms_id=_pick(row, ("id",)),
        )
    if kind == "moodle":
        return Member(id=_pick(row, ("id number",)) or email, name=first_last, email=email)
    if kind == "blackboard":
        return Member(
            id=_pick(row, ("username",)),
            name=first_last,
            email=email,
            lms_id=_pick(row, ("student id",)),
        )
    return Member(
        id=_pick(row, ("id", "student_id", "student id", "student", "username", "login")),
        name=_pick(row, ("name", "full name")) or first_last,
        email=email,
        lms_id=_pick(row, ("lms_id", "lms id")),
    )


def parse(text: str, source: str = "roster") -> Roster:
    """A roster from CSV text (see the module's docstring for the columns)."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise UsageError(f"{source}: empty roster")
    columns = [h.strip().lstrip("\ufeff").casefold() for h in header]
    kind = _format(columns)
    ids = {"id", "student_id", "student id", "student", "username", "login", "email"}
    if kind == "plain" and not ids & set(columns):
        raise UsageError(
            f"{source}: no id column (expected id, student_id, username or email, or a Canvas, "
            "Moodle or Blackboard gradebook export)"
        )
    members: list[Member] = []
    seen: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        row = {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns)}
        if not any(v.strip() for v in row.values()):
            continue
        if kind == "canvas" and row.get("student", "").strip().casefold() in (
            "points possible",
            "test student",
        ):
            continue
        member = _member(kind, row)
        if not member.id:
            raise UsageError(f"{source}, line {line}: a student without an id")
        if member.id in seen:
            raise UsageError(f"{source}, line {line}: id {member.id!r} appears twice")
        seen.add(member.id)
        members.append(member)
    if not members:
        raise UsageError(f"{source}: the roster lists no students")
    return Roster(tuple(members))


def read(path: Path) -> Roster:
    """The roster in a CSV file (UTF-8, with or without a byte-order mark)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the roster ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the roster is not UTF-8 text (save it as CSV UTF-8)") from None
    return parse(text, str(path))


@dataclass(frozen=True)
class Missing:
    """An assignment a student did not hand in: it scores 0 of its points."""

    student: str
    """Student id."""
    assignment: str
    """The assignment."""
    max_score: float
    """Its points, which count in the student's total."""


def graded_assignments(results: Sequence[GradingResult]) -> list[str]:
    """The known assignments among the results: grades.csv's columns, the course total's
    parts. An unknown assignment's result is an error entry, never a column."""
    from grader.oracle import available

    known = available()
    return sorted({r.assignment for r in results if r.assignment in known})


def students_of(results: Sequence[GradingResult], roster: Roster | None) -> list[str]:
    """Everyone a class's exports list: the roster in its order, then anyone else who handed in
    work; without a roster, the students found."""
    found = sorted({r.student for r in results})
    if roster is None:
        return found
    listed = set(roster.ids)
    return [*roster.ids, *(s for s in found if s not in listed)]


def missing_work(
    results: Sequence[GradingResult], roster: Roster | None, visibility: frozenset[str]
) -> tuple[Missing, ...]:
    """Each (student, assignment) with no result, for every student of the class and every
    assignment graded in it."""
    from grader.oracle import load_spec

    assignments = graded_assignments(results)
    points = {a: load_spec(a).points(visibility) for a in assignments}
    have = {(r.student, r.assignment) for r in results}
    return tuple(
        Missing(s, a, points[a])
        for s in students_of(results, roster)
        for a in assignments
        if (s, a) not in have
    )
