"""Recognisers: every catalogue id is named on several spellings of its mistake (loops or
vectorised, other names, other orderings), never on a correct style, never on a trivial answer;
and constants, None, zero arrays and echoed inputs pass no test of any function."""

from __future__ import annotations

import numpy as np
import pytest

import coursekit.gradcheck
import coursekit.network
from grader.instructor.sampleclass import STYLES
from grader.model import CallOutcome
from grader.oracle import available, load, safe_call
from grader.score import grade_function
from reference.solved import reference_source

ASSIGNMENT_OF = {f.name: a for a in sorted(available()) for f in load(a)[0].functions}


def _namespace() -> dict:
    ns: dict = {"np": np, "numpy": np}
    for module in (coursekit.network, coursekit.gradcheck):
        ns.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return ns


def _outcomes(assignment: str, function: str, impl) -> dict[str, CallOutcome]:
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    out = {}
    for c in fspec.cases:
        value = safe_call(impl, c, oracle.inputs(fspec, c))
        if type(value).__name__ == "Raised":
            err = {
                "kind": "exception",
                "type": value.description.split(":")[0],
                "message": value.description,
            }
            out[c.id] = CallOutcome(c.id, False, error=err)
        else:
            out[c.id] = CallOutcome(c.id, True, value=value)
    return out


def grade_source(function: str, source: str):
    ns = _namespace()
    exec(compile(source, f"<{function}>", "exec"), ns)
    return grade_impl(function, ns[function])


def grade_impl(function: str, impl):
    assignment = ASSIGNMENT_OF[function]
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    return grade_function(
        spec, oracle, fspec, list(fspec.cases), _outcomes(assignment, function, impl)
    )


def edit(function: str, *pairs: tuple[str, str]) -> str:
    src = reference_source(ASSIGNMENT_OF[function], function)
    for old, new in pairs:
        assert old in src, (function, old)
        src = src.replace(old, new)
    return src


ZEROS, RANDOM = "initialize_parameters_zeros", "initialize_parameters_random"
HE, XAVIER, SCALES = "initialize_parameters_he", "initialize_parameters_xavier", "activation_scales"
COST, L2B = "compute_cost_with_regularization", "backward_propagation_with_regularization"
DF, DB = "forward_propagation_with_dropout", "backward_propagation_with_dropout"
GC, GCN = "gradient_check", "gradient_check_n"

HE_LOOP = """def initialize_parameters_he(layers_dims):
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        parameters['W' + str(l)] = np.random.randn(layers_dims[l], layers_dims[l-1]) * FACTOR
        parameters['b' + str(l)] = BIAS
    return parameters
"""


def he(factor: str = "np.sqrt(2. / layers_dims[l-1])", bias: str = "np.zeros((layers_dims[l], 1))"):
    return HE_LOOP.replace("FACTOR", factor).replace("BIAS", bias)


XAVIER_ZIP = """def initialize_parameters_xavier(layers_dims):
    params = {}
    for i, (n_in, n_out) in enumerate(zip(layers_dims[:-1], layers_dims[1:]), start=1):
        params["W%d" % i] = DRAW
        params["b%d" % i] = np.zeros((n_out, 1))
    return params
"""


def xavier(draw: str):
    return XAVIER_ZIP.replace("DRAW", draw)


GC_SRC = """def gradient_check(x, theta, epsilon=1e-7):
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = JPLUS
    J_minus = JMINUS
    gradapprox = APPROX
    grad = GRAD
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = DENOM
    difference = RESULT
    return difference
"""


def gc(**parts: str) -> str:
    defaults = {
        "JPLUS": "forward_propagation(x, thetaplus)",
        "JMINUS": "forward_propagation(x, thetaminus)",
        "APPROX": "(J_plus - J_minus) / (2 * epsilon)",
        "GRAD": "backward_propagation(x, theta)",
        "DENOM": "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
        "RESULT": "numerator / denominator",
    }
    src = GC_SRC
    for k, v in {**defaults, **parts}.items():
        src = src.replace(k, v)
    return src


GCN_SRC = """def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    parameters_values = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients, parameters)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    SETUP
    for i in range(num_parameters):
        LOOP
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus, parameters))
        MINUS
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus, parameters))
        gradapprox[i] = APPROX
    numerator = NUMER
    denominator = DENOM
    difference = RESULT
    return difference
"""


def gcn(**parts: str) -> str:
    defaults = {
        "SETUP": "pass",
        "LOOP": "thetaplus = np.copy(parameters_values)\n        thetaplus[i][0] = thetaplus[i][0] + epsilon",
        "MINUS": "thetaminus = np.copy(parameters_values)\n        thetaminus[i][0] = thetaminus[i][0] - epsilon",
        "APPROX": "(J_plus[i] - J_minus[i]) / (2 * epsilon)",
        "NUMER": "np.linalg.norm(grad - gradapprox)",
        "DENOM": "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
        "RESULT": "numerator / denominator",
    }
    src = GCN_SRC
    for k, v in {**defaults, **parts}.items():
        src = src.replace(k, v)
    return src


DF_SRC = """def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    W1 = parameters["W1"]; b1 = parameters["b1"]
    W2 = parameters["W2"]; b2 = parameters["b2"]
    W3 = parameters["W3"]; b3 = parameters["b3"]
    PRE
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    D1 = MASK1
    A1 = DROP1
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    D2 = MASK2
    A2 = DROP2
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    POST
    cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, cache
"""


def df(**parts: str) -> str:
    defaults = {
        "PRE": "pass",
        "MASK1": "np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob",
        "MASK2": "np.random.rand(A2.shape[0], A2.shape[1]) < keep_prob",
        "DROP1": "A1 * D1 / keep_prob",
        "DROP2": "A2 * D2 / keep_prob",
        "POST": "pass",
    }
    src = DF_SRC
    for k, v in {**defaults, **parts}.items():
        src = src.replace(k, v)
    return src


def drops(expr: str) -> dict[str, str]:
    return {
        "DROP1": expr.replace("A", "A1").replace("D", "D1"),
        "DROP2": expr.replace("A", "A2").replace("D", "D2"),
    }


def masks(expr: str) -> dict[str, str]:
    return {"MASK1": expr.replace("A", "A1"), "MASK2": expr.replace("A", "A2")}


L2_COURSERA = """def compute_cost_with_regularization(A3, Y, parameters, lambd):
    m = Y.shape[1]
    W1 = parameters["W1"]
    W2 = parameters["W2"]
    W3 = parameters["W3"]
    cross_entropy_cost = compute_cost(A3, Y)
    L2_regularization_cost = PENALTY
    cost = cross_entropy_cost + L2_regularization_cost
    return cost
"""
FIXED_SUM = "(np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))"

