"""Recognisers of the dropout assignment's mistakes.

The forward pass is checked against the student's own cache: given its masks D1, D2, is every
cached quantity the one the next step computes from the previous (Z1 = W1 X + b1, A1 = relu(Z1)
D1 s, ...), and with which scale s (1/keep_prob right, 1 no scale, keep_prob multiplied)? So a
scale mistake is named whatever draws the masks came from, and a mask mistake (inverted, from
randn) whatever the scale. The backward pass is deterministic: its mistakes are formulas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.network import relu, sigmoid
from grader.recognise import Evidence, Recogniser, close, each_failing, exact
from grader.recognisers._common import masks_in_stream, random_stream
from grader.spec import Case

FORWARD = "forward_propagation_with_dropout"
BACKWARD = "backward_propagation_with_dropout"


def _unpack(value: Any) -> tuple[np.ndarray, tuple[np.ndarray, ...]] | None:
    """(A3, cache) when the value is a forward pass's output of the right kind."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        return None
    A3, cache = value
    if not (isinstance(cache, (tuple, list)) and len(cache) == 14):
        return None
    arrays = (A3, *cache)
    if not all(isinstance(a, np.ndarray) and a.dtype.kind in "biuf" for a in arrays):
        return None
    return A3, tuple(cache)


def _mask(D: np.ndarray, like: np.ndarray) -> bool:
    return D.shape == like.shape and bool(np.all((D == 0) | (D == 1)))


def _chain(ev: Evidence, case: Case, s: float, *, from_z1: bool = True) -> bool:
    """The student's cache is consistent with masks D1, D2 of the right shape and scale s;
    `from_z1` False skips Z1 = W1 X + b1 (input dropout changes it)."""
    got = _unpack(ev.got(case.id))
    if got is None:
        return False
    A3, (Z1, D1, A1, _, _, Z2, D2, A2, _, _, Z3, _, _, _) = got
    X, p, _ = ev.args(case.id)[:3]
    if not (_mask(D1, A1) and _mask(D2, A2)):
        return False
    try:
        return (
            (not from_z1 or close(Z1, p["W1"] @ X + p["b1"]))
            and close(A1, relu(Z1) * D1 * s)
            and close(Z2, p["W2"] @ A1 + p["b2"])
            and close(A2, relu(Z2) * D2 * s)
            and close(Z3, p["W3"] @ A2 + p["b3"])
        )
    except (ValueError, TypeError, KeyError):
        return False


def _keep(ev: Evidence, case: Case) -> float:
    return float(ev.args(case.id)[2])


def _scales(keep: float) -> tuple[float, ...]:
    return (1 / keep, 1.0, keep)


def _a3_is_sigmoid(ev: Evidence, case: Case) -> bool:
    got = _unpack(ev.got(case.id))
    return got is not None and close(got[0], sigmoid(got[1][10]))


def _scaled(s: Callable[[float], float]) -> Callable[[Evidence, Case], bool | None]:
    """The cache chains with scale s(keep_prob) and A3 = sigmoid(Z3), with masks that drop
    something (masks of ones are no dropout at all, not a scale mistake). Dropout on the input
    or the output layer besides (each recognised on its own) does not hide the scale."""

    def test(ev: Evidence, case: Case) -> bool | None:
        keep = _keep(ev, case)
        chains = _chain(ev, case, s(keep)) or (
            _input_layer(ev, case) is True and _chain(ev, case, s(keep), from_z1=False)
        )
        if not (chains and (_a3_is_sigmoid(ev, case) or _output_layer(ev, case) is True)):
            return False
        masks = _masks(ev, case)
        if masks is not None and keep < 1 and all(np.all(m.astype(bool)) for m in masks):
            return False
        return None if np.isclose(s(keep), 1 / keep) else True

    return test


def _masks(ev: Evidence, case: Case) -> tuple[np.ndarray, np.ndarray] | None:
    got = _unpack(ev.got(case.id))
    return None if got is None else (got[1][1], got[1][6])


def _same_masks(a: tuple[np.ndarray, np.ndarray], b: Any) -> bool:
    other = _unpack(b)
    if other is None:
        return False
    return all(
        x.shape == y.shape and np.array_equal(x.astype(bool), y.astype(bool))
        for x, y in zip(a, (other[1][1], other[1][6]), strict=True)
    )


def _mask_mistake(mistake: str, complement: bool) -> Callable[[Evidence, Case], bool | None]:
    """The masks are the mistake's (the complement of the right ones, or a mutant's draw), the
    cache chains with some scale, and A3 = sigmoid(Z3). A case whose masks are the right ones
    contradicts it: a mask rule that is right on some cases is another rule (masks from
    np.random.binomial agree with rand < keep_prob for keep_prob > 0.5, and with the inverted
    mask at 0.5)."""

    def test(ev: Evidence, case: Case) -> bool | None:
        masks = _masks(ev, case)
        exp = _unpack(ev.expected[case.id])
        if masks is None or exp is None:
            return False
        if not any(_chain(ev, case, s) for s in _scales(_keep(ev, case))):
            return False
        if not _a3_is_sigmoid(ev, case):
            return False
        right = (exp[1][1], exp[1][6])
        if _same_masks(masks, ev.expected[case.id]):
            return False
        if complement and all(
            m.shape == r.shape and np.array_equal(m.astype(bool), ~r.astype(bool))
            for m, r in zip(masks, right, strict=True)
        ):
            return True
        return any(_same_masks(masks, run.outputs.get(case.id)) for run in ev.runs(mistake))

    return test


