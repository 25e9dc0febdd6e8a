"""Whole submissions through the real sandbox: correct styles score full marks, catalogued
mistakes written as a student would are named, and notebook structure does not matter."""

from __future__ import annotations

import pytest

from coursekit.notebooks import ASSIGNMENTS
from grader.execute import Sandbox
from grader.model import Limits
from grader.pipeline import ALL, PUBLIC, grade_notebook
from reference.solved import solved_notebook
from tests.notebooks import notebook_with, write


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(Limits(timeout_s=20, call_timeout_s=3)) as sb:
        yield sb


def grade(sandbox, tmp_path, nb, assignment, visibility=ALL, student="ada"):
    return grade_notebook(
        write(nb, tmp_path, student, assignment), sandbox=sandbox, visibility=visibility
    )


def fn(result, name):
    return next(f for f in result.functions if f.name == name)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solutions_score_full_marks(sandbox, tmp_path, assignment):
    result = grade(sandbox, tmp_path, solved_notebook(assignment), assignment)
    assert result.status == "graded", result.error
    assert result.score == result.max_score > 0
    assert all(not f.diagnoses for f in result.functions)
    assert all(not f.changed_inputs for f in result.functions)  # the reference edits nothing
    assert result.sandbox["isolated"] is True and "limits" in result.sandbox


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_student_notebooks_score_zero(sandbox, tmp_path, assignment):
    from coursekit.notebooks import build_notebook

    result = grade(sandbox, tmp_path, build_notebook(assignment), assignment)
    assert result.status == "graded"
    assert result.score == 0
    for f in result.functions:
        assert "NotImplementedError" in f.tests[0].message


STYLES = {
    "initialization": {
        "initialize_parameters_he": """
            def initialize_parameters_he(layers_dims):
                # np.random.normal(0, s, shape) for randn(...) * s, a dict built in a loop
                params = {}
                L = len(layers_dims) - 1
                for l in range(1, L + 1):
                    std = (2.0 / layers_dims[l - 1]) ** 0.5
                    params['W%d' % l] = np.random.normal(0, std, (layers_dims[l], layers_dims[l - 1]))
                    params['b%d' % l] = np.zeros(shape=(layers_dims[l], 1))
                return params
        """,
        "initialize_parameters_xavier": """
            def initialize_parameters_xavier(layers_dims):
                return {k: v for l in range(1, len(layers_dims)) for k, v in (
                    (f"W{l}", np.random.randn(layers_dims[l], layers_dims[l-1]) / np.sqrt(layers_dims[l-1])),
                    (f"b{l}", np.zeros((layers_dims[l], 1))))}
        """,
        "activation_scales": """
            def activation_scales(parameters, X, activation="relu"):
                out = []
                A = X
                l = 1
                while f"W{l}" in parameters:
                    Z = parameters[f"W{l}"].dot(A) + parameters[f"b{l}"]
                    A = {"relu": lambda z: z * (z > 0), "tanh": np.tanh, "linear": lambda z: z}[activation](Z)
                    out.append(A.std())
                    l += 1
                return np.array(out)
        """,
    },
    "dropout": {
        "forward_propagation_with_dropout": """
            def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
                # random_sample for rand, 0/1 masks, a helper defined in another cell
                W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
                Z1 = W1 @ X + b1
                A1 = relu(Z1)
                D1 = (np.random.random_sample(A1.shape) < keep_prob).astype(int)
                A1 = my_drop(A1, D1, keep_prob)
                Z2 = W2 @ A1 + b2
                A2 = relu(Z2)
                D2 = (np.random.random_sample(A2.shape) < keep_prob).astype(int)
                A2 = my_drop(A2, D2, keep_prob)
                Z3 = W3 @ A2 + b3
                A3 = 1 / (1 + np.exp(-Z3))
                return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
        """,
    },
    "gradient_checking": {
        "gradient_check": """
            def gradient_check(x, theta, epsilon=1e-7):
                approx = (forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)) / (2 * epsilon)
                grad = backward_propagation(x, theta)
                return abs(grad - approx) / (abs(grad) + abs(approx))
        """,
    },
}
HELPERS = {"dropout": ["def my_drop(A, D, keep_prob):\n    return np.multiply(A, D) / keep_prob"]}


@pytest.mark.parametrize("assignment", sorted(STYLES))
def test_other_correct_styles_score_full_marks(sandbox, tmp_path, assignment):
    nb = notebook_with(assignment, replace=STYLES[assignment], append=HELPERS.get(assignment))
    result = grade(sandbox, tmp_path, nb, assignment)
    for f in result.functions:
        assert f.score == f.max_score, (f.name, [t.message for t in f.tests if not t.passed])
        assert not f.diagnoses


def test_moved_untagged_redefined_and_failing_cells_grade_by_name(sandbox, tmp_path):
    nb = notebook_with(
        "regularization",
        untag=True,
        prepend=["raise RuntimeError('a broken cell before everything')"],
        append=[
            # A wrong definition, then the right one: the namespace at the end counts.
            "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n    return 0.0",
            "from reference_copy import nothing  # fails, and the next cell still runs",
            "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n"
            "    m = Y.shape[1]\n"
            "    w = sum(np.sum(v ** 2) for k, v in parameters.items() if k.startswith('W'))\n"
            "    return compute_cost(A3, Y) + lambd * w / (2 * m)",
        ],
    )
    result = grade(sandbox, tmp_path, nb, "regularization")
    assert result.score == result.max_score
    assert sum(not c.ok for c in result.cells) >= 2