SPELLINGS: dict[str, list[tuple[str, str]]] = {
    "init-transposed": [
        (
            ZEROS,
            edit(
                ZEROS,
                ("(layers_dims[l], layers_dims[l - 1])", "(layers_dims[l - 1], layers_dims[l])"),
            ),
        ),
        (
            RANDOM,
            edit(
                RANDOM,
                (
                    "randn(layers_dims[l], layers_dims[l - 1])",
                    "randn(layers_dims[l - 1], layers_dims[l])",
                ),
            ),
        ),
        (
            HE,
            he().replace(
                "randn(layers_dims[l], layers_dims[l-1])", "randn(layers_dims[l-1], layers_dims[l])"
            ),
        ),
        (XAVIER, xavier("np.random.randn(n_in, n_out) / np.sqrt(n_in)")),
    ],
    "init-bias-shape": [
        (ZEROS, edit(ZEROS, ("np.zeros((layers_dims[l], 1))", "np.zeros(layers_dims[l])"))),
        (HE, he(bias="np.zeros((layers_dims[1], 1))")),
        (HE, he(bias="0")),
        (RANDOM, edit(RANDOM, ("np.zeros((layers_dims[l], 1))", "np.zeros((1, layers_dims[l]))"))),
    ],
    "init-random-bias": [
        (
            RANDOM,
            edit(RANDOM, ("np.zeros((layers_dims[l], 1))", "np.random.randn(layers_dims[l], 1)")),
        ),
        (HE, he(bias="np.random.randn(layers_dims[l], 1) * 0.01")),
        (
            ZEROS,
            edit(ZEROS, ("np.zeros((layers_dims[l], 1))", "np.random.rand(layers_dims[l], 1)")),
        ),
    ],
    "init-missing-layer": [
        (ZEROS, edit(ZEROS, ("range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)"))),
        (HE, he().replace("range(1, L + 1)", "range(1, L)")),
        (RANDOM, edit(RANDOM, ("range(1, len(layers_dims))", "range(len(layers_dims) - 1)"))),
    ],
    "init-uniform": [
        (RANDOM, edit(RANDOM, ("np.random.randn(", "np.random.rand("))),
        (HE, he().replace("np.random.randn(", "np.random.rand(")),
        (XAVIER, xavier("np.random.random((n_out, n_in)) * np.sqrt(1 / n_in)")),
    ],
    "init-no-scale": [
        (RANDOM, edit(RANDOM, (" * 10\n", "\n"))),
        (HE, he("1")),
        (XAVIER, xavier("np.random.normal(size=(n_out, n_in))")),
    ],
    "init-xavier-scale": [
        (HE, he("np.sqrt(1. / layers_dims[l-1])")),
        (HE, he("1 / np.sqrt(layers_dims[l-1])")),
        (HE, edit(HE, ("np.sqrt(2 / layers_dims[l - 1])", "(1 / layers_dims[l - 1]) ** 0.5"))),
    ],
    "init-he-scale": [
        (XAVIER, xavier("np.random.randn(n_out, n_in) * np.sqrt(2 / n_in)")),
        (XAVIER, xavier("np.random.randn(n_out, n_in) * np.sqrt(2) / np.sqrt(n_in)")),
        (
            XAVIER,
            edit(XAVIER, ("np.sqrt(1 / layers_dims[l - 1])", "np.sqrt(2.0 / layers_dims[l - 1])")),
        ),
    ],
    "init-current-layer-scale": [
        (HE, he("np.sqrt(2. / layers_dims[l])")),
        (XAVIER, xavier("np.random.randn(n_out, n_in) * np.sqrt(1 / n_out)")),
        (HE, edit(HE, ("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(2 / layers_dims[l])"))),
    ],
    "init-variance-not-std": [
        (HE, he("2. / layers_dims[l-1]")),
        (XAVIER, xavier("np.random.randn(n_out, n_in) * (1 / n_in)")),
        (HE, edit(HE, ("np.sqrt(2 / layers_dims[l - 1])", "(2 / layers_dims[l - 1])"))),
    ],
    "rng-reseed": [
        (HE, he().replace("    parameters = {}\n", "    np.random.seed(3)\n    parameters = {}\n")),
        (
            RANDOM,
            edit(RANDOM, ("    parameters = {}\n", "    parameters = {}\n    np.random.seed(0)\n")),
        ),
        (
            XAVIER,
            XAVIER_ZIP.replace("DRAW", "np.random.randn(n_out, n_in) / np.sqrt(n_in)").replace(
                "    params = {}\n", "    params = {}\n    np.random.seed(1)\n"
            ),
        ),
        (DF, df(PRE="np.random.seed(1)")),
    ],
    "rng-other-generator": [
        (XAVIER, xavier("np.random.default_rng().standard_normal((n_out, n_in)) / np.sqrt(n_in)")),
        (
            HE,
            he().replace(
                "np.random.randn(layers_dims[l], layers_dims[l-1])",
                "np.random.RandomState().randn(layers_dims[l], layers_dims[l-1])",
            ),
        ),
        (DF, df(**masks("np.random.RandomState().rand(*A.shape) < keep_prob"))),
        (DF, df(**masks("np.random.default_rng().random(A.shape) < keep_prob"))),
    ],
    "scales-of-z": [
        (SCALES, edit(SCALES, ("np.std(A)", "np.std(Z)"))),
        (
            SCALES,
            STYLES["initialization"][SCALES].replace(
                'A = g(parameters["W%d" % l] @ A + parameters["b%d" % l])\n        out.append(A.std())',
                'Z = parameters["W%d" % l] @ A + parameters["b%d" % l]\n        out.append(Z.std())\n        A = g(Z)',
            ),
        ),
        (
            SCALES,
            edit(
                SCALES,
                ("np.zeros(L)", "[0.0] * L"),
                ("scales[l - 1] = np.std(A)", "scales[l - 1] = Z.std()"),
                ("return scales", "return np.array(scales)"),
            ),
        ),
    ],
    "scales-includes-input": [
        (
            SCALES,
            edit(
                SCALES,
                ("np.zeros(L)", "np.zeros(L + 1)"),
                ("A = X\n", "A = X\n    scales[0] = np.std(X)\n"),
                ("scales[l - 1]", "scales[l]"),
            ),
        ),
        (
            SCALES,
            STYLES["initialization"][SCALES].replace("A, out = X, []", "A, out = X, [X.std()]"),
        ),
        (
            SCALES,
            edit(
                SCALES,
                ("np.zeros(L)", "[np.std(X)]"),
                ("scales[l - 1] = np.std(A)", "scales.append(np.std(A))"),
                ("return scales", "return np.array(scales)"),
            ),
        ),
    ],
    "scales-mean": [
        (SCALES, edit(SCALES, ("np.std(A)", "np.mean(A)"))),
        (SCALES, STYLES["initialization"][SCALES].replace("A.std()", "A.mean()")),
        (SCALES, edit(SCALES, ("np.std(A)", "np.average(A)"))),
    ],
    "scales-variance": [
        (SCALES, edit(SCALES, ("np.std(A)", "np.var(A)"))),
        (SCALES, STYLES["initialization"][SCALES].replace("A.std()", "A.var()")),
        (SCALES, edit(SCALES, ("np.std(A)", "np.std(A) ** 2"))),
    ],
    "l2-cost-no-penalty": [
        (COST, edit(COST, (" + lambd / (2 * m) * squares", ""))),
        (COST, L2_COURSERA.replace("PENALTY", "0")),
        (COST, STYLES["regularization"][COST].replace(" + (lambd / (2 * m)) * total", "")),
    ],
    "l2-cost-lambda-over-m": [
        (COST, edit(COST, ("lambd / (2 * m)", "lambd / m"))),
        (COST, L2_COURSERA.replace("PENALTY", f"(lambd / m) * {FIXED_SUM}")),
        (COST, STYLES["regularization"][COST].replace("(lambd / (2 * m))", "lambd * (1 / m)")),
    ],
    "l2-cost-no-m": [
        (COST, edit(COST, ("lambd / (2 * m)", "lambd / 2"))),
        (COST, L2_COURSERA.replace("PENALTY", f"(lambd / 2) * {FIXED_SUM}")),
        (COST, STYLES["regularization"][COST].replace("(lambd / (2 * m))", "0.5 * lambd")),
    ],
    "l2-cost-includes-bias": [
        (COST, edit(COST, (' if k[:1] == "W" and k[1:].isdigit()', ""))),
        (
            COST,
            STYLES["regularization"][COST].replace('if name.startswith("W")', 'if name[0] in "Wb"'),
        ),
        (
            COST,
            L2_COURSERA.replace(
                "PENALTY",
                "(1 / m) * (lambd / 2) * sum(np.sum(np.square(v)) for v in parameters.values())",
            ),
        ),
    ],
    "l2-cost-not-squared": [
        (COST, edit(COST, ("np.sum(np.square(v))", "np.linalg.norm(v)"))),
        (COST, STYLES["regularization"][COST].replace("np.sum(W * W)", "np.linalg.norm(W)")),
        (
            COST,
            L2_COURSERA.replace(
                "PENALTY",
                "(1 / m) * (lambd / 2) * (np.linalg.norm(W1) + np.linalg.norm(W2) + np.linalg.norm(W3))",
            ),
        ),
    ],
    "l2-cost-fixed-layers": [
        (COST, L2_COURSERA.replace("PENALTY", f"(1 / m) * (lambd / 2) * {FIXED_SUM}")),
        (
            COST,
            L2_COURSERA.replace(
                "PENALTY", "lambd / (2 * m) * (np.sum(W1 ** 2) + np.sum(W2 ** 2) + np.sum(W3 ** 2))"
            ),
        ),
        (
            COST,
            L2_COURSERA.replace(
                "PENALTY", "lambd * sum(np.sum(np.square(W)) for W in (W1, W2, W3)) / (2 * m)"
            ),
        ),
    ],
    "l2-grad-no-penalty": [
        (
            L2B,
            edit(
                L2B, (" + lambd / m * W3", ""), (" + lambd / m * W2", ""), (" + lambd / m * W1", "")
            ),
        ),
        (L2B, edit(L2B, ("lambd / m * W", "0 * W"))),
        (L2B, edit(L2B, ("lambd / m * W3", "0"), ("lambd / m * W2", "0"), ("lambd / m * W1", "0"))),
    ],
    "l2-grad-half": [
        (L2B, edit(L2B, ("lambd / m * W", "lambd / (2 * m) * W"))),
        (L2B, edit(L2B, ("lambd / m * W", "(lambd / 2) / m * W"))),
        (L2B, edit(L2B, ("lambd / m * W", "0.5 * lambd / m * W"))),
    ],
    "l2-grad-no-m": [
        (L2B, edit(L2B, ("lambd / m * W", "lambd * W"))),
        (
            L2B,
            edit(
                L2B,
                ("lambd / m * W3", "np.multiply(lambd, W3)"),
                ("lambd / m * W2", "np.multiply(lambd, W2)"),
                ("lambd / m * W1", "np.multiply(lambd, W1)"),
            ),
        ),
        (
            L2B,
            edit(
                L2B,
                ("lambd / m * W3", "W3 * lambd"),
                ("lambd / m * W2", "W2 * lambd"),
                ("lambd / m * W1", "W1 * lambd"),
            ),
        ),
    ],
    "l2-grad-double": [
        (L2B, edit(L2B, ("lambd / m * W", "2 * lambd / m * W"))),
        (L2B, edit(L2B, ("lambd / m * W", "(lambd / m) * 2 * W"))),
        (L2B, edit(L2B, ("lambd / m * W", "lambd * 2 / m * W"))),
    ],
    "l2-grad-bias": [
        (
            L2B,
            edit(
                L2B,
                (
                    "db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)",
                    "db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True) + lambd / m * b3",
                ),
                (
                    "db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)",
                    "db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True) + lambd / m * b2",
                ),
                (
                    "db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)",
                    "db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True) + lambd / m * b1",
                ),
            ),
        ),
        (
            L2B,
            edit(L2B, ("keepdims=True)\n", "keepdims=True) + (lambd / m) * BIAS\n"))
            .replace(
                "dZ3, axis=1, keepdims=True) + (lambd / m) * BIAS",
                "dZ3, axis=1, keepdims=True) + (lambd / m) * b3",
            )
            .replace(
                "dZ2, axis=1, keepdims=True) + (lambd / m) * BIAS",
                "dZ2, axis=1, keepdims=True) + (lambd / m) * b2",
            )
            .replace(
                "dZ1, axis=1, keepdims=True) + (lambd / m) * BIAS",
                "dZ1, axis=1, keepdims=True) + (lambd / m) * b1",
            ),
        ),
        (
            L2B,
            edit(
                L2B,
                (
                    "    return {",
                    "    db1, db2, db3 = db1 + lambd * b1 / m, db2 + lambd * b2 / m, db3 + lambd * b3 / m\n    return {",
                ),
            ),
        ),
    ],
    "l2-grad-scalar": [
        (
            L2B,
            edit(
                L2B,
                ("lambd / m * W3", "lambd * np.sum(W3) / m"),
                ("lambd / m * W2", "lambd * np.sum(W2) / m"),
                ("lambd / m * W1", "lambd * np.sum(W1) / m"),
            ),
        ),
        (
            L2B,
            edit(
                L2B,
                ("lambd / m * W3", "(lambd / m) * W3.sum()"),
                ("lambd / m * W2", "(lambd / m) * W2.sum()"),
                ("lambd / m * W1", "(lambd / m) * W1.sum()"),
            ),
        ),
        (
            L2B,
            edit(
                L2B,
                ("lambd / m * W3", "np.sum(lambd / m * W3)"),
                ("lambd / m * W2", "np.sum(lambd / m * W2)"),
                ("lambd / m * W1", "np.sum(lambd / m * W1)"),
            ),
        ),
    ],
    "dropout-no-scale": [
        (DF, df(**drops("A * D"))),
        (DF, df(**drops("np.multiply(A, D)"))),
        (
            DF,
            edit(
                DF,
                ("A1 = A1 * D1 / keep_prob", "A1 = A1 * D1"),
                ("A2 = A2 * D2 / keep_prob", "A2 = A2 * D2"),
            ),
        ),
    ],
    "dropout-multiply-keep-prob": [
        (DF, df(**drops("A * D * keep_prob"))),
        (DF, df(**drops("np.multiply(A, D) * keep_prob"))),
        (DF, df(**drops("keep_prob * (A * D)"))),
    ],
    "dropout-inverted-mask": [
        (DF, df(**masks("np.random.rand(A.shape[0], A.shape[1]) > keep_prob"))),
        (DF, df(**masks("np.random.rand(*A.shape) < 1 - keep_prob"))),
        (DF, df(**masks("(np.random.rand(A.shape[0], A.shape[1]) >= keep_prob).astype(int)"))),
    ],
    "dropout-normal-mask": [
        (DF, df(**masks("np.random.randn(A.shape[0], A.shape[1]) < keep_prob"))),
        (DF, df(**masks("(np.random.randn(*A.shape) < keep_prob).astype(float)"))),
        (DF, df(**masks("np.random.standard_normal(A.shape) < keep_prob"))),
    ],
    "dropout-output-layer": [
        (
            DF,
            df(
                POST="D3 = np.random.rand(A3.shape[0], A3.shape[1]) < keep_prob\n    A3 = A3 * D3 / keep_prob"
            ),
        ),
        (DF, df(POST="A3 = np.multiply(A3, np.random.rand(*A3.shape) < keep_prob) / keep_prob")),
        (DF, df(POST="A3 = A3 * (np.random.rand(*A3.shape) < keep_prob)")),
    ],
    "dropout-input-layer": [
        (
            DF,
            df(
                PRE="D0 = np.random.rand(X.shape[0], X.shape[1]) < keep_prob\n    X = X * D0 / keep_prob"
            ),
        ),
        (DF, df(PRE="X = np.multiply(X, np.random.rand(*X.shape) < keep_prob) / keep_prob")),
        (DF, df(PRE="X = X * (np.random.rand(*X.shape) < keep_prob)")),
    ],
    "dropout-grad-no-scale": [
        (
            DB,
            edit(
                DB,
                ("dA2 = dA2 * D2 / keep_prob", "dA2 = dA2 * D2"),
                ("dA1 = dA1 * D1 / keep_prob", "dA1 = dA1 * D1"),
            ),
        ),
        (
            DB,
            edit(
                DB,
                ("dA2 * D2 / keep_prob", "np.multiply(dA2, D2)"),
                ("dA1 * D1 / keep_prob", "np.multiply(dA1, D1)"),
            ),
        ),
        (DB, edit(DB, ("/ keep_prob", "/ 1"))),
    ],
    "dropout-grad-multiply-keep-prob": [
        (DB, edit(DB, ("/ keep_prob", "* keep_prob"))),
        (
            DB,
            edit(
                DB,
                ("dA2 * D2 / keep_prob", "keep_prob * dA2 * D2"),
                ("dA1 * D1 / keep_prob", "keep_prob * dA1 * D1"),
            ),
        ),
        (
            DB,
            edit(
                DB,
                ("dA2 * D2 / keep_prob", "np.multiply(dA2, D2) * keep_prob"),
                ("dA1 * D1 / keep_prob", "np.multiply(dA1, D1) * keep_prob"),
            ),
        ),
    ],
    "dropout-grad-no-mask": [
        (
            DB,
            edit(
                DB,
                ("    dA2 = dA2 * D2 / keep_prob\n", ""),
                ("    dA1 = dA1 * D1 / keep_prob\n", ""),
            ),
        ),
        (
            DB,
            edit(
                DB,
                ("dA2 * D2 / keep_prob", "dA2 / keep_prob"),
                ("dA1 * D1 / keep_prob", "dA1 / keep_prob"),
            ),
        ),
        (DB, edit(DB, ("dA2 * D2 / keep_prob", "dA2 * 1"), ("dA1 * D1 / keep_prob", "dA1 * 1"))),
    ],
    "gc-one-sided": [
        (GC, gc(APPROX="(J_plus - forward_propagation(x, theta)) / epsilon")),
        (GC, gc(APPROX="(forward_propagation(x, theta) - J_minus) / epsilon")),
        (
            GCN,
            gcn(
                SETUP="J, _ = forward_propagation_n(X, Y, parameters)",
                APPROX="(J_plus[i] - J) / epsilon",
            ),
        ),
    ],
    "gc-divide-by-eps": [
        (GC, gc(APPROX="(J_plus - J_minus) / epsilon")),
        (GC, gc(APPROX="(J_plus - J_minus) / 2 * epsilon"))
        if False
        else (GC, gc(APPROX="np.divide(J_plus - J_minus, epsilon)")),
        (GCN, gcn(APPROX="(J_plus[i] - J_minus[i]) / epsilon")),
    ],
    "gc-denominator-grad-only": [
        (GC, gc(DENOM="np.linalg.norm(grad)")),
        (GCN, gcn(DENOM="np.linalg.norm(grad)")),
        (GCN, gcn(RESULT="numerator / np.linalg.norm(grad)")),
    ],
    "gc-denominator-sum": [
        (GC, gc(DENOM="np.linalg.norm(grad + gradapprox)")),
        (GCN, gcn(DENOM="np.linalg.norm(grad + gradapprox)")),
        (GCN, gcn(DENOM="np.sqrt(np.sum((grad + gradapprox) ** 2))")),
    ],
    "gc-wrong-norm": [
        (
            GCN,
            gcn(
                NUMER="np.sum(np.abs(grad - gradapprox))",
                DENOM="np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox))",
            ),
        ),
        (
            GCN,
            gcn(
                NUMER="np.linalg.norm(grad - gradapprox, ord=1)",
                DENOM="np.linalg.norm(grad, ord=1) + np.linalg.norm(gradapprox, ord=1)",
            ),
        ),
        (
            GCN,
            gcn(
                NUMER="np.max(np.abs(grad - gradapprox))",
                DENOM="np.max(np.abs(grad)) + np.max(np.abs(gradapprox))",
            ),
        ),
    ],
    "gc-no-norm": [
        (GC, gc(RESULT="numerator")),
        (GC, gc(RESULT="grad - gradapprox")),
        (GCN, gcn(RESULT="numerator")),
        (GCN, gcn(RESULT="grad - gradapprox")),
        (GCN, gcn(RESULT="np.abs(grad - gradapprox) / denominator")),
    ],
    "gc-no-reset": [
        (
            GCN,
            gcn(
                SETUP="thetaplus = np.copy(parameters_values)\n    thetaminus = np.copy(parameters_values)",
                LOOP="thetaplus[i][0] = thetaplus[i][0] + epsilon",
                MINUS="thetaminus[i][0] = thetaminus[i][0] - epsilon",
            ),
        ),
        (
            GCN,
            gcn(
                LOOP="thetaplus = parameters_values\n        thetaplus[i][0] += epsilon",
                MINUS="thetaminus = parameters_values\n        thetaminus[i][0] -= 2 * epsilon",
            ),
        ),
        (
            GCN,
            gcn(
                SETUP="thetaplus = parameters_values.copy()",
                LOOP="thetaplus[i] += epsilon",
                MINUS="thetaminus = np.copy(thetaplus)\n        thetaminus[i] -= 2 * epsilon",
            ),
        ),
    ],
    "gc-inlines-forward": [
        (GC, gc(JPLUS="thetaplus * x", JMINUS="thetaminus * x")),
        (GC, gc(JPLUS="thetaplus * x", JMINUS="thetaminus * x", GRAD="x")),
        (GC, gc(JPLUS="np.dot(thetaplus, x)", JMINUS="np.dot(thetaminus, x)", GRAD="x")),
    ],
    "gc-perturbs-x": [
        (
            GC,
            gc(
                JPLUS="forward_propagation(x + epsilon, theta)",
                JMINUS="forward_propagation(x - epsilon, theta)",
            ),
        ),
        (
            GC,
            gc(
                APPROX="(forward_propagation(x + epsilon, theta) - forward_propagation(x - epsilon, theta)) / (2 * epsilon)"
            ),
        ),
        (
            GC,
            gc(
                JPLUS="forward_propagation(x + epsilon * 1.0, theta)",
                JMINUS="forward_propagation(x - epsilon, theta)",
            ),
        ),
    ],
}

