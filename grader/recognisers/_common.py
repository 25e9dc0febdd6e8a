"""The random-stream recognisers every drawing function shares."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

import numpy as np

from grader.recognise import Evidence, IdentityMemo, Recogniser, right_kind
from grader.spec import Case

InStream = Callable[[Evidence, Case], bool | None]
"""Whether a case's output was drawn from the caller's seeded np.random stream, in whatever
order or with whatever extra draws (then the generator is the right one); None when the case
holds too few draws to tell."""


def _twins(ev: Evidence) -> list[tuple[str, str]]:
    """Pairs of scored cases with the same inputs and different seeds."""
    pairs = []
    for c in ev.scored:
        twin = ev.case(c.same_inputs_as or "")
        if twin is not None:
            pairs.append((c.id, twin.id))
    return pairs


def _distribution_passes(ev: Evidence) -> bool:
    """Every distribution check of the function passes: the outputs look drawn (weights of the
    right spread, masks keeping the right share), which a zero, constant or otherwise
    deterministic answer never does."""
    checks = [c for c in ev.scored if c.check is not None]
    return bool(checks) and all(ev.passed(c.id) for c in checks)


FIXED_SEEDS = (*range(101), 123, 321, 666, 777, 999, 1000, 1234, 2020, 2024, 4321, 12345, 31415)
"""The seeds a function that seeds np.random itself is looked for under (`fixed_seed`)."""

_FIXED = IdentityMemo[int | None]()


def fixed_seed(ev: Evidence, in_stream: InStream) -> int | None:
    """The seed the function's outputs were drawn with when they ignore the caller's: twin
    cases (same inputs, other seeds) give the same outputs of the right kind, and they are
    draws of np.random's stream seeded with one of FIXED_SEEDS (`in_stream` under that seed).
    None when the outputs follow the caller's seed, or no such seed is found."""
    return _FIXED.get(ev, in_stream, lambda: _fixed_seed(ev, in_stream))


def _fixed_seed(ev: Evidence, in_stream: InStream) -> int | None:
    if ev.structural_fault():
        return None
    alike = False
    for a, b in _twins(ev):
        ca, cb = ev.case(a), ev.case(b)
        assert ca is not None and cb is not None
        if not (right_kind(ev, ca) and right_kind(ev, cb)):
            continue
        if not ev.same(ev.got(a), ev.got(b), ca):
            return None  # the caller's seed changes them
        alike = True
    if not alike:
        return None
    cases = [c for c in ev.scored if c.check is None and c.seed is not None and right_kind(ev, c)]
    for seed in FIXED_SEEDS:
        seen = []
        for c in cases:
            seen.append(in_stream(ev, dataclasses.replace(c, seed=seed)))
            if seen[-1] is False:
                break
        if True in seen and False not in seen:
            return seed
    return None


def _reseed(ev: Evidence, in_stream: InStream | None = None) -> list[str]:
    """Outputs of the right kind that look drawn, but do not change when the caller's seed
    does. Looking drawn: every distribution check passes, or the outputs are draws of the
    stream of a seed of the function's own (`fixed_seed`), whatever their scale. Code that
    draws nothing gives seed-independent outputs too, and is not named."""
    if ev.structural_fault():
        return []
    if not _distribution_passes(ev) and (in_stream is None or fixed_seed(ev, in_stream) is None):
        return []
    shown: list[str] = []
    for a, b in _twins(ev):
        ca, cb = ev.case(a), ev.case(b)
        assert ca is not None and cb is not None
        if not (right_kind(ev, ca) and right_kind(ev, cb)):
            continue
        if ev.same(ev.got(a), ev.got(b), ca) and not ev.same(ev.expected[a], ev.expected[b], ca):
            shown += [cid for cid in (a, b) if not ev.passed(cid)]
    return shown


