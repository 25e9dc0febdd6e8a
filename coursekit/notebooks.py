"""The four student notebooks, written as data and built with nbformat.

This module is the source of the notebooks in `assignments/`: `python -m coursekit.notebooks`
rewrites them, and a test checks that the committed files are what this module builds. Keeping
the notebooks here (not only as files) lets an installed grader rebuild them anywhere.

Cell conventions (contract section 2):
- a graded function stands alone in a code cell tagged `graded`;
- demonstration cells (training runs, plots) are tagged `demo`, so a grader can skip them;
- self-check cells (`check("name")`, the public tests in the student's kernel) are tagged
  `self-check` and follow each graded function and its example; the grader skips them too;
- the notebook carries `metadata.grader.assignment`.
"""

from __future__ import annotations

import argparse
import hashlib
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from coursekit.tags import CHECK_TAG, DEMO_TAG, GRADED_TAG

ASSIGNMENTS = ("initialization", "regularization", "dropout", "gradient_checking")

__all__ = ["CHECK_TAG", "DEMO_TAG", "GRADED_TAG"]


@dataclass(frozen=True)
class Graded:
    """A graded function as the student first sees it."""

    name: str
    """The function's name, fixed by the contract."""
    signature: str
    """The parameter list, without parentheses."""
    doc: str
    """The docstring: what to compute, with shapes."""


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook as written here."""

    kind: str
    """"markdown" or "code"."""
    source: str
    """The cell's text."""
    tags: tuple[str, ...] = ()
    """Cell tags: "graded", "demo"."""


def md(text: str) -> Cell:
    """A markdown cell."""
    return Cell("markdown", textwrap.dedent(text).strip())


def code(text: str) -> Cell:
    """A plain code cell."""
    return Cell("code", textwrap.dedent(text).strip())


def demo(text: str) -> Cell:
    """A demonstration cell: runs for the student, skipped by the grader."""
    return Cell("code", textwrap.dedent(text).strip(), (DEMO_TAG,))


def graded(fn: Graded) -> Cell:
    """The stub of a graded function: docstring, signature, and a body that raises."""
    doc = textwrap.indent(textwrap.dedent(fn.doc).strip(), "    ")
    src = (
        f"def {fn.name}({fn.signature}):\n"
        f'    """\n{doc}\n    """\n'
        "    # YOUR CODE HERE\n"
        f'    raise NotImplementedError("{fn.name}: replace this line with your code")\n'
    )
    return Cell("code", src, (GRADED_TAG,))


# --------------------------------------------------------------------------------------------
# initialization

INIT_ZEROS = Graded(
    "initialize_parameters_zeros",
    "layers_dims",
    """
    Every weight matrix and bias vector filled with zeros.

    layers_dims -- [n0, n1, ..., nL], the size of each layer, input first.
    Returns parameters -- dict with "W1", "b1", ..., "WL", "bL":
        W<l> of shape (n_l, n_{l-1}), b<l> of shape (n_l, 1).
""",
)

INIT_RANDOM = Graded(
    "initialize_parameters_random",
    "layers_dims",
    """
    Large random weights: W<l> = np.random.randn(n_l, n_{l-1}) * 10, biases zero.

    Draw W1, then W2, ... in layer order with np.random.randn. Do not call np.random.seed:
    the caller seeds.
    Returns parameters -- dict with W<l> of shape (n_l, n_{l-1}) and b<l> of shape (n_l, 1).
""",
)

INIT_HE = Graded(
    "initialize_parameters_he",
    "layers_dims",
    """
    He initialization, for ReLU layers: W<l> = np.random.randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}).

    Same draws and order as initialize_parameters_random; biases zero; no np.random.seed.
    Returns parameters -- dict with W<l> of shape (n_l, n_{l-1}) and b<l> of shape (n_l, 1).
""",
)