# The setup assignment's ids, three spellings each: slicing, index lists or loops; other names;
# a dict of verdicts or an if-chain; a while loop for a for loop. Kept as written (fmt: off).
# fmt: off
SETUP_SPLIT_HEAD = """def split_data(X, Y, dev_fraction, test_fraction):
    m = X.shape[1]
    n_dev = int(m * dev_fraction)
    n_test = int(m * test_fraction)
    n_train = m - n_dev - n_test
"""

SETUP_SPELLINGS: dict[str, list[tuple[str, str]]] = {
    "split-no-shuffle": [
        ("split_data", SETUP_SPLIT_HEAD + """    a, b = n_train, n_train + n_dev
    return X[:, :a], Y[:, :a], X[:, a:b], Y[:, a:b], X[:, m - n_test:], Y[:, m - n_test:]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    idx = np.arange(m)
    tr, dv, te = idx[:n_train], idx[n_train:n_train + n_dev], idx[n_train + n_dev:]
    return X[:, tr], Y[:, tr], X[:, dv], Y[:, dv], X[:, te], Y[:, te]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    train = [i for i in range(m) if i < n_train]
    dev = [i for i in range(m) if n_train <= i < n_train + n_dev]
    test = [i for i in range(m) if i >= n_train + n_dev]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]
"""),
    ],
    "split-rows": [
        ("split_data", SETUP_SPLIT_HEAD + """    Xs = np.random.permutation(X)
    a, b = n_train, n_train + n_dev
    return Xs[:, :a], Y[:, :a], Xs[:, a:b], Y[:, a:b], Xs[:, m - n_test:], Y[:, m - n_test:]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    shuffled = X.copy()
    np.random.shuffle(shuffled)
    ends = [n_train, n_train + n_dev, m]
    starts = [0, n_train, m - n_test]
    out = []
    for s, e in zip(starts, ends):
        out += [shuffled[:, s:e], Y[:, s:e]]
    return tuple(out)
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    order = np.random.permutation(m)
    train, dev, test = order[:n_train], order[n_train:n_train + n_dev], order[m - n_test:]
    return X[train], Y[:, train], X[dev], Y[:, dev], X[test], Y[:, test]
"""),
    ],
    "split-separate-shuffles": [
        ("split_data", SETUP_SPLIT_HEAD + """    px = np.random.permutation(m)
    py = np.random.permutation(m)
    a, b = n_train, n_train + n_dev
    return (X[:, px[:a]], Y[:, py[:a]], X[:, px[a:b]], Y[:, py[a:b]],
            X[:, px[m - n_test:]], Y[:, py[m - n_test:]])
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    Xs = np.random.permutation(X.T).T
    Ys = np.random.permutation(Y.T).T
    a, b = n_train, n_train + n_dev
    return Xs[:, :a], Ys[:, :a], Xs[:, a:b], Ys[:, a:b], Xs[:, m - n_test:], Ys[:, m - n_test:]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    ix = np.random.choice(m, m, replace=False)
    iy = np.random.choice(m, m, replace=False)
    parts = []
    for lo, hi in ((0, n_train), (n_train, n_train + n_dev), (m - n_test, m)):
        parts.append(X[:, ix[lo:hi]])
        parts.append(Y[:, iy[lo:hi]])
    return tuple(parts)
"""),
    ],
    "split-overlap": [
        ("split_data", SETUP_SPLIT_HEAD + """    perm = np.random.permutation(m)
    train = perm[:m - n_test]
    dev = perm[n_train:n_train + n_dev]
    test = perm[m - n_test:]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    perm = np.random.permutation(m)
    dev = perm[:n_dev]
    train = perm[:n_train]
    test = perm[m - n_test:]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]
"""),
        ("split_data", SETUP_SPLIT_HEAD + """    perm = np.random.permutation(m)
    train, dev = perm[:n_train], perm[n_train:n_train + n_dev]
    test = perm[n_train:n_train + n_test]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]
"""),
    ],
    "norm-wrong-axis": [
        ("normalization_stats", """def normalization_stats(X):
    mu = X.mean(axis=0, keepdims=True)
    sigma2 = ((X - mu) ** 2).mean(axis=0, keepdims=True)
    return mu, sigma2
"""),
        ("normalization_stats", """def normalization_stats(X):
    return np.mean(X, axis=0).reshape(-1, 1), np.var(X, axis=0).reshape(-1, 1)
"""),
        ("normalization_stats", """def normalization_stats(X):
    m = X.shape[1]
    mu = np.array([[X[:, j].mean() for j in range(m)]])
    sigma2 = np.array([[((X[:, j] - X[:, j].mean()) ** 2).mean() for j in range(m)]])
    return mu, sigma2
"""),
    ],
    "norm-sample-variance": [
        ("normalization_stats", """def normalization_stats(X):
    return X.mean(axis=1, keepdims=True), X.var(axis=1, ddof=1, keepdims=True)
"""),
        ("normalization_stats", """def normalization_stats(X):
    m = X.shape[1]
    mu = np.sum(X, axis=1, keepdims=True) / m
    sigma2 = np.sum((X - mu) ** 2, axis=1, keepdims=True) / (m - 1)
    return mu, sigma2
"""),
        ("normalization_stats", """def normalization_stats(X):
    n, m = X.shape
    mu = np.zeros((n, 1))
    sigma2 = np.zeros((n, 1))
    for i in range(n):
        mu[i, 0] = sum(X[i]) / m
        sigma2[i, 0] = sum((x - mu[i, 0]) ** 2 for x in X[i]) / (m - 1)
    return mu, sigma2
"""),
    ],
    "norm-divide-variance": [
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    return (X - mu) / (sigma2 + epsilon)
"""),
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    return (X - mu) / sigma2
"""),
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    Z = X - mu
    Z = Z / (sigma2 + epsilon)
    return Z
"""),
    ],
    "norm-no-center": [
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    return X / np.sqrt(sigma2 + epsilon)
"""),
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    return X / (sigma2 + epsilon) ** 0.5
"""),
        ("normalize", """def normalize(X, mu, sigma2, epsilon=1e-8):
    std = np.sqrt(sigma2 + epsilon)
    return np.divide(X, std)
