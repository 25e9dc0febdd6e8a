"""Catalogue entries: the random-stream mistakes, shared by every function that draws."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
    "rng-reseed": E(
        "the function reseeds the random generator",
        "Your outputs do not change when the caller's seed does: the function calls "
        "np.random.seed itself. Then every call draws the same numbers, and the caller can no "
        "longer control (or vary) the randomness.",
        "Remove the np.random.seed call from inside the function; seeding is the caller's job.",
    ),
    "rng-other-generator": E(
        "right distribution, different random stream",
        "Your draws have the right distribution, but they come from a different generator "
        "(for example np.random.default_rng) than the one the assignment asks for, so they "
        "cannot be reproduced from the caller's seed. Partial credit only.",
        "Draw with np.random.randn / np.random.rand, the legacy global generator the caller seeds.",
    ),
}
