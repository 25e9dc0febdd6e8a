"""A realistic sample class for `grader demo` and the benchmarks.

Each student hands in every assignment's notebook, each made from the course's own student notebook:
right answers (the reference, and other correct styles), catalogued mistakes typed the way a
student would type them, mistakes outside the catalogue, untouched notebooks, broken files and a
few hostile ones. Proportions are fixed per class and shuffled by the seed, so a class of any
size has the same mix. `MANIFEST.json` beside the notebooks says what each one is meant to be.

Needs the reference solutions, so it exists only where the instructor's grader is installed."""

from __future__ import annotations

import importlib
import json
import random
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import nbformat

from coursekit.notebooks import ASSIGNMENTS, GRADED_TAG, build_notebook, defined_name
from grader.errors import UsageError
from grader.instructor.samples._edits import Edit, Sample, Style
from reference.solved import reference_source, solved_notebook


def _tables() -> tuple[dict[str, list[Sample]], dict[str, list[Sample]], dict[str, Style]]:
    """Each assignment's sample module (grader.instructor.samples.<assignment>), an assignment
    without one having none of its own mistakes or styles."""
    mistakes, uncatalogued, styles = {}, {}, {}
    for a in ASSIGNMENTS:
        try:
            module = importlib.import_module(f"grader.instructor.samples.{a}")
        except ModuleNotFoundError:
            continue
        mistakes[a], uncatalogued[a], styles[a] = (
            module.MISTAKES,
            module.UNCATALOGUED,
            module.STYLES,
        )
    return mistakes, uncatalogued, styles


#: Catalogued mistakes (function, id, edits), mistakes outside the catalogue (function, label,
#: edits) and correct answers in other styles, per assignment.
MISTAKES, UNCATALOGUED, STYLES = _tables()
_NEEDS: dict[str, Mapping[str, Any]] = {
    "style": STYLES,
    "mistake": MISTAKES,
    "two-mistakes": MISTAKES,
    "uncatalogued": UNCATALOGUED,
    "hostile": MISTAKES,
}

# Hostile cells: each is added at the top of an otherwise ordinary notebook.
HOSTILE: dict[str, str] = {
    "fake-pass": (
        'print("All tests PASSED. Score: 100/100")\n'
        'print(\'{"schema": "grader.result/1", "score": 100, "max_score": 100}\')'
    ),
    "patch-numpy": (
        "import numpy as np\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None"
    ),
    "import-grader": "from reference.initialization import *\nimport grader",
    "memory-hog": "hog = bytearray(6 * 2**30)",
    "shell-escape": "!rm -rf ~\n%system echo pwned",
    "flood": 'print("spam " * 2_000_000)',
}

# Proportions of a class, in notebooks.
MIX: dict[str, int] = {
    "correct": 30,
    "style": 14,
    "mistake": 30,
    "two-mistakes": 5,
    "uncatalogued": 7,
    "untouched": 3,
    "broken": 4,
    "hostile": 5,
    "absent": 2,
}

BROKEN = ("truncated", "binary", "empty", "unknown-assignment", "nbformat-3", "syntax-error")

NAMES = (
    "ada alan barbara claude donald edsger frances grace hedy ivan john ken leslie margaret "
    "niklaus ole peter radia robin shafi tim tony vint yoshua fei-fei geoffrey judea ruth "
    "sophie katherine dorothy mary annie evelyn joan lynn karen shirley jean betty kathleen "
    "marlyn ruth-t adele lois jean-e dana cynthia lenore susan anita carol maria"
).split()


@dataclass(frozen=True)
class Entry:
    """What one notebook of the sample class is meant to be."""

    student: str
    """Student id."""
    assignment: str
    """Assignment."""
    kind: str
    """One of MIX's keys."""
    label: str
    """The mistake id, style, hostility or breakage."""
    expect: tuple[str, ...]
    """Catalogue ids the grader should name (mistakes only)."""


