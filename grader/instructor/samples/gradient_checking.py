"""The sample class's gradient_checking notebooks: catalogued mistakes typed as a student would type
them, mistakes outside the catalogue, and correct answers in other styles."""

from __future__ import annotations

from grader.instructor.samples._edits import Sample, Style

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: list[Sample] = [
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
]

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: list[Sample] = [
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
]

# Correct answers written differently from the reference.
STYLES: Style = {
    "gradient_check": """def gradient_check(x, theta, epsilon=1e-7):
    gradapprox = (forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    return abs(grad - gradapprox) / (abs(grad) + abs(gradapprox))
""",
}
