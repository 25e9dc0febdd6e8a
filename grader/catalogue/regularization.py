"""Catalogue entries: the regularization assignment's mistakes."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
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
}
