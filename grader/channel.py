"""The trusted end of a job's sockets: frames read under hard bounds, and every record checked
against what the grader asked for before any of it is believed.

The process that runs student code can write anything to its `data` socket. What it writes is
accepted only when it is the answer the grader is waiting for: the cell just sent, the call just
made, the probe process just started. Anything else (a record nobody asked for, a field of the
wrong type, a string cell number, an exit code of 1e999, JSON nested a thousand deep, a frame
over the size limit) raises `Tampered`, naming what was wrong."""

from __future__ import annotations

import json
import math
import re
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.model import CellRun
from grader.sandbox import wire

MAX_VALUE_BYTES = 2**20
"""The largest returned value the worker sends (its JSON form); a bigger one is reported as too
large instead. The course's values are a few KB."""
MAX_FRAME_BYTES = MAX_VALUE_BYTES + 64 * 2**10
MAX_DEPTH = 128
"""JSON nesting a record may have: a wire value nested as deep as `wire.MAX_DEPTH` allows."""
OUTPUT_CHARS = 8192
ERROR_KINDS = frozenset({"exception", "memory", "exit", "missing", "output-too-large"})
_HEADER = struct.Struct(">I")


class Tampered(Exception):
    """The submission's process sent something the grader cannot accept; the message says what."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"a number out of range ({text[:20]})")
    return value


def _small_int(text: str) -> int:
    if len(text) > 20:
        raise ValueError("an integer with more than 20 digits")
    return int(text)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def parse(payload: bytes, what: str) -> dict[str, Any]:
    """One record: strict JSON (finite numbers, bounded integers), an object, bounded depth."""
    try:
        record = json.loads(
            payload,
            parse_float=_finite,
            parse_int=_small_int,
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise Tampered(f"{what}: JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Tampered(f"{what}: not a JSON record ({str(exc)[:80]})") from None
    if not isinstance(record, dict):
        raise Tampered(f"{what}: a {type(record).__name__} where an object belongs")
    if _depth(record) > MAX_DEPTH:
        raise Tampered(f"{what}: JSON nested more than {MAX_DEPTH} deep")
    if _SURROGATE.search(payload):
        record = _whole(record)
    return record


_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
"""A JSON escape of a UTF-16 surrogate: the only way a lone one (which UTF-8 cannot write: a
page, a result file or the gradebook would fail on it) gets into a record."""


def _whole(value: Any) -> Any:
    """`value` with every string's lone surrogates made U+FFFD (a pair is joined into its
    character): `print("\\ud800")` is a student's right, and must not cost the result."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {_whole(k): _whole(v) for k, v in value.items()}
    return value


def _depth(value: Any) -> int:
    """How deep `value` nests (a scalar is 1 deep); stops once past MAX_DEPTH. Only containers
    go on the stack: scalars are most of a record's values."""
    if not isinstance(value, (dict, list)):
        return 1
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
            elif depth >= deepest:
                deepest = depth + 1
    return deepest


