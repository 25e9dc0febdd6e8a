"""Mutants of several mistakes at once, so that a student who makes two is named for both.

A mutant with one mistake proves its id by its outputs. A student's code often holds two (a
one-sided slope over the wrong denominator), and its outputs then equal no single mutant's.
`combined` enumerates the formulas of two or more mistakes, one switch from each axis; each
becomes one mutant per catalogued id it holds, with the switches joined by "+" as its spelling
(a mutant maker reads them with `parts`). A recogniser names an id when every formula the
student's outputs match holds it (`grader.recognise.shared_by_matches`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grader.spec import Mutant


def parts(mistake: str) -> frozenset[str]:
    """A mutant's switches: one, or several joined by "+"."""
    return frozenset(mistake.split("+"))


def combined(
    function: str,
    make: Callable[[str], Callable[..., Any]],
    axes: Sequence[Mapping[str, str]],
    unseen: Callable[[frozenset[str]], bool] = lambda parts: False,
) -> list[Mutant]:
    """Every choice of at most one switch per axis that picks two or more (each axis maps a
    switch to its catalogue id, "" for a switch with no id of its own), but those `unseen`
    says no test can tell from a formula with fewer mistakes."""
    out: list[Mutant] = []
    for choice in itertools.product(*([None, *axis] for axis in axes)):
        picked = [(k, axis[k]) for k, axis in zip(choice, axes, strict=True) if k is not None]
        ids = list(dict.fromkeys(i for _, i in picked if i))
        if len(picked) < 2 or not ids or unseen(frozenset(k for k, _ in picked)):
            continue
        spelling = "+".join(k for k, _ in picked)
        impl = make(spelling)
        out += [Mutant(i, function, impl, spelling=spelling) for i in ids]
    return out
