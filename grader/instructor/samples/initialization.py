"""The sample class's initialization notebooks: catalogued mistakes typed as a student would type
them, mistakes outside the catalogue, and correct answers in other styles."""

from __future__ import annotations

from grader.instructor.samples._edits import Sample, Style

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: list[Sample] = [
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
]

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: list[Sample] = [
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
]

# Correct answers written differently from the reference.
STYLES: Style = {
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
}
