"""Stage 5, compare: a student's output against an expected one, by type, shape, dtype kind and
value, saying what differs and where. Pure functions of trusted and decoded data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from grader.sandbox.wire import Opaque
from grader.spec import Tolerance


@dataclass(frozen=True)
class Difference:
    """The first difference found between expected and got, or none."""

    equal: bool
    """Nothing differs beyond the tolerance."""
    kind: str = ""
    """type, keys, length, shape, dtype, nan, value."""
    path: str = ""
    """Where: a key or index path such as ["W1"] or [1][3]; empty for the whole output."""
    message: str = ""
    """One line, safe to show for hidden tests (no inputs, no expected values)."""
    stats: dict[str, Any] = field(default_factory=dict)
    """max_abs_error, max_rel_error and where (worst index), for value differences."""
    at: tuple[Any, ...] = ()
    """The same place as `path`, as the keys and indexes that reach it (for reports)."""

    @staticmethod
    def same() -> Difference:
        return Difference(True)


def type_name(x: Any) -> str:
    """A short, student-facing name of a value's type."""
    if isinstance(x, Opaque):
        return x.description
    if isinstance(x, np.ndarray):
        return f"ndarray of shape {x.shape}, dtype {x.dtype}"
    return type(x).__name__


def _label(path: str) -> str:
    return path if path else "the result"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.number)) and not isinstance(x, bool)


def _as_scalar(x: Any) -> float | None:
    """A Python number, a NumPy scalar or a size-1 array as a float; otherwise None."""
    if isinstance(x, bool):
        return None
    if _is_number(x):
        return float(x.real) if isinstance(x, complex) else float(x)
    if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "iuf":
        return float(x.reshape(()))
    return None


def compare(
    expected: Any, got: Any, tol: Tolerance, path: str = "", names: tuple[str, ...] = ()
) -> Difference:
    """The first difference between `expected` and `got`, or Difference.same(). `names` label
    the entries of a returned tuple (A3 and cache rather than [0] and [1])."""
    return _compare(expected, got, tol, path, (), names)


def _compare(
    expected: Any,
    got: Any,
    tol: Tolerance,
    path: str,
    at: tuple[Any, ...],
    names: tuple[str, ...] = (),
) -> Difference:
    d = _compare_here(expected, got, tol, path, at, names)
    return d if d.equal or d.at else replace(d, at=at)


def _compare_here(
    expected: Any,
    got: Any,
    tol: Tolerance,
    path: str,
    at: tuple[Any, ...],
    names: tuple[str, ...],
) -> Difference:
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Difference(
                False, "type", path, f"{_label(path)}: expected a dict, got {type_name(got)}"
            )
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing keys " + ", ".join(sorted(missing)))
            if extra:
                parts.append("unexpected keys " + ", ".join(sorted(extra)[:10]))
            return Difference(False, "keys", path, f"{_label(path)}: " + "; ".join(parts))
        for k in expected:
            d = _compare(expected[k], got[k], tol, f"{path}[{k!r}]" if path else k, (*at, k))
            if not d.equal:
                return d
        return Difference.same()
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Difference(
                False, "type", path, f"{_label(path)}: expected a tuple, got {type_name(got)}"
            )
        if len(got) != len(expected):
            return Difference(
                False,
                "length",
                path,
                f"{_label(path)}: expected {len(expected)} entries, got {len(got)}",
            )
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            label = names[i] if i < len(names) else f"{path}[{i}]"
            d = _compare(e, g, tol, label, (*at, i))
            if not d.equal:
                return d
        return Difference.same()
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        return _compare_arrays(expected, got, tol, path)
    return _compare_scalars(expected, got, tol, path)


def _compare_scalars(expected: Any, got: Any, tol: Tolerance, path: str) -> Difference:
    e = _as_scalar(expected)
    g = _as_scalar(got)
    if e is None:
        return (
            Difference.same()
            if expected == got
            else Difference(False, "value", path, f"{_label(path)}: unexpected value")
        )
    if g is None:
        return Difference(
            False, "type", path, f"{_label(path)}: expected a number, got {type_name(got)}"
        )
    if np.isnan(e) or np.isnan(g):
        if np.isnan(e) and np.isnan(g):
            return Difference.same()
        return Difference(
            False,
            "nan",
            path,
            f"{_label(path)}: got NaN" if np.isnan(g) else f"{_label(path)}: expected NaN",
        )
    if e == g:  # the fast path: equal under any tolerance
        return Difference.same()
    if tol.gc_floor is not None and 0 <= e < tol.gc_floor and 0 <= g < tol.gc_floor:
        return Difference.same()  # both say "the gradient is right"; the rest is rounding
    if np.isclose(g, e, rtol=tol.rtol, atol=tol.atol):
        return Difference.same()
    err = abs(g - e)
    rel = err / abs(e) if e else float("inf")
    return Difference(
        False,
        "value",
        path,
        f"{_label(path)} differs: abs error {err:.3g}, rel error {rel:.3g}",
        {"max_abs_error": err, "max_rel_error": rel, "where": None},
    )


