"""Student and assignment ids as file names: collision-free, reversible and safe.

A student id comes from a folder name, a zip, an LMS export or a roster, so it can hold anything:
`zoë` in NFC or NFD (two different ids that look alike), `Ada` beside `ada` (one file on a
case-insensitive file system), `..`, slashes, bytes that are not UTF-8. The file name keeps the
characters `a-z 0-9 _ -` and `.` (not first) as they are and writes every other byte of the id's
UTF-8 form as `~xx` (lowercase hex). So two ids never share a name, a name decodes back to its id
(`decode`), and the name means the same on every file system. The result's JSON keeps the id
itself."""

from __future__ import annotations

import hashlib
import re

MAX_NAME = 150
"""Longest encoded name kept whole; longer ones are cut and end in `~~` and a hash (still
collision-free, no longer decodable: the JSON holds the id)."""

_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-.")
_WINDOWS = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_ESCAPE = re.compile(r"~([0-9a-f]{2})")


def to_bytes(text: str) -> bytes:
    """The bytes of an id; a name that was not UTF-8 on disk (surrogate escapes) gets its
    original bytes back."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from JSON ("\\ud800"): kept, not lost
        return text.encode("utf-8", "surrogatepass")


def shown(text: str) -> str:
    """An id as text any file, database and page can hold: bytes that were not UTF-8 become
    `\\xNN`."""
    return to_bytes(text).decode("utf-8", "backslashreplace")


def encode(text: str) -> str:
    """The file name of an id (see the module's docstring)."""
    raw = to_bytes(text)
    parts = []
    for i, byte in enumerate(raw):
        if byte in _PLAIN and not (i == 0 and byte == ord(".")):
            parts.append(chr(byte))
        else:
            parts.append(f"~{byte:02x}")
    name = "".join(parts) or "~"
    if name.split(".")[0] in _WINDOWS:  # NUL, CON...: devices on Windows
        name = f"~{ord(name[0]):02x}{name[1:]}"
    if len(name) > MAX_NAME:
        cut = name[:MAX_NAME]
        if "~" in cut[-2:]:  # never half an escape
            cut = cut[: cut.rindex("~")]
        name = cut + "~~" + hashlib.sha256(raw).hexdigest()[:16]
    return name


RESERVED = frozenset(
    {
        "grades.csv",
        "junit.xml",
        "summary.html",
        "gradebook.sqlite",
        "gradebook.sqlite-wal",
        "gradebook.sqlite-shm",
        "gradebook.sqlite-journal",
        "gradescope",
        "mistake-groups.csv",
        "similar.csv",
    }
)
"""Names the batch itself writes at the top of its output folder (tests/test_names.py checks
that a batch writes nothing else there). A student whose folder would take one is refused."""


def reserved(student: str) -> bool:
    """The student's folder would be one of the batch's own files."""
    return encode(student) in RESERVED


def decode(name: str) -> str:
    """The id of a file name `encode` made (not of a cut one)."""
    if name == "~":
        return ""
    raw = bytearray()
    i = 0
    while i < len(name):
        m = _ESCAPE.match(name, i)
        if m:
            raw.append(int(m.group(1), 16))
            i = m.end()
        else:
            raw.extend(name[i].encode("ascii"))
            i += 1
    return bytes(raw).decode("utf-8", "surrogateescape")