class Frames:
    """Length-prefixed frames from a stream socket, at most `MAX_FRAME_BYTES` each; the buffer
    never holds more than one frame and one read. A frame is one JSON record, and after a NUL
    byte the blob its arrays' bytes are in, if it has one (`last_blob`; `wire.split_frame`)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.eof = False
        self.received = 0
        self.last_size = 0
        """The size of the last record returned, in bytes (its blob's included)."""
        self.last_blob = b""
        """The blob of the last record returned (empty when it had none)."""

    def fill(self) -> None:
        """Read what has arrived (the socket is ready)."""
        try:
            chunk = self.sock.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.received += len(chunk)
        self.buffer += chunk

    def next(self) -> dict[str, Any] | None:
        """The next whole record, or None until one has arrived."""
        if len(self.buffer) < _HEADER.size:
            return None
        (n,) = _HEADER.unpack_from(self.buffer)
        if n > MAX_FRAME_BYTES:
            raise Tampered(f"a record of {n} bytes, over the {MAX_FRAME_BYTES} byte limit")
        if len(self.buffer) < _HEADER.size + n:
            return None
        payload = bytes(self.buffer[_HEADER.size : _HEADER.size + n])
        del self.buffer[: _HEADER.size + n]
        self.last_size = n
        text, self.last_blob = wire.split_frame(payload)
        return parse(text, "a record")


def frame(record: Mapping[str, Any], blob: bytes = b"") -> bytes:
    """A record as one length-prefixed frame, with its blob (`Frames`) if it has one."""
    payload = wire.join_frame(json.dumps(record).encode(), blob)
    return _HEADER.pack(len(payload)) + payload


def send_frame(sock: socket.socket, record: Mapping[str, Any] | bytes) -> None:
    """Send a record, or a frame made already (`frame`)."""
    sock.sendall(record if isinstance(record, bytes) else frame(record))


# ----------------------------------------------------------------------------------------------
# the records


def _fields(
    record: Mapping[str, Any],
    what: str,
    required: set[str],
    optional: frozenset[str] | set[str] = frozenset(),
) -> None:
    keys = set(record)
    if not required <= keys:
        has = ", ".join(sorted(str(k)[:40] for k in keys)[:6]) or "none"
        raise Tampered(f"{what} has the fields {has}; it needs {', '.join(sorted(required))}")
    extra = keys - required - optional
    if extra:
        raise Tampered(f"{what}: unexpected field {sorted(extra)[0][:40]!r}")


def _typed(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise Tampered(f"{what} is a {type(value).__name__}, not a {expected}")
    return value


def _text(value: Any, what: str, limit: int) -> str:
    _typed(value, str, what)
    if len(value) > limit:
        raise Tampered(f"{what} is longer than {limit} characters")
    return str(value)


def _int(value: Any, what: str, low: int, high: int) -> int:
    _typed(value, int, what)
    if not low <= value <= high:
        raise Tampered(f"{what} is {value}, outside {low}..{high}")
    return int(value)


def error(err: Any, what: str, kinds: frozenset[str] = ERROR_KINDS) -> dict[str, Any]:
    """A worker-described error: kind, type, message and the student's frames."""
    _typed(err, dict, what)
    _fields(err, what, {"kind", "type", "message", "traceback"})
    kind = _text(err["kind"], f"{what}'s kind", 40)
    if kind not in kinds:
        raise Tampered(f"{what}'s kind {kind!r} is not one the worker sends")
    frames = _typed(err["traceback"], list, f"{what}'s traceback")
    if len(frames) > 8:
        raise Tampered(f"{what}'s traceback has more than 8 frames")
    clean = []
    for fr in frames:
        _typed(fr, dict, f"{what}'s frame")
        _fields(fr, f"{what}'s frame", {"cell", "line", "text", "function"})
        clean.append(
            {
                "cell": _int(fr["cell"], "a frame's cell", 0, 10**6),
                "line": _int(fr["line"], "a frame's line", 0, 10**7),
                "text": _text(fr["text"], "a frame's text", 200),
                "function": _text(fr["function"], "a frame's function", 80),
            }
        )
    return {
        "kind": kind,
        "type": _text(err["type"], f"{what}'s type", 80),
        "message": _text(err["message"], f"{what}'s message", 500),
        "traceback": clean,
    }


def cell_reply(record: Mapping[str, Any], index: int) -> CellRun:
    """The answer to "run cell `index`"."""
    what = f"the record of cell [{index + 1}]"
    _fields(record, what, {"cell", "ok", "output"}, {"error"})
    cell = _typed(record["cell"], int, f"{what}: its cell number")
    if cell != index:
        raise Tampered(f"{what} came with the cell number {cell!r}")
    ok = _typed(record["ok"], bool, f"{what}: ok")
    out = _typed(record["output"], dict, f"{what}: output")
    _fields(out, f"{what}: output", {"text", "total_chars"})
    text = _text(out["text"], f"{what}: its output", OUTPUT_CHARS)
    total = _int(out["total_chars"], f"{what}: its output's length", 0, 2**62)
    err = None
    if "error" in record:
        err = error(record["error"], f"{what}: its error")
    if ok == (err is not None):
        raise Tampered(f"{what}: ok is {ok} {'with' if err else 'without'} an error")
    return CellRun(index=index, ok=ok, error=err, output=text, output_chars=max(total, len(text)))


def is_function_end(record: Mapping[str, Any]) -> bool:
    return "function" in record and "ended" in record


def function_end(record: Mapping[str, Any], name: str) -> tuple[str, int]:
    """The runner's word that the probe process of `name` ended: ("exit", code) or ("signal", n)."""
    what = f"the end record of {name[:60]}'s probe process"
    _fields(record, what, {"function", "ended", "code"})
    if record["function"] != name:
        raise Tampered(f"{what} names another function")
    how = record["ended"]
    if how not in ("exit", "signal"):
        raise Tampered(f"{what}: ended is {str(how)[:20]!r}")
    code = _int(record["code"], f"{what}: its code", 0, 255)
    return how, code


def probe_ready(record: Mapping[str, Any], name: str) -> None:
    """The new probe process's word that it is ready for the calls of `name`."""
    what = f"the ready record of {name[:60]}'s probe process"
    _fields(record, what, {"ready"})
    if record["ready"] != name:
        raise Tampered(f"{what} names another function")


@dataclass(frozen=True)
class Reply:
    """The answer to one call, as the runner sent it."""

    ok: bool
    """The call returned."""
    value: Any
    """The value's wire form, or the error."""
    elapsed: float
    """Seconds, the runner's measure."""
    changed: tuple[str, ...] = ()
    """The arguments the call changed in place, by name (a note for the student)."""


def case_reply(record: Mapping[str, Any], case_id: str) -> Reply:
    """The answer to call `case_id`."""
    what = f"the record of call {case_id[:60]}"
    if record.get("case") != case_id:
        raise Tampered(f"{what} came with the case {str(record.get('case'))[:60]!r}")
    ok = _typed(record.get("ok"), bool, f"{what}: ok")
    optional = {"elapsed", "changed"} if ok else {"elapsed"}
    _fields(record, what, {"case", "ok", "value" if ok else "error"}, optional)
    elapsed = _typed(record.get("elapsed", 0.0), (int, float), f"{what}: elapsed")
    if not 0 <= elapsed < 10**6:
        raise Tampered(f"{what}: elapsed is {elapsed}")
    if not ok:
        return Reply(False, error(record["error"], f"{what}: its error"), float(elapsed))
    changed = _typed(record.get("changed", []), list, f"{what}: changed")
    if len(changed) > 16:
        raise Tampered(f"{what} names more than 16 changed arguments")
    names = tuple(_text(x, f"{what}: a changed argument", 80) for x in changed)
    return Reply(True, record["value"], float(elapsed), names)


def isolation(message: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The runner's report, made before student code ran, of the layers it has."""
    what = "the isolation record"
    _fields(message, what, {"isolation", "notes"})
    layers = _typed(message["isolation"], list, f"{what}'s layers")
    notes = _typed(message["notes"], list, f"{what}'s notes")
    if len(layers) > 40 or len(notes) > 40:
        raise Tampered(f"{what} is too long")
    return (
        tuple(_text(x, "a layer", 80) for x in layers),
        tuple(_text(x, "a note", 400) for x in notes),
    )


def runner_end(message: Mapping[str, Any]) -> tuple[str, int]:
    """The supervisor's report of how the runner ended."""
    what = "the supervisor's report"
    _fields(message, what, {"runner", "code"})
    how = message["runner"]
    if how not in ("exit", "signal"):
        raise Tampered(f"{what}: {str(how)[:20]!r}")
    return how, _int(message["code"], f"{what}'s code", 0, 255)