@dataclass(frozen=True)
class SampleClass:
    """A generated class."""

    root: Path
    """The submissions folder: <root>/<student>/<assignment>.ipynb."""
    students: int
    """How many students."""
    notebooks: int
    """How many notebooks were written (absent ones are not)."""
    entries: tuple[Entry, ...]
    """What each notebook is."""


def student_ids(n: int) -> list[str]:
    """n distinct, readable student ids."""
    return [
        NAMES[i % len(NAMES)] + (str(i // len(NAMES)) if i >= len(NAMES) else "") for i in range(n)
    ]


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """The source with each edit made; an edit that matches nothing is a bug in the table."""
    for old, new in edits:
        if old not in source:
            raise ValueError(f"edit {old!r} does not apply")
        source = source.replace(old, new)
    return source


def _with_sources(assignment: str, sources: dict[str, str]) -> nbformat.NotebookNode:
    """The solved notebook with some graded cells replaced."""
    nb = solved_notebook(assignment)
    for cell in nb.cells:
        if GRADED_TAG in cell.metadata.get("tags", []):
            name = defined_name(cell.source)
            if name in sources:
                cell.source = sources[name]
    return nb


def _mutated(assignment: str, picks: Sequence[Sample]) -> nbformat.NotebookNode:
    sources: dict[str, str] = {}
    for function, _, edits in picks:
        base = sources.get(function) or reference_source(assignment, function)
        sources[function] = apply_edits(base, edits)
    return _with_sources(assignment, sources)


def _schedule(n: int, rng: random.Random) -> list[str]:
    """n kinds in MIX's proportions (largest remainder), shuffled."""
    total = sum(MIX.values())
    exact = {k: n * w / total for k, w in MIX.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
        : n - sum(counts.values())
    ]:
        counts[k] += 1
    kinds = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(kinds)
    return kinds


def _write_broken(path: Path, assignment: str, how: str) -> None:
    good = nbformat.writes(solved_notebook(assignment))
    if how == "truncated":
        path.write_text(good[: len(good) * 3 // 5], encoding="utf-8")
    elif how == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "unknown-assignment":
        nb = solved_notebook(assignment)
        nb.metadata["grader"] = {"assignment": "homework9"}
        path.write_text(nbformat.writes(nb), encoding="utf-8")
    elif how == "nbformat-3":
        path.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}))
    else:  # syntax-error: the first graded cell does not parse; the rest still grade
        nb = solved_notebook(assignment)
        cell = next(c for c in nb.cells if GRADED_TAG in c.metadata.get("tags", []))
        cell.source = cell.source.replace("):", ")", 1)
        path.write_text(nbformat.writes(nb), encoding="utf-8")


def _ran_by(nb: nbformat.NotebookNode, rng: random.Random) -> None:
    """Each student's notebook as Jupyter saves it after their own session: execution counts
    of their own (so two students' files are never byte for byte the same by accident, as
    real ones are not; copy detection flags identical files)."""
    count = rng.randrange(1, 40)
    for cell in nb.cells:
        if cell.cell_type == "code":
            count += rng.randrange(1, 4)
            cell.execution_count = count


def clear_own_folder(folder: Path, marker: str, what: str) -> None:
    """Empty `folder` for a fresh demo if an earlier demo made it (it holds `marker`); refuse
    to touch a folder with anything else in it."""
    if not folder.exists():
        return
    if (folder / marker).is_file():
        shutil.rmtree(folder)
    elif any(folder.iterdir()):
        raise UsageError(f"{folder}: exists and is not {what}; choose another --out")


def make_class(
    root: Path, *, students: int, seed: int = 0, absent: bool = True, hang: bool = True
) -> SampleClass:
    """Write a class of `students` students into `root` (replacing what a previous demo left
    there) and return what each notebook is. `absent=False` makes every student hand in every
    notebook. A graded function that hangs costs its call's time limit, so at most one per class
    does; `hang=False` makes that one exit instead (the rest of the class is the same)."""
    clear_own_folder(root, "MANIFEST.json", "a sample class")
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ids = student_ids(students)
    mix = _schedule(students * len(ASSIGNMENTS), rng)
    if not absent:
        mix = ["correct" if k == "absent" else k for k in mix]
    entries: list[Entry] = []
    hostile_kinds = [*HOSTILE, "exits", "hangs"]
    n_hostile = n_broken = 0
    hung = not hang  # as if the class's one hang were already placed
    for i, kind in enumerate(mix):
        student, assignment = ids[i // len(ASSIGNMENTS)], ASSIGNMENTS[i % len(ASSIGNMENTS)]
        path = root / student / f"{assignment}.ipynb"
        if kind != "absent":
            path.parent.mkdir(parents=True, exist_ok=True)
        label = ""
        expect: tuple[str, ...] = ()
        nb: nbformat.NotebookNode | None = None
        if kind in _NEEDS and not _NEEDS[kind].get(assignment):  # no sample module of its own
            kind = "correct"
        if kind == "correct":
            nb = solved_notebook(assignment)
        elif kind == "style":
            function, source = rng.choice(sorted(STYLES[assignment].items()))
            nb, label = _with_sources(assignment, {function: source}), function
        elif kind in ("mistake", "two-mistakes"):
            options = MISTAKES[assignment]
            picks = [rng.choice(options)]
            if kind == "two-mistakes":
                others = [m for m in options if m[0] != picks[0][0]]
                picks.append(rng.choice(others))
            nb = _mutated(assignment, picks)
            label = " + ".join(p[1] for p in picks)
            expect = tuple(p[1] for p in picks)
        elif kind == "uncatalogued":
            pick = rng.choice(UNCATALOGUED[assignment])
            nb, label = _mutated(assignment, [pick]), pick[1]
        elif kind == "untouched":
            nb = build_notebook(assignment)
        elif kind == "broken":
            label = BROKEN[n_broken % len(BROKEN)]
            n_broken += 1
            _write_broken(path, assignment, label)
        elif kind == "hostile":
            label = hostile_kinds[n_hostile % len(hostile_kinds)]
            n_hostile += 1
            # One hang per class, in the initialization notebook, where it costs one call's
            # time limit (10 s by default) and not the whole notebook's.
            if label == "hangs" and (hung or students < 10 or assignment != "initialization"):
                label = "exits"
                n_hostile -= 1 if not hung and students >= 10 else 0
            hung = hung or label == "hangs"
            nb = _hostile(assignment, label)
        if nb is not None:
            _ran_by(nb, random.Random(f"{seed}/{student}/{assignment}"))
            nbformat.write(nb, path)
        entries.append(Entry(student, assignment, kind, label, expect))
    written = sum(1 for e in entries if e.kind != "absent")
    (root / "MANIFEST.json").write_text(
        json.dumps([asdict(e) for e in entries], indent=1), encoding="utf-8"
    )
    return SampleClass(root, students, written, tuple(entries))


def _hostile(assignment: str, label: str) -> nbformat.NotebookNode:
    """A notebook whose first cell (or first graded function) misbehaves."""
    if label in ("exits", "hangs"):
        function = MISTAKES[assignment][0][0]
        body = (
            "    import os\n    os._exit(0)\n"
            if label == "exits"
            # a loop that never ends for networks deeper than the notebook's own example
            else "    while len(layers_dims) > 3:\n        pass\n"
        )
        source = reference_source(assignment, function)
        head, rest = source.split("\n", 1)
        return _with_sources(assignment, {function: f"{head}\n{body}{rest}"})
    nb = (
        solved_notebook(assignment)
        if label != "patch-numpy"
        else _mutated(assignment, [MISTAKES[assignment][0]])
    )
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOSTILE[label]))
    return nb