def differing(expected: np.ndarray, got: np.ndarray, tol: Tolerance) -> np.ndarray:
    """Which entries of two float arrays of one shape differ beyond the tolerance (NaN equals
    NaN, an infinity equals itself), each within `tol.rtol` of itself plus `array_atol`."""
    with np.errstate(invalid="ignore"):
        atol = array_atol(expected, tol.rtol, tol.atol)
        return ~np.isclose(got, expected, rtol=tol.rtol, atol=atol, equal_nan=True)


def array_atol(expected: Any, rtol: float, atol: float) -> float:
    """The absolute tolerance of an array's entries: `atol`, or `rtol` times the array's largest
    finite magnitude where that is more. An entry near zero among entries near one is only as
    exact as the arithmetic that made it: 1 - A of a saturated sigmoid, or any step in float32,
    leaves an error of about 1e-8 of the array's scale there, which is not a mistake. A single
    number keeps `atol` (its own size is its scale)."""
    values = np.asarray(expected)
    if values.size <= 1 or values.dtype.kind not in "biufc":
        return atol
    with np.errstate(invalid="ignore"):
        magnitudes = np.abs(values[np.isfinite(values)])
    return max(atol, rtol * float(magnitudes.max())) if magnitudes.size else atol


def _identical(expected: np.ndarray, got: Any) -> bool:
    """The fast path: the same shape, dtype and values (no NaN), so equal under any tolerance."""
    return (
        isinstance(got, np.ndarray)
        and got.shape == expected.shape
        and got.dtype == expected.dtype
        and expected.dtype.kind in "biufc"
        and bool(np.array_equal(expected, got))
    )


def _compare_arrays(expected: np.ndarray, got: Any, tol: Tolerance, path: str) -> Difference:
    if _identical(expected, got):
        return Difference.same()
    label = _label(path)
    if not isinstance(got, np.ndarray):
        return Difference(
            False,
            "type",
            path,
            f"{label}: expected an ndarray of shape {expected.shape}, got {type_name(got)}",
        )
    if got.shape != expected.shape:
        return Difference(
            False, "shape", path, f"{label}: expected shape {expected.shape}, got {got.shape}"
        )
    ek, gk = expected.dtype.kind, got.dtype.kind
    if ek == "b" or gk == "b":
        # Boolean and 0/1 masks are equal: compare as 0/1.
        other = got if ek == "b" else expected
        if other.dtype.kind not in "biuf" or not np.all((other == 0) | (other == 1)):
            return Difference(
                False, "dtype", path, f"{label}: expected a 0/1 mask, got values other than 0 and 1"
            )
        bad = np.argwhere(expected.astype(bool) != got.astype(bool))
        if len(bad):
            return Difference(
                False,
                "value",
                path,
                f"{label}: {len(bad)} of {expected.size} mask "
                f"entries differ, first at {list(bad[0])}",
                {"mismatches": len(bad), "where": [int(i) for i in bad[0]]},
            )
        return Difference.same()
    if gk not in "iufc":
        return Difference(False, "dtype", path, f"{label}: expected numbers, got dtype {got.dtype}")
    if ek == "f" and gk in "iu" and not np.array_equal(expected, got):
        return Difference(
            False, "dtype", path, f"{label}: expected floats, got integers (dtype {got.dtype})"
        )
    e = expected.astype(float)
    g = got.real.astype(float) if gk == "c" else got.astype(float)
    e_nan, g_nan = np.isnan(e), np.isnan(g)
    if (e_nan != g_nan).any():
        where = np.argwhere(e_nan != g_nan)[0]
        which = "got NaN" if g_nan[tuple(where)] else "expected NaN"
        return Difference(False, "nan", path, f"{label}: {which} at {[int(i) for i in where]}")
    e_inf, g_inf = np.isinf(e), np.isinf(g)
    if (e_inf != g_inf).any() or (e[e_inf] != g[e_inf]).any():
        where = np.argwhere((e_inf != g_inf) | (e_inf & (e != g)))[0]
        return Difference(
            False, "nan", path, f"{label}: infinite value mismatch at {[int(i) for i in where]}"
        )
    finite = ~(e_nan | e_inf)
    close = ~differing(e, g, tol)  # NaN and infinite entries already match
    if close.all():
        return Difference.same()
    err = np.where(finite, np.abs(g - e), 0.0)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    max_abs = float(err[worst])
    denom = np.abs(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(finite & (denom > 0), err / denom, np.where(err > 0, np.inf, 0.0))
    max_rel = float(np.max(rel))
    where = [int(i) for i in worst]
    n_bad = int((~close).sum())
    return Difference(
        False,
        "value",
        path,
        f"{label} differs in {n_bad} of {e.size} entries: max abs error "
        f"{max_abs:.3g} at {where}, max rel error {max_rel:.3g}",
        {"max_abs_error": max_abs, "max_rel_error": max_rel, "where": where, "mismatches": n_bad},
    )
