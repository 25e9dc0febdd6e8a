"""Copy detection: submissions that share more than independent work would.

Two checks, both for the instructor's eyes only, and worded as something to look at, never as a
finding of misconduct (students may be allowed to work together; a shared source is not a copy):

- **identical files**: two students' notebooks with the same SHA-256, when the notebook holds
  any graded code of its own (an untouched handout or an empty file does not count);
- **near-identical graded code**: each graded function is parsed, its docstring dropped, its
  local names renamed in order of first use (v0, v1, ...), and printed back by `ast.unparse`, so
  comments, formatting and renaming make no difference. The printed code is cut into shingles
  of `K` tokens. A shingle counts only when it is *rare*: not in the reference solution or the
  handout, and in fewer than `COMMON` students' submissions of that assignment (or
  `COMMON_SHARE` of them in a large class; so the shapes
  that every correct answer shares, or that many students reach, never count). Two submissions
  are flagged when they share at least `MIN_SHARED` rare shingles in each of `MIN_FUNCTIONS`
  graded functions or more, and the shared ones cover at least `MIN_COVER` of the smaller
  one's rare code. (So one function copied alone is not flagged: that is the price of not
  flagging two students who wrote the same alternative style of one function.)

Independent correct solutions share only the reference's shapes or shapes many students share,
so they are not flagged; that is checked on the sample class's correct styles."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import math
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

K = 6
"""Tokens per shingle."""
COMMON = 4
"""A shingle found in this many students' submissions (or more) is common, not evidence..."""
COMMON_SHARE = 0.1
"""...and so is one found in this share of the assignment's submissions, in a large class."""
MIN_SHARED = 8
"""Rare shingles two submissions must share in a graded function for it to count as shared."""
MIN_FUNCTIONS = 2
"""Graded functions that must be shared to flag a pair: one shared function is what two
independent students reach when they write the same alternative style or make the same known
mistake; a copied notebook shares its distinctive code across functions."""
MIN_COVER = 0.6
"""...and the share of the smaller submission's rare shingles they must cover."""


@dataclass(frozen=True)
class Fingerprint:
    """What copy detection keeps of one submission."""

    student: str
    """Student id."""
    assignment: str
    """Assignment."""
    sha256: str
    """The file's hash."""
    functions: tuple[tuple[str, str, tuple[int, ...]], ...]
    """Per graded function the notebook defines: its name, its code as written, its shingles."""


@dataclass(frozen=True)
class Similar:
    """Two submissions of one assignment that share code the rest of the class does not."""

    assignment: str
    """The assignment."""
    students: tuple[str, str]
    """The two students."""
    identical: bool
    """The two files are byte for byte the same."""
    shared: int
    """Rare shingles in common."""
    cover: float
    """Their share of the smaller submission's rare shingles."""
    code: tuple[tuple[str, str, str], ...]
    """(function, the first student's code, the second's) where the shared code lies."""


class _Rename(ast.NodeTransformer):
    """Local names to v0, v1... in order of first use; globals, attributes and calls of
    module-level names (np, helpers) stay, so that the code's meaning is kept."""

    def __init__(self, local: set[str]) -> None:
        self.local = local
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.local:
            node.id = self._new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._new(node.arg)
        node.annotation = None
        return node


def _renamed(fn: ast.FunctionDef) -> ast.FunctionDef:
    """A copy-free rewrite of the function: no docstring, its own local names v0, v1..."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:] or [ast.Pass()]
    local = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
    clone = ast.FunctionDef(
        name="f",
        args=fn.args,
        body=body,
        decorator_list=[],
        returns=None,
        lineno=0,
        col_offset=0,
    )
    if sys.version_info >= (3, 12):
        clone.type_params = []
    renamed: ast.FunctionDef = _Rename(local).visit(clone)
    return renamed


def normalise(fn: ast.FunctionDef) -> str:
    """The function's code without docstring, comments, formatting or its own local names."""
    return ast.unparse(ast.fix_missing_locations(_renamed(fn)))


def _tokens(node: ast.AST, out: list[str]) -> None:
    """The tree in preorder as tokens: node kinds, names, attributes and constants (what
    `normalise` prints, without printing it: the same code gives the same tokens)."""
    out.append(type(node).__name__)
    if isinstance(node, ast.Name):
        out.append(node.id)
    elif isinstance(node, ast.Attribute):
        out.append(node.attr)
    elif isinstance(node, ast.arg):
        out.append(node.arg)
    elif isinstance(node, ast.Constant):
        out.append(repr(node.value)[:40])
    elif isinstance(node, ast.keyword):
        out.append(node.arg or "**")
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop)):
            _tokens(child, out)
        else:
            out.append(type(child).__name__)