def _other_generator(ev: Evidence, in_stream: InStream | None) -> list[str]:
    if ev.structural_fault() or not _distribution_passes(ev):
        return []
    values = [c for c in ev.scored if c.check is None]
    if not all(right_kind(ev, c) for c in values):
        return []
    if in_stream is not None:
        seen = [in_stream(ev, c) for c in values if c.seed is not None]
        if True in seen and False not in seen:
            return []  # the caller's stream, drawn in another order: not another generator
    for a, b in _twins(ev):
        ca = ev.case(a)
        assert ca is not None
        if ev.same(ev.got(a), ev.got(b), ca):
            return []  # the caller's seed is ignored: rng-reseed's property, not this one
    return [c.id for c in values if not ev.passed(c.id)]


def random_stream(functions: Iterable[str], in_stream: InStream | None = None) -> list[Recogniser]:
    """rng-reseed and rng-other-generator for the given drawing functions; `in_stream` tells
    draws from the caller's stream taken in another order from another generator's."""
    names = frozenset(functions)
    return [
        Recogniser(
            "rng-reseed",
            names,
            "outputs of the right kind that do not change when the caller's seed does",
            lambda ev: _reseed(ev, in_stream),
            rank=2,
        ),
        Recogniser(
            "rng-other-generator",
            names,
            "outputs of the right kind whose values miss while every distribution check passes "
            "and the caller's seed still changes them (by elimination: nothing else fired)",
            lambda ev: _other_generator(ev, in_stream),
            rank=0,
            fallback=True,
        ),
    ]


MAX_STREAM = 200_000
"""The most draws of the seeded stream `scaled_in_stream` and `masks_in_stream` look through."""


def _stream(seed: int, kind: str, entries: int) -> np.ndarray:
    """The first draws of the caller's stream (three times what the output holds, and some)."""
    state = np.random.RandomState(seed)
    n = min(MAX_STREAM, 3 * entries + 64)
    return state.standard_normal(n) if kind == "normal" else state.random_sample(n)


def scaled_in_stream(arrays: list[np.ndarray], seed: int) -> bool | None:
    """Every array's entries are draws of the seeded stream (normal or uniform, taken in any
    order) times one factor for the array; None when there are too few entries to tell (with
    9 digits kept, three entries of another generator's never match by chance)."""
    entries = sum(a.size for a in arrays)
    if not arrays or min(a.size for a in arrays) < 3:
        return None
    for kind in ("normal", "uniform"):
        stream = _stream(seed, kind, entries)
        known = np.round(stream, 9)
        if all(_one_factor_in(a.astype(float).ravel(), stream, known) for a in arrays):
            return True
    return False


def _one_factor_in(w: np.ndarray, stream: np.ndarray, known: np.ndarray) -> bool:
    nonzero = w[w != 0]
    if nonzero.size < 2 or not np.all(np.isfinite(w)):
        return False
    if np.unique(nonzero).size < nonzero.size:
        return False  # each entry is a draw of its own: a constant fill is no stream's
    with np.errstate(all="ignore"):
        factors = nonzero[0] / stream  # the factor, if nonzero[0] is this draw
        second = np.round(nonzero[1] / factors, 9)
    for f in factors[np.isin(second, known)][:8]:
        if np.all(np.isin(np.round(w / f, 9), known)):
            return True
    return False


MIN_MASK_BITS = 32
"""Fewer entries than this in a mask, and a run of another generator's draws could match it by
chance somewhere in the stream: such a case cannot tell."""


def masks_in_stream(masks: list[np.ndarray], seed: int, keep: float) -> bool | None:
    """Every mask is rand(shape) < keep for some run of the seeded uniform stream's draws
    (drawn in any order, or after draws of its own); None when the masks are too small to
    tell."""
    entries = sum(m.size for m in masks)
    if not masks or min(m.size for m in masks) < MIN_MASK_BITS or not 0 < keep < 1:
        return None
    kept = _stream(seed, "uniform", entries) < keep
    if all(np.all(m) or not np.any(m) for m in masks):
        return None  # masks that keep (or drop) everything: some run of any stream matches
    for m in masks:
        flat = m.astype(bool).ravel()
        if flat.size > kept.size:
            return False
        starts = np.arange(kept.size - flat.size + 1)
        for j in range(min(flat.size, 64)):  # narrowed entry by entry: few starts survive
            starts = starts[kept[starts + j] == flat[j]]
        if not any(np.array_equal(kept[a : a + flat.size], flat) for a in starts[:16]):
            return False
    return True
