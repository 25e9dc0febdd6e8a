"""The initialization notebook's content: zeros, random, He and Xavier, activation scales."""

from __future__ import annotations

from coursekit.lessons._cells import Cell, Graded, code, demo, graded, md

ORDER = 1
"""Its place in the course (the order of the sample class, the README)."""

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

CELLS: list[Cell] = [
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