def shingles_of(fn: ast.FunctionDef) -> tuple[int, ...]:
    """Hashes of every run of K tokens of the normalised function. (Python's own hash: the
    shingles are compared within one run only, never stored.)"""
    tokens: list[str] = []
    _tokens(_renamed(fn), tokens)
    return tuple(hash(tuple(tokens[i : i + K])) for i in range(max(0, len(tokens) - K + 1)))


def _functions(
    sources: Iterable[str], wanted: frozenset[str]
) -> dict[str, tuple[ast.FunctionDef, str]]:
    """The wanted functions the sources define at their top level, with their own text (the
    last definition wins, as when the cells run)."""
    return {name: (fn, text) for source in sources for name, fn, text in _defined(source, wanted)}


def _defined(source: str, wanted: frozenset[str]) -> list[tuple[str, ast.FunctionDef, str]]:
    """The wanted functions one cell defines at its top level, in order, with their own text. A
    cell longer than MAX_PARSED_CHARS is not read: this runs in the batch's own process, before
    any grading, on the student's text (a 6 MB cell cost ast.parse 3.3 GB), and similarity is a
    hint for the instructor, not a grade."""
    if len(source) > MAX_PARSED_CHARS:
        return []
    if not any(f"def {name}" in source for name in wanted):
        return []  # parsing is most of the cost, and most cells define no graded function
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = source.splitlines(True)
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in wanted:
            # Its lines, cut by hand: ast.get_source_segment splits lines a character at a
            # time, quadratic in a line's length (a 1.5 MB comment line cost 50 s).
            end = node.end_lineno or node.lineno
            found.append((node.name, node, "".join(lines[node.lineno - 1 : end])))
    return found


MAX_PARSED_CHARS = 100_000
"""The longest cell read for similarity (the course's cells are a few hundred characters)."""


def _code_cells(raw: bytes) -> list[str]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    out = []
    for cell in cells if isinstance(cells, list) else ():
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(s for s in source if isinstance(s, str))
            if isinstance(source, str):
                out.append(source)
    return out


@functools.cache
def _graded(assignment: str) -> frozenset[str]:
    from grader.oracle import available, load_spec

    if assignment not in available():
        return frozenset()
    return frozenset(f.name for f in load_spec(assignment).functions)


def fingerprint(student: str, assignment: str, sha256: str, raw: bytes) -> Fingerprint:
    """The graded code of one submission, normalised and shingled."""
    wanted = _graded(assignment)
    last: dict[str, tuple[str, tuple[int, ...] | None]] = {}
    if wanted:
        for cell in _code_cells(raw):
            for name, text, shingles in _cell_prints(cell, wanted):
                last[name] = (text, shingles)  # the last definition wins, as when cells run
    functions = tuple(
        (name, text, shingles)
        for name, (text, shingles) in sorted(last.items())
        if shingles is not None
    )
    return Fingerprint(student, assignment, sha256, functions)


_CellPrints = tuple[tuple[str, str, tuple[int, ...] | None], ...]
_V = TypeVar("_V")


class _Remembered(Generic[_V]):
    """Values by the text they were taken from, up to MAX_REMEMBERED_CHARS of texts in all (so
    a batch of huge hostile cells cannot make the planner's memory grow), then forgotten."""

    def __init__(self) -> None:
        self._values: dict[str, _V] = {}
        self._chars = 0

    def get(self, text: str) -> _V | None:
        return self._values.get(text)

    def put(self, text: str, value: _V) -> _V:
        if self._chars + len(text) > MAX_REMEMBERED_CHARS:
            self._values.clear()
            self._chars = 0
        self._values[text] = value
        self._chars += len(text)
        return value


MAX_REMEMBERED_CHARS = 4_000_000
_CELLS: dict[frozenset[str], _Remembered[_CellPrints]] = {}
_SHINGLES: _Remembered[tuple[int, ...]] = _Remembered()


def _cell_prints(source: str, wanted: frozenset[str]) -> _CellPrints:
    """`_defined`, each function with its text and its shingles (None where they cannot be
    taken), remembered by the cell's text: parsing is most of a batch's planning, and a
    handout's untouched cells and answers copied whole are parsed once a batch."""
    cells = _CELLS.setdefault(wanted, _Remembered())
    known = cells.get(source)
    if known is None:
        found = []
        for name, fn, text in _defined(source, wanted):
            try:
                shingles: tuple[int, ...] | None = _shingles_by_text(fn, text)
            except (ValueError, RecursionError, TypeError):
                shingles = None
            found.append((name, text, shingles))
        known = cells.put(source, tuple(found))
    return known