"""),
    ],
    "norm-own-stats": [
        ("normalize_splits", """def normalize_splits(X_train, X_dev, X_test):
    outs = []
    for X in (X_train, X_dev, X_test):
        mu = X.mean(axis=1, keepdims=True)
        s2 = ((X - mu) ** 2).mean(axis=1, keepdims=True)
        outs.append((X - mu) / np.sqrt(s2 + 1e-8))
    return outs[0], outs[1], outs[2], mu, s2
"""),
        ("normalize_splits", """def normalize_splits(X_train, X_dev, X_test):
    def stats(A):
        mean = np.mean(A, axis=1, keepdims=True)
        return mean, np.mean((A - mean) ** 2, axis=1, keepdims=True)
    mu, sigma2 = stats(X_train)
    mu_d, s_d = stats(X_dev)
    mu_t, s_t = stats(X_test)
    return ((X_train - mu) / np.sqrt(sigma2 + 1e-8), (X_dev - mu_d) / np.sqrt(s_d + 1e-8),
            (X_test - mu_t) / np.sqrt(s_t + 1e-8), mu, sigma2)
"""),
        ("normalize_splits", """def normalize_splits(X_train, X_dev, X_test):
    result = []
    for A in [X_train, X_dev, X_test]:
        m = A.shape[1]
        mean = A.sum(axis=1, keepdims=True) / m
        var = ((A - mean) ** 2).sum(axis=1, keepdims=True) / m
        result.append((A - mean) / np.sqrt(var + 1e-8))
        if len(result) == 1:
            first = (mean, var)
    return result[0], result[1], result[2], first[0], first[1]
