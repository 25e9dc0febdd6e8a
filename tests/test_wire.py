"""The wire format: round trips plain data, refuses objects, bounds sizes."""

import json

import numpy as np
import pytest

from grader.sandbox import wire


def roundtrip(x):
    return wire.decode(json.loads(json.dumps(wire.encode(x))))


def test_round_trip_of_nested_plain_data():
    value = {
        "A": np.arange(6, dtype=np.float32).reshape(2, 3),
        "t": (1, 2.5, None, "s", [True]),
        "m": np.array([[True, False]]),
        "x": np.float64(np.nan),
        "i": float("-inf"),
    }
    back = roundtrip(value)
    assert back["A"].dtype == np.float32 and back["A"].tolist() == value["A"].tolist()
    assert back["t"] == (1, 2.5, None, "s", [True])
    assert back["m"].dtype == bool and np.isnan(back["x"]) and back["i"] == float("-inf")


def test_objects_never_cross():
    class Evil:
        def __reduce__(self):
            raise AssertionError("never pickled")

    back = roundtrip([Evil(), np.array([Evil()], dtype=object), {1: 2}])
    assert all(isinstance(v, wire.Opaque) for v in back)
    assert "Evil" in back[0].description and "object" in back[1].description


def test_decoding_is_bounded_and_strict():
    big = wire.encode(np.zeros(1000))
    with pytest.raises(wire.WireError):
        wire.decode(big, max_bytes=100)
    lying = dict(big, shape=[10**6])
    with pytest.raises(wire.WireError):
        wire.decode(lying)
    with pytest.raises(wire.WireError):
        wire.decode({"__nd__": "|O", "shape": [1], "data": ""})
    with pytest.raises(wire.WireError):
        wire.decode({"__float__": "__import__('os')"})


def test_numpy_scalars_and_0_d_arrays_keep_their_shape():
    for x in (np.float64(2.5), np.int32(-3), np.bool_(True), np.float32(0.5)):
        back = roundtrip(x)
        assert isinstance(back, np.generic) and back.dtype == x.dtype and back == x
    back = roundtrip(np.array(7.0))
    assert isinstance(back, np.ndarray) and back.shape == () and back == 7.0
    t = np.arange(6.0).reshape(2, 3).T  # not C-contiguous
    assert roundtrip(t).tolist() == t.tolist() and roundtrip(t).shape == (3, 2)


def blob_roundtrip(x):
    blob = bytearray()
    text = json.dumps(wire.encode(x, blob=blob))
    assert '"data"' not in text  # the arrays' bytes are in the blob, not in the JSON
    return wire.decode(json.loads(text), blob=bytes(blob))


def test_arrays_travel_raw_in_a_blob_with_the_same_values():
    value = {
        "W": np.random.default_rng(0).standard_normal((7, 5)),
        "t": (np.int64(3), np.zeros((0, 2)), np.arange(4, dtype=np.uint8), [np.array(True)]),
        "T": np.arange(6.0).reshape(2, 3).T,
    }
    back = blob_roundtrip(value)
    assert np.array_equal(back["W"], value["W"]) and back["W"].dtype == value["W"].dtype
    assert isinstance(back["t"][0], np.generic) and back["t"][0] == 3
    assert back["t"][1].shape == (0, 2) and back["t"][2].tolist() == [0, 1, 2, 3]
    assert back["t"][3][0].shape == () and back["T"].tolist() == value["T"].tolist()
    back["W"][0, 0] = 99.0  # a copy of its own, not a view of the frame
    assert back["W"][0, 0] == 99.0


@pytest.mark.parametrize("at", [-1, 1, 8, 10**9, True, "0", 0.0, None], ids=lambda a: f"at={a!r}")
def test_a_blob_reference_outside_the_blob_or_not_an_offset_is_refused(at):
    """8 bytes of blob hold one float64: any other place for it (or a place that is not an
    int) is refused, never read past the frame."""
    described = wire.encode(np.float64(1.0), blob=bytearray())
    with pytest.raises(wire.WireError):
        wire.decode(dict(described, at=at), blob=b"\0" * 8)
    assert wire.decode(dict(described, at=0), blob=b"\0" * 8) == 0.0


def test_blob_references_count_against_the_budget_even_when_they_overlap():
    """A thousand arrays that all point at the same 8 KB still cost 8 MB of budget."""
    one = wire.encode(np.zeros(1000), blob=bytearray())
    many = {"__list__": [one] * 1000}
    with pytest.raises(wire.WireError, match="too large"):
        wire.decode(many, blob=b"\0" * 8000, max_bytes=2**20)


def test_empty_arrays_are_charged_for_their_objects():
    """Zero-size arrays cost no bytes but an object each: a frame of thousands of them is
    refused, not decoded into tens of MB of arrays."""
    empty = wire.encode(np.zeros((0,) * 32), blob=bytearray())
    with pytest.raises(wire.WireError, match="too large"):
        wire.decode({"__list__": [empty] * 10_000}, max_bytes=2**20)
    assert len(wire.decode({"__list__": [empty] * 10}, max_bytes=2**20)) == 10


@pytest.mark.parametrize("dtype", ["f8," * 1000, "V8", "O", "S4", "<M8[s]", 8, ["f8"]])
def test_a_dtype_other_than_a_plain_number_is_refused_before_numpy_reads_it(dtype):
    with pytest.raises(wire.WireError, match="dtype"):
        wire.decode({"__nd__": dtype, "shape": [1], "at": 0}, blob=b"\0" * 8)
