"""The mistake catalogue (contract section 3): for each id, what the mistake is in plain words,
the idea of the lesson it misses, and a hint that points the way without giving the code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """How a named mistake is explained to a student."""

    title: str
    """The mistake, in a few words."""
    explanation: str
    """Why it is wrong, tied to the lesson."""
    hint: str
    """Where to look; never the solution."""


E = Entry
CATALOGUE: dict[str, Entry] = {
    "rng-reseed": E(
        "the function reseeds the random generator",
        "Your outputs do not change when the caller's seed does: the function calls "
        "np.random.seed itself. Then every call draws the same numbers, and the caller can no "
        "longer control (or vary) the randomness.",
        "Remove the np.random.seed call from inside the function; seeding is the caller's job.",
    ),
    "rng-other-generator": E(
        "right distribution, different random stream",
        "Your draws have the right distribution, but they come from a different generator "
        "(for example np.random.default_rng) than the one the assignment asks for, so they "
        "cannot be reproduced from the caller's seed. Partial credit only.",
        "Draw with np.random.randn / np.random.rand, the legacy global generator the caller seeds.",
    ),
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
    "l2-cost-no-penalty": E(
        "the L2 penalty is missing",
        "Without the penalty the cost is plain cross-entropy, and nothing discourages large "
        "weights.",
        "Add lambd / (2 m) times the sum of the squared weights.",
    ),
    "l2-cost-lambda-over-m": E(
        "penalty scaled by lambd/m",
        "The penalty is lambd / (2 m) times the sum of squares; the 2 cancels when you take its "
        "derivative, which is why the gradient term is (lambd/m) W.",
        "Check the constant in front of the sum of squares.",
    ),
    "l2-cost-no-m": E(
        "penalty not divided by m",
        "The cross-entropy is an average over the m examples, so the penalty is scaled by 1/m "
        "too; otherwise its weight depends on the batch size.",
        "Check the constant in front of the sum of squares.",
    ),
    "l2-cost-includes-bias": E(
        "biases penalised",
        "L2 regularization penalises the weights only: biases shift thresholds without making the "
        "function sharper.",
        "Sum the squares of the W<l> matrices only.",
    ),
    "l2-cost-not-squared": E(
        "norm instead of squared norm",
        "The penalty is the sum of squared entries (the squared Frobenius norm), whose gradient "
        "is proportional to W: that is what makes it weight decay.",
        "Square the entries and sum them; no square root.",
    ),
    "l2-cost-fixed-layers": E(
        "only W1..W3 are penalised",
        "The cost must work for any depth: every W<l> key in parameters is penalised.",
        "Loop over the weight matrices the dictionary actually holds.",
    ),
    "l2-grad-no-penalty": E(
        "the (lambd/m) W term is missing",
        "The penalty is part of the cost, so its derivative (lambd/m) W<l> is part of dW<l>.",
        "Add the derivative of the penalty to each dW<l>.",
    ),
    "l2-grad-half": E(
        "penalty gradient halved",
        "The derivative of (lambd / 2m) * W**2 is (lambd/m) W: the 2 from the square cancels "
        "the 1/2.",
        "Differentiate the penalty again.",
    ),
    "l2-grad-no-m": E(
        "penalty gradient not divided by m",
        "The penalty carries 1/m like the cross-entropy; so does its derivative.",
        "Differentiate the penalty again.",
    ),
    "l2-grad-double": E(
        "penalty gradient doubled",
        "The derivative of (lambd / 2m) * W**2 is (lambd/m) W, not 2 lambd/m W.",
        "Differentiate the penalty again.",
    ),
    "l2-grad-bias": E(
        "biases regularised in the gradient",
        "Biases are not in the penalty, so db<l> has no penalty term.",
        "Only the dW<l> gain an extra term.",
    ),
    "l2-grad-scalar": E(
        "a scalar added instead of a matrix",
        "The derivative of the sum of W**2 with respect to each entry is that entry: the penalty "
        "gradient is a matrix, (lambd/m) W, not a sum.",
        "The extra term has the shape of W<l>.",
    ),
    "dropout-no-scale": E(
        "no division by keep_prob",
        "Inverted dropout divides the kept activations by keep_prob so that their expected value "
        "stays the same; then nothing needs to change at test time, when dropout is off.",
        "After masking, scale the activations so that their expectation is unchanged.",
    ),
    "dropout-multiply-keep-prob": E(
        "multiplied by keep_prob",
        "Masking already multiplies the expected activation by keep_prob; multiplying again "
        "shrinks it further instead of restoring it.",
        "Which operation undoes a factor of keep_prob?",
    ),
    "dropout-inverted-mask": E(
        "the mask keeps the wrong units",
        "A unit is kept with probability keep_prob: the draw must be below keep_prob. Your mask "
        "keeps units with probability 1 - keep_prob.",
        "Check the comparison that builds D.",
    ),
    "dropout-normal-mask": E(
        "mask drawn from a normal distribution",
        "np.random.rand is uniform on [0, 1), so rand < keep_prob holds with probability "
        "keep_prob; a standard normal draw does not give that probability.",
        "Draw the mask uniformly.",
    ),
    "dropout-output-layer": E(
        "dropout on the output layer",
        "Dropout regularizes hidden units; dropping the output would randomly zero predictions.",
        "Apply dropout to A1 and A2 only.",
    ),
    "dropout-input-layer": E(
        "dropout on the input",
        "In this assignment only the two hidden layers are dropped; the input X is used as it is.",
        "Apply dropout to A1 and A2 only.",
    ),
    "dropout-grad-no-scale": E(
        "backward pass not divided by keep_prob",
        "The forward pass multiplied kept activations by 1/keep_prob, so the gradient flowing "
        "back through them is multiplied by the same factor.",
        "Apply to dA<l> exactly what the forward pass applied to A<l>.",
    ),
    "dropout-grad-multiply-keep-prob": E(
        "backward pass multiplied by keep_prob",
        "The forward pass divided by keep_prob; the backward pass must do the same.",
        "Apply to dA<l> exactly what the forward pass applied to A<l>.",
    ),
    "dropout-grad-no-mask": E(
        "mask not applied in the backward pass",
        "A dropped unit contributed nothing to the output, so it must receive no gradient.",
        "Multiply dA1 and dA2 by the masks stored in the cache.",
    ),
    "gc-one-sided": E(
        "one-sided difference",
        "(J(theta + eps) - J(theta)) / eps is off by a term of order eps; the centred difference "
        "(J(theta + eps) - J(theta - eps)) / (2 eps) is off by order eps**2, far more accurate.",
        "Evaluate J on both sides of theta.",
    ),
    "gc-divide-by-eps": E(
        "centred difference divided by eps",
        "The two evaluations are 2 eps apart, so the slope divides by 2 eps.",
        "How far apart are theta + eps and theta - eps?",
    ),
    "gc-no-reset": E(
        "perturbations accumulate",
        "Each entry must be perturbed on its own, from an unperturbed copy of theta; otherwise "
        "entry i is measured with entries 0..i-1 still shifted.",
        "Start each perturbation from a fresh copy of the parameters.",
    ),
    "gc-denominator-grad-only": E(
        "denominator uses the gradient only",
        "The relative difference divides by ||grad|| + ||gradapprox||, which keeps it between 0 "
        "and 1 whichever of the two is wrong.",
        "Check the denominator of the relative difference.",
    ),
    "gc-denominator-sum": E(
        "denominator is the norm of the sum",
        "||grad + gradapprox|| can be tiny when the two point in opposite directions; the "
        "relative difference uses ||grad|| + ||gradapprox||.",
        "Check the denominator of the relative difference.",
    ),
    "gc-wrong-norm": E(
        "a norm other than the 2-norm",
        "The relative difference is defined with the Euclidean norm (np.linalg.norm's default).",
        "Use the default norm.",
    ),
    "gc-no-norm": E(
        "no relative difference",
        "The check returns one number between 0 and 1: the difference normalised by the sizes "
        "of the two gradients, so the same threshold works for large and small gradients.",
        "Divide the norm of the difference by the sum of the norms, and return a float.",
    ),
    "gc-inlines-forward": E(
        "the forward computation is repeated inline",
        "A gradient check tests the functions you wrote: it must evaluate J by calling "
        "forward_propagation (and the gradient by calling backward_propagation).",
        "Call forward_propagation instead of writing theta * x again.",
    ),
    "gc-perturbs-x": E(
        "x perturbed instead of theta",
        "The gradient is dJ/dtheta, so theta is what gets nudged; x is the fixed input.",
        "Which argument is the parameter?",
    ),
}
