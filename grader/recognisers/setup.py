"""Recognisers of the setup assignment's mistakes.

The splits are recognised by what the student's sets hold: each returned column is traced back
to the example it came from (the cases' examples and labels are all distinct), so a split in
the original order, overlapping sets, mismatched labels or rows taken for examples show
however the slicing was written. The normalization mistakes are the wrong formula's numbers,
computed from the call's own inputs, so any spelling of the same arithmetic is recognised. The
verdicts of `bias_variance` and the epochs of `early_stopping` can only be told by the mistaken
rule's answers (its mutants, alone and two or three at once), which `shared_by_matches` checks:
each mistake of a rule that makes several is named, and where two rules answer alike on every
case, only what both hold."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.recognise import (
    NO_VALUE,
    Evidence,
    Fires,
    Recogniser,
    close,
    matched_runs,
    matches,
    shared_by_matches,
)
from grader.recognisers._common import random_stream
from grader.spec import Case

SPLIT = "split_data"
STATS = "normalization_stats"
NORM = "normalize"
SPLITS = "normalize_splits"
BV = "bias_variance"
ES = "early_stopping"


def either(*tests: Fires) -> Fires:
    """The failing cases the first test that fires explains."""

    def fires(ev: Evidence) -> list[str]:
        for test in tests:
            shown = list(test(ev))
            if shown:
                return shown
        return []

    return fires


def _value_cases(ev: Evidence) -> list[Case]:
    return [c for c in ev.failing if c.check is None]


def _arrays(got: Any, n: int) -> list[np.ndarray] | None:
    """The student's output as n numeric arrays, or None."""
    if not isinstance(got, (tuple, list)) or len(got) != n:
        return None
    out = []
    for part in got:
        if not isinstance(part, np.ndarray) or part.dtype.kind not in "biuf" or part.ndim != 2:
            return None
        out.append(part.astype(float))
    return out


def _all_cases(test: Callable[[Evidence, Case], bool | None]) -> Fires:
    """Fires when the property shows on every failing value case that can tell, and on one
    at least; a case that contradicts it stops it."""

    def fires(ev: Evidence) -> list[str]:
        shown: list[str] = []
        for c in _value_cases(ev):
            verdict = test(ev, c)
            if verdict is False:
                return []
            if verdict:
                shown.append(c.id)
        return shown

    return fires


# -- split_data ----------------------------------------------------------------------------------


def _origins(ev: Evidence, case: Case) -> tuple[list[list[int]], list[list[int]]] | None:
    """For each returned set, the original example index of each of its X columns and of each
    of its Y labels (-1 where a column is no example's); None when the output is not six 2-D
    arrays with X's and Y's row counts."""
    X, Y = (np.asarray(a, dtype=float) for a in ev.args(case.id)[:2])
    parts = _arrays(ev.got(case.id), 6)
    if parts is None:
        return None
    x_of = {X[:, j].tobytes(): j for j in range(X.shape[1])}
    y_of = {Y[:, j].tobytes(): j for j in range(Y.shape[1])}
    xs, ys = [], []
    for k in range(3):
        px, py = parts[2 * k], parts[2 * k + 1]
        if px.shape[0] != X.shape[0] or py.shape[0] != Y.shape[0]:
            return None
        xs.append(
            [x_of.get(np.ascontiguousarray(px[:, j]).tobytes(), -1) for j in range(px.shape[1])]
        )
        ys.append(
            [y_of.get(np.ascontiguousarray(py[:, j]).tobytes(), -1) for j in range(py.shape[1])]
        )
    return xs, ys


def _sizes(ev: Evidence, case: Case) -> list[int] | None:
    exp = ev.expected[case.id]
    if not isinstance(exp, (tuple, list)) or len(exp) != 6:
        return None
    return [int(np.asarray(exp[2 * k]).shape[1]) for k in range(3)]


def _no_shuffle(ev: Evidence, case: Case) -> bool | None:
    """The sets are the examples in their original order: each a run of consecutive indices,
    X and Y together (train the first ones, then dev, then test; or cut in another order, or
    overlapping, with another mistake besides)."""
    found = _origins(ev, case)
    if found is None:
        return None
    xs, ys = found
    if xs != ys or any(-1 in s for s in xs) or not any(len(s) > 1 for s in xs):
        return False
    # each set a run of consecutive examples (overlapping ones too: with split-overlap)
    return all(s == list(range(s[0], s[0] + len(s))) for s in xs if s)


