"""The gradient_checking notebook's content: gradient checking."""

from __future__ import annotations

from coursekit.lessons._cells import Cell, Graded, code, graded, md

ORDER = 4
"""Its place in the course (the order of the sample class, the README)."""

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

CELLS: list[Cell] = [
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
