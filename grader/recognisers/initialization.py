"""Recognisers of the initialization assignment's mistakes.

The initializers' outputs are dicts of arrays drawn from the caller's seeded stream, so most
properties are read straight off the structure (which keys, which shapes, which biases) or off
the ratio of the student's weights to the seeded stream's draws (a scale mistake multiplies
every entry of W<l> by one factor per layer). The scale is read whatever else is wrong: the
draws may be uniform, transposed, interleaved with drawn biases, or stop before the last
layer, and several scale mistakes may be made at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.recognise import (
    NO_VALUE,
    Evidence,
    IdentityMemo,
    Recogniser,
    close,
    each_failing,
    held_by_all,
)
from grader.recognisers._common import fixed_seed, random_stream, scaled_in_stream
from grader.spec import Case

ZEROS = "initialize_parameters_zeros"
RANDOM = "initialize_parameters_random"
HE = "initialize_parameters_he"
XAVIER = "initialize_parameters_xavier"
SCALES = "activation_scales"
INITIALIZERS = (ZEROS, RANDOM, HE, XAVIER)
DRAWING = (RANDOM, HE, XAVIER)


def _dims(ev: Evidence, case: Case) -> list[int] | None:
    args = ev.args(case.id)
    dims = args[0] if args else None
    return list(dims) if isinstance(dims, (list, tuple)) else None


def _dict(ev: Evidence, case: Case) -> dict[str, Any] | None:
    got = ev.got(case.id)
    return got if isinstance(got, dict) else None


def _weights(
    got: dict[str, Any], dims: list[int], layers: range | None = None
) -> list[np.ndarray] | None:
    """W1..WL (or the given layers') as numeric arrays, or None when one is missing or not
    numeric."""
    out = []
    for l in range(1, len(dims)) if layers is None else layers:
        W = got.get(f"W{l}")
        if not isinstance(W, np.ndarray) or W.dtype.kind not in "biuf":
            return None
        out.append(W)
    return out


def _right_shapes(weights: list[np.ndarray], dims: list[int]) -> bool:
    return all(W.shape == (dims[l + 1], dims[l]) for l, W in enumerate(weights))


def _layers(got: dict[str, Any], dims: list[int]) -> range:
    """The layers l = 1.. the output has: all of them, or all but the last when both its W and
    its b are missing (init-missing-layer, which other mistakes may come with; not layers
    numbered from 0)."""
    L = len(dims) - 1
    if L >= 1 and not {f"W{L}", f"b{L}", "W0", "b0"} & set(got):
        return range(1, L)
    return range(1, L + 1)


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
    for l in _layers(got, dims):
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
    for l in _layers(got, dims):
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
    if present == {*range(0, L)}:
        # Every layer is there, numbered from 0 (W0 has W1's shape): a numbering mistake, not
        # a missing layer.
        return not all(np.shape(got[f"W{k}"]) == (dims[k + 1], dims[k]) for k in present)
    return present == {*range(1, L)}


def _uniform(ev: Evidence, case: Case) -> bool | None:
    got, dims = _dict(ev, case), _dims(ev, case)
    if got is None or dims is None:
        return False
    weights = _weights(got, dims, _layers(got, dims))  # the last layer may be missing besides
    if weights == []:
        return None  # one layer, and it is missing: nothing drawn to look at
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


Formula = tuple[Any, ...]
"""A way of scaling the draws: ("none",) for no factor, ("reference",) for the reference's
own factor (the large random initializer's), or (c, n, power) for (c / n) ** power with n the
layer's fan-in ("prev") or its own size ("cur")."""

_DRAWS: dict[str, Callable[[np.random.RandomState, tuple[int, ...]], np.ndarray]] = {
    "normal": lambda state, shape: state.standard_normal(shape),
    "uniform": lambda state, shape: state.random_sample(shape),
}
"""The draws an initializer may take from the caller's seeded stream (np.random.randn and
np.random.rand give the same numbers as these)."""


def _factors(
    got: dict[str, Any], dims: list[int], seed: int, draw: str, transposed: bool, biases: bool
) -> list[float] | None:
    """One factor per layer present (W1.., in order; none when there is no layer) when each
    W<l> is that layer's draw of the seeded stream times it; None when the weights are not such
    draws. The layout: the draws' kind, W of shape (n_l, n_{l-1}) or its transpose, and whether
    each b<l> was drawn right after its W (a random bias takes its numbers from the same
    stream)."""
    state = np.random.RandomState(seed)
    factors: list[float] = []
    for l in _layers(got, dims):  # the last layer missing: the ones before are still draws
        W = got.get(f"W{l}")
        if not isinstance(W, np.ndarray) or W.dtype.kind not in "biuf":
            return None
        shape = (dims[l - 1], dims[l]) if transposed else (dims[l], dims[l - 1])
        if W.shape != shape:
            return None
        k = _one_factor(W, _DRAWS[draw](state, shape))
        if k is None:
            return None
        factors.append(k)
        if biases:
            b = _numeric(got.get(f"b{l}"))
            if b is None or b.size == 0 or _one_factor(b, _DRAWS[draw](state, b.shape)) is None:
                return None
    return factors


def _one_factor(got: np.ndarray, draw: np.ndarray) -> float | None:
    """The one number k with got == k * draw entry by entry (within float noise), if there is
    one and it is not 0."""
    with np.errstate(all="ignore"):
        ratio = got.astype(float) / draw
    if not np.all(np.isfinite(ratio)):
        return None
    k = float(np.median(ratio))
    if k == 0 or not close(ratio, np.full(ratio.shape, k), rtol=1e-6, atol=0):
        return None
    return k


def _formulas(function: str) -> list[Formula]:
    if function == RANDOM:
        return [("none",), ("reference",)]
    return [("none",)] + [(c, n, p) for c in (1, 2) for n in ("prev", "cur") for p in (0.5, 1)]


def _value(formula: Formula, n_prev: int, n_cur: int, reference: float) -> float:
    if formula == ("none",):
        return 1.0
    if formula == ("reference",):
        return reference
    c, n, power = formula
    return float((c / (n_prev if n == "prev" else n_cur)) ** power)


def _mistakes(function: str, formula: Formula, right: Formula) -> frozenset[str]:
    """The catalogue ids a formula's scale holds, against the reference's."""
    if formula == right:
        return frozenset()
    if formula == ("none",):
        return frozenset({"init-no-scale"})
    c, n, power = formula
    ids = set()
    if c != right[0]:
        ids.add("init-xavier-scale" if function == HE else "init-he-scale")
    if n == "cur":
        ids.add("init-current-layer-scale")
    if power == 1:
        ids.add("init-variance-not-std")
    return frozenset(ids)


Scale = list[frozenset[str]]
_SCALES = IdentityMemo[Scale | None]()
"""`_scale_ids` by evidence and case: the scale recognisers of one function share it."""


def _scale_ids(ev: Evidence, case: Case) -> Scale | None:
    """What the weights' scale says on a case: the scale ids of each explanation of the
    weights; None (or none) when no draw of the stream times a known factor explains them. An
    explanation is a layout of the draws (`_factors`) and a formula whose factor each layer's
    equals. The reference's own formula is found from its output, so nothing here says which
    is right."""
    return _SCALES.get(ev, case.id, lambda: _scale_analysis(ev, case))


def _scale_analysis(ev: Evidence, case: Case) -> Scale | None:
    got, dims, exp = _dict(ev, case), _dims(ev, case), ev.expected.get(case.id)
    if got is None or dims is None or not isinstance(exp, dict) or case.seed is None:
        return None
    function = ev.fspec.name
    reference = _factors(exp, dims, case.seed, "normal", False, False)
    if reference is None or len(reference) != len(dims) - 1:
        return None
    formulas = _formulas(function)
    rights = [
        f
        for f in formulas
        if f != ("none",)
        and all(
            np.isclose(_value(f, dims[l], dims[l + 1], reference[l]), reference[l], rtol=1e-9)
            for l in range(len(reference))
        )
    ]
    if len(rights) != 1:
        return None
    # A function that seeds np.random itself drew its weights from its own seed's stream.
    seed = fixed_seed(ev, _weights_in_stream)
    if seed is None:
        seed = case.seed
    found: list[frozenset[str]] = []
    for draw in _DRAWS:
        for transposed in (False, True):
            for biases in (False, True):
                factors = _factors(got, dims, seed, draw, transposed, biases)
                if factors is None:
                    continue
                found += [
                    _mistakes(function, f, rights[0])
                    for f in formulas
                    if all(
                        np.isclose(_value(f, dims[l], dims[l + 1], reference[l]), k, rtol=1e-6)
                        for l, k in enumerate(factors)
                    )
                ]
    return found


def _scale(mistake: str) -> Callable[[Evidence, Case], bool | None]:
    """A scale mistake (alone, or with others: another scale mistake, transposed or uniform
    draws, drawn biases, the last layer missing) shows on a case when every explanation of its
    weights holds it; some explanation without it, or none at all, contradicts it."""

    def test(ev: Evidence, case: Case) -> bool | None:
        return held_by_all(_scale_ids(ev, case), mistake)

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
    1-D or 2-D shape or a list; for a standard deviation, its square too (scales-variance
    besides)."""

    def test(ev: Evidence, case: Case) -> bool | None:
        got = _scales_array(ev, case)
        if got is None:
            return False
        for run in ev.runs(mistake):
            out = run.outputs.get(case.id)
            if not isinstance(out, np.ndarray):
                continue
            # a standard deviation (no other statistic in the run's mistakes) may be squared
            squarable = mistake in SQUARABLE and not {"mean", "variance"} & set(
                run.spelling.split("+")
            )
            for power in (1, 2) if squarable else (1,):
                if close(got, out.ravel() ** power, rtol=1e-6, atol=1e-12):
                    # where the statistic is the right one (Z = A), this case cannot tell
                    return None if close(out.ravel(), np.ravel(ev.expected[case.id])) else True
        return False

    return test


def _includes_input(ev: Evidence, case: Case) -> bool:
    got = _scales_array(ev, case)
    exp = np.ravel(ev.expected[case.id])
    if got is None or got.size != exp.size + 1:
        return False
    X = ev.args(case.id)[1]
    if close(got[1:], exp) and close(got[0], np.std(X)):
        return True
    return _like_a_run(ev, case, got, "scales-includes-input")  # with another mistake


def _like_a_run(ev: Evidence, case: Case, got: np.ndarray, mistake: str) -> bool:
    """The scales are those of one of the mistake's mutants, alone or combined."""
    return any(
        isinstance(out := run.outputs.get(case.id), np.ndarray)
        and close(got, out.ravel(), rtol=1e-6, atol=1e-12)
        for run in ev.runs(mistake)
    )


SQUARABLE = ("scales-of-z",)
"""Mistaken statistics that are standard deviations, which a variance mistake squares."""


def _variance(ev: Evidence, case: Case) -> bool | None:
    """The squares of the right scales, or of another standard deviation's (scales-of-z)."""
    got = _scales_array(ev, case)
    exp = np.ravel(ev.expected[case.id])
    if got is None:
        return False
    if _like_a_run(ev, case, got, "scales-variance"):
        return True
    stds = [exp] + [
        out.ravel()
        for mistake in SQUARABLE
        for run in ev.runs(mistake)
        if isinstance(out := run.outputs.get(case.id), np.ndarray)
    ]
    return any(close(got, std**2, rtol=1e-6, atol=1e-12) for std in stds) or False


def _weights_in_stream(ev: Evidence, case: Case) -> bool | None:
    """The weights are the caller's stream's draws, in whatever order (biases drawn between
    them, layers drawn backwards, one draw reshaped): np.random's generator, not another."""
    got = _dict(ev, case)
    if got is None or case.seed is None:
        return False
    weights = [v for k, v in got.items() if k[:1] == "W" and isinstance(v, np.ndarray)]
    return scaled_in_stream([w for w in weights if w.dtype.kind in "biuf"], case.seed)


def _prop(
    mistake: str,
    functions: tuple[str, ...],
    prop: str,
    test: Callable[[Evidence, Case], bool | None],
    rank: int = 1,
) -> Recogniser:
    return Recogniser(mistake, frozenset(functions), prop, each_failing(test), rank=rank)


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
        DRAWING,
        "each W<l> is the seeded stream's draw with no factor (its layout and other scale "
        "mistakes aside)",
        _scale("init-no-scale"),
    ),
    _prop(
        "init-xavier-scale",
        (HE,),
        "each W<l> is the seeded stream's draw times a factor with 1 where He has 2",
        _scale("init-xavier-scale"),
    ),
    _prop(
        "init-he-scale",
        (XAVIER,),
        "each W<l> is the seeded stream's draw times a factor with 2 where Xavier has 1",
        _scale("init-he-scale"),
    ),
    _prop(
        "init-current-layer-scale",
        (HE, XAVIER),
        "each W<l> is the seeded stream's draw times a factor of n_l where it should be of n_{l-1}",
        _scale("init-current-layer-scale"),
    ),
    _prop(
        "init-variance-not-std",
        (HE, XAVIER),
        "each W<l> is the seeded stream's draw times the variance (c / n), not its square root",
        _scale("init-variance-not-std"),
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
    *random_stream(DRAWING, in_stream=_weights_in_stream),
]
