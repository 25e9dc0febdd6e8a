"""The sample class's dropout notebooks: catalogued mistakes typed as a student would type
them, mistakes outside the catalogue, and correct answers in other styles."""

from __future__ import annotations

from grader.instructor.samples._edits import Sample, Style

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: list[Sample] = [
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
]

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: list[Sample] = [
    ("forward_propagation_with_dropout", "relu-output", [("sigmoid(Z3)", "relu(Z3)")]),
    (
        "backward_propagation_with_dropout",
        "relu-derivative-at-zero",
        [("(A2 > 0)", "(A2 >= 0)")],
    ),
]

# Correct answers written differently from the reference.
STYLES: Style = {
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
}
