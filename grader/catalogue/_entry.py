"""A catalogue entry: how a named mistake is explained."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """How a named mistake is explained to a student."""

    title: str
    """The mistake, in a few words."""
    explanation: str
    """Why it is wrong, tied to the lesson."""
    hint: str
    """Where to look; never the solution."""