INIT_XAVIER = Graded(
    "initialize_parameters_xavier",
    "layers_dims",
    """
    Xavier initialization, for tanh layers: W<l> = np.random.randn(n_l, n_{l-1}) * sqrt(1 / n_{l-1}).

    Same draws and order as initialize_parameters_random; biases zero; no np.random.seed.
    Returns parameters -- dict with W<l> of shape (n_l, n_{l-1}) and b<l> of shape (n_l, 1).
""",
)

ACTIVATION_SCALES = Graded(
    "activation_scales",
    'parameters, X, activation="relu"',
    """
    How spread out the activations are, layer by layer.

    parameters -- dict with W1, b1, ..., WL, bL (any depth L)
    X -- input of shape (n0, m)
    activation -- "relu", "tanh" or "linear" (the identity), used on every layer including the last
    Returns scales -- ndarray of shape (L,): scales[l-1] = np.std(A<l>),
        where A0 = X and A<l> = g(W<l> A<l-1> + b<l>).
""",
)

INITIALIZATION = [
    md("""
    # Initialization: where training starts

    A network's weights have to start somewhere. This notebook shows that the starting point
    decides whether training works at all: too uniform and every hidden unit learns the same
    thing; too large or too small and the signal explodes or dies on its way through the layers.

    You will write four initializers and a tool that measures how activations spread through a
    deep network, then train the same 3-layer network ([2, 10, 5, 1], ReLU, ReLU, sigmoid) from each
    starting point on two noisy concentric circles.

    Graded functions sit alone in cells marked `graded`. Replace each `raise NotImplementedError`
    with your code. Cells marked `demo` train and plot; the grader skips them. Under each graded
    function, `check("name")` runs the public tests on your function as it is now and names a
    known mistake when your output matches one.
    """),
    code("""
    import numpy as np
    %matplotlib inline

    from coursekit.data import load_circles
    from coursekit.network import accuracy, predict, train
    from coursekit.plotting import plot_costs, plot_decision_boundary, plot_scales

    train_X, train_Y, test_X, test_Y = load_circles()
    print("train:", train_X.shape, train_Y.shape, " test:", test_X.shape, test_Y.shape)
    """),
    md("""
    ## 1. All zeros: why symmetry never breaks

    Suppose every weight starts at zero. Then every unit of a hidden layer computes the same
    function of the same input, so they all produce the same activation. In the backward pass
    they receive the same gradient, because their outgoing weights are equal too. After one step
    of gradient descent they are still equal, and so after every step: the layer behaves like a
    single unit copied n times. (With exactly zero weights, ReLU units even output 0 and pass back
    no gradient, so the hidden weights never move at all.) No amount of training separates them;
    only randomness in the starting weights can. Biases, on the other hand, may start at zero,
    since the random weights already make the units differ.
    """),
    graded(INIT_ZEROS),
    code("""
    parameters = initialize_parameters_zeros([3, 2, 1])
    for key, value in parameters.items():
        print(key, value.shape, "\\n", value)
    """),
    demo("""
    np.random.seed(3)
    parameters, costs = train(train_X, train_Y, initialize_parameters_zeros([2, 10, 5, 1]),
                              learning_rate=0.01, num_iterations=15000)
    print(f"zeros:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_costs(costs, 1000, "zeros")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "zeros")
    """),
    md("""
    ## 2. Large random weights

    Random weights break the symmetry. But their size matters. With weights of order 10, the
    input to the output sigmoid is huge, so the sigmoid sits flat at 0 or 1: the network is
    confidently wrong on many points, the cost of those points is enormous, and the gradient that
    reaches the saturated unit is tiny. Training crawls.
    """),
    graded(INIT_RANDOM),
    code("""
    np.random.seed(3)
    parameters = initialize_parameters_random([3, 2, 1])
    print("W1 =", parameters["W1"])
    print("b1 =", parameters["b1"].ravel())
    """),
    demo("""
    np.random.seed(3)
    with np.errstate(divide="ignore", invalid="ignore"):
        parameters, costs = train(train_X, train_Y, initialize_parameters_random([2, 10, 5, 1]),
                                  learning_rate=0.01, num_iterations=15000)
    print(f"random x10:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "random x10")
    """),
    md("""
    ## 3. Exploding and vanishing activations

    Think of a deep network whose layers are all linear with weight matrix a * I, a little
    above or below the identity. After L layers the input has been multiplied by a^L. With
    a = 1.5, fifty layers multiply it by about 6 * 10^8; with a = 0.5, by about 9 * 10^-16.
    The same happens, less visibly, with random matrices: what matters is how much each layer
    multiplies the spread of its input. Above one per layer, activations (and gradients) explode
    with depth; below one, they vanish and the early layers stop learning.

    `activation_scales` measures that spread: the standard deviation of each layer's activations
    for a batch of inputs.
    """),
    graded(ACTIVATION_SCALES),
    code("""
    example = {"W1": np.array([[2.0, 0.0], [0.0, 2.0]]), "b1": np.zeros((2, 1)),
               "W2": np.array([[1.0, -1.0]]), "b2": np.zeros((1, 1))}
    X_example = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]])
    print(activation_scales(example, X_example, "relu"))
    print(activation_scales(example, X_example, "linear"))
    """),
    md("""
    ## 4. He initialization

    Take one ReLU layer with n inputs, z = sum_i w_i a_i, weights independent with mean 0 and
    variance v. Then Var(z) = n * v * E[a^2]. A ReLU keeps only the positive half of a symmetric z,
    so E[a_next^2] = Var(z) / 2. The spread is kept from layer to layer exactly when
    n * v / 2 = 1, that is v = 2 / n: draw standard normal weights and multiply by sqrt(2 / n),
    with n the number of inputs to the layer (n_{l-1}). This is He initialization.

    For tanh, which is close to the identity near zero and keeps both signs, the same argument gives
    n * v = 1, that is v = 1 / n: Xavier initialization, scale sqrt(1 / n_{l-1}).
    """),
    graded(INIT_HE),
    code("""
    np.random.seed(3)
    parameters = initialize_parameters_he([2, 4, 1])
    print("W1 =", parameters["W1"])
    print("W2 =", parameters["W2"])
    """),
    demo("""
    np.random.seed(3)
    parameters, costs = train(train_X, train_Y, initialize_parameters_he([2, 10, 5, 1]),
                              learning_rate=0.01, num_iterations=15000)
    print(f"He:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_costs(costs, 1000, "He")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "He")
    """),
    graded(INIT_XAVIER),
    code("""
    np.random.seed(3)
    parameters = initialize_parameters_xavier([2, 4, 1])
    print("W1 =", parameters["W1"])
    print("W2 =", parameters["W2"])
    """),
    md("""
    ## 5. Fifty layers deep

    The demonstration below pushes a batch through 50 layers of 100 units with four
    initializations: x10 (explodes), x0.01 (vanishes), He with ReLU and Xavier with tanh (both
    stay of order one).
    """),
    demo("""
    dims = [100] * 51
    X_deep = np.random.RandomState(0).randn(100, 500)
    curves = {}
    np.random.seed(1)
    with np.errstate(over="ignore", invalid="ignore"):
        curves["x10, relu"] = activation_scales(initialize_parameters_random(dims), X_deep, "relu")
    np.random.seed(1)
    tiny = {k: v / 1000 for k, v in initialize_parameters_random(dims).items()}
    curves["x0.01, relu"] = activation_scales(tiny, X_deep, "relu")
    np.random.seed(1)
    curves["He, relu"] = activation_scales(initialize_parameters_he(dims), X_deep, "relu")
    np.random.seed(1)
    curves["Xavier, tanh"] = activation_scales(initialize_parameters_xavier(dims), X_deep, "tanh")
    for label, scales in curves.items():
        print(f"{label:>13}: layer 1 {scales[0]:.3g}, layer 50 {scales[-1]:.3g}")
    plot_scales(curves, "std of activations through 50 layers")
    """),
    md("""
    ## What to remember

    - Zero weights keep hidden units identical forever: break the symmetry with random weights.
    - The scale of random weights decides whether signals explode or vanish with depth.
    - Variance 2/n_{l-1} (He) keeps ReLU activations steady; 1/n_{l-1} (Xavier) does it for tanh.
    """),
]