def _overlap(ev: Evidence, case: Case) -> bool | None:
    """Some example is in two of the sets (or twice in one)."""
    found = _origins(ev, case)
    if found is None:
        return None
    xs, _ = found
    flat = [i for s in xs for i in s if i >= 0]
    if len(flat) != sum(len(s) for s in xs):
        return False  # columns that are no example: another mistake
    return len(set(flat)) < len(flat)


def _separate_shuffles(ev: Evidence, case: Case) -> bool | None:
    """X's columns and Y's labels are each a proper split (no example lost or repeated), but a
    set's labels are not its examples' labels."""
    found = _origins(ev, case)
    sizes = _sizes(ev, case)
    if found is None or sizes is None:
        return None
    xs, ys = found
    if [len(s) for s in xs] != [len(s) for s in ys]:
        return None
    if [len(s) for s in xs] != sizes:
        # sets of other sizes (with split-overlap, or another mistake): only when X's and Y's
        # sets overlap alike, each a permutation's runs
        if _overlaps(xs) != _overlaps(ys) or not any(_overlaps(xs)):
            return None
    for sets in (xs, ys):
        flat = [i for s in sets for i in s]
        if -1 in flat or (len(set(flat)) != len(flat) and not any(_overlaps(sets))):
            return False
    return xs != ys


def _overlaps(sets: list[list[int]]) -> list[int]:
    """How many examples each pair of sets shares (train-dev, train-test, dev-test)."""
    return [len(set(sets[a]) & set(sets[b])) for a, b in ((0, 1), (0, 2), (1, 2))]


def _split_in_stream(ev: Evidence, case: Case) -> bool | None:
    """The sets are runs of the caller's seeded permutation (np.random.permutation(m), as the
    contract draws it), in whatever order or overlap the student cut them: the right generator,
    however wrongly the runs were laid out. None when the sets are not all examples, X and Y
    together, or hold too few to tell."""
    found = _origins(ev, case)
    if found is None or case.seed is None:
        return None
    xs, ys = found
    if xs != ys or any(-1 in s for s in xs) or sum(len(s) for s in xs) < 3:
        return None
    m = np.asarray(ev.args(case.id)[0]).shape[1]
    where = np.empty(m, dtype=int)
    where[np.random.RandomState(case.seed).permutation(m)] = np.arange(m)
    for s in xs:
        places = where[s]
        if len(places) > 1 and not np.array_equal(np.diff(places), np.ones(len(places) - 1)):
            return False
    return True


def _rows(ev: Evidence, case: Case) -> bool | None:
    """Rows (features) were shuffled or split instead of columns (examples): some returned X
    set has other than n_x rows, each of them a row of X (whole or cut), or X's rows in
    another order with the examples left in place."""
    X = np.asarray(ev.args(case.id)[0], dtype=float)
    got = ev.got(case.id)
    if not isinstance(got, (tuple, list)) or len(got) != 6:
        return None
    n_x, m = X.shape
    parts = [got[k] for k in (0, 2, 4)]
    if not all(isinstance(p, np.ndarray) and p.dtype.kind in "biuf" for p in parts):
        return None
    rows = {X[i].tobytes() for i in range(n_x)}
    shown = False
    for p in parts:
        p = np.asarray(p, dtype=float)
        if p.ndim != 2 or p.size == 0:
            continue
        if p.shape[1] == m and all(np.ascontiguousarray(r).tobytes() in rows for r in p):
            if p.shape[0] != n_x or not np.array_equal(p, X):
                shown = True  # whole rows of X: taken or reordered as if they were examples
        elif p.shape[0] != n_x and p.shape[1] <= m:
            # a cut of rows: each row a slice of some row of X
            if all(any(_is_slice(r, X[i]) for i in range(n_x)) for r in p):
                shown = True
    return shown or None


def _is_slice(row: np.ndarray, of: np.ndarray) -> bool:
    n = row.shape[0]
    return any(np.array_equal(row, of[s : s + n]) for s in range(of.shape[0] - n + 1))


# -- normalization -------------------------------------------------------------------------------


def _column(x: Any) -> np.ndarray | None:
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        return None
    return x.astype(float).ravel()


def _wrong_axis(index: int, length: int) -> Callable[[Evidence, Case], bool | None]:
    """The mean returned (output `index` of `length`) is each example's mean over its features
    (axis 0) of the call's first argument."""

    def test(ev: Evidence, case: Case) -> bool | None:
        X = np.asarray(ev.args(case.id)[0], dtype=float)
        got = ev.got(case.id)
        if not isinstance(got, (tuple, list)) or len(got) != length:
            return None
        mu = _column(got[index])
        if mu is None or X.shape[0] == X.shape[1]:  # a square X cannot tell the axes apart
            return None
        return close(mu, X.mean(axis=0))

    return test