"""),
    ],
    "bv-ignores-base": [
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    high_bias = train_error > threshold
    high_variance = dev_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    labels = {(True, True): "high bias and high variance", (True, False): "high bias",
              (False, True): "high variance", (False, False): "low bias and low variance"}
    return labels[(train_error > threshold, dev_error - train_error > threshold)]
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    avoidable = train_error
    gap = dev_error - train_error
    if avoidable > threshold:
        return "high bias and high variance" if gap > threshold else "high bias"
    return "high variance" if gap > threshold else "low bias and low variance"
"""),
    ],
    "bv-variance-from-zero": [
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    high_bias = train_error - base_error > threshold
    high_variance = dev_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    labels = {(True, True): "high bias and high variance", (True, False): "high bias",
              (False, True): "high variance", (False, False): "low bias and low variance"}
    return labels[(train_error - base_error > threshold, dev_error > threshold)]
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    bias = train_error - base_error
    if bias > threshold:
        return "high bias and high variance" if dev_error > threshold else "high bias"
    return "high variance" if dev_error > threshold else "low bias and low variance"
"""),
    ],
    "bv-swapped": [
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    high_variance = train_error - base_error > threshold
    high_bias = dev_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    labels = {(True, True): "high bias and high variance", (True, False): "high variance",
              (False, True): "high bias", (False, False): "low bias and low variance"}
    return labels[(train_error - base_error > threshold, dev_error - train_error > threshold)]
"""),
        ("bias_variance", """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    bias = train_error - base_error
    variance = dev_error - train_error
    if bias > threshold:
        return "high bias and high variance" if variance > threshold else "high variance"
    return "high bias" if variance > threshold else "low bias and low variance"
"""),
    ],
    "es-last-epoch": [
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best, best_cost, wait = 0, dev_costs[0], 0
    for epoch in range(1, len(dev_costs)):
        if dev_costs[epoch] < best_cost:
            best, best_cost, wait = epoch, dev_costs[epoch], 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(dev_costs) - 1
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    lowest = dev_costs[0]
    waited = 0
    epoch = 0
    while epoch + 1 < len(dev_costs):
        epoch += 1
        if dev_costs[epoch] < lowest:
            lowest, waited = dev_costs[epoch], 0
        else:
            waited += 1
            if waited == patience:
                break
    return epoch
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best = 0
    wait = 0
    for epoch, cost in enumerate(dev_costs):
        if epoch == 0:
            continue
        if cost < dev_costs[best]:
            best, wait = epoch, 0
            continue
        wait += 1
        if wait >= patience:
            return epoch
    return best
"""),
    ],
    "es-first-increase": [
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best, best_cost = 0, dev_costs[0]
    for epoch in range(1, len(dev_costs)):
        if dev_costs[epoch] < best_cost:
            best, best_cost = epoch, dev_costs[epoch]
        else:
            break
    return best
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best = 0
    while best + 1 < len(dev_costs) and dev_costs[best + 1] < dev_costs[best]:
        best += 1
    return best
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best = 0
    for epoch, cost in enumerate(dev_costs[1:], start=1):
        if cost >= dev_costs[best]:
            return best
        best = epoch
    return best
"""),
    ],
    "es-ties-improve": [
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best, best_cost, wait = 0, dev_costs[0], 0
    for epoch in range(1, len(dev_costs)):
        if dev_costs[epoch] <= best_cost:
            best, best_cost, wait = epoch, dev_costs[epoch], 0
        else:
            wait += 1
            if wait >= patience:
                break
    return best
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best, wait = 0, 0
    for epoch, cost in enumerate(dev_costs):
        if epoch and cost <= dev_costs[best]:
            best, wait = epoch, 0
        elif epoch:
            wait += 1
            if wait == patience:
                break
    return best
"""),
        ("early_stopping", """def early_stopping(dev_costs, patience):
    best, best_cost, wait = 0, dev_costs[0], 0
    for epoch in range(1, len(dev_costs)):
        cost = dev_costs[epoch]
        if cost < best_cost:
            best, best_cost, wait = epoch, cost, 0
        elif cost == best_cost:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                break
    return best
"""),
    ],
}

# fmt: on
SPELLINGS.update(SETUP_SPELLINGS)

CASES = [
    (mistake, function, source, i)
    for mistake, spellings in SPELLINGS.items()
    for i, (function, source) in enumerate(spellings)
]


def test_every_catalogued_id_of_these_assignments_has_three_spellings():
    from grader.catalogue import CATALOGUE
    from grader.oracle import load_mutants

    ids = {
        m.id
        for a in ("initialization", "regularization", "dropout", "gradient_checking", "setup")
        for m in load_mutants(a)
    }
    assert ids <= set(CATALOGUE)
    for mistake in ids:
        assert len(SPELLINGS.get(mistake, [])) >= 3, mistake


@pytest.mark.parametrize(
    "mistake, function, source, i", CASES, ids=[f"{m}-{i}" for m, _, _, i in CASES]
)
def test_a_spelling_of_a_mistake_is_named_and_loses_marks(mistake, function, source, i):
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert mistake in result.diagnoses, (
        result.diagnoses,
        [(t.id, t.message) for t in result.tests if not t.passed],
    )


CORRECT = (
    [
        (f.name, reference_source(a, f.name))
        for a in ("initialization", "regularization", "dropout", "gradient_checking")
        for f in load(a)[0].functions
    ]
    + [(name, source) for a in STYLES for name, source in STYLES[a].items()]
    + [
        (HE, he()),
        (HE, he("np.sqrt(2) / np.sqrt(layers_dims[l-1])")),
        (XAVIER, xavier("np.random.randn(n_out, n_in) * np.sqrt(1 / n_in)")),
        (XAVIER, xavier("np.random.normal(0, np.sqrt(1 / n_in), (n_out, n_in))")),
        (
            COST,
            "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n"
            "    m = Y.shape[1]\n"
            "    L2 = sum(np.sum(np.square(parameters[k])) for k in parameters if k[0] == 'W')\n"
            "    return compute_cost(A3, Y) + lambd / (2 * m) * L2\n",
        ),
        (DF, df()),
        (DF, df(**masks("(np.random.rand(A.shape[0], A.shape[1]) < keep_prob).astype(int)"))),
        (GC, gc()),
        (
            GC,
            gc(
                JPLUS="forward_propagation(x, theta + epsilon)",
                GRAD="float(backward_propagation(x, theta))",
            ),
        ),
        (GCN, gcn()),
        (
            GCN,
            gcn(
                LOOP="thetaplus = parameters_values.copy()\n        thetaplus[i] += epsilon",
                MINUS="thetaminus = parameters_values.copy()\n        thetaminus[i] -= epsilon",
            ),
        ),
    ]
)


@pytest.mark.parametrize(
    "function, source", CORRECT, ids=[f"{f}-{i}" for i, (f, _) in enumerate(CORRECT)]
)
def test_correct_styles_score_full_marks_and_no_name(function, source):
    result = grade_source(function, source)
    assert result.diagnoses == ()
    assert result.score == result.max_score, [
        (t.id, t.message) for t in result.tests if not t.passed
    ]


def _trivial_answers(args):
    yield "None", lambda *a, **k: None
    yield "0", lambda *a, **k: 0
    yield "0.0", lambda *a, **k: 0.0
    yield "1.0", lambda *a, **k: 1.0
    yield "zeros", lambda *a, **k: np.zeros((1, 1))
    for i in range(len(args)):
        yield f"echo-{i}", lambda *a, i=i, **k: a[i]


# backward_propagation(x, theta) = x: the right answer is the echoed first argument.
# gradient_check: a wrong derivative of the other sign gives exactly 1 (|g - a| = |g| + |a|),
# and only such a case tells norm(grad + approx) from the right denominator in 1-D: one hidden
# test expects 1.0, which the constant 1.0 would hit, but an answer that ignores its inputs
# earns nothing (score.IGNORES_INPUTS).
ECHO_IS_RIGHT = {("backward_propagation", "echo-0")}
ALL_FUNCTIONS = [(a, f.name) for a in sorted(available()) for f in load(a)[0].functions]


@pytest.mark.parametrize("assignment, function", ALL_FUNCTIONS)
def test_trivial_answers_pass_no_test_and_get_no_name(assignment, function):
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    args = oracle.inputs(fspec, fspec.cases[0])[0]
    for label, impl in _trivial_answers(args):
        if (function, label) in ECHO_IS_RIGHT:
            continue
        result = grade_impl(function, impl)
        assert result.score == 0, (label, [t.id for t in result.tests if t.passed])
        assert result.diagnoses == (), (label, result.diagnoses)


def test_a_he_initializer_with_no_return_gets_no_name():
    result = grade_source(HE, he().replace("    return parameters\n", ""))
    assert result.score == 0 and result.diagnoses == ()


def test_a_dropout_mask_shared_by_every_example_gets_no_name_and_no_partial_credit():
    source = df(**masks("np.random.rand(A.shape[0], 1) < keep_prob"))
    result = grade_source(DF, source)
    assert "rng-other-generator" not in result.diagnoses
    assert result.diagnoses == ()
    assert result.score == 0


@pytest.mark.parametrize(
    "function, source",
    [
        (HE, he("np.sqrt(2.2 / layers_dims[l-1])")),
        (HE, he("0.01")),
        (XAVIER, xavier("np.random.randn(n_out, n_in) * np.sqrt(2 / (n_in + n_out))")),
        (RANDOM, edit(RANDOM, (" * 10\n", " * 0.01\n"))),
        (COST, edit(COST, ("lambd / (2 * m)", "lambd / (3 * m)"))),
        (L2B, edit(L2B, ("(A2 > 0)", "(A2 >= 0)"))),
        (GC, gc(RESULT="numerator / denominator ** 2")),
        (GCN, gcn(RESULT="numerator ** 2 / denominator")),
        (
            GCN,
            gcn(
                NUMER="np.sum((grad - gradapprox) ** 2)",
                DENOM="np.sum(grad ** 2) + np.sum(gradapprox ** 2)",
            ),
        ),
        (GC, gc(APPROX="(J_plus - J_minus) / (3 * epsilon)")),
        (DF, df(**drops("A * D / (1 - keep_prob)"))),
        (SCALES, edit(SCALES, ("np.std(A)", "np.max(A)"))),
    ],
)
def test_an_uncatalogued_mistake_loses_marks_without_a_name(function, source):
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert result.diagnoses == ()


ONE_SIDED_N = "J, _ = forward_propagation_n(X, Y, parameters)"
COMBINED = [
    (
        GC,
        gc(
            APPROX="(J_plus - forward_propagation(x, theta)) / epsilon",
            DENOM="np.linalg.norm(grad)",
        ),
        {"gc-one-sided", "gc-denominator-grad-only"},
    ),
    (
        GC,
        gc(APPROX="(J_plus - J_minus) / epsilon", DENOM="np.linalg.norm(grad + gradapprox)"),
        {"gc-divide-by-eps", "gc-denominator-sum"},
    ),
    (
        GC,
        gc(APPROX="(forward_propagation(x, theta) - J_minus) / epsilon", RESULT="numerator"),
        {"gc-one-sided", "gc-no-norm"},
    ),
    (
        GC,
        gc(
            JPLUS="forward_propagation(x + epsilon, theta)",
            JMINUS="forward_propagation(x - epsilon, theta)",
            DENOM="np.linalg.norm(grad)",
        ),
        {"gc-perturbs-x", "gc-denominator-grad-only"},
    ),
    (
        GC,
        gc(
            JPLUS="thetaplus * x",
            JMINUS="thetaminus * x",
            DENOM="np.linalg.norm(grad)",
        ),
        {"gc-inlines-forward", "gc-denominator-grad-only"},
    ),
    (
        GCN,
        gcn(SETUP=ONE_SIDED_N, APPROX="(J_plus[i] - J) / epsilon", DENOM="np.linalg.norm(grad)"),
        {"gc-one-sided", "gc-denominator-grad-only"},
    ),
    (
        GCN,
        gcn(
            APPROX="(J_plus[i] - J_minus[i]) / epsilon",
            NUMER="np.sum(np.abs(grad - gradapprox))",
            DENOM="np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox))",
        ),
        {"gc-divide-by-eps", "gc-wrong-norm"},
    ),
    (
        GCN,
        gcn(
            NUMER="np.linalg.norm(grad - gradapprox, np.inf)",
            DENOM="np.linalg.norm(grad, np.inf)",
        ),
        {"gc-wrong-norm", "gc-denominator-grad-only"},
    ),
    (
        GCN,
        gcn(APPROX="(J_plus[i] - J_minus[i]) / epsilon", RESULT="numerator"),
        {"gc-divide-by-eps", "gc-no-norm"},
    ),
    (
        GCN,
        gcn(
            SETUP=ONE_SIDED_N,
            APPROX="(J_plus[i] - J) / epsilon",
            DENOM="np.linalg.norm(grad + gradapprox)",
            RESULT="numerator / denominator",
        ),
        {"gc-one-sided", "gc-denominator-sum"},
    ),
]


COMBINED += [
    (
        "bias_variance",
        """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    variance_high = train_error > threshold
    bias_high = dev_error - train_error > threshold
    words = []
    words.append("high bias" if bias_high else "")
    words.append("high variance" if variance_high else "")
    words = [w for w in words if w]
    return " and ".join(words) if words else "low bias and low variance"
""",
        {"bv-ignores-base", "bv-swapped"},
    ),
    (
        "early_stopping",
        """def early_stopping(dev_costs, patience):
    best_cost, waited = dev_costs[0], 0
    for epoch in range(1, len(dev_costs)):
        if dev_costs[epoch] <= best_cost:
            best_cost, waited = dev_costs[epoch], 0
            continue
        waited += 1
        if waited == patience:
            return epoch
    return len(dev_costs) - 1
""",
        {"es-last-epoch", "es-ties-improve"},
    ),
]


def _initializer(name: str, layers: str, weight: str, bias: str) -> str:
    return (
        f"def {name}(layers_dims):\n"
        "    parameters = {}\n"
        "    L = len(layers_dims) - 1\n"
        f"    for l in {layers}:\n"
        f"        parameters['W' + str(l)] = {weight}\n"
        f"        parameters['b' + str(l)] = {bias}\n"
        "    return parameters\n"
    )


ZERO_B = "np.zeros((layers_dims[l], 1))"
# Scale mistakes with others, or two at once: the weights' scale is read off the seeded
# stream whatever the layout of the draws.
COMBINED += [
    (
        "initialize_parameters_he",
        _initializer(
            "initialize_parameters_he",
            "range(1, L)",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) / np.sqrt(layers_dims[l - 1])",
            ZERO_B,
        ),
        {"init-missing-layer", "init-xavier-scale"},
    ),
    (
        "initialize_parameters_he",
        _initializer(
            "initialize_parameters_he",
            "range(1, L + 1)",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(1 / layers_dims[l - 1])",
            "np.random.randn(layers_dims[l], 1)",
        ),
        {"init-random-bias", "init-xavier-scale"},
    ),
    (
        "initialize_parameters_he",
        _initializer(
            "initialize_parameters_he",
            "range(1, L + 1)",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * 2 / layers_dims[l]",
            ZERO_B,
        ),
        {"init-current-layer-scale", "init-variance-not-std"},
    ),
    (
        "initialize_parameters_xavier",
        _initializer(
            "initialize_parameters_xavier",
            "range(1, L + 1)",
            "np.random.randn(layers_dims[l - 1], layers_dims[l]) * np.sqrt(2 / layers_dims[l - 1])",
            ZERO_B,
        ),
        {"init-transposed", "init-he-scale"},
    ),
    (
        "initialize_parameters_xavier",
        _initializer(
            "initialize_parameters_xavier",
            "range(1, L + 1)",
            "np.random.rand(layers_dims[l], layers_dims[l - 1]) * np.sqrt(1 / layers_dims[l])",
            ZERO_B,
        ),
        {"init-uniform", "init-current-layer-scale"},
    ),
    (
        "initialize_parameters_he",
        _initializer(
            "initialize_parameters_he",
            "range(1, L + 1)",
            "np.random.rand(layers_dims[l], layers_dims[l - 1])",
            ZERO_B,
        ),
        {"init-uniform", "init-no-scale"},
    ),
    (
        "initialize_parameters_he",
        _initializer(
            "initialize_parameters_he",
            "range(1, L)",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])",
            "np.zeros(layers_dims[l])",
        ),
        {"init-missing-layer", "init-bias-shape"},
    ),
    (
        GCN,
        gcn(DENOM="np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox))"),
        {"gc-wrong-norm"},
    ),
    (
        GCN,
        gcn(
            NUMER="np.sum(np.abs(grad - gradapprox))",
            APPROX="(J_plus[i] - J_minus[i]) / epsilon",
        ),
        {"gc-wrong-norm", "gc-divide-by-eps"},
    ),
]


# Dropout on the input or output layer with a scale mistake; and a backward pass with no mask
# that multiplies by keep_prob.
DB_SRC_NO_MASK_TIMES_KEEP = """def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3) * keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2) * keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
            "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