def _shingles_by_text(fn: ast.FunctionDef, source: str) -> tuple[int, ...]:
    """`shingles_of`, remembered by the function's own text (the same text parses to the same
    tree): one function copied into different cells is shingled once a batch."""
    if not source:
        return shingles_of(fn)
    known = _SHINGLES.get(source)
    return _SHINGLES.put(source, shingles_of(fn)) if known is None else known


@functools.cache
def expected(assignment: str) -> frozenset[int]:
    """The shingles of the reference solution and of the handout, which never count."""
    wanted = _graded(assignment)
    found: set[int] = set()
    sources: list[list[str]] = []
    try:  # the reference's own functions (absent from a student bundle)
        from grader.oracle import load_spec, reference_function

        spec = load_spec(assignment)
        sources.append([inspect.getsource(reference_function(spec, n)) for n in sorted(wanted)])
    except (ImportError, OSError, TypeError, AttributeError):
        pass
    try:  # the handout
        from coursekit.notebooks import build_notebook

        sources.append(
            [c.source for c in build_notebook(assignment).cells if c.cell_type == "code"]
        )
    except (ImportError, KeyError, ValueError):
        pass
    for group in sources:
        for fn, _ in _functions(group, wanted).values():
            found.update(shingles_of(fn))
    return frozenset(found)


def find_similar(
    prints: Sequence[Fingerprint], known_mistakes: Collection[tuple[str, str, str]] = ()
) -> list[Similar]:
    """The pairs to look at, most similar first (see the module's docstring). A graded
    function in `known_mistakes` (student, assignment, function: its outputs match a catalogued
    mistake) is left out: students make known mistakes independently, in the same words."""
    by_assignment: dict[str, list[Fingerprint]] = defaultdict(list)
    for p in prints:
        kept = tuple(
            f for f in p.functions if (p.student, p.assignment, f[0]) not in known_mistakes
        )
        if p.functions:
            by_assignment[p.assignment].append(replace(p, functions=kept))
    pairs: list[Similar] = []
    for assignment, group in sorted(by_assignment.items()):
        skip = expected(assignment)
        students: dict[int, set[str]] = defaultdict(set)
        for p in group:
            for _, _, sh in p.functions:
                for s in sh:
                    students[s].add(p.student)
        limit = max(COMMON, math.ceil(COMMON_SHARE * len(group)))
        common = skip | {s for s, who in students.items() if len(who) >= limit}
        rare = {p.student: {s for _, _, sh in p.functions for s in sh} - common for p in group}
        own = {p.student: any(s not in skip for _, _, sh in p.functions for s in sh) for p in group}
        by_student = {p.student: p for p in group}
        candidates: set[tuple[str, str]] = set()
        for s, who in students.items():  # only pairs with something rare in common
            if s not in common and len(who) >= 2:
                names = sorted(who)
                candidates.update((x, y) for i, x in enumerate(names) for y in names[i + 1 :])
        by_sha: dict[str, list[str]] = defaultdict(list)
        for p in group:
            by_sha[p.sha256].append(p.student)
        for owners in by_sha.values():
            names = sorted(set(owners))
            candidates.update((x, y) for i, x in enumerate(names) for y in names[i + 1 :])
        for x, y in sorted(candidates):
            a, b = by_student[x], by_student[y]
            identical = a.sha256 == b.sha256 and own[x]
            shared = rare[x] & rare[y]
            smaller = min(len(rare[x]), len(rare[y]))
            cover = len(shared) / smaller if smaller else 0.0
            per_function = [
                (name, text)
                for name, text, sh in a.functions
                if len(set(sh) & shared) >= MIN_SHARED
            ]
            if identical or (len(per_function) >= MIN_FUNCTIONS and cover >= MIN_COVER):
                theirs = {name: text for name, text, _ in b.functions}
                code = tuple(
                    (name, text, theirs.get(name, ""))
                    for name, text, sh in a.functions
                    if set(sh) & shared or identical
                )
                pairs.append(
                    Similar(assignment, (x, y), identical, len(shared), round(cover, 3), code)
                )
    return sorted(pairs, key=lambda p: (not p.identical, -p.cover, -p.shared, p.students))
