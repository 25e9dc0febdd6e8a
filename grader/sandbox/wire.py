"""Plain data across the trust boundary: JSON with arrays as raw bytes, never pickle.

The worker encodes what student code returned; the grader decodes it with hard bounds, so a
hostile worker can make decoding fail but can never make it run code or exhaust memory. This
module imports nothing from the rest of the grader: the worker loads it on its own.

An array's bytes go either into the JSON as base64 (stored documents: `grader.stored`), or,
given a `blob`, after it: the JSON then says where in the blob they are ("at"), and the frame
carries the blob raw (`grader.channel`). Base64 cost the sandbox link more than anything else
it sends: 1.8 MB of arrays took 38 ms to encode and decode, the blob about a tenth of that."""

from __future__ import annotations

import base64
import math
import re
from typing import Any

import numpy as np

#: dtype kinds that may cross: bool, signed and unsigned ints, floats, complex.
SAFE_KINDS = frozenset("biufc")
MAX_DEPTH = 32
ARRAY_COST = 112
"""What `decode` charges an array besides its bytes (a NumPy array object's size), and 16 more
for each dimension."""
_DTYPE = re.compile(r"[<>|=]?[biufc][0-9]{1,2}")
"""The form of a dtype the worker sends (`arr.dtype.str`): checked before NumPy reads it, since
NumPy parses structured dtypes of any length."""


BLOB_MARK = b"\0"
"""Ends a frame's JSON where the blob of its arrays' bytes follows: JSON text never holds a NUL
byte (json.dumps writes one as \\u0000)."""


def join_frame(text: bytes, blob: bytes = b"") -> bytes:
    """A frame's payload: a record's JSON text, and after BLOB_MARK its blob, if it has one."""
    return b"".join((text, BLOB_MARK, blob)) if blob else text


def split_frame(payload: bytes) -> tuple[bytes, bytes]:
    """A frame's payload as (JSON text, blob); the blob is empty when there is none."""
    end = payload.find(BLOB_MARK)
    return (payload, b"") if end < 0 else (payload[:end], payload[end + 1 :])


class WireError(ValueError):
    """Data that does not follow the wire format or exceeds its bounds."""


def _encode_float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}  # 'nan', 'inf', '-inf'


def encode(obj: Any, _depth: int = 0, blob: bytearray | None = None) -> Any:
    """A JSON-ready form of `obj`. Unknown objects become a description, never a pickle. With
    a `blob`, arrays' bytes are appended to it rather than put in the JSON."""
    if _depth > MAX_DEPTH:
        return {"__other__": "nested too deeply"}
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int) and type(obj) is int:
        return obj if abs(obj) < 2**53 else {"__float__": repr(float(obj))}
    if type(obj) is float:
        return _encode_float(obj)
    if isinstance(obj, (np.ndarray, np.generic)):
        arr = np.asarray(obj)
        kind = arr.dtype.kind
        if kind not in SAFE_KINDS:
            return {"__other__": f"numpy array of dtype {arr.dtype.name}", "shape": list(arr.shape)}
        # tobytes() is C order whatever the layout; ascontiguousarray would make a 0-d array
        # (a numpy scalar) 1-d, and a returned np.float64 would arrive as shape (1,).
        described = {
            "__nd__": arr.dtype.str,
            "shape": list(arr.shape),
            "scalar": isinstance(obj, np.generic),
            "subclass": type(obj).__name__
            if type(obj) not in (np.ndarray,) and not isinstance(obj, np.generic)
            else None,
        }
        if blob is None:
            described["data"] = base64.b64encode(arr.tobytes()).decode("ascii")
        else:
            described["at"] = len(blob)
            blob += arr.tobytes()
        return described
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, str):
                return {"__other__": f"dict with a key of type {type(k).__name__}"}
            items.append([k, encode(v, _depth + 1, blob)])
        return {"__dict__": items}
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(v, _depth + 1, blob) for v in obj]}
    if isinstance(obj, list):
        return {"__list__": [encode(v, _depth + 1, blob) for v in obj]}
    if isinstance(obj, float):  # float subclasses
        return _encode_float(float(obj))
    if isinstance(obj, int):  # int subclasses (not bool)
        return int(obj)
    return {"__other__": f"an object of type {type(obj).__name__}"}


class Opaque:
    """Something the worker could not send as data (an object, an object array)."""

    __slots__ = ("description",)

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


def decode(data: Any, *, max_bytes: int = 64 * 2**20, blob: bytes = b"") -> Any:
    """The value `encode` described, with every array size checked against `max_bytes` in total
    (an array's bytes from the JSON, or from `blob` where it says they are)."""
    budget = [max_bytes]

    def walk(d: Any, depth: int) -> Any:
        if depth > MAX_DEPTH + 1:
            raise WireError("nested too deeply")
        if d is None or isinstance(d, (bool, int, float, str)):
            return d
        if isinstance(d, list):
            raise WireError("bare list")
        if not isinstance(d, dict) or len(d) == 0:
            raise WireError("unknown value")
        if "__float__" in d:
            text = d["__float__"]
            if text not in ("nan", "inf", "-inf"):
                raise WireError("bad float")
            return float(text)
        if "__nd__" in d:
            if not isinstance(d["__nd__"], str) or not _DTYPE.fullmatch(d["__nd__"]):
                raise WireError("dtype not allowed")
            dtype = np.dtype(d["__nd__"])
            if dtype.kind not in SAFE_KINDS or dtype.itemsize > 32:
                raise WireError(f"dtype {dtype} not allowed")
            shape = tuple(int(s) for s in d["shape"])
            if len(shape) > 32 or any(s < 0 for s in shape):
                raise WireError("bad shape")
            n = math.prod(shape) * dtype.itemsize
            # What the array will hold in memory, its object too: a million empty arrays in
            # one frame are as costly as their bytes would be.
            cost = n + ARRAY_COST + 16 * len(shape)
            if cost > budget[0]:
                raise WireError("data too large")
            budget[0] -= cost
            if "at" in d:
                at = d["at"]
                if type(at) is not int or not 0 <= at <= len(blob) - n:
                    raise WireError("data outside the frame")
                raw: bytes | memoryview = memoryview(blob)[at : at + n]
            else:
                raw = base64.b64decode(d["data"], validate=True)
                if len(raw) != n:
                    raise WireError("data does not match its shape")
            arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
            return arr[()] if d.get("scalar") else arr
        if "__dict__" in d:
            return {str(k): walk(v, depth + 1) for k, v in d["__dict__"]}
        if "__tuple__" in d:
            return tuple(walk(v, depth + 1) for v in d["__tuple__"])
        if "__list__" in d:
            return [walk(v, depth + 1) for v in d["__list__"]]
        if "__other__" in d:
            return Opaque(str(d["__other__"])[:200])
        raise WireError("unknown value")

    return walk(data, 0)
