"""A realistic sample class for `grader demo` and the benchmarks.

Each student hands in the four notebooks, each made from the course's own student notebook:
right answers (the reference, and other correct styles), catalogued mistakes typed the way a
student would type them, mistakes outside the catalogue, untouched notebooks, broken files and a
few hostile ones. Proportions are fixed per class and shuffled by the seed, so a class of any
size has the same mix. `MANIFEST.json` beside the notebooks says what each one is meant to be.

Needs the reference solutions, so it exists only where the instructor's grader is installed."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from coursekit.notebooks import ASSIGNMENTS, GRADED_TAG, build_notebook, defined_name
from grader.errors import UsageError
from reference.solved import reference_source, solved_notebook

Edit = tuple[str, str]  # (old text, new text), every occurrence replaced

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: dict[str, list[tuple[str, str, list[Edit]]]] = {
    "initialization": [
        ("initialize_parameters_he", "init-xavier-scale", [("np.sqrt(2 /", "np.sqrt(1 /")]),
        (
            "initialize_parameters_he",
            "init-current-layer-scale",
            [("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(2 / layers_dims[l])")],
        ),
        (
            "initialize_parameters_he",
            "init-variance-not-std",
            [("np.sqrt(2 / layers_dims[l - 1])", "2 / layers_dims[l - 1]")],
        ),
        (
            "initialize_parameters_he",
            "rng-reseed",
            [("    parameters = {}\n", "    np.random.seed(3)\n    parameters = {}\n")],
        ),
        ("initialize_parameters_xavier", "init-he-scale", [("np.sqrt(1 /", "np.sqrt(2 /")]),
        (
            "initialize_parameters_xavier",
            "rng-other-generator",
            [
                (
                    "np.random.randn(layers_dims[l], layers_dims[l - 1])",
                    "rng.standard_normal((layers_dims[l], layers_dims[l - 1]))",
                ),
                (
                    "    parameters = {}\n",
                    "    rng = np.random.default_rng()\n    parameters = {}\n",
                ),
            ],
        ),
        ("initialize_parameters_random", "init-uniform", [("np.random.randn(", "np.random.rand(")]),
        ("initialize_parameters_random", "init-no-scale", [(" * 10\n", "\n")]),
        (
            "initialize_parameters_random",
            "init-random-bias",
            [("np.zeros((layers_dims[l], 1))", "np.random.randn(layers_dims[l], 1)")],
        ),
        (
            "initialize_parameters_zeros",
            "init-transposed",
            [("(layers_dims[l], layers_dims[l - 1])", "(layers_dims[l - 1], layers_dims[l])")],
        ),
        (
            "initialize_parameters_zeros",
            "init-bias-shape",
            [("np.zeros((layers_dims[l], 1))", "np.zeros(layers_dims[l])")],
        ),
        (
            "initialize_parameters_zeros",
            "init-missing-layer",
            [("range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)")],
        ),
        ("activation_scales", "scales-of-z", [("np.std(A)", "np.std(Z)")]),
        ("activation_scales", "scales-variance", [("np.std(A)", "np.var(A)")]),
        ("activation_scales", "scales-mean", [("np.std(A)", "np.mean(A)")]),
    ],
    "regularization": [
        (
            "compute_cost_with_regularization",
            "l2-cost-lambda-over-m",
            [("lambd / (2 * m)", "lambd / m")],
        ),
        ("compute_cost_with_regularization", "l2-cost-no-m", [("lambd / (2 * m)", "lambd / 2")]),
        (
            "compute_cost_with_regularization",
            "l2-cost-no-penalty",
            [(" + lambd / (2 * m) * squares", "")],
        ),
        (
            "compute_cost_with_regularization",
            "l2-cost-includes-bias",
            [(' if k[:1] == "W" and k[1:].isdigit()', "")],
        ),
        (
            "compute_cost_with_regularization",
            "l2-cost-not-squared",
            [("np.sum(np.square(v))", "np.linalg.norm(v)")],
        ),
        (
            "backward_propagation_with_regularization",
            "l2-grad-no-penalty",
            [(" + lambd / m * W3", ""), (" + lambd / m * W2", ""), (" + lambd / m * W1", "")],
        ),
        (
            "backward_propagation_with_regularization",
            "l2-grad-half",
            [("lambd / m * W", "lambd / (2 * m) * W")],
        ),
        (
            "backward_propagation_with_regularization",
            "l2-grad-no-m",
            [("lambd / m * W", "lambd * W")],
        ),
        (
            "backward_propagation_with_regularization",
            "l2-grad-double",
            [("lambd / m * W", "2 * lambd / m * W")],
        ),
    ],
    "dropout": [
        (
            "forward_propagation_with_dropout",
            "dropout-no-scale",
            [("A1 * D1 / keep_prob", "A1 * D1"), ("A2 * D2 / keep_prob", "A2 * D2")],
        ),
        (
            "forward_propagation_with_dropout",
            "dropout-multiply-keep-prob",
            [("/ keep_prob", "* keep_prob")],
        ),
        (
            "forward_propagation_with_dropout",
            "dropout-inverted-mask",
            [(") < keep_prob", ") > keep_prob")],
        ),
        (
            "forward_propagation_with_dropout",
            "dropout-normal-mask",
            [("np.random.rand(", "np.random.randn(")],
        ),
        (
            "backward_propagation_with_dropout",
            "dropout-grad-no-scale",
            [("dA2 * D2 / keep_prob", "dA2 * D2"), ("dA1 * D1 / keep_prob", "dA1 * D1")],
        ),
        (
            "backward_propagation_with_dropout",
            "dropout-grad-no-mask",
            [
                ("dA2 * D2 / keep_prob", "dA2 / keep_prob"),
                ("dA1 * D1 / keep_prob", "dA1 / keep_prob"),
            ],
        ),
        (
            "backward_propagation_with_dropout",
            "dropout-grad-multiply-keep-prob",
            [("/ keep_prob", "* keep_prob")],
        ),
    ],
    "gradient_checking": [
        (
            "gradient_check",
            "gc-one-sided",
            [
                ("forward_propagation(x, theta - epsilon)", "forward_propagation(x, theta)"),
                ("/ (2 * epsilon)", "/ epsilon"),
            ],
        ),
        ("gradient_check", "gc-divide-by-eps", [("/ (2 * epsilon)", "/ epsilon")]),
        (
            "gradient_check",
            "gc-denominator-grad-only",
            [("np.linalg.norm(grad) + np.linalg.norm(gradapprox)", "np.linalg.norm(grad)")],
        ),
        (
            "gradient_check",
            "gc-denominator-sum",
            [
                (
                    "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
                    "np.linalg.norm(grad + gradapprox)",
                )
            ],
        ),
        ("gradient_check", "gc-no-norm", [("float(numerator / denominator)", "float(numerator)")]),
        (
            "gradient_check",
            "gc-inlines-forward",
            [
                ("forward_propagation(x, theta + epsilon)", "(theta + epsilon) * x"),
                ("forward_propagation(x, theta - epsilon)", "(theta - epsilon) * x"),
            ],
        ),
        (
            "gradient_check",
            "gc-perturbs-x",
            [
                (
                    "forward_propagation(x, theta + epsilon)",
                    "forward_propagation(x + epsilon, theta)",
                ),
                (
                    "forward_propagation(x, theta - epsilon)",
                    "forward_propagation(x - epsilon, theta)",
                ),
            ],
        ),
        ("gradient_check_n", "gc-divide-by-eps", [("/ (2 * epsilon)", "/ epsilon")]),
        (
            "gradient_check_n",
            "gc-denominator-sum",
            [
                (
                    "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
                    "np.linalg.norm(grad + gradapprox)",
                )
            ],
        ),
        (
            "gradient_check_n",
            "gc-no-reset",
            [
                ("        theta_plus = np.copy(parameters_values)\n", ""),
                ("        theta_minus = np.copy(parameters_values)\n", ""),
                (
                    "    for i in range(num_parameters):\n",
                    "    theta_plus = np.copy(parameters_values)\n"
                    "    theta_minus = np.copy(parameters_values)\n"
                    "    for i in range(num_parameters):\n",
                ),
            ],
        ),
        (
            "gradient_check_n",
            "gc-wrong-norm",
            [("np.linalg.norm(", "np.linalg.norm(ord=1, x=")],
        ),
    ],
}

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: dict[str, list[tuple[str, str, list[Edit]]]] = {
    "initialization": [
        (
            "initialize_parameters_he",
            "glorot-denominator",
            [
                (
                    "np.sqrt(2 / layers_dims[l - 1])",
                    "np.sqrt(2 / (layers_dims[l - 1] + layers_dims[l]))",
                )
            ],
        ),
        ("activation_scales", "leaky-relu", [("np.maximum(0, Z)", "np.maximum(0.01 * Z, Z)")]),
    ],
    "regularization": [
        ("backward_propagation_with_regularization", "sign-flip", [("A3 - Y", "Y - A3")]),
        (
            "compute_cost_with_regularization",
            "penalty-subtracted",
            [("cost + lambd", "cost - lambd")],
        ),
    ],
    "dropout": [
        ("forward_propagation_with_dropout", "relu-output", [("sigmoid(Z3)", "relu(Z3)")]),
        (
            "backward_propagation_with_dropout",
            "relu-derivative-at-zero",
            [("(A2 > 0)", "(A2 >= 0)")],
        ),
    ],
    "gradient_checking": [
        (
            "gradient_check",
            "sum-not-difference",
            [("norm(grad - gradapprox)", "norm(grad + gradapprox)")],
        ),
        (
            "gradient_check_n",
            "squared-numerator",
            [("numerator / denominator", "numerator**2 / denominator")],
        ),
    ],
}

# Correct answers written differently from the reference.
STYLES: dict[str, dict[str, str]] = {
    "initialization": {
        "initialize_parameters_he": """def initialize_parameters_he(layers_dims):
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        fan_in = layers_dims[l - 1]
        parameters[f"W{l}"] = np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(layers_dims[l], fan_in))
        parameters[f"b{l}"] = np.zeros(shape=(layers_dims[l], 1))
    return parameters
