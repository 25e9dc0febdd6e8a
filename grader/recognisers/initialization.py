"""Recognisers of the initialization assignment's mistakes.

The initializers' outputs are dicts of arrays drawn from the caller's seeded stream, so most
properties are read straight off the structure (which keys, which shapes, which biases) or off
the ratio of the student's weights to the reference's draw of the same seed (a scale mistake
multiplies every entry of W<l> by one factor per layer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.recognise import NO_VALUE, Evidence, Recogniser, close, each_failing
from grader.recognisers._common import random_stream
from grader.spec import Case

ZEROS = "initialize_parameters_zeros"
RANDOM = "initialize_parameters_random"
HE = "initialize_parameters_he"
XAVIER = "initialize_parameters_xavier"
SCALES = "activation_scales"
INITIALIZERS = (ZEROS, RANDOM, HE, XAVIER)
DRAWING = (RANDOM, HE, XAVIER)

Factor = Callable[[int, int], float]
"""(n_prev, n_cur) -> the factor a mistaken scale multiplies the right one by."""


def _dims(ev: Evidence, case: Case) -> list[int] | None:
    args = ev.args(case.id)
    dims = args[0] if args else None
    return list(dims) if isinstance(dims, (list, tuple)) else None


def _dict(ev: Evidence, case: Case) -> dict[str, Any] | None:
    got = ev.got(case.id)
    return got if isinstance(got, dict) else None


def _weights(got: dict[str, Any], dims: list[int]) -> list[np.ndarray] | None:
    """W1..WL as numeric arrays, or None when one is missing or not numeric."""
    out = []
    for l in range(1, len(dims)):
        W = got.get(f"W{l}")
        if not isinstance(W, np.ndarray) or W.dtype.kind not in "biuf":
            return None
        out.append(W)
    return out


def _right_shapes(weights: list[np.ndarray], dims: list[int]) -> bool:
    return all(W.shape == (dims[l + 1], dims[l]) for l, W in enumerate(weights))


def _transposed(ev: Evidence, case: Case) -> bool | None:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    weights = _weights(got, dims)
    if weights is None:
        return False
    if not all(W.shape == (dims[l], dims[l + 1]) for l, W in enumerate(weights)):
        return False
    return True if any(dims[l] != dims[l + 1] for l in range(len(weights))) else None


def _numeric(b: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(b)
    except Exception:
        return None
    return arr if arr.dtype.kind in "biuf" else None


def _bias_shape(ev: Evidence, case: Case) -> bool | None:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    wrong = False
    for l in range(1, len(dims)):
        if f"b{l}" not in got:
            return False
        b = got[f"b{l}"]
        arr = _numeric(b)
        if arr is None or np.any(arr != 0):
            return False
        if not (isinstance(b, np.ndarray) and b.shape == (dims[l], 1)):
            wrong = True
    return True if wrong else None


def _random_bias(ev: Evidence, case: Case) -> bool | None:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    drawn = False
    for l in range(1, len(dims)):
        arr = _numeric(got.get(f"b{l}"))
        if arr is None or not np.all(np.isfinite(arr)):
            return False
        flat = arr.astype(float).ravel()
        if flat.size >= 2 and np.all(flat == flat[0]) and flat[0] != 0:
            return False  # a constant fill (np.ones): not a draw
        if np.unique(flat).size >= 2:
            drawn = True
    return True if drawn else None


def _missing_layer(ev: Evidence, case: Case) -> bool:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    L = len(dims) - 1
    present = {int(k[1:]) for k in got if k[:1] == "W" and k[1:].isdigit()}
    return present in ({*range(1, L)}, {*range(0, L)})


def _uniform(ev: Evidence, case: Case) -> bool | None:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    weights = _weights(got, dims)
    if weights is None or not _right_shapes(weights, dims):
        return False
    flat = np.concatenate([W.astype(float).ravel() for W in weights])
    if flat.size < 8:
        return None
    if not (np.all(np.isfinite(flat)) and np.all(flat >= 0) and np.any(flat > 0)):
        return False
    if case.seed is None:
        return None
    # Drawn from the uniform stream the caller seeded: each W<l> is the same seed's
    # np.random.rand draw of its shape (layers in order) times one factor per layer, whatever
    # the scale. Non-negative weights that are not (abs or squares of normal draws, integers,
    # ones) are another mistake.
    stream = np.random.RandomState(case.seed)
    for W in weights:
        U = stream.random_sample(W.shape)
        ratio = W.astype(float) / U
        if not close(ratio, np.full(ratio.shape, float(np.median(ratio))), rtol=1e-6, atol=0):
            return False
    return True


def _scaled(factor: Factor) -> Callable[[Evidence, Case], bool | None]:
    """The student's W<l> is the reference's draw of the same seed times factor(n_prev, n_cur),
    in every layer (shapes right)."""

    def test(ev: Evidence, case: Case) -> bool | None:
        got, dims = _dict(ev, case), _dims(ev, case)
        exp = ev.expected.get(case.id)
        if got is None or dims is None or not isinstance(exp, dict):
            return False
        weights = _weights(got, dims)
        if weights is None or not _right_shapes(weights, dims):
            return False
        shows = False
        for l, W in enumerate(weights, start=1):
            k = float(factor(dims[l - 1], dims[l]))
            if not close(W, exp[f"W{l}"] * k, rtol=1e-6, atol=1e-12):
                return False
            shows = shows or not np.isclose(k, 1.0)
        return True if shows else None

    return test


def _scales_array(ev: Evidence, case: Case) -> np.ndarray | None:
    got = ev.got(case.id)
    if got is NO_VALUE or isinstance(got, (dict, str)):
        return None
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr.ravel() if arr.ndim <= 2 else None


def _scales_like(mistake: str) -> Callable[[Evidence, Case], bool | None]:
    """The scales equal the mistaken statistic's (the mutants compute it), as an array of any
    1-D or 2-D shape or a list."""

    def test(ev: Evidence, case: Case) -> bool | None:
        got = _scales_array(ev, case)
        if got is None:
            return False
        for run in ev.runs(mistake):
            out = run.outputs.get(case.id)
            if isinstance(out, np.ndarray) and close(got, out.ravel(), rtol=1e-6, atol=1e-12):
                return not close(out.ravel(), np.ravel(ev.expected[case.id]))
        return False

    return test


def _includes_input(ev: Evidence, case: Case) -> bool:
    got = _scales_array(ev, case)
    exp = np.ravel(ev.expected[case.id])
    if got is None or got.size != exp.size + 1:
        return False
    X = ev.args(case.id)[1]
    return close(got[1:], exp) and close(got[0], np.std(X))


def _variance(ev: Evidence, case: Case) -> bool | None:
    got = _scales_array(ev, case)
    exp = np.ravel(ev.expected[case.id])
    if got is None:
        return False
    return close(got, exp**2, rtol=1e-6, atol=1e-12) or False


def _prop(
    mistake: str,
    functions: tuple[str, ...],
    prop: str,
    test: Callable[[Evidence, Case], bool | None],
    rank: int = 1,
) -> Recogniser:
    return Recogniser(mistake, frozenset(functions), prop, each_failing(test), rank=rank)


SQRT2 = float(np.sqrt(2.0))
RECOGNISERS: list[Recogniser] = [
    _prop(
        "init-transposed",
        INITIALIZERS,
        "every W<l> has shape (n_{l-1}, n_l), and some layer is not square",
        _transposed,
    ),
    _prop(
        "init-bias-shape",
        INITIALIZERS,
        "every b<l> is zero (an array or a number) and some b<l> is not of shape (n_l, 1)",
        _bias_shape,
    ),
    _prop(
        "init-random-bias",
        INITIALIZERS,
        "some b<l> holds different values (drawn), none is a non-zero constant fill",
        _random_bias,
    ),
    _prop(
        "init-missing-layer",
        INITIALIZERS,
        "the weights are W1..W(L-1) (or W0..W(L-1)): the last layer is missing",
        _missing_layer,
        rank=2,
    ),
    _prop(
        "init-uniform",
        DRAWING,
        "weights of the right shapes that are all non-negative (uniform draws on [0, s))",
        _uniform,
    ),
    _prop(
        "init-no-scale",
        (RANDOM,),
        "W<l> is the same draw as the reference's, 10 times smaller: no factor",
        _scaled(lambda n_prev, n_cur: 0.1),
    ),
    _prop(
        "init-no-scale",
        (HE,),
        "W<l> is the same draw as the reference's divided by sqrt(2 / n_{l-1}): no factor",
        _scaled(lambda n_prev, n_cur: 1 / np.sqrt(2 / n_prev)),
    ),
    _prop(
        "init-no-scale",
        (XAVIER,),
        "W<l> is the same draw as the reference's divided by sqrt(1 / n_{l-1}): no factor",
        _scaled(lambda n_prev, n_cur: np.sqrt(n_prev)),
    ),
    _prop(
        "init-xavier-scale",
        (HE,),
        "W<l> is the same draw as the reference's divided by sqrt(2)",
        _scaled(lambda n_prev, n_cur: 1 / SQRT2),
    ),
    _prop(
        "init-he-scale",
        (XAVIER,),
        "W<l> is the same draw as the reference's times sqrt(2)",
        _scaled(lambda n_prev, n_cur: SQRT2),
    ),
    _prop(
        "init-current-layer-scale",
        (HE, XAVIER),
        "W<l> is the same draw as the reference's times sqrt(n_{l-1} / n_l)",
        _scaled(lambda n_prev, n_cur: np.sqrt(n_prev / n_cur)),
    ),
    _prop(
        "init-variance-not-std",
        (HE,),
        "W<l> is the same draw as the reference's times sqrt(2 / n_{l-1}) (squared factor)",
        _scaled(lambda n_prev, n_cur: np.sqrt(2 / n_prev)),
    ),
    _prop(
        "init-variance-not-std",
        (XAVIER,),
        "W<l> is the same draw as the reference's times sqrt(1 / n_{l-1}) (squared factor)",
        _scaled(lambda n_prev, n_cur: np.sqrt(1 / n_prev)),
    ),
    _prop(
        "scales-includes-input",
        (SCALES,),
        "L + 1 scales: std(X) first, then the right ones",
        _includes_input,
        rank=2,
    ),
    _prop(
        "scales-of-z",
        (SCALES,),
        "the scales are the standard deviations of Z<l> (the mutant's statistic)",
        _scales_like("scales-of-z"),
    ),
    _prop(
        "scales-mean",
        (SCALES,),
        "the scales are the means of A<l> (the mutant's statistic)",
        _scales_like("scales-mean"),
    ),
    _prop(
        "scales-variance",
        (SCALES,),
        "the scales are the squares of the right ones",
        _variance,
    ),
    *random_stream(DRAWING),
]
