"""Catalogue entries: the dropout assignment's mistakes."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
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
}