""",
        "activation_scales": """def activation_scales(parameters, X, activation="relu"):
    g = {"relu": lambda z: z * (z > 0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    n_layers = sum(1 for k in parameters if k.startswith("W"))
    A, out = X, []
    for l in range(1, n_layers + 1):
        A = g(parameters["W%d" % l] @ A + parameters["b%d" % l])
        out.append(A.std())
    return np.array(out)
""",
    },
    "regularization": {
        "compute_cost_with_regularization": """def compute_cost_with_regularization(A3, Y, parameters, lambd):
    m = Y.shape[1]
    total = 0.0
    for name, W in parameters.items():
        if name.startswith("W"):
            total += np.sum(W * W)
    return compute_cost(A3, Y) + (lambd / (2 * m)) * total
""",
    },
    "dropout": {
        "forward_propagation_with_dropout": """def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    D1 = (np.random.rand(*A1.shape) < keep_prob).astype(int)
    A1 = np.multiply(A1, D1)
    A1 /= keep_prob
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    D2 = (np.random.rand(*A2.shape) < keep_prob).astype(int)
    A2 = np.multiply(A2, D2)
    A2 /= keep_prob
    Z3 = W3 @ A2 + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
""",
    },
    "gradient_checking": {
        "gradient_check": """def gradient_check(x, theta, epsilon=1e-7):
    gradapprox = (forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    return abs(grad - gradapprox) / (abs(grad) + abs(gradapprox))
""",
    },
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


def _mutated(
    assignment: str, picks: Sequence[tuple[str, str, list[Edit]]]
) -> nbformat.NotebookNode:
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
    there) and return what each notebook is. `absent=False` makes every student hand in all four.
    A graded function that hangs costs its call's time limit, so at most one per class does;
    `hang=False` makes that one exit instead (the rest of the class is the same)."""
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
        label, expect = "", ()
        nb: nbformat.NotebookNode | None = None
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