def _stats_ddof(ev: Evidence, case: Case) -> bool | None:
    """The mean is right and the variance is m / (m - 1) times the right one; or both are taken
    over the features (axis 0), the variance with n_x - 1 (with norm-wrong-axis)."""
    X = np.asarray(ev.args(case.id)[0], dtype=float)
    got, exp = ev.got(case.id), ev.expected[case.id]
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    m = X.shape[1]
    if m < 2:
        return None
    mu, s2 = _column(got[0]), _column(got[1])
    if mu is None or s2 is None:
        return None
    if close(mu, np.ravel(exp[0])) and close(s2, np.ravel(exp[1]) * m / (m - 1)):
        return True
    n = X.shape[0]
    if n == m and close(mu, X.mean(axis=0)):
        return None  # a square X cannot tell the axes apart
    return (
        n >= 2
        and close(mu, X.mean(axis=0))
        and close(s2, X.var(axis=0, ddof=1))
        and not close(s2, X.var(axis=0))
    )


def _inputs_norm(ev: Evidence, case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    args, kwargs = ev.inputs[case.id]
    X, mu, s2 = (np.asarray(a, dtype=float) for a in args[:3])
    eps = float(args[3]) if len(args) > 3 else float(kwargs.get("epsilon", 1e-8))
    return X, mu, s2, eps


def _variants(X: np.ndarray, mu: np.ndarray, s2: np.ndarray, eps: float, which: str) -> list[Any]:
    with np.errstate(all="ignore"):
        both = [X / (s2 + eps), X / s2]  # not centred, and divided by the variance
        if which == "divide-variance":
            return [(X - mu) / (s2 + eps), (X - mu) / s2, *both]
        return [X / np.sqrt(s2 + eps), X / np.sqrt(s2), *both]  # no-center


def _norm_formula(which: str) -> Callable[[Evidence, Case], bool | None]:
    def test(ev: Evidence, case: Case) -> bool | None:
        got = ev.got(case.id)
        if got is NO_VALUE or not isinstance(got, np.ndarray):
            return None
        X, mu, s2, eps = _inputs_norm(ev, case)
        return any(close(got, v) for v in _variants(X, mu, s2, eps, which))

    return test


def _splits_stats(ev: Evidence, case: Case) -> tuple[np.ndarray, np.ndarray] | None:
    exp = ev.expected[case.id]
    if not isinstance(exp, (tuple, list)) or len(exp) != 5:
        return None
    return np.asarray(exp[3], dtype=float), np.asarray(exp[4], dtype=float)


def _splits_formula(which: str) -> Callable[[Evidence, Case], bool | None]:
    """normalize_splits' sets are the wrong formula's, with the training set's statistics."""

    def test(ev: Evidence, case: Case) -> bool | None:
        got = ev.got(case.id)
        stats = _splits_stats(ev, case)
        if stats is None or not isinstance(got, (tuple, list)) or len(got) != 5:
            return None
        mu, s2 = stats
        sets = [np.asarray(a, dtype=float) for a in ev.args(case.id)[:3]]
        for k, X in enumerate(sets):
            if not isinstance(got[k], np.ndarray):
                return None
            if not any(close(got[k], v) for v in _variants(X, mu, s2, 1e-8, which)):
                return False
        return True

    return test


def _own_stats(ev: Evidence, case: Case) -> bool | None:
    """Training data normalized right; dev or test normalized with its own mean and variance,
    or the statistics returned those of another set. Read against the norm-own-stats mutants'
    outputs, so that the statistics' formulas stay on the instructor's side (this module ships
    in the student bundle)."""
    got, exp = ev.got(case.id), ev.expected[case.id]
    if not isinstance(got, (tuple, list)) or len(got) != 5 or not isinstance(exp, (tuple, list)):
        return None
    if not isinstance(got[0], np.ndarray) or not close(got[0], exp[0]):
        return None
    own = _run_output(ev, "norm-own-stats", "own-stats", case)
    if own is not None and any(
        isinstance(got[k], np.ndarray) and close(got[k], own[k]) and not close(got[k], exp[k])
        for k in (1, 2)
    ):
        return True
    if not all(isinstance(got[k], np.ndarray) and close(got[k], exp[k]) for k in (1, 2)):
        return None
    mu = _column(got[3])
    for spelling in ("stats-of-dev", "stats-of-test"):
        other = _run_output(ev, "norm-own-stats", spelling, case)
        if mu is not None and other is not None and close(mu, np.ravel(other[3])):
            if not close(mu, np.ravel(exp[3])):
                return True
    return None


def _run_output(ev: Evidence, mistake: str, spelling: str, case: Case) -> Any:
    """A mutant's output on the case, as a tuple of five arrays, or None."""
    for run in ev.runs(mistake, spelling):
        out = run.outputs.get(case.id)
        if isinstance(out, (tuple, list)) and len(out) == 5:
            return out
    return None


def _stream_unless_unshuffled(recognisers: list[Recogniser]) -> list[Recogniser]:
    """rng-reseed for split_data, except when the sets are the examples in their original
    order: a split that never shuffles does not change with the seed either, and that is
    split-no-shuffle's property, not a reseed."""
    unshuffled = _all_cases(_no_shuffle)

    def guarded(fires: Fires) -> Fires:
        return lambda ev: [] if unshuffled(ev) else list(fires(ev))

    return [
        dataclasses.replace(r, fires=guarded(r.fires)) if r.id == "rng-reseed" else r
        for r in recognisers
    ]


def _by_property(
    mistake: str,
    function: str,
    prop: str,
    test: Callable[[Evidence, Case], bool | None],
    rank: int = 1,
) -> Recogniser:
    """A recogniser of `mistake` in `function` by its defining property on every failing value
    case (`test`), or else by its mutants' outputs."""
    return Recogniser(
        mistake, frozenset({function}), prop, either(_all_cases(test), matches(mistake)), rank=rank
    )


RULES = matched_runs(
    (
        "bv-ignores-base",
        "bv-variance-from-zero",
        "bv-swapped",
        "es-last-epoch",
        "es-first-increase",
        "es-ties-improve",
    )
)
"""The verdict and stopping rules the mutants compute, alone and combined."""


def _formula(mistake: str, function: str, prop: str) -> Recogniser:
    return Recogniser(mistake, frozenset({function}), prop, shared_by_matches(mistake, RULES))


RECOGNISERS: list[Recogniser] = [
    _by_property(
        "split-no-shuffle",
        SPLIT,
        "the sets are consecutive runs of the examples in their original order",
        _no_shuffle,
        rank=2,
    ),
    _by_property(
        "split-rows",
        SPLIT,
        "a returned X set holds rows of X (whole or cut) instead of its columns",
        _rows,
        rank=2,
    ),
    _by_property(
        "split-separate-shuffles",
        SPLIT,
        "X's and Y's sets are each a partition of the examples, but the labels are not "
        "their examples' labels",
        _separate_shuffles,
        rank=2,
    ),
    _by_property(
        "split-overlap",
        SPLIT,
        "some example is in more than one set",
        _overlap,
        rank=2,
    ),
    *_stream_unless_unshuffled(random_stream((SPLIT,), in_stream=_split_in_stream)),
    _by_property(
        "norm-wrong-axis",
        STATS,
        "the mean returned is each example's mean over its features (axis 0)",
        _wrong_axis(0, 2),
    ),
    _by_property(
        "norm-sample-variance",
        STATS,
        "the mean is right and the variance is m / (m - 1) times the right one",
        _stats_ddof,
    ),
    _by_property(
        "norm-divide-variance",
        NORM,
        "the output is (X - mu) / (sigma2 + epsilon), or / sigma2",
        _norm_formula("divide-variance"),
    ),
    _by_property(
        "norm-no-center",
        NORM,
        "the output is X / sqrt(sigma2 + epsilon): scaled, not centred",
        _norm_formula("no-center"),
    ),
    _by_property(
        "norm-wrong-axis",
        SPLITS,
        "the mean returned is each training example's mean over its features (axis 0)",
        _wrong_axis(3, 5),
    ),
    _by_property(
        "norm-divide-variance",
        SPLITS,
        "each set is (X - mu) / (sigma2 + epsilon) with the training statistics",
        _splits_formula("divide-variance"),
    ),
    _by_property(
        "norm-no-center",
        SPLITS,
        "each set is X / sqrt(sigma2 + epsilon) with the training statistics",
        _splits_formula("no-center"),
    ),
    _by_property(
        "norm-own-stats",
        SPLITS,
        "dev or test normalized with its own statistics, or another set's statistics returned",
        _own_stats,
    ),
    _formula("bv-ignores-base", BV, "the verdict of train_error compared with 0, not base_error"),
    _formula("bv-variance-from-zero", BV, "the verdict of dev_error alone taken as variance"),
    _formula("bv-swapped", BV, "the bias and variance verdicts exchanged"),
    _formula("es-last-epoch", ES, "the epoch where patience ran out, not the best one"),
    _formula("es-first-increase", ES, "stopped at the first epoch without improvement"),
    _formula("es-ties-improve", ES, "an equal dev cost taken as a new best"),
]