# --------------------------------------------------------------------------------------------
# regularization

L2_COST = Graded(
    "compute_cost_with_regularization",
    "A3, Y, parameters, lambd",
    """
    Cross-entropy cost plus the L2 penalty.

    A3 -- output probabilities, shape (1, m); Y -- labels, shape (1, m)
    parameters -- dict of W<l>, b<l> for any number of layers
    lambd -- the regularization strength lambda
    Returns cost -- float: compute_cost(A3, Y) + lambd / (2 m) * (sum of the squares of every
        entry of every weight matrix W<l>). Biases are not penalised.
""",
)

L2_BACKWARD = Graded(
    "backward_propagation_with_regularization",
    "X, Y, cache, lambd",
    """
    Gradients of the regularized cost for LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID.

    X -- input, shape (n0, m); Y -- labels, shape (1, m)
    cache -- (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) from forward_propagation
    Returns gradients -- dict with exactly the keys
        dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1,
        where each dW<l> carries the extra term (lambd / m) * W<l>.
""",
)

REGULARIZATION = [
    md("""
    # Regularization: fitting the signal, not the noise

    The data below is a two-class set in the plane with a wavy boundary, and about one label in
    eight flipped. Those flipped points are noise: no rule predicts them. A [2, 20, 3, 1] network
    trained long enough bends its boundary around them anyway. It then scores well on the points it
    has seen and worse on new ones: it overfits. L2 regularization is one remedy; dropout (next
    notebook) is another.
    """),
    code("""
    import numpy as np
    %matplotlib inline

    from coursekit.data import load_wavy
    from coursekit.network import (accuracy, backward_propagation, compute_cost,
                                   forward_propagation, initialize_parameters, predict, train)
    from coursekit.plotting import plot_costs, plot_decision_boundary

    train_X, train_Y, test_X, test_Y = load_wavy()
    print("train:", train_X.shape, " test:", test_X.shape)
    """),
    demo("""
    parameters, costs = train(train_X, train_Y, initialize_parameters([2, 20, 3, 1]),
                              learning_rate=0.3, num_iterations=30000)
    print(f"no regularization:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "no regularization")
    """),
    md("""
    ## 1. The L2 penalty

    L2 regularization adds to the cost the sum of the squares of all weights, scaled by
    lambda / (2m):

    J = cross-entropy + (lambda / 2m) * sum over l of ||W<l>||^2 (the squared Frobenius norm).

    Large weights let a network make sharp turns to reach single points; the penalty makes them
    expensive, so the network prefers smoother boundaries unless the data insists. Biases are left
    out: they shift a unit's threshold without making the function any sharper.
    """),
    graded(L2_COST),
    code("""
    rng = np.random.RandomState(1)
    A3_example = rng.rand(1, 5)
    Y_example = np.array([[1, 1, 0, 1, 0]])
    params_example = {"W1": rng.randn(2, 3), "b1": rng.randn(2, 1), "W2": rng.randn(3, 2),
                      "b2": rng.randn(3, 1), "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    print("cost =", compute_cost_with_regularization(A3_example, Y_example, params_example, lambd=0.1))
    """),
    md("""
    ## 2. Weight decay

    The penalty's gradient with respect to W<l> is (lambda / m) * W<l>, added to the usual
    gradient. A gradient-descent step with learning rate alpha then reads

    W<l> <- W<l> - alpha * (dW<l>_plain + (lambda / m) W<l>) = (1 - alpha lambda / m) W<l> - alpha dW<l>_plain.

    Before the usual step, every weight is multiplied by (1 - alpha lambda / m), a little below one:
    the weights decay toward zero unless the data keeps pushing them out. That is why L2
    regularization is also called weight decay.
    """),
    graded(L2_BACKWARD),
    code("""
    rng = np.random.RandomState(1)
    X_example = rng.randn(3, 5)
    Y_example = np.array([[1, 1, 0, 1, 0]])
    params_example = {"W1": rng.randn(2, 3), "b1": rng.randn(2, 1), "W2": rng.randn(3, 2),
                      "b2": rng.randn(3, 1), "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    _, cache_example = forward_propagation(X_example, params_example)
    grads = backward_propagation_with_regularization(X_example, Y_example, cache_example, lambd=0.7)
    print("dW1 =", grads["dW1"])
    print("dW3 =", grads["dW3"])
    """),
    demo("""
    lambd = 0.7
    parameters, costs = train(
        train_X, train_Y, initialize_parameters([2, 20, 3, 1]),
        cost=lambda A3, Y, p: compute_cost_with_regularization(A3, Y, p, lambd),
        backward=lambda X, Y, cache: backward_propagation_with_regularization(X, Y, cache, lambd),
        learning_rate=0.3, num_iterations=30000)
    print(f"L2, lambda={lambd}:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_costs(costs, 1000, "L2")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "L2")
    """),
    md("""
    ## What to remember

    - L2 trades a little training accuracy for a smoother boundary and better test accuracy.
    - Its gradient shrinks every weight by (1 - alpha lambda / m) per step: weight decay.
    - lambda is a hyperparameter: too large and the network underfits.
    """),
]

