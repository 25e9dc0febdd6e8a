"""The trusted end of a job's sockets: every forged or malformed record is refused by name, and
what a well-behaved worker sends is accepted."""

from __future__ import annotations

import json
import socket
import struct

import pytest

from grader import channel
from grader.channel import Tampered


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def read_all(data: bytes) -> list[dict]:
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    theirs.close()
    frames = channel.Frames(ours)
    out = []
    while not frames.eof:
        frames.fill()
        while (rec := frames.next()) is not None:
            out.append(rec)
    ours.close()
    return out


GOOD_CELL = {"cell": 3, "ok": True, "output": {"text": "hi\n", "total_chars": 3}}


def test_a_good_cell_record_is_accepted():
    run = channel.cell_reply(GOOD_CELL, 3)
    assert run.index == 3 and run.ok and run.output == "hi\n"
    err = {"kind": "exception", "type": "ValueError", "message": "boom", "traceback": []}
    bad = channel.cell_reply({**GOOD_CELL, "ok": False, "error": err}, 3)
    assert bad.error["type"] == "ValueError"


@pytest.mark.parametrize(
    "record, words",
    [
        ({**GOOD_CELL, "cell": "3"}, "str, not a int"),
        ({**GOOD_CELL, "cell": 4}, "cell number 4"),
        ({**GOOD_CELL, "ok": 1}, "not a bool"),
        ({**GOOD_CELL, "output": ["x"]}, "list, not a dict"),
        ({**GOOD_CELL, "output": {"text": "x" * 9000, "total_chars": 9000}}, "longer than"),
        ({**GOOD_CELL, "extra": 1}, "unexpected field"),
        ({"isolation": ["network-namespace"], "notes": []}, "fields isolation, notes"),
        ({**GOOD_CELL, "ok": False}, "without an error"),
        (
            {
                **GOOD_CELL,
                "ok": False,
                "error": {"kind": "passed", "type": "", "message": "", "traceback": []},
            },
            "not one the worker sends",
        ),
        (
            {
                **GOOD_CELL,
                "ok": False,
                "error": {"kind": "exception", "type": "", "message": "", "traceback": [[1]] * 3},
            },
            "frame is a list",
        ),
    ],
)
def test_a_malformed_cell_record_is_tampering_named(record, words):
    with pytest.raises(Tampered, match=words):
        channel.cell_reply(record, 3)


