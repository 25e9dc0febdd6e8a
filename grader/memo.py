"""A function's judgement, remembered by a digest of its outputs.

Judging is a pure function of the assignment, the function, the cases run and what each call
returned (or how it failed): the reference outputs, mutants and property checks are fixed, and
every case is called on the same seeded inputs. So two submissions whose outputs are identical,
byte for byte with the same types, dtypes and shapes, get identical judgements, and most correct
answers are identical. The digest is exact (no tolerance): outputs that differ in one bit, in
dtype, or in the type of a container are judged apart."""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grader.model import CallOutcome, FunctionResult
from grader.wire import Opaque

Key = tuple[str, str, tuple[str, ...], bytes]

MAX_ENTRIES = 4096
"""Judgements kept per grading process; the oldest go first (a few MB at most)."""


class _Unknown(Exception):
    """A value of a type the digest does not know: not remembered, judged each time."""


def _feed(h: Any, value: Any, depth: int = 0) -> None:
    if depth > 64:
        raise _Unknown
    t = type(value)
    if value is None:
        h.update(b"N")
    elif t is bool:
        h.update(b"B1" if value else b"B0")
    elif t is int:
        text = str(value).encode()
        h.update(b"I%d:" % len(text) + text)
    elif t is float:
        h.update(b"F" + struct.pack("<d", value))
    elif t is str:
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"S%d:" % len(data) + data)
    elif t is np.ndarray:
        if value.dtype.kind not in "biufc":
            raise _Unknown
        head = f"A{value.dtype.str}{value.shape}:".encode()
        h.update(head)
        h.update(np.ascontiguousarray(value).data)
    elif isinstance(value, np.generic) and t.__module__ == "numpy":
        if value.dtype.kind not in "biufc":
            raise _Unknown
        h.update(f"G{value.dtype.str}:".encode() + value.tobytes())
    elif t is dict:
        h.update(b"D%d:" % len(value))
        for k, v in value.items():
            _feed(h, k, depth + 1)
            _feed(h, v, depth + 1)
    elif t is tuple or t is list:
        h.update((b"T%d:" if t is tuple else b"L%d:") % len(value))
        for v in value:
            _feed(h, v, depth + 1)
    elif t is Opaque:
        _feed(h, value.description, depth + 1)
        h.update(b"O")
    else:
        raise _Unknown


def digest(outcomes: Sequence[CallOutcome]) -> bytes | None:
    """A digest of the outcomes, in order: each call's value, or its error as the worker
    described it; None when a value is of a type the digest does not know."""
    h = hashlib.blake2b(digest_size=20)
    try:
        for o in outcomes:
            h.update(o.case_id.encode("utf-8", "surrogatepass") + b"\0")
            if o.ok:
                h.update(b"+")
                _feed(h, o.value)
            else:
                text = json.dumps(o.error, sort_keys=True, default=repr)
                h.update(b"-" + text.encode("utf-8", "surrogatepass") + b"\0")
    except (_Unknown, TypeError, ValueError, RecursionError):
        return None
    return h.digest()


class JudgementMemo:
    """Function results of one grading process, by (assignment, function, case ids, digest of
    the outcomes)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._kept: dict[Key, FunctionResult] = {}
        self.hits = 0
        self.misses = 0

    def key(
        self,
        assignment: str,
        function: str,
        case_ids: Sequence[str],
        outcomes: Mapping[str, CallOutcome],
    ) -> Key | None:
        """The key of one function's outcomes, or None when they cannot be digested."""
        d = digest([outcomes[c] for c in case_ids])
        return None if d is None else (assignment, function, tuple(case_ids), d)

    def get(self, key: Key | None) -> FunctionResult | None:
        """The remembered result, if any."""
        found = self._kept.get(key) if key is not None else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: Key | None, result: FunctionResult) -> None:
        """Remember a result, forgetting the oldest beyond `max_entries`."""
        if key is None:
            return
        if len(self._kept) >= self.max_entries:
            self._kept.pop(next(iter(self._kept)))
        self._kept[key] = result