"""
COMBINED += [
    (
        DF,
        df(
            PRE="X = X * (np.random.rand(*X.shape) < keep_prob) / keep_prob",
            **drops("A * D"),
        ),
        {"dropout-input-layer", "dropout-no-scale"},
    ),
    (
        DF,
        df(POST="A3 = A3 * (np.random.rand(*A3.shape) < keep_prob)", **drops("A * D")),
        {"dropout-output-layer", "dropout-no-scale"},
    ),
    (
        DF,
        df(
            POST="A3 = A3 * (np.random.rand(*A3.shape) < keep_prob) * keep_prob",
            **drops("A * D * keep_prob"),
        ),
        {"dropout-output-layer", "dropout-multiply-keep-prob"},
    ),
    (
        DB,
        DB_SRC_NO_MASK_TIMES_KEEP,
        {"dropout-grad-no-mask", "dropout-grad-multiply-keep-prob"},
    ),
]


PILED_UP = {
    "SETUP": "thetaplus = np.copy(parameters_values)\n    thetaminus = np.copy(parameters_values)",
    "LOOP": "thetaplus[i][0] = thetaplus[i][0] + epsilon",
    "MINUS": "thetaminus[i][0] = thetaminus[i][0] - epsilon",
}
COMBINED += [
    (
        GCN,
        gcn(**PILED_UP, DENOM="np.linalg.norm(grad + gradapprox)"),
        {"gc-no-reset", "gc-denominator-sum"},
    ),
    (
        GCN,
        gcn(**PILED_UP, APPROX="(J_plus[i] - J_minus[i]) / epsilon"),
        {"gc-no-reset", "gc-divide-by-eps"},
    ),
]


L2B_HALF_AND_BIAS = """def backward_propagation_with_regularization(X, Y, cache, lambd):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1./m * np.dot(dZ3, A2.T) + lambd / (2 * m) * W3
    db3 = 1./m * np.sum(dZ3, axis=1, keepdims=True) + lambd / (2 * m) * b3
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1./m * np.dot(dZ2, A1.T) + lambd / (2 * m) * W2
    db2 = 1./m * np.sum(dZ2, axis=1, keepdims=True) + lambd / (2 * m) * b2
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1./m * np.dot(dZ1, X.T) + lambd / (2 * m) * W1
    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True) + lambd / (2 * m) * b1
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
"""
COMBINED += [
    (
        COST,
        L2_COURSERA.replace("PENALTY", f"lambd / m * {FIXED_SUM}"),
        {"l2-cost-lambda-over-m", "l2-cost-fixed-layers"},
    ),
    (L2B, L2B_HALF_AND_BIAS, {"l2-grad-half", "l2-grad-bias"}),
    (SCALES, edit(SCALES, ("np.std(A)", "np.var(Z)")), {"scales-of-z", "scales-variance"}),
]


def test_weights_numbered_from_zero_are_not_a_missing_layer():
    """W0..W(L-1), each of the right layer's shape: every layer is there, misnumbered (an
    uncatalogued mistake), not init-missing-layer."""
    source = _initializer(
        "initialize_parameters_he",
        "range(0, L)",
        "np.random.randn(layers_dims[l + 1], layers_dims[l]) * np.sqrt(2 / layers_dims[l])",
        "np.zeros((layers_dims[l + 1], 1))",
    )
    result = grade_source("initialize_parameters_he", source)
    assert result.score < result.max_score
    assert result.diagnoses == ()


@pytest.mark.parametrize(
    "function, source, names", COMBINED, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(COMBINED)]
)
def test_two_formula_mistakes_in_one_check_are_both_named(function, source, names):
    """The formula is decomposed (slope x difference x norm): each mistake in it is named, not
    only a formula with exactly one of them (which a mutant's output would be)."""
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert set(result.diagnoses) == names, result.diagnoses


def _init(name: str, weight: str) -> str:
    return (
        f"def {name}(layers_dims):\n"
        "    parameters = {}\n"
        "    for l in range(1, len(layers_dims)):\n"
        "        n_out, n_in = layers_dims[l], layers_dims[l - 1]\n"
        f"        parameters['W' + str(l)] = {weight}\n"
        "        parameters['b' + str(l)] = np.zeros((n_out, 1))\n"
        "    return parameters\n"
    )


# From a helper's corpus of student-style code (notes/diag4): each was given a wrong name.
NO_WRONG_NAME = [
    # Non-negative weights that are not uniform draws: not init-uniform.
    (HE, _init(HE, "np.abs(np.random.randn(n_out, n_in)) * np.sqrt(2 / n_in)")),
    (HE, _init(HE, "np.random.randn(n_out, n_in) ** 2 * np.sqrt(2 / n_in)")),
    (XAVIER, _init(XAVIER, "np.eye(n_out, n_in) / np.sqrt(n_in)")),
    # Weights that draw nothing: not rng-reseed (nor init-uniform).
    (HE, _init(HE, "np.ones((n_out, n_in)) * np.sqrt(2 / n_in)")),
    (HE, _init(HE, "np.linspace(-1, 1, n_out * n_in).reshape(n_out, n_in)")),
    (DF, df(**masks("A < keep_prob"))),
    (DF, df(**masks("np.ones(A.shape)"))),  # no dropout at all: not dropout-no-scale
    # A check whose result ignores J for another reason than an inline J: not
    # gc-inlines-forward.
    (GC, gc(APPROX="(J_plus - J_minus) / 2 * epsilon")),
    (GC, gc(APPROX="(J_plus - J_minus) / (2 * epsilon ** 2)")),
    (GC, gc(JPLUS="forward_propagation(x, theta)", JMINUS="forward_propagation(x, theta)")),
]


@pytest.mark.parametrize(
    "function, source", NO_WRONG_NAME, ids=[f"{f}-{i}" for i, (f, _) in enumerate(NO_WRONG_NAME)]
)
def test_code_that_draws_nothing_or_ignores_j_gets_no_wrong_name(function, source):
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert result.diagnoses == (), result.diagnoses


IN_ANOTHER_ORDER = [
    (
        HE,
        _initializer(
            HE,
            "range(1, L + 1)",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])",
            "np.random.randn(layers_dims[l], 1) * 0",
        ),
    ),
    (
        HE,
        _initializer(
            HE,
            "reversed(range(1, L + 1))",
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])",
            ZERO_B,
        ),
    ),
    (
        DF,
        df(
            PRE="m = X.shape[1]\n    D2 = np.random.rand(W2.shape[0], m) < keep_prob\n"
            "    D1 = np.random.rand(W1.shape[0], m) < keep_prob",
            MASK1="D1",
            MASK2="D2",
        ),
    ),
]


