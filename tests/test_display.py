"""One display rule for numbers and counts (grader.display)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.display import cents, exact, plural, points, split_points


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (20.0, "20"),
        (2.6786, "2.68"),
        (44.2857, "44.29"),
        (111.667, "111.67"),
        (0.5, "0.5"),
        (0.1 + 0.2, "0.3"),
        (19.9999, "20"),
        (-0.0, "0"),
        (-0.001, "0"),
        (-1.5, "-1.5"),
        (0.0, "0"),
        (1e-12, "0"),
    ],
)
def test_at_most_two_decimals_whole_numbers_whole_and_never_minus_zero(x, shown):
    assert points(x) == shown


def test_plurals():
    assert plural(1, "submission") == "1 submission"
    assert plural(0, "error") == "0 errors"
    assert plural(2, "entry", "entries") == "2 entries"


@given(
    st.integers(1, 200),
    st.lists(st.floats(0.001, 10, allow_nan=False), min_size=1, max_size=60),
)
def test_shares_are_hundredths_that_add_up_to_the_points_exactly(total, weights):
    shares = split_points(total, weights)
    assert len(shares) == len(weights)
    assert all(s >= 0 for s in shares)
    assert all(abs(s * 100 - round(s * 100)) < 1e-6 for s in shares)
    # as a results file writes them (repr), the decimal numbers add up exactly
    assert sum(Decimal(repr(s)) for s in shares) == Decimal(total)
    assert exact(sum(shares)) == total


def test_shares_follow_the_weights_and_the_last_takes_the_remainder():
    assert split_points(20, [1, 1, 1]) == [6.67, 6.66, 6.67]
    assert split_points(1, [1] * 39 + [0.1])[-1] >= 0  # rounding each share up would overdraw
    assert split_points(10, [3, 1]) == [7.5, 2.5]
    assert split_points(10, []) == []
    assert cents(2.675) == 268  # half away from zero, whatever the binary form