# --------------------------------------------------------------------------------------------
# dropout

DROPOUT_FORWARD = Graded(
    "forward_propagation_with_dropout",
    "X, parameters, keep_prob=0.5",
    """
    LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID with inverted dropout on the two hidden layers.

    X -- input, shape (n0, m); parameters -- dict with W1, b1, W2, b2, W3, b3
    keep_prob -- probability of keeping each hidden unit
    For l = 1, 2: A<l> = relu(W<l> A<l-1> + b<l>);
        D<l> = np.random.rand(*A<l>.shape) < keep_prob   (draw D1 before D2);
        A<l> = A<l> * D<l> / keep_prob.
    Returns (A3, cache) -- A3 = sigmoid(W3 A2 + b3), shape (1, m);
        cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3), A1 and A2 after dropout.
""",
)

DROPOUT_BACKWARD = Graded(
    "backward_propagation_with_dropout",
    "X, Y, cache, keep_prob",
    """
    Gradients of the cross-entropy cost with the dropout masks of the forward pass.

    cache -- the cache returned by forward_propagation_with_dropout
    As without dropout, except that the gradient flowing into each hidden layer goes through the
    same mask and scaling as the forward pass:
        dA2 = dA2 * D2 / keep_prob and dA1 = dA1 * D1 / keep_prob, before the ReLU derivative.
    Returns gradients -- dict with exactly the keys
        dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
""",
)