@pytest.mark.parametrize(
    "function, source",
    IN_ANOTHER_ORDER,
    ids=["biases-drawn-and-zeroed", "layers-reversed", "masks-swapped"],
)
def test_draws_from_the_callers_stream_in_another_order_are_not_another_generator(function, source):
    """rng-other-generator is for draws the caller's seed cannot reproduce. Draws of np.random's
    own stream in another order (an extra draw, layers backwards, masks swapped) lose marks
    with no name: their values are the stream's (found in it, whatever the factor)."""
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert result.diagnoses == (), result.diagnoses


def test_masks_from_binomial_draws_are_not_an_inverted_mask_nor_another_generator():
    """np.random.binomial(1, p) agrees with rand < p for p > 1/2 and with the inverted mask at
    p = 1/2: a mask rule right on some cases is not the inverted mask. Nor is it another
    generator: its masks are the caller's stream's draws (rng-other-generator says they
    cannot be reproduced from the caller's seed, which they can)."""
    result = grade_source(DF, df(**masks("np.random.binomial(1, keep_prob, size=A.shape)")))
    assert 0 < result.score < result.max_score
    assert result.diagnoses == (), result.diagnoses


@pytest.mark.parametrize(
    "function, source",
    [
        (
            "bias_variance",
            "def bias_variance(a, b, base_error=0.0, threshold=0.05):\n"
            "    return 'high variance'\n",
        ),
        (GC, "def gradient_check(x, theta, epsilon=1e-7):\n    return 1.0\n"),
        (GC, "def gradient_check(x, theta, epsilon=1e-7):\n    return epsilon\n"),
        (HE, _init(HE, "np.zeros((n_out, n_in))")),
        ("split_data", "def split_data(X, Y, *args, **kwargs):\n    return X, Y, X, Y, X, Y\n"),
    ],
)
def test_an_answer_that_ignores_its_inputs_earns_nothing_and_no_name(function, source):
    """A constant bias_variance verdict is right on some cases, and gradient_check's constant
    1.0 on one: hit by chance, they earn nothing."""
    result = grade_source(function, source)
    assert result.score == 0, [t.id for t in result.tests if t.passed]
    assert result.diagnoses == ()


def test_arrays_and_numbers_round_alike_in_fingerprints():
    """`_rounded` (arrays, in numpy) and `_round` (numbers, one at a time) are two spellings of
    one rounding: a value must round the same either way, or a returned np.float64 and the
    same number as a size-1 array would fingerprint apart."""
    from grader.recognise import _round, _rounded

    rng = np.random.default_rng(0)
    values = rng.normal(size=20_000) * 10.0 ** rng.integers(-12, 14, size=20_000)
    special = [0.0, -0.0, 1e-10, -1e-10, 0.5, 2.5, 123456.5, 1e308, -1e308, 5e-324]
    values = np.concatenate([values, special, [np.inf, -np.inf, np.nan]])
    for digits in (6, 12):
        got = _rounded(values, digits)
        for x, g in zip(values, got, strict=True):
            want = _round(float(x), digits)
            if isinstance(want, str):
                assert str(g) == want, (x, g, want)  # "nan", "inf", "-inf"
            else:
                assert g == want, (x, g, want)


