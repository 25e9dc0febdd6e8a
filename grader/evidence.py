"""Stage 7, score (its report half): what a failed public test shows of the difference, as plain
data for the page. Small arrays go side by side with the differing entries marked; large ones
give their shape, dtype, summary statistics and the worst entries. Hidden tests never get this."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import Difference, differing, type_name
from grader.spec import Tolerance

GRID_ENTRIES = 64
"""Arrays with at most this many entries (and GRID_COLS columns) are shown whole."""
GRID_COLS = 12
WORST = 5
"""How many of the worst entries a large array's view lists."""


def _at(value: Any, at: tuple[Any, ...]) -> tuple[bool, Any]:
    """The part of `value` at a key path, if it has one there."""
    for key in at:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, value


def _number(x: Any, digits: int = 5) -> str:
    """One entry as the page prints it."""
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    try:
        f = float(x)
    except (TypeError, ValueError):
        return type(x).__name__
    if np.isnan(f):
        return "nan"
    if np.isinf(f):
        return "inf" if f > 0 else "-inf"
    return f"{f + 0.0:.{digits}g}"  # + 0.0: -0.0 becomes 0, never "-0"


def _pair(e: Any, g: Any) -> tuple[str, str]:
    """Two differing entries printed with enough digits to look different."""
    for digits in (5, 8, 12, 17):
        a, b = _number(e, digits), _number(g, digits)
        if a != b:
            break
    return a, b


def _as_grid(x: np.ndarray) -> np.ndarray | None:
    """A 2-D view for the grid (a scalar is 1 x 1, a vector one row), or None when too big."""
    if x.ndim > 2 or x.size > GRID_ENTRIES or x.size == 0:
        return None
    grid = x.reshape(1, -1) if x.ndim < 2 else x
    return grid if grid.shape[1] <= GRID_COLS else None


def _stats(x: np.ndarray) -> dict[str, Any]:
    """Shape, dtype and summary statistics of an array (finite entries)."""
    out: dict[str, Any] = {"shape": list(x.shape), "dtype": str(x.dtype)}
    if x.dtype.kind in "biuf" and x.size:
        f = x.astype(float)
        finite = f[np.isfinite(f)]
        out["nan"] = int(np.isnan(f).sum())
        out["inf"] = int(np.isinf(f).sum())
        if finite.size:
            out.update(
                min=_number(finite.min()),
                max=_number(finite.max()),
                mean=_number(finite.mean()),
                std=_number(finite.std()),
            )
    return out


def _side(x: Any) -> dict[str, Any]:
    """One side (expected or got) of the view."""
    if not isinstance(x, np.ndarray):
        if isinstance(x, (bool, int, float, np.number)):
            x = np.asarray(x)
        else:
            return {"text": type_name(x)}
    if x.dtype.kind not in "biuf":
        return {"text": type_name(x)}
    if x.ndim == 0:  # a number: its value says it all
        return {"shape": [], "dtype": str(x.dtype), "grid": [[_number(x)]]}
    side = _stats(x)
    grid = _as_grid(x)
    if grid is not None:
        side["grid"] = [[_number(v) for v in row] for row in grid]
    return side


def view(expected: Any, got: Any, diff: Difference, tol: Tolerance) -> dict[str, Any] | None:
    """The report's picture of `diff` (found with `tol`): None when there is no array or number
    to show."""
    found_e, e = _at(expected, diff.at)
    found_g, g = _at(got, diff.at)
    if not found_e or not found_g or diff.kind in ("keys", "length"):
        return None
    e_side, g_side = _side(e), _side(g)
    if "text" in e_side:
        return None
    out: dict[str, Any] = {
        "path": diff.path or "the result",
        "expected": e_side,
        "got": g_side,
    }
    for key in ("max_abs_error", "max_rel_error", "mismatches"):
        if key in diff.stats:
            out[key] = diff.stats[key]
    if "text" in g_side:
        return out
    ea, ga = np.asarray(e), np.asarray(g)
    if ea.shape != ga.shape:
        return out
    ef, gf = ea.astype(float), ga.astype(float)
    with np.errstate(invalid="ignore"):
        err = np.abs(gf - ef)
    bad = differing(ef, gf, tol)
    if "grid" in e_side and "grid" in g_side:
        shape = np.asarray(e_side["grid"]).shape
        marks = bad.reshape(shape)
        out["differs"] = marks.tolist()
        e_rows, g_rows = e_side["grid"], g_side["grid"]
        for i, j in zip(*np.nonzero(marks), strict=True):
            e_rows[i][j], g_rows[i][j] = _pair(ea.reshape(shape)[i, j], ga.reshape(shape)[i, j])
    elif bad.any():
        order = np.argsort(np.where(np.isnan(err), np.inf, err), axis=None)[::-1][:WORST]
        out["worst"] = []
        for flat in order:
            where = np.unravel_index(int(flat), ea.shape)
            if not bad[where]:
                break
            exp_s, got_s = _pair(ea[where], ga[where])
            out["worst"].append(
                {
                    "where": [int(i) for i in where],
                    "expected": exp_s,
                    "got": got_s,
                    "abs_error": _number(err[where], 3),
                }
            )
    return out
