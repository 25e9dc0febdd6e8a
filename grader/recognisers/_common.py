"""The random-stream recognisers every drawing function shares."""

from __future__ import annotations

from collections.abc import Iterable

from grader.recognise import Evidence, Recogniser, right_kind


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


def _reseed(ev: Evidence) -> list[str]:
    """Outputs of the right kind that look drawn (`_distribution_passes`), but do not change
    when the caller's seed does. Code that draws nothing gives seed-independent outputs too: it
    fails the distribution checks, so it is not named."""
    if ev.structural_fault() or not _distribution_passes(ev):
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


def _other_generator(ev: Evidence) -> list[str]:
    if ev.structural_fault() or not _distribution_passes(ev):
        return []
    values = [c for c in ev.scored if c.check is None]
    if not all(right_kind(ev, c) for c in values):
        return []
    for a, b in _twins(ev):
        ca = ev.case(a)
        assert ca is not None
        if ev.same(ev.got(a), ev.got(b), ca):
            return []  # the caller's seed is ignored: rng-reseed's property, not this one
    return [c.id for c in values if not ev.passed(c.id)]


def random_stream(functions: Iterable[str]) -> list[Recogniser]:
    """rng-reseed and rng-other-generator for the given drawing functions."""
    names = frozenset(functions)
    return [
        Recogniser(
            "rng-reseed",
            names,
            "outputs of the right kind that do not change when the caller's seed does",
            _reseed,
            rank=2,
        ),
        Recogniser(
            "rng-other-generator",
            names,
            "outputs of the right kind whose values miss while every distribution check passes "
            "and the caller's seed still changes them (by elimination: nothing else fired)",
            _other_generator,
            rank=0,
            fallback=True,
        ),
    ]
