"""How numbers and counts read, in every output (pages, CSV, command line, JUnit, CI summary):
one rule, written once.

- Points: at most two decimals, whole numbers shown whole, never "-0" (`points`).
- Counts: "1 submission", "2 submissions" (`plural`).

Stored points follow the same grid: each test's points are a whole number of hundredths, and a
function's tests add up exactly to its points (`split_points`), so every sum a reader can make
from a file matches the total the file states."""

from __future__ import annotations

from collections.abc import Sequence

DECIMALS = 2
"""Points are stored and shown in hundredths."""


def cents(x: float) -> int:
    """`x` points in hundredths, rounded half away from zero."""
    scaled = abs(x) * 10**DECIMALS
    whole = int(scaled + 0.5 + 1e-9)
    return -whole if x < 0 else whole


def from_cents(n: int) -> float:
    """Hundredths back to points: the float nearest the decimal number `n / 100`."""
    return round(n / 10**DECIMALS, DECIMALS) + 0.0  # + 0.0: never -0.0


def exact(x: float) -> float:
    """`x` on the grid of hundredths (the stored form of any sum of points)."""
    return from_cents(cents(x))


def points(x: float) -> str:
    """A number of points as every output shows it: 20, 2.68, 44.29, 0.5; never -0."""
    n = cents(x)
    whole, frac = divmod(abs(n), 10**DECIMALS)
    sign = "-" if n < 0 else ""
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{DECIMALS}d}".rstrip("0")


def number(x: float) -> str:
    """Any other measured number (seconds, megabytes) under the same rule."""
    return points(x)


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 error", "2 errors", "0 errors"; `many` for irregular plurals ("entry", "entries")."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def split_points(total: float, weights: Sequence[float]) -> list[float]:
    """`total` points shared over tests in proportion to `weights`, each share a whole number of
    hundredths that add up to `total` exactly (as decimal numbers, the way a results file writes
    them). The running total is rounded, not each share, so each share is within a hundredth
    of its exact value, none is negative, and the last takes what rounding left over."""
    if not weights:
        return []
    whole = cents(total)
    weight = sum(weights)
    if weight <= 0:
        return [from_cents(0)] * (len(weights) - 1) + [from_cents(whole)]
    running, before, shares = 0.0, 0, []
    for w in weights[:-1]:
        running += w
        upto = min(cents(total * running / weight), whole)
        shares.append(upto - before)
        before = upto
    shares.append(whole - before)
    return [from_cents(s) for s in shares]
