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
