"""What a failed public test shows: small arrays side by side with the differing entries marked,
large ones summarised with their worst entries, found where the comparison found the difference."""

from __future__ import annotations

import numpy as np

from grader.compare import compare
from grader.evidence import GRID_ENTRIES, WORST, view
from grader.spec import Tolerance

TOL = Tolerance()


def picture(expected, got, tol=TOL):
    diff = compare(expected, got, tol)
    assert not diff.equal
    return view(expected, got, diff, tol)


def test_a_small_array_sits_side_by_side_with_only_the_differing_entries_marked():
    e = np.arange(6, dtype=float).reshape(2, 3)
    g = e.copy()
    g[0, 2] = 7.5
    g[1, 0] = -1.0
    v = picture(e, g)
    assert v["path"] == "the result"
    assert v["expected"]["grid"] == [["0", "1", "2"], ["3", "4", "5"]]
    assert v["got"]["grid"] == [["0", "1", "7.5"], ["-1", "4", "5"]]
    assert v["differs"] == [[False, False, True], [True, False, False]]
    assert v["mismatches"] == 2 and v["max_abs_error"] == 5.5
    assert v["expected"]["shape"] == [2, 3] and v["expected"]["dtype"] == "float64"


def test_entries_that_differ_beyond_the_tolerance_print_differently():
    e = np.array([0.123456781, 1.0])
    g = np.array([0.123456789, 1.0])
    v = picture(e, g, Tolerance(rtol=0, atol=1e-12))
    (a, b), (c, d) = zip(v["expected"]["grid"][0], v["got"]["grid"][0], strict=True)
    assert a != b and v["differs"] == [[True, False]]
    assert c == d == "1"


def test_a_difference_inside_a_dict_is_shown_where_it_is():
    e = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    g = {"W1": np.ones((2, 2)), "b1": np.full((2, 1), 0.5)}
    v = picture(e, g)
    assert v["path"] == "b1"
    assert v["got"]["grid"] == [["0.5"], ["0.5"]]
    assert v["differs"] == [[True], [True]]


def test_a_difference_inside_a_tuple_is_found_by_index():
    e = (np.zeros(3), (np.ones(2), np.ones(2)))
    g = (np.zeros(3), (np.ones(2), np.array([1.0, 9.0])))
    v = picture(e, g)
    assert v["path"] == "[1][1]"
    assert v["differs"] == [[False, True]]


def test_a_large_array_gives_statistics_and_its_worst_entries_in_order():
    e = np.zeros((20, 30))
    g = e.copy()
    for k, (i, j) in enumerate([(0, 1), (5, 5), (19, 29), (3, 2), (7, 7), (8, 8), (9, 9)]):
        g[i, j] = k + 1.0
    v = picture(e, g)
    assert "grid" not in v["expected"] and "differs" not in v
    assert v["expected"]["shape"] == [20, 30] and v["got"]["max"] == "7"
    assert v["got"]["mean"] == f"{g.mean():.5g}" and v["expected"]["std"] == "0"
    worst = v["worst"]
    assert len(worst) == WORST
    assert [w["where"] for w in worst[:2]] == [[9, 9], [8, 8]]
    assert [w["got"] for w in worst] == ["7", "6", "5", "4", "3"]
    assert all(w["expected"] == "0" for w in worst)


def test_only_differing_entries_are_listed_as_worst():
    e = np.zeros(GRID_ENTRIES + 1)
    g = e.copy()
    g[10] = 1.0
    v = picture(e, g)
    assert [w["where"] for w in v["worst"]] == [[10]]


def test_nan_counts_and_nan_entries_come_first():
    e = np.zeros(100)
    g = e.copy()
    g[3] = 2.0
    g[50] = np.nan
    v = picture(e, g)
    assert v["got"]["nan"] == 1
    assert v["worst"][0]["where"] == [50] and v["worst"][0]["got"] == "nan"


def test_a_shape_mismatch_shows_both_shapes_and_marks_nothing():
    e = np.ones((3, 2))
    v = picture(e, np.ones((2, 3)))
    assert v["expected"]["shape"] == [3, 2] and v["got"]["shape"] == [2, 3]
    assert "differs" not in v and "worst" not in v


def test_a_list_where_an_array_is_expected_is_named_not_drawn():
    v = picture(np.ones(3), [1.0, 1.0, 2.0])
    assert v["got"] == {"text": "list"}
    assert "grid" in v["expected"] and "differs" not in v


def test_a_number_is_a_one_by_one_grid_without_statistics():
    v = picture(0.25, 0.5)
    assert v["expected"] == {"shape": [], "dtype": "float64", "grid": [["0.25"]]}
    assert v["differs"] == [[True]]


def test_missing_keys_have_no_picture():
    e = {"W1": np.ones(2), "b1": np.ones(2)}
    assert picture(e, {"W1": np.ones(2)}) is None


def test_a_boolean_mask_prints_as_zeros_and_ones():
    e = np.array([[True, False, True]])
    g = np.array([[True, True, True]])
    v = picture(e, g)
    assert v["expected"]["grid"] == [["1", "0", "1"]]
    assert v["differs"] == [[False, True, False]]


def test_minus_zero_is_never_printed():
    import numpy as np

    from grader.evidence import _number
    from grader.score import excerpt

    assert _number(-0.0) == "0" and _number(np.float64(-0.0)) == "0"
    assert "-0" not in excerpt(np.array([[-0.0, 1.5], [0.0, -0.0]]))
    assert excerpt(-0.0) == "0.0" and excerpt(np.float64(-0.0)) == "0.0"