DROPOUT = [
    md("""
    # Dropout: a different network at every step

    Dropout switches off each hidden unit at random, independently, on every training step. A unit
    can no longer rely on particular other units being there, so it has to be useful on its own;
    in effect, every step trains a different thinned network, and the final network averages them.
    The result overfits less. You will implement *inverted* dropout on the two hidden layers of the
    3-layer network and train it on the noisy wavy data of the previous notebook.
    """),
    code("""
    import numpy as np
    %matplotlib inline

    from coursekit.data import load_wavy
    from coursekit.network import (accuracy, compute_cost, initialize_parameters, predict, relu,
                                   sigmoid, train)
    from coursekit.plotting import plot_costs, plot_decision_boundary

    train_X, train_Y, test_X, test_Y = load_wavy()
    """),
    md("""
    ## 1. Forward: mask, then divide by keep_prob

    For each hidden layer, draw a mask D with entries 1 (keep, probability keep_prob) or 0, and
    multiply the activations by it. Then divide by keep_prob. Why? A unit's expected output
    under the mask is keep_prob * a; dividing by keep_prob brings the expectation back to a.
    The next layer therefore sees inputs of the same size on average whether dropout is on or off,
    which is what lets us simply turn dropout off at test time: no rescaling of the trained
    weights, no randomness in predictions. (Dropout at test time would make predictions noisy and
    would throw away units the network learned to use.) Never drop the input or the output layer
    here: only A1 and A2.
    """),
    graded(DROPOUT_FORWARD),
    code("""
    rng = np.random.RandomState(1)
    X_example = rng.randn(3, 5)
    params_example = {"W1": rng.randn(2, 3), "b1": rng.randn(2, 1), "W2": rng.randn(3, 2),
                      "b2": rng.randn(3, 1), "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    np.random.seed(1)
    A3, cache_example = forward_propagation_with_dropout(X_example, params_example, keep_prob=0.7)
    print("A3 =", A3)
    print("D1 =", cache_example[1].astype(int))
    """),
    md("""
    ## 2. Backward: the same mask, the same scaling

    A dropped unit contributed nothing to the output, so it receives no gradient; a kept unit's
    output was multiplied by 1/keep_prob, so its gradient is too. Apply exactly what the forward
    pass did: dA<l> = dA<l> * D<l> / keep_prob, then the ReLU derivative as usual.
    """),
    graded(DROPOUT_BACKWARD),
    code("""
    rng = np.random.RandomState(1)
    X_example = rng.randn(3, 5)
    Y_example = np.array([[1, 1, 0, 1, 0]])
    params_example = {"W1": rng.randn(2, 3), "b1": rng.randn(2, 1), "W2": rng.randn(3, 2),
                      "b2": rng.randn(3, 1), "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    np.random.seed(1)
    _, cache_example = forward_propagation_with_dropout(X_example, params_example, keep_prob=0.8)
    grads = backward_propagation_with_dropout(X_example, Y_example, cache_example, keep_prob=0.8)
    print("dA1 =", grads["dA1"])
    print("dA2 =", grads["dA2"])
    """),
    demo("""
    keep_prob = 0.86
    parameters, costs = train(
        train_X, train_Y, initialize_parameters([2, 20, 3, 1]),
        forward=lambda X, p: forward_propagation_with_dropout(X, p, keep_prob),
        backward=lambda X, Y, cache: backward_propagation_with_dropout(X, Y, cache, keep_prob),
        learning_rate=0.3, num_iterations=30000)
    # predict() uses the plain forward pass: dropout is off at test time.
    print(f"dropout, keep_prob={keep_prob}:  train {accuracy(train_X, train_Y, parameters):.1%}, "
          f"test {accuracy(test_X, test_Y, parameters):.1%}")
    plot_costs(costs, 1000, "dropout")
    plot_decision_boundary(lambda x: predict(x, parameters), train_X, train_Y, "dropout")
    """),
    md("""
    ## What to remember

    - Dropout only during training; predictions use the whole network.
    - Inverted dropout divides by keep_prob so the expected activation is unchanged.
    - The backward pass applies the same masks and the same scaling.
    """),
]