def test_student_mistakes_are_named(sandbox, tmp_path):
    nb = notebook_with(
        "dropout",
        replace={
            "forward_propagation_with_dropout": """
        def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
            Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
            A1 = relu(Z1)
            D1 = np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob
            A1 = A1 * D1                      # forgot to divide by keep_prob
            Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
            A2 = relu(Z2)
            D2 = np.random.rand(A2.shape[0], A2.shape[1]) < keep_prob
            A2 = A2 * D2
            Z3 = np.dot(parameters["W3"], A2) + parameters["b3"]
            A3 = sigmoid(Z3)
            return A3, (Z1, D1, A1, parameters["W1"], parameters["b1"], Z2, D2, A2,
                        parameters["W2"], parameters["b2"], Z3, A3, parameters["W3"], parameters["b3"])
    """
        },
    )
    result = grade(sandbox, tmp_path, nb, "dropout")
    f = fn(result, "forward_propagation_with_dropout")
    assert f.diagnoses == ("dropout-no-scale",)
    assert f.score < f.max_score
    assert fn(result, "backward_propagation_with_dropout").score == 10
    # The report's picture of the first public failure: A3 side by side, and what kind it is.
    t = f.tests[0]
    assert (t.visibility, t.passed, t.kind) == ("public", False, "value")
    view = t.detail["view"]
    assert view["path"] == "A3" and view["expected"]["shape"] == [1, 5]
    assert t.message.startswith("A3 differs in 5 of 5 entries")
    assert any(any(row) for row in view["differs"])
    assert {t.kind for t in f.tests if not t.passed} <= {"value", "property"}
    public = grade(sandbox, tmp_path, nb, "dropout", visibility=PUBLIC)
    assert fn(public, "forward_propagation_with_dropout").diagnoses == ("dropout-no-scale",)
    assert all(t.visibility == "public" for f in public.functions for t in f.tests)


def test_hidden_tests_reveal_no_inputs_or_expected_values(sandbox, tmp_path):
    from coursekit.notebooks import build_notebook

    result = grade(sandbox, tmp_path, build_notebook("initialization"), "initialization")
    for f in result.functions:
        for t in f.tests:
            if t.visibility == "hidden":
                assert not t.detail
            else:
                assert t.detail["inputs"] and t.detail["expected"]


def test_a_public_test_that_raises_keeps_the_students_traceback(sandbox, tmp_path):
    nb = notebook_with(
        "gradient_checking",
        {
            "forward_propagation": """
def forward_propagation(x, theta):
    scale = 1 / (x - x)
    return theta * x * scale
"""
        },
    )
    result = grade(sandbox, tmp_path, nb, "gradient_checking")
    t = fn(result, "forward_propagation").tests[0]
    assert t.kind == "exception" and "ZeroDivisionError" in t.message
    (frame,) = t.detail["traceback"]
    assert frame["function"] == "forward_propagation" and frame["line"] == 2
    assert "1 / (x - x)" in frame["text"]
    hidden = [t for t in fn(result, "forward_propagation").tests if t.visibility == "hidden"]
    assert hidden and all(t.kind == "exception" and not t.detail for t in hidden)


def test_cells_are_named_as_jupyter_numbers_code_cells(sandbox, tmp_path):
    nb = notebook_with("dropout", append=["raise ValueError('mine')"])
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) < len(nb.cells)  # markdown cells come before it: positions would differ
    r = grade(sandbox, tmp_path, nb, "dropout")
    (failed,) = [c for c in r.cells if not c.ok]
    assert failed.number == failed.shown == len(code)
    assert failed.index == len(nb.cells) - 1 != failed.number - 1
    (frame,) = failed.error["traceback"]
    assert frame["number"] == len(code)
    from grader.render import render_submission

    assert f"✗ Cell [{len(code)}]: ValueError" in render_submission(r)


def test_an_untouched_notebook_is_not_attempted(sandbox, tmp_path):
    from coursekit.notebooks import build_notebook

    r = grade(sandbox, tmp_path, build_notebook("dropout"), "dropout")
    assert r.status == "graded" and r.score == 0 and not r.attempted
    assert not any(f.attempted for f in r.functions)


STATS_IN_PLACE = """
def normalization_stats(X):
    mu = np.mean(X, axis=1, keepdims=True)
    X -= mu
    sigma2 = np.mean(X ** 2, axis=1, keepdims=True)
    return mu, sigma2
"""


def test_a_function_that_changes_its_argument_in_place_is_told_so_where_it_did(sandbox, tmp_path):
    """normalization_stats right in its values but centring X in place: its own tests pass, the
    student's (right) normalize_splits, which calls it, fails; the note on normalization_stats
    names X (and the one on normalize_splits X_train, changed through it), so the student is sent
    to the function that did it. No note on the others, and none on a notebook that changes
    nothing (the solved one)."""
    from grader.render import render_submission

    nb = notebook_with("setup", replace={"normalization_stats": STATS_IN_PLACE})
    result = grade(sandbox, tmp_path, nb, "setup")
    stats = fn(result, "normalization_stats")
    assert stats.score == stats.max_score and stats.changed_inputs == ("X",)
    assert fn(result, "normalize_splits").score < fn(result, "normalize_splits").max_score
    # normalize_splits changed X_train too, through the call: true, and said there as well
    changed = {f.name: f.changed_inputs for f in result.functions if f.changed_inputs}
    assert changed == {"normalization_stats": ("X",), "normalize_splits": ("X_train",)}
    page = render_submission(result)
    assert "changed its argument <code>X</code> in place" in page
    clean = grade(sandbox, tmp_path / "clean", solved_notebook("setup"), "setup", student="bo")
    assert all(not f.changed_inputs for f in clean.functions)
