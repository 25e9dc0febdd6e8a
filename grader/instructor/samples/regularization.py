"""The sample class's regularization notebooks: catalogued mistakes typed as a student would type
them, mistakes outside the catalogue, and correct answers in other styles."""

from __future__ import annotations

from grader.instructor.samples._edits import Sample, Style

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: list[Sample] = [
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
]

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: list[Sample] = [
    ("backward_propagation_with_regularization", "sign-flip", [("A3 - Y", "Y - A3")]),
    (
        "compute_cost_with_regularization",
        "penalty-subtracted",
        [("cost + lambd", "cost - lambd")],
    ),
]

# Correct answers written differently from the reference.
STYLES: Style = {
    "compute_cost_with_regularization": """def compute_cost_with_regularization(A3, Y, parameters, lambd):
    m = Y.shape[1]
    total = 0.0
    for name, W in parameters.items():
        if name.startswith("W"):
            total += np.sum(W * W)
    return compute_cost(A3, Y) + (lambd / (2 * m)) * total
""",
}
