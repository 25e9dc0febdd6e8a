"""Catalogue entries: the initialization assignment's mistakes."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
    "init-transposed": E(
        "weight matrices are transposed",
        "W<l> multiplies the previous layer's activations: Z<l> = W<l> A<l-1>, so it needs one row "
        "per unit of layer l and one column per unit of layer l-1.",
        "Check the shape you pass for W<l>: rows come from layers_dims[l].",
    ),
    "init-bias-shape": E(
        "bias vectors have the wrong shape",
        "b<l> is added to every column of W<l> A<l-1>; it must be a column vector of shape "
        "(n_l, 1) so that broadcasting adds it to each example.",
        "Give b<l> two dimensions, (layers_dims[l], 1).",
    ),
    "init-random-bias": E(
        "biases are drawn at random",
        "Random weights already break the symmetry between units; biases can start at zero. "
        "Drawing them also consumes random numbers, shifting every later draw.",
        "Initialize every b<l> with zeros.",
    ),
    "init-missing-layer": E(
        "a layer is missing (off by one)",
        "layers_dims lists L + 1 sizes, input included, so there are L weight matrices, W1 to WL.",
        "Check the bounds of your loop over layers: l should run from 1 to L inclusive.",
    ),
    "init-uniform": E(
        "uniform draws instead of Gaussian",
        "np.random.rand draws uniformly in [0, 1): every weight is positive and the mean is 0.5, "
        "not 0. The initializations here use standard normal draws, np.random.randn.",
        "Use the standard normal draw for the weights.",
    ),
    "init-no-scale": E(
        "the scale factor is missing",
        "Standard normal weights have variance 1; the whole point of this initialization is the "
        "factor that sets the variance.",
        "Multiply the draw by the factor given in the docstring.",
    ),
    "init-xavier-scale": E(
        "Xavier's factor used for He",
        "For ReLU, half of the inputs are zeroed, so keeping the spread needs variance 2/n, not "
        "1/n; with 1/n activations shrink layer after layer.",
        "Revisit the factor: He is for ReLU.",
    ),
    "init-he-scale": E(
        "He's factor used for Xavier",
        "tanh keeps both signs, so variance 1/n keeps the spread; 2/n makes activations grow "
        "until tanh saturates.",
        "Revisit the factor: Xavier is for tanh.",
    ),
    "init-current-layer-scale": E(
        "the scale uses the current layer's size",
        "The variance of Z<l> = W<l> A<l-1> sums over the n_{l-1} inputs of each unit, so the "
        "factor depends on the previous layer's size.",
        "Which layer's size counts the terms in each unit's sum?",
    ),
    "init-variance-not-std": E(
        "the variance used as the factor",
        "Multiplying a standard normal by c gives variance c**2. To get variance v, multiply by "
        "sqrt(v), not by v.",
        "Take the square root of the target variance.",
    ),
    "scales-of-z": E(
        "spread of Z instead of A",
        "The spread that explodes or vanishes is that of the activations A<l> = g(Z<l>), the "
        "values the next layer receives.",
        "Measure after applying the activation function.",
    ),
    "scales-includes-input": E(
        "the input's spread is included",
        "The result has one entry per layer, l = 1..L; the input X is layer 0 and is not counted.",
        "The returned array should have shape (L,).",
    ),
    "scales-mean": E(
        "mean instead of standard deviation",
        "The lesson measures how spread out activations are; a mean can stay put while the "
        "spread explodes.",
        "Use the standard deviation of each layer's activations.",
    ),
    "scales-variance": E(
        "variance instead of standard deviation",
        "The variance is the square of the spread: it exaggerates both explosion and vanishing.",
        "Use the standard deviation of each layer's activations.",
    ),
}
