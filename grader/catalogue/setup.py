"""Catalogue entries: the setup assignment's mistakes."""

from __future__ import annotations

from grader.catalogue._entry import Entry as E

ENTRIES: dict[str, E] = {
    "split-no-shuffle": E(
        "the examples are split in their original order",
        "Data often arrives sorted (by date, by class, by source). Cutting it without shuffling "
        "gives train, dev and test different distributions, and the dev set then measures the "
        "wrong thing.",
        "Draw one permutation of the m example indices and split that.",
    ),
    "split-rows": E(
        "rows (features) shuffled or split instead of columns (examples)",
        "Examples are columns here: X has shape (n_x, m). Shuffling or indexing the rows mixes "
        "up features and leaves the examples where they were.",
        "Index the columns: X[:, indices], and take m from X.shape[1].",
    ),
    "split-separate-shuffles": E(
        "X and Y shuffled by different permutations",
        "Each label belongs to its example. Two independent shuffles pair examples with other "
        "examples' labels, and nothing can be learned from the result.",
        "Draw the permutation once and use it for both X and Y.",
    ),
    "split-overlap": E(
        "the sets overlap",
        "An example that is in the training set and in the dev (or test) set makes that set "
        "look easier than new data is: its error no longer estimates the error on unseen data.",
        "Check the slice bounds: train, dev and test take consecutive, disjoint parts of the "
        "permutation.",
    ),
    "norm-wrong-axis": E(
        "statistics taken over features, not over examples",
        "Normalizing puts every feature on the same scale, so each feature (each row) gets its "
        "own mean and variance, computed across the m examples (the columns).",
        "Average along axis=1 and keep the result a column of shape (n_x, 1).",
    ),
    "norm-divide-variance": E(
        "divided by the variance instead of the standard deviation",
        "Dividing by sigma^2 leaves a feature with variance 1/sigma^2, not 1: large features "
        "shrink too much and small ones blow up. Some lecture notes write the formula with "
        "sigma^2 while meaning the standard deviation.",
        "Divide by the square root of (sigma2 + epsilon).",
    ),
    "norm-no-center": E(
        "the mean is not subtracted",
        "Scaling alone leaves each feature's mean where it was; the cost surface stays tilted "
        "and gradient descent still zig-zags.",
        "Subtract mu before dividing.",
    ),
    "norm-sample-variance": E(
        "variance with m - 1 (ddof=1)",
        "The course's sigma^2 is the mean of the squared deviations over the m examples, "
        "(1/m) * sum((x - mu)^2), not the unbiased estimate with m - 1.",
        "Divide the sum of squared deviations by m (np.var's default, ddof=0).",
    ),
    "norm-own-stats": E(
        "dev and test normalized with their own statistics",
        "The model learns on training data transformed by the training mean and variance; dev "
        "and test must go through the same transformation, or the inputs it is tested on are "
        "shifted and scaled differently from the ones it learned on.",
        "Compute mu and sigma2 once, on X_train, and use them for all three sets.",
    ),
    "bv-ignores-base": E(
        "avoidable bias measured from zero",
        "When even the best possible classifier makes mistakes (base_error), only the part of "
        "the training error above it can be removed: avoidable bias is train_error - "
        "base_error.",
        "Subtract base_error from train_error before comparing with the threshold.",
    ),
    "bv-variance-from-zero": E(
        "variance taken as the dev error alone",
        "Variance is the gap between how the model does on data it was trained on and on data "
        "it has not seen: dev_error - train_error, not dev_error itself.",
        "Subtract train_error from dev_error.",
    ),
    "bv-swapped": E(
        "the bias and variance verdicts are swapped",
        "A high training error (far above the base error) is bias: the model does not fit even "
        "its own data. A large gap from train to dev is variance: it fits the training data "
        "but does not generalise.",
        "Check which difference you call bias and which variance.",
    ),
    "es-last-epoch": E(
        "returns the epoch where training stopped",
        "By the time patience runs out, the model has spent `patience` epochs getting no better "
        "on the dev set; the parameters worth keeping are those of the best epoch, before that.",
        "Return the index of the lowest dev cost, not the current epoch.",
    ),
    "es-first-increase": E(
        "stops at the first epoch without improvement",
        "Dev costs are noisy: one bad epoch does not mean training has stopped helping. "
        "Patience is how many epochs without a new best to wait before giving up.",
        "Count consecutive epochs without improvement, and stop only when the count reaches "
        "patience.",
    ),
    "es-ties-improve": E(
        "an equal cost counts as an improvement",
        "An epoch that only matches the best dev cost has not improved it. Treating a tie as "
        "an improvement (taking it as the new best epoch, or starting the patience count "
        "again) keeps training going on a plateau, and can move the best epoch later.",
        "Use a strict comparison: only a lower cost is a new best, and only a new best resets "
        "the patience count.",
    ),
}