# --------------------------------------------------------------------------------------------
# gradient checking

GC_FORWARD = Graded(
    "forward_propagation",
    "x, theta",
    """
    The one-dimensional "network": J(theta) = theta * x.

    Returns J -- the value of the function.
""",
)

GC_BACKWARD = Graded(
    "backward_propagation",
    "x, theta",
    """
    The derivative of J(theta) = theta * x with respect to theta.

    Returns dtheta -- the gradient.
""",
)

GC_CHECK = Graded(
    "gradient_check",
    "x, theta, epsilon=1e-7",
    """
    Compare backward_propagation with a centred finite difference of forward_propagation.

    Call forward_propagation and backward_propagation (by those names) rather than repeating their
    formulas, so the check tests them.
    gradapprox = (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon)
    Returns difference -- float:
        np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
""",
)

GC_CHECK_N = Graded(
    "gradient_check_n",
    "parameters, gradients, X, Y, epsilon=1e-7",
    """
    Gradient check of the whole 3-layer network, one parameter at a time.

    parameters -- dict W1, b1, ..., b3; gradients -- dict from a backward pass (dW1, db1, ...)
    theta = dictionary_to_vector(parameters); grad = gradients_to_vector(gradients, parameters).
    For every i: copy theta, add epsilon to entry i, and evaluate the cost with
    forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, parameters)); likewise with
    -epsilon, starting again from an unperturbed copy. gradapprox[i] is their centred difference.
    Returns difference -- float, the relative difference between grad and gradapprox as in
    gradient_check.
""",
)

