"""Comparison: what differs, where, and by how much; equal things that look different."""

import numpy as np

from grader.compare import compare
from grader.spec import Tolerance

T = Tolerance()


def test_equal_within_tolerance_and_scalar_forms():
    assert compare(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), T).equal
    assert compare(0.5, np.float64(0.5), T).equal
    assert compare(0.5, np.array([[0.5]]), T).equal  # a size-1 array for a float
    assert compare(12, 12.0, T).equal


def test_value_difference_names_the_key_the_worst_index_and_the_errors():
    e = {"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1))}
    g = {"W1": np.zeros((2, 3)), "b1": np.array([[0.0], [0.25]])}
    d = compare(e, g, T)
    assert not d.equal and d.kind == "value" and d.path == "b1"
    assert d.stats["where"] == [1, 0] and d.stats["max_abs_error"] == 0.25
    assert "b1 differs in 1 of 2 entries" in d.message and "[1, 0]" in d.message


def test_keys_shapes_types_and_lengths():
    assert "missing keys b2" in compare({"a": 1, "b2": 2}, {"a": 1}, T).message
    assert "unexpected keys zz" in compare({"a": 1}, {"a": 1, "zz": 3}, T).message
    d = compare(np.zeros((2, 3)), np.zeros((3, 2)), T)
    assert d.kind == "shape" and "(2, 3)" in d.message and "(3, 2)" in d.message
    assert compare(np.zeros(3), [0.0, 0.0, 0.0], T).kind == "type"
    assert compare((1.0, 2.0), (1.0,), T).kind == "length"
    assert compare(np.zeros(2), np.zeros(2, dtype=int) + 1, T).kind == "dtype"


def test_boolean_and_0_1_masks_are_equal_but_not_other_values():
    mask = np.array([[True, False, True]])
    assert compare(mask, np.array([[1, 0, 1]]), T).equal
    assert compare(mask, np.array([[1.0, 0.0, 1.0]]), T).equal
    assert not compare(mask, np.array([[1, 0, 0]]), T).equal
    assert compare(mask, np.array([[2, 0, 1]]), T).kind == "dtype"


def test_nan_and_inf_are_explicit():
    assert compare(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), T).equal
    d = compare(np.array([0.0, 1.0]), np.array([np.nan, 1.0]), T)
    assert d.kind == "nan" and "got NaN at [0]" in d.message
    assert not compare(np.array([np.inf]), np.array([-np.inf]), T).equal
    assert compare(float("nan"), 1.0, T).kind == "nan"


def test_gradient_check_results_compare_by_meaning():
    tol = Tolerance(rtol=1e-4, atol=0.0, gc_floor=1e-7)
    assert compare(3e-10, 8e-9, tol).equal  # both say "correct": rounding noise differs
    assert not compare(3e-10, 2e-6, tol).equal
    assert not compare(0.1428, 0.25, tol).equal


def test_a_returned_tuple_names_its_entries():
    e = (np.ones((1, 3)), (np.zeros(2), np.zeros(2)))
    g = (np.ones((1, 3)), (np.zeros(2), np.array([0.0, 1.0])))
    d = compare(e, g, Tolerance(), names=("A3", "cache"))
    assert d.path == "cache[1]" and d.at == (1, 1)
    assert d.message.startswith("cache[1] differs")
    d = compare(e, (np.full((1, 3), 2.0), e[1]), Tolerance(), names=("A3", "cache"))
    assert d.path == "A3" and d.at == (0,)
