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


def test_the_exact_fast_path_agrees_with_the_tolerant_comparison():
    """Identical arrays and numbers take a shortcut; the verdict is the one the full
    comparison gives (and near-equal, NaN or differently typed values still get it)."""
    import grader.compare as c

    values = [
        np.arange(6.0).reshape(2, 3),
        np.array([[1.0, np.inf], [-np.inf, 0.0]]),
        np.array([1, 0, 1]),
        np.array([True, False]),
        np.array([1 + 2j]),
        np.array([np.nan, 1.0]),
    ]
    for v in values:
        assert compare(v, v.copy(), T).equal
    for tol in (T, Tolerance(rtol=0.0, atol=0.0), Tolerance(rtol=1e-4, atol=0.0, gc_floor=1e-7)):
        for e, g in [(1.5, 1.5), (0.0, -0.0), (3e-8, 3e-8), (np.inf, np.inf), (np.nan, np.nan)]:
            assert compare(e, g, tol).equal
        assert not compare(2.0, 2.5, tol).equal and not compare(np.inf, -np.inf, tol).equal
    assert not compare(np.array([1.0]), np.array([1.5]), T).equal
    assert c._identical(np.zeros(2), np.zeros(2)) and not c._identical(np.zeros(2), np.zeros(3))
    assert not c._identical(np.array([np.nan]), np.array([np.nan]))  # NaN goes the long way


def test_an_entry_near_zero_is_as_exact_as_the_arrays_scale_not_its_own():
    """A saturated sigmoid's 1 - A, or any step in float32, leaves an error of about 1e-8 of the
    array's scale in an entry near zero: not a mistake. An error of 1e-5 of the scale still is,
    and a single number keeps the absolute tolerance (its own size is its scale)."""
    e = np.array([[0.9, -2.76e-08, 0.5, 1.0]])
    assert compare(e, np.array([[0.9, 0.0, 0.5, 1.0]]), T).equal  # float32's 1 - 0.99999997
    assert compare(e.astype(np.float32).astype(float) + 0 * e, e, T).equal
    d = compare(e, np.array([[0.9, 1e-5, 0.5, 1.0]]), T)
    assert not d.equal and d.stats["where"] == [0, 1]
    assert not compare(-2.76e-08, 0.0, T).equal
    assert not compare(np.array([-2.76e-08]), np.array([0.0]), T).equal
    big = np.array([1e6, 1.0])
    assert not compare(big, np.array([1e6, 1.0 + 2.0]), T).equal  # 2e-6 of the scale
    assert compare(np.array([np.inf, 1e-9]), np.array([np.inf, 0.0]), T).equal  # inf sets no scale


def test_a_float32_dropout_forward_pass_and_a_list_shaped_answer_are_inverted_dropout():
    """The hidden property check of forward_propagation_with_dropout: the reference's answer
    computed in float32, or returned as lists, is still inverted dropout; a pass without the
    1/keep_prob scaling is not."""
    from grader.instructor.specs.dropout import SPEC, consistent_dropout
    from grader.oracle import reference_function

    fspec = next(f for f in SPEC.functions if f.name == "forward_propagation_with_dropout")
    case = next(c for c in fspec.cases if c.check is not None)
    args, kwargs = case.build()
    np.random.seed(case.seed)
    A3, cache = reference_function(SPEC, fspec.name)(*args, **kwargs)
    expected = (A3, cache)
    inputs = (args, kwargs)
    assert consistent_dropout(expected, expected, inputs).passed
    assert consistent_dropout([A3, list(cache)], expected, inputs).passed
    in_float32 = tuple(np.asarray(a, dtype=np.float32) for a in cache)
    assert consistent_dropout((A3.astype(np.float32), in_float32), expected, inputs).passed
    Z1, D1, A1, *rest = cache
    keep = kwargs["keep_prob"] if "keep_prob" in kwargs else args[2]
    unscaled = (Z1, D1, A1 * keep, *rest)
    assert not consistent_dropout((A3, unscaled), expected, inputs).passed