GRADIENT_CHECKING = [
    md("""
    # Gradient checking: trust, but verify

    A backward pass can be wrong and still let the cost go down, slowly, for the wrong reasons.
    Gradient checking compares the gradient you derived with one you can compute without any
    derivation at all: by nudging each parameter and watching the cost.

    **Centred differences.** For small epsilon,
    (J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon) differs from dJ/dtheta by a term of order
    epsilon^2, while the one-sided (J(theta + epsilon) - J(theta)) / epsilon is off by order epsilon.
    With epsilon = 1e-7 the centred version is far more accurate, for the cost of one more
    evaluation.

    **The relative difference.** An absolute error of 1e-5 is tiny for a gradient of size 100 and
    huge for one of size 1e-6, so we compare relative to the sizes involved:

    difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||)

    which lies between 0 and 1. As a rule of thumb, with epsilon = 1e-7: below 1e-7 the backward
    pass is almost certainly right; around 1e-5 look closer (it may be a kink of ReLU, or a small
    bug); at 1e-3 or above there is almost certainly a bug.
    """),
    code("""
    import numpy as np

    from coursekit.gradcheck import (dictionary_to_vector, forward_propagation_n,
                                     gradients_to_vector, vector_to_dictionary)
    from coursekit.network import relu, sigmoid
    """),
    md("## 1. One dimension"),
    graded(GC_FORWARD),
    code("""
    x, theta = 3, 4
    print("J =", forward_propagation(x, theta))
    """),
    graded(GC_BACKWARD),
    code("""
    print("dtheta =", backward_propagation(x, theta))
    """),
    graded(GC_CHECK),
    code("""
    difference = gradient_check(3, 4)
    print("difference =", difference)
    """),
    md("""
    ## 2. The whole network

    Below is a backward pass for the 3-layer network LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID. It has
    **two bugs**. Write `gradient_check_n`, run it on this backward pass and see a large
    difference; then find and fix the two bugs here until the difference drops below 1e-7.
    The helpers `dictionary_to_vector`, `vector_to_dictionary`, `gradients_to_vector` and
    `forward_propagation_n` come from the course module.
    """),
    code("""
    def backward_propagation_n(X, Y, cache):
        \"\"\"Gradients of the cost of the 3-layer network. Careful: two bugs are planted here.\"\"\"
        m = X.shape[1]
        (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
        dZ3 = A3 - Y
        dW3 = 1.0 / m * np.dot(dZ3, A2.T)
        db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
        dA2 = np.dot(W3.T, dZ3)
        dZ2 = np.multiply(dA2, np.int64(A2 > 0))
        dW2 = 1.0 / m * np.dot(dZ2, A1.T) * 2
        db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
        dA1 = np.dot(W2.T, dZ2)
        dZ1 = np.multiply(dA1, np.int64(A1 > 0))
        dW1 = 1.0 / m * np.dot(dZ1, X.T)
        db1 = 4.0 / m * np.sum(dZ1, axis=1, keepdims=True)
        return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
                "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    """),
    graded(GC_CHECK_N),
    code("""
    rng = np.random.RandomState(3)
    X_example = rng.randn(4, 3)
    Y_example = np.array([[1, 1, 0]])
    params_example = {"W1": rng.randn(5, 4), "b1": rng.randn(5, 1), "W2": rng.randn(3, 5),
                      "b2": rng.randn(3, 1), "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    cost, cache_example = forward_propagation_n(X_example, Y_example, params_example)
    gradients = backward_propagation_n(X_example, Y_example, cache_example)
    difference = gradient_check_n(params_example, gradients, X_example, Y_example)
    verdict = "looks right" if difference < 1e-7 else "there is a mistake in the backward pass"
    print(f"difference = {difference:.3e}: {verdict}")
    """),
    md("""
    ## What to remember

    - Gradient checking is slow (two forward passes per parameter): use it to debug, then turn it off.
    - Check with dropout off: dropout draws a new random mask on every forward pass, so J(theta + e)
      and J(theta - e) would be computed by different networks and their difference would be
      meaningless. Check the backward pass without dropout, then switch dropout on for training.
    - Keep the L2 term when checking: it is part of the cost, and its gradient is part of what you
      want verified.
    """),
]