def _output_layer(ev: Evidence, case: Case) -> bool | None:
    got, exp = _unpack(ev.got(case.id)), _unpack(ev.expected[case.id])
    if got is None or exp is None:
        return False
    keep = _keep(ev, case)
    if not any(_chain(ev, case, s) for s in _scales(keep)):
        return False
    if not _same_masks((got[1][1], got[1][6]), ev.expected[case.id]):
        return False
    A3, sig = got[0], sigmoid(got[1][10])
    if A3.shape != sig.shape:
        return False
    dropped = np.isclose(A3, 0.0, atol=1e-12)
    # the kept entries are scaled as the hidden layers' may be: by 1/keep_prob, 1 or keep_prob
    kept = [np.isclose(A3, sig * k, rtol=1e-6, atol=1e-12) for k in _scales(keep)]
    if not np.all(np.logical_or.reduce([dropped, *kept])):
        return False
    return True if (np.any(dropped) or not close(A3, sig)) else None


def _input_layer(ev: Evidence, case: Case) -> bool | None:
    got = _unpack(ev.got(case.id))
    if got is None:
        return False
    X, p, keep = ev.args(case.id)[:3]
    Z1 = got[1][0]
    if close(Z1, p["W1"] @ X + p["b1"]):
        return None if keep == 1 else False
    if not any(_chain(ev, case, s, from_z1=False) for s in _scales(float(keep))):
        return False
    for run in ev.runs("dropout-input-layer"):
        out = _unpack(run.outputs.get(case.id))
        if out is not None and close(Z1, out[1][0]):
            return True
    return False


def _not_half(ev: Evidence, case: Case) -> bool:
    """A case whose keep_prob is not 1/2: a wrong mask rule fails there whatever its spelling
    (at 1/2, rand < 1 - keep_prob is the right mask, and np.random.binomial's the inverted one),
    so passing it contradicts a mask mistake."""
    return not np.isclose(_keep(ev, case), 0.5)


def _masks_in_stream(ev: Evidence, case: Case) -> bool | None:
    """The masks are rand < keep_prob on the caller's stream, drawn in whatever order or after
    other draws: np.random's generator, not another."""
    masks = _masks(ev, case)
    if masks is None or case.seed is None:
        return False
    return masks_in_stream(list(masks), case.seed, _keep(ev, case))


def _r(
    mistake: str,
    prop: str,
    test: Callable[[Evidence, Case], bool | None],
    *,
    everywhere: Callable[[Evidence, Case], bool] | None = None,
) -> Recogniser:
    # The distribution check's case has no mutant outputs; the value cases tell.
    fires = each_failing(test, cases=lambda c: c.check is None, everywhere=everywhere)
    return Recogniser(mistake, frozenset({FORWARD}), prop, fires)


RECOGNISERS: list[Recogniser] = [
    _r(
        "dropout-no-scale",
        "the cache chains with A<l> = relu(Z<l>) * D<l> (no division by keep_prob)",
        _scaled(lambda keep: 1.0),
    ),
    _r(
        "dropout-multiply-keep-prob",
        "the cache chains with A<l> = relu(Z<l>) * D<l> * keep_prob",
        _scaled(lambda keep: keep),
    ),
    _r(
        "dropout-inverted-mask",
        "the masks are the complement of the right draws (rand > keep_prob, or "
        "rand < 1 - keep_prob), the rest chains",
        _mask_mistake("dropout-inverted-mask", complement=True),
        everywhere=_not_half,
    ),
    _r(
        "dropout-normal-mask",
        "the masks are randn < keep_prob on the caller's stream, the rest chains",
        _mask_mistake("dropout-normal-mask", complement=False),
        everywhere=_not_half,
    ),
    _r(
        "dropout-output-layer",
        "right masks on A1, A2, and A3 is sigmoid(Z3) with some entries dropped (or scaled)",
        _output_layer,
    ),
    _r(
        "dropout-input-layer",
        "Z1 is W1 times a dropped-out X (the first draw of the stream), the rest chains",
        _input_layer,
    ),
    *random_stream((FORWARD,), in_stream=_masks_in_stream),
    exact(
        "dropout-grad-no-scale",
        (BACKWARD,),
        "the gradients of a backward pass with dA<l> * D<l> (no division by keep_prob)",
    ),
    exact(
        "dropout-grad-multiply-keep-prob",
        (BACKWARD,),
        "the gradients of a backward pass with dA<l> * D<l> * keep_prob",
    ),
    exact(
        "dropout-grad-no-mask",
        (BACKWARD,),
        "the gradients of a backward pass that never applies D1, D2 (scaled or not)",
    ),
]
