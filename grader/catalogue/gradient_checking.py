"""Catalogue entries: the gradient_checking assignment's mistakes."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
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