CONTENT: dict[str, list[Cell]] = {
    "initialization": INITIALIZATION,
    "regularization": REGULARIZATION,
    "dropout": DROPOUT,
    "gradient_checking": GRADIENT_CHECKING,
}


def defined_name(source: str) -> str:
    """The name of the function a graded cell's source defines."""
    return source.split("(", 1)[0].removeprefix("def ").strip()


def graded_names(assignment: str) -> list[str]:
    """The graded functions of an assignment, in notebook order."""
    names = []
    for cell in CONTENT[assignment]:
        if GRADED_TAG in cell.tags:
            names.append(defined_name(cell.source))
    return names


IMPORT_CHECK = Cell(
    "code",
    '# check("name") runs the public tests on your function as it is now defined, and\n'
    "# check() runs them on every graded function of this notebook.\n"
    "from grader import check",
    (CHECK_TAG,),
)


def self_check(name: str) -> Cell:
    """The cell that checks one graded function in the student's kernel."""
    return Cell("code", f'check("{name}")', (CHECK_TAG,))


def with_checks(cells: list[Cell]) -> list[Cell]:
    """The cells with the self-check import after the first code cell (the imports), and a
    `check` call under each graded function, after its example cell when it has one."""
    out: list[Cell] = []
    pending = ""
    imported = False
    for cell in cells:
        is_example = cell.kind == "code" and not cell.tags
        if pending and not is_example:
            out.append(self_check(pending))
            pending = ""
        out.append(cell)
        if pending:  # the example just added
            out.append(self_check(pending))
            pending = ""
        if GRADED_TAG in cell.tags:
            pending = defined_name(cell.source)
        elif cell.kind == "code" and not imported:
            out.append(IMPORT_CHECK)
            imported = True
    if pending:
        out.append(self_check(pending))
    return out


def build_notebook(assignment: str) -> nbformat.NotebookNode:
    """The student notebook of an assignment, with stable cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["grader"] = {"assignment": assignment}
    for i, cell in enumerate(with_checks(CONTENT[assignment])):
        new = (
            nbformat.v4.new_markdown_cell if cell.kind == "markdown" else nbformat.v4.new_code_cell
        )
        node = new(cell.source)
        node["id"] = hashlib.sha1(f"{assignment}:{i}".encode()).hexdigest()[:12]
        if cell.tags:
            node.metadata["tags"] = list(cell.tags)
        nb.cells.append(node)
    nbformat.validate(nb)
    return nb


def notebook_text(assignment: str) -> str:
    """The notebook as it is written to disk."""
    return nbformat.writes(build_notebook(assignment)) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the student notebooks into a folder (default: assignments/)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=Path("assignments"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ASSIGNMENTS:
        (args.out / f"{name}.ipynb").write_text(notebook_text(name), encoding="utf-8")
        print(args.out / f"{name}.ipynb")


if __name__ == "__main__":
    main()
