"""The regularization notebook's content: L2 regularization."""

from __future__ import annotations

from coursekit.lessons._cells import Cell, Graded, code, demo, graded, md

ORDER = 2
"""Its place in the course (the order of the sample class, the README)."""

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

CELLS: list[Cell] = [
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
