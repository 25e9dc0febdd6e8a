"""Stage 6, diagnose: name the catalogued mistakes a function's outputs show.

A pure function of what it is handed: the evidence of one function (grader.recognise.Evidence)
and its recognisers. The rules every recogniser obeys are enforced here, not in each one:
- nothing is named for a function that scored full marks;
- nothing is named for a trivial answer: outputs that are the same on every case (None, a
  constant) or calls that all failed;
- a recogniser explains failing cases only; `fallback` ones (rng-other-generator) are tried only
  when no other recogniser fired;
- when several fire, the most specific comes first (higher `rank`, then more cases explained,
  then the order the assignment lists them in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from grader.recognise import Evidence, Recogniser


@dataclass(frozen=True)
class Diagnosis:
    """The mistakes found in one function's outputs."""

    ids: tuple[str, ...]
    """Catalogue ids, most specific first."""
    per_case: Mapping[str, str]
    """Failing case id -> the first id that explains it."""


def diagnose(evidence: Evidence, recognisers: Iterable[Recogniser]) -> Diagnosis:
    """The catalogue ids that explain a function's failures: a pure function of the evidence
    and the recognisers it is handed."""
    failing = {c.id for c in evidence.failing}
    if not failing or evidence.trivial():
        return Diagnosis((), {})
    chosen = [r for r in recognisers if evidence.fspec.name in r.functions]
    hits: list[tuple[Recogniser, list[str]]] = []
    for group in ([r for r in chosen if not r.fallback], [r for r in chosen if r.fallback]):
        for r in group:
            if any(h[0].id == r.id for h in hits):
                continue
            explained = [cid for cid in r.fires(evidence) if cid in failing]
            if explained:
                hits.append((r, list(dict.fromkeys(explained))))
        if hits:
            break
    order = {r.id: i for i, r in enumerate(chosen)}
    hits.sort(key=lambda h: (-h[0].rank, -len(h[1]), order[h[0].id]))
    per_case: dict[str, str] = {}
    for r, explained in hits:
        for cid in explained:
            per_case.setdefault(cid, r.id)
    return Diagnosis(tuple(r.id for r, _ in hits), per_case)