@pytest.mark.parametrize(
    "payload, words",
    [
        (b"[1, 2, 3]", "list where an object belongs"),
        (b'{"cell": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
        (b'{"cell": ' + b"[" * 200 + b"]" * 200 + b"}", "nested more than"),
        (b'{"code": 1e999}', "out of range"),
        (b'{"code": NaN}', "not JSON"),
        (b'{"code": ' + b"9" * 5000 + b"}", "more than 20 digits"),
        (b"\xff\xfe", "not a JSON record"),
    ],
)
def test_a_record_that_is_not_a_bounded_json_object_is_refused(payload, words):
    with pytest.raises(Tampered, match=words):
        read_all(frame(payload))


def test_a_frame_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(Tampered, match="byte limit"):
        read_all(struct.pack(">I", 2**31) + b"{}")
    # An old-style JSON line reads as a huge length prefix: refused the same way.
    with pytest.raises(Tampered, match="byte limit"):
        read_all(b'{"cell": 0, "ok": true}\n')


def test_frames_are_read_one_at_a_time_and_the_buffer_stays_small():
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    burst = frame(b'{"cell":0}') * 100_000  # 1.4 MB of small records
    try:
        theirs.send(burst)
    except BlockingIOError:
        pass
    frames = channel.Frames(ours)
    frames.fill()
    assert frames.next() == {"cell": 0}
    assert len(frames.buffer) <= 1 << 20
    ours.close()
    theirs.close()


def test_call_and_function_end_records():
    assert channel.case_reply(
        {"case": "f/hidden-1", "ok": True, "value": 1, "elapsed": 0.1}, "f/hidden-1"
    ) == channel.Reply(True, 1, 0.1)
    assert channel.case_reply(
        {"case": "c", "ok": True, "value": 1, "changed": ["X", "parameters"]}, "c"
    ).changed == ("X", "parameters")
    for changed, needle in [("X", "not a list"), ([1], "not a str"), (["x" * 81], "longer"),
                            (["a"] * 17, "more than 16")]:  # fmt: skip
        with pytest.raises(Tampered, match=needle):
            channel.case_reply({"case": "c", "ok": True, "value": 1, "changed": changed}, "c")
    with pytest.raises(Tampered, match="unexpected field 'changed'"):  # a failed call's
        channel.case_reply({"case": "c", "ok": False, "error": {}, "changed": ["X"]}, "c")
    with pytest.raises(Tampered, match="came with the case"):
        channel.case_reply(
            {"case": "f/hidden-2", "ok": True, "value": 1, "elapsed": 0}, "f/hidden-1"
        )
    with pytest.raises(Tampered, match="elapsed"):
        channel.case_reply({"case": "c", "ok": True, "value": 1, "elapsed": -1}, "c")
    assert channel.function_end({"function": "f", "ended": "signal", "code": 11}, "f") == (
        "signal",
        11,
    )
    with pytest.raises(Tampered, match=r"outside 0\.\.255"):
        channel.function_end({"function": "f", "ended": "exit", "code": 10**9}, "f")
    with pytest.raises(Tampered, match="another function"):
        channel.function_end({"function": "g", "ended": "exit", "code": 0}, "f")
    with pytest.raises(Tampered, match="ended is"):
        channel.function_end({"function": "f", "ended": "passed", "code": 0}, "f")


def test_isolation_and_supervisor_messages():
    msg = json.loads('{"isolation": ["pid-namespace"], "notes": ["x"]}')
    assert channel.isolation(msg) == (("pid-namespace",), ("x",))
    with pytest.raises(Tampered):
        channel.isolation({"isolation": "all", "notes": []})
    assert channel.runner_end({"runner": "exit", "code": 0}) == ("exit", 0)
    with pytest.raises(Tampered):
        channel.runner_end({"runner": "exit", "code": True})


def test_a_frame_carries_its_arrays_raw_after_the_json():
    ours, theirs = socket.socketpair()
    theirs.sendall(channel.frame({"cell": 0, "s": "a\0b"}, b"\0\xffraw") + channel.frame({"x": 1}))
    theirs.close()
    frames = channel.Frames(ours)
    while not frames.eof:
        frames.fill()
    # A NUL inside the JSON's strings is written escaped: the first raw NUL ends the JSON.
    assert frames.next() == {"cell": 0, "s": "a\0b"}
    assert frames.last_blob == b"\0\xffraw"
    assert frames.next() == {"x": 1} and frames.last_blob == b""
    ours.close()


def test_json_cut_short_by_a_nul_is_refused():
    with pytest.raises(Tampered, match="not a JSON record"):
        read_all(frame(b'{"cell": \x000}'))


def test_a_lone_surrogate_a_student_printed_is_replaced_and_a_pair_is_joined():
    """`print("\\ud800")` is a student's right: a lone surrogate (which UTF-8 cannot write, so a
    page, a result file or the gradebook would fail on it) becomes U+FFFD wherever it is in a
    record, keys included; an escaped pair is its character; other records are untouched."""
    record = channel.parse(
        rb'{"output": "a\ud800b", "error": {"\udc80": ["\uDFFF", "\ud83d\ude00"]}}', "a record"
    )
    assert record == {"output": "a\ufffdb", "error": {"\ufffd": ["\ufffd", "\U0001f600"]}}
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # writable as UTF-8
    assert channel.parse(rb'{"output": "\\ud800 is text"}', "r") == {"output": "\\ud800 is text"}
