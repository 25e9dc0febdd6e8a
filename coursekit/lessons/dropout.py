"""The dropout notebook's content: inverted dropout."""

from __future__ import annotations

from coursekit.lessons._cells import Cell, Graded, code, demo, graded, md

ORDER = 3
"""Its place in the course (the order of the sample class, the README)."""

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

CELLS: list[Cell] = [
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