# From a second helper's corpus (notes/diag6), in other spellings: mistakes a function that
# seeds np.random itself hid, pairs of setup mistakes, and a relative difference per entry.
SESSION6 = [
    (
        RANDOM,
        edit(
            RANDOM,
            ("parameters = {}\n", "parameters = {}\n    np.random.seed(3)\n"),
            (" * 10\n", "\n"),
        ),
        {"rng-reseed", "init-no-scale"},
    ),
    (
        HE,
        edit(
            HE,
            ("parameters = {}\n", "parameters = {}\n    np.random.seed(7)\n"),
            ("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1.0 / layers_dims[l - 1])"),
        ),
        {"rng-reseed", "init-xavier-scale"},
    ),
    (
        DF,
        edit(
            DF,
            ("W1, b1 = ", "np.random.seed(1)\n    W1, b1 = "),
            ("A1 = A1 * D1 / keep_prob", "A1 = A1 * D1 * keep_prob"),
            ("A2 = A2 * D2 / keep_prob", "A2 = A2 * D2 * keep_prob"),
        ),
        {"rng-reseed", "dropout-multiply-keep-prob"},
    ),
    (
        GCN,
        edit(
            GCN,
            (
                "return float(numerator / denominator)",
                "return np.abs(grad - gradapprox) / (np.abs(grad) + np.abs(gradapprox))",
            ),
        ),
        {"gc-no-norm"},
    ),
    (
        "normalize",
        "def normalize(X, mu, sigma2, epsilon=1e-8):\n    return X / (sigma2 + epsilon)\n",
        {"norm-no-center", "norm-divide-variance"},
    ),
    (
        "normalization_stats",
        "def normalization_stats(X):\n"
        "    mean = X.mean(axis=0, keepdims=True)\n"
        "    return mean, X.var(axis=0, ddof=1, keepdims=True)\n",
        {"norm-wrong-axis", "norm-sample-variance"},
    ),
    (
        SCALES,
        edit(
            SCALES,
            ("scales = np.zeros(L)", "scales = np.zeros(L + 1)\n    scales[0] = np.var(X)"),
            ("scales[l - 1] = np.std(A)", "scales[l] = np.var(A)"),
        ),
        {"scales-includes-input", "scales-variance"},
    ),
    (
        "split_data",
        "def split_data(X, Y, dev_fraction, test_fraction):\n"
        "    m = X.shape[1]\n"
        "    n_dev, n_test = int(m * dev_fraction), int(m * test_fraction)\n"
        "    train = np.arange(0, m - n_test)\n"
        "    dev = np.arange(m - n_test - n_dev, m - n_test)\n"
        "    test = np.arange(m - n_test, m)\n"
        "    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]\n",
        {"split-no-shuffle", "split-overlap"},
    ),
]

# And from a third (notes/diag7): pairs.
SESSION6 += [
    (
        SCALES,
        edit(SCALES, ("scales[l - 1] = np.std(A)", "scales[l - 1] = np.mean(Z)")),
        {"scales-of-z", "scales-mean"},
    ),
    (
        SCALES,
        edit(
            SCALES,
            ("scales = np.zeros(L)", "scales = np.zeros(L + 1)\n    scales[0] = X.mean()"),
            ("scales[l - 1] = np.std(A)", "scales[l] = A.mean()"),
        ),
        {"scales-includes-input", "scales-mean"},
    ),
    (
        GC,
        gc(
            JPLUS="forward_propagation(x + epsilon, theta)",
            JMINUS="forward_propagation(x - epsilon, theta)",
            APPROX="(J_plus - J_minus) / epsilon",
        ),
        {"gc-perturbs-x", "gc-divide-by-eps"},
    ),
    (
        GCN,
        gcn(
            NUMER="np.linalg.norm(grad - gradapprox, 1)",
            DENOM="np.linalg.norm(grad + gradapprox, 1)",
        ),
        {"gc-wrong-norm", "gc-denominator-sum"},
    ),
    (
        RANDOM,
        edit(
            RANDOM,
            ("range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)"),
            ("np.random.randn(", "np.random.rand("),
        ),
        {"init-missing-layer", "init-uniform"},
    ),
    (
        "split_data",
        "def split_data(X, Y, dev_fraction, test_fraction):\n"
        "    m = X.shape[1]\n"
        "    px, py = np.random.permutation(m), np.random.permutation(m)\n"
        "    n_dev, n_test = int(m * dev_fraction), int(m * test_fraction)\n"
        "    cuts = [(0, m - n_test), (m - n_test - n_dev, m - n_test), (m - n_test, m)]\n"
        "    out = []\n"
        "    for lo, hi in cuts:\n"
        "        out += [X[:, px[lo:hi]], Y[:, py[lo:hi]]]\n"
        "    return tuple(out)\n",
        {"split-separate-shuffles", "split-overlap"},
    ),
]

_STATS_FN = """def _stats(A):
    mean = A.mean(axis=1, keepdims=True)
    return mean, ((A - mean) ** 2).mean(axis=1, keepdims=True)
"""
SESSION6 += [
    (  # only dev with its own statistics (recognised by the mutants' outputs)
        "normalize_splits",
        _STATS_FN + "def normalize_splits(X_train, X_dev, X_test):\n"
        "    mu, s2 = _stats(X_train)\n"
        "    mu_d, s2_d = _stats(X_dev)\n"
        "    f = lambda A, a, b: (A - a) / np.sqrt(b + 1e-8)\n"
        "    return f(X_train, mu, s2), f(X_dev, mu_d, s2_d), f(X_test, mu, s2), mu, s2\n",
        {"norm-own-stats"},
    ),
    (  # every set right, the test set's statistics returned
        "normalize_splits",
        _STATS_FN + "def normalize_splits(X_train, X_dev, X_test):\n"
        "    mu, s2 = _stats(X_train)\n"
        "    sets = [(A - mu) / np.sqrt(s2 + 1e-8) for A in (X_train, X_dev, X_test)]\n"
        "    return (*sets, *_stats(X_test))\n",
        {"norm-own-stats"},
    ),
]

# And from a fourth (notes/diag8).
SESSION6 += [
    (
        L2B,
        edit(
            L2B,
            *((f"lambd / m * W{l}", f"lambd * np.sum(W{l}) / (2 * m)") for l in (1, 2, 3)),
        ),
        {"l2-grad-half", "l2-grad-scalar"},
    ),
    (
        L2B,
        edit(L2B, *((f"lambd / m * W{l}", f"lambd * np.sum(W{l})") for l in (1, 2, 3))),
        {"l2-grad-no-m", "l2-grad-scalar"},
    ),
    (
        "normalize_splits",
        _STATS_FN + "def normalize_splits(X_train, X_dev, X_test):\n"
        "    out = []\n"
        "    for A in (X_train, X_dev, X_test):\n"
        "        mu, s2 = _stats(A)\n"
        "        out.append((A - mu) / (s2 + 1e-8))\n"
        "    return (*out, *_stats(X_train))\n",
        {"norm-own-stats", "norm-divide-variance"},
    ),
    (
        "normalize_splits",
        _STATS_FN + "def normalize_splits(X_train, X_dev, X_test):\n"
        "    sets = [A / np.sqrt(_stats(A)[1] + 1e-8) for A in (X_train, X_dev, X_test)]\n"
        "    return (*sets, *_stats(X_train))\n",
        {"norm-own-stats", "norm-no-center"},
    ),
]


@pytest.mark.parametrize(
    "function, source, names", SESSION6, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(SESSION6)]
)
def test_mistakes_a_fixed_seed_or_a_second_mistake_hid_are_named(function, source, names):
    """A function that seeds np.random itself draws from its own seed's stream: found there
    (`_common.fixed_seed`), it is named rng-reseed whatever its scale, and its scale mistake is
    read against that stream. The setup pairs are each mistake's formula on top of the other."""
    result = grade_source(function, source)
    assert result.score < result.max_score
    assert set(result.diagnoses) == names, result.diagnoses


SPLIT_SRC = (
    "def split_data(X, Y, dev_fraction, test_fraction):\n"
    "    m = X.shape[1]\n"
    "    order = np.random.permutation(m)\n"
    "    n_dev, n_test = int(m * dev_fraction), int(m * test_fraction)\n"
    "    n_train = m - n_dev - n_test\n"
    "    LAYOUT\n"
    "    return X[:, a], Y[:, a], X[:, b], Y[:, b], X[:, c], Y[:, c]\n"
)


@pytest.mark.parametrize(
    "layout",
    [
        # dev and test exchanged
        "a, c, b = order[:n_train], order[n_train:n_train + n_test], order[n_train + n_test:]",
        # test first, then dev, then train
        "c, b, a = order[:n_test], order[n_test:n_test + n_dev], order[n_test + n_dev:]",
    ],
)
def test_the_callers_permutation_cut_in_another_layout_is_not_another_generator(layout):
    """The sets are runs of the caller's seeded permutation, cut in the wrong places: an
    uncatalogued layout mistake, not rng-other-generator (it was named, with partial credit)."""
    result = grade_source("split_data", SPLIT_SRC.replace("LAYOUT", layout))
    assert result.score < result.max_score
    assert result.diagnoses == (), result.diagnoses


def test_a_variance_measured_both_ways_loses_marks():
    """abs(dev_error - train_error): a dev set far better than training is called high
    variance. A hidden case has such a dev set (it earned full marks)."""
    source = edit(
        "bias_variance",
        ("dev_error - train_error > threshold", "abs(dev_error - train_error) > threshold"),
    )
    result = grade_source("bias_variance", source)
    assert result.score < result.max_score
    assert result.diagnoses == (), result.diagnoses


def _failing_once(impl, k):
    """`impl`, raising on its k-th call instead (a case given up, on purpose, for points)."""
    calls = []

    def answer(*args, **kwargs):
        calls.append(1)
        if len(calls) == k + 1:
            raise ValueError("not this one")
        return impl(*args, **kwargs)

    return answer


@pytest.mark.parametrize("assignment, function", ALL_FUNCTIONS)
def test_a_trivial_answer_that_fails_one_call_on_purpose_still_passes_no_test(assignment, function):
    """A constant that raises on one case (found by its inputs) still ignores its inputs on
    the rest: the cases it answered earn nothing (red team 9)."""
    spec, oracle = load(assignment)
    fspec = next(f for f in spec.functions if f.name == function)
    args = oracle.inputs(fspec, fspec.cases[0])[0]
    for label, impl in _trivial_answers(args):
        if label.startswith("echo"):
            continue
        for k in range(3):
            result = grade_impl(function, _failing_once(impl, k))
            assert result.score == 0, (label, k, [t.id for t in result.tests if t.passed])
