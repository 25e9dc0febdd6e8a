"""The setup notebook's content: train/dev/test sets, normalized inputs, bias and variance, and
early stopping."""

from __future__ import annotations

from coursekit.lessons._cells import Cell, Graded, code, demo, graded, md

ORDER = 5
"""Its place in the course (the order of the sample class, the README)."""

SPLIT = Graded(
    "split_data",
    "X, Y, dev_fraction, test_fraction",
    """
    Shuffle the examples once and cut them into a training, a dev and a test set.

    X -- data, shape (n_x, m): one example per column; Y -- labels, shape (1, m)
    dev_fraction, test_fraction -- shares of the m examples for the dev and the test set
    Draw perm = np.random.permutation(m) once (no np.random.seed here: the caller seeds) and
    use it for both X and Y. n_dev = int(m * dev_fraction), n_test = int(m * test_fraction);
    train takes the columns perm[:m - n_dev - n_test], dev the next n_dev, test the last n_test.
    Returns (X_train, Y_train, X_dev, Y_dev, X_test, Y_test).
""",
)

STATS = Graded(
    "normalization_stats",
    "X",
    """
    The statistics that normalize each feature.

    X -- data, shape (n_x, m)
    Returns (mu, sigma2), each of shape (n_x, 1): for every feature (row), the mean over the m
    examples, and the mean over the examples of (X - mu)**2 (divide by m, not m - 1).
""",
)

NORMALIZE = Graded(
    "normalize",
    "X, mu, sigma2, epsilon=1e-8",
    """
    Center and scale X with the given statistics.

    X -- data, shape (n_x, m'); mu, sigma2 -- shape (n_x, 1), from normalization_stats
    Returns (X - mu) / sqrt(sigma2 + epsilon): divided by the standard deviation.
""",
)

NORMALIZE_SPLITS = Graded(
    "normalize_splits",
    "X_train, X_dev, X_test",
    """
    Normalize all three sets with the training set's statistics.

    Call your normalization_stats on X_train, then your normalize on each set.
    Returns (X_train_n, X_dev_n, X_test_n, mu, sigma2), mu and sigma2 being the training set's.
""",
)

BIAS_VARIANCE = Graded(
    "bias_variance",
    "train_error, dev_error, base_error=0.0, threshold=0.05",
    """
    Read bias and variance off the errors (fractions: 0.01 is 1%).

    Avoidable bias is train_error - base_error; variance is dev_error - train_error; each is
    high when it exceeds threshold.
    Returns one of "high bias", "high variance", "high bias and high variance",
    "low bias and low variance".
""",
)

EARLY_STOPPING = Graded(
    "early_stopping",
    "dev_costs, patience",
    """
    The epoch whose parameters early stopping keeps.

    dev_costs -- the dev cost after each epoch (a list or a 1-D array); patience -- an int >= 1
    Walk through the epochs keeping the lowest cost so far; an epoch that is not strictly lower
    (an equal cost is no improvement) adds one to a counter, a new lowest resets it. When the
    counter reaches patience, stop. Returns the index (an int) of the lowest cost seen; if
    training never stops, the index of the lowest cost overall.
""",
)

CELLS: list[Cell] = [
    md("""
    # Setting up the problem: data splits, normalized inputs, bias and variance, early stopping

    Before tuning a network, decide how you will measure it and make its inputs easy to learn
    from. This notebook builds the four tools that come first in any project:

    1. splitting the data into **train**, **dev** and **test** sets;
    2. **normalizing** the inputs, with statistics taken from the training set only;
    3. reading **bias and variance** off the training and dev errors;
    4. **early stopping**: keeping the parameters of the epoch that did best on the dev set.

    Examples are columns, as in every notebook of the course: `X` has shape `(n_x, m)`.
    """),
    code("""
    import numpy as np
    %matplotlib inline
    import matplotlib.pyplot as plt


    def make_measurements(m, seed=0):
        \"\"\"Synthetic data: three features on very different scales and a noisy target.\"\"\"
        rng = np.random.default_rng(seed)
        centres = np.array([[5000.0], [3.0], [0.05]])  # e.g. a price, a count, a ratio
        spreads = np.array([[1000.0], [1.0], [0.01]])
        X = centres + spreads * rng.normal(size=(3, m))
        w = np.array([[0.002, -1.5, 300.0]])  # each feature matters about as much
        Y = 10 + w @ (X - centres) + 0.5 * rng.normal(size=(1, m))
        return X, Y


    X, Y = make_measurements(2000)
    print("X:", X.shape, " Y:", Y.shape)
    print("feature means:", X.mean(axis=1).round(3), " spreads:", X.std(axis=1).round(3))
    """),
    md("""
    ## 1. Train, dev and test sets

    - The **training set** is what the parameters are fitted on.
    - The **dev set** (development, or hold-out cross-validation set) is what you compare
      models and hyperparameters on.
    - The **test set** gives an unbiased estimate of the final model's error. Once you start
      choosing with it, it has become a second dev set.

    **Dev and test must come from the same distribution**, the one you care about. If the dev
    set holds clean photos and the test set blurry phone shots, you can spend months improving
    the dev error and find that the test error did not move: you were aiming at the wrong target.
    The training set may be larger and come from elsewhere, but dev and test should look like
    the data the model will meet.

    **How big?** With a few thousand examples, the old 60/20/20 rule is sensible. With plenty of
    data it is wasteful. A dev set only needs to be big enough to tell apart the models you
    compare (10,000 examples detect differences of a fraction of a percent), and a test set big
    enough to trust the final estimate. With a million examples, 98% / 1% / 1% is usual: every
    extra example in training helps, while the dev and test sets already have ten thousand each.

    Shuffle before cutting: data often arrives sorted (by date, by label, by source), and a split
    in that order gives each set a different distribution. Shuffle X and Y with **one**
    permutation, so each label stays with its example.
    """),
    graded(SPLIT),
    code("""
    np.random.seed(1)
    X_train, Y_train, X_dev, Y_dev, X_test, Y_test = split_data(X, Y, 0.1, 0.1)
    print("train", X_train.shape, " dev", X_dev.shape, " test", X_test.shape)
    """),
    md("""
    ## 2. Normalizing inputs

    When one feature is measured in thousands and another in hundredths, the cost is a long,
    narrow valley: a learning rate small enough not to overshoot along the large feature makes
    almost no progress along the small one. Subtracting each feature's mean and dividing by its
    **standard deviation** gives every feature mean 0 and variance 1, and the valley becomes
    round enough for gradient descent to head straight for the bottom.

    For each feature (row) of the training set:

    mu = (1/m) sum_i x^(i),   sigma2 = (1/m) sum_i (x^(i) - mu)^2,   x_norm = (x - mu) / sqrt(sigma2 + epsilon)

    Two details matter:

    - **Divide by the standard deviation, sqrt(sigma2), not by the variance sigma2.** Some
      lecture notes write "x /= sigma^2" while meaning the spread; taken literally it leaves a
      feature of spread s with variance 1/s^2: large features are crushed and small ones blown
      up, the opposite of what was wanted. `epsilon` only protects against a constant feature.
    - **Normalize dev and test with the training set's mu and sigma2.** The model learns a
      function of the training inputs as they were transformed; dev and test must go through
      the *same* transformation. Normalizing them with their own statistics would shift and
      stretch them differently, and a dev set that differs from training would be silently
      moved to look like it.
    """),
    graded(STATS),
    code("""
    mu, sigma2 = normalization_stats(X_train)
    print("mu:", mu.ravel().round(3))
    print("sigma2:", sigma2.ravel().round(5))
    """),
    graded(NORMALIZE),
    code("""
    X_train_n = normalize(X_train, mu, sigma2)
    print("after: means", X_train_n.mean(axis=1).round(4), " variances", X_train_n.var(axis=1).round(4))
    """),
    graded(NORMALIZE_SPLITS),
    code("""
    X_train_n, X_dev_n, X_test_n, mu, sigma2 = normalize_splits(X_train, X_dev, X_test)
    print("dev means with the training statistics:", X_dev_n.mean(axis=1).round(3))
    """),
    md("""
    ### What normalizing buys

    Below, the same linear model is fitted by batch gradient descent for the same number of
    steps, once on the raw inputs and once on the normalized ones. On raw inputs the largest
    stable learning rate is set by the largest feature (about 1 / 10^6 here), so the other two
    features barely move. On normalized inputs a learning rate of 0.5 is safe for all three.
    """),
    demo("""
    def fit_linear(X, Y, learning_rate, steps):
        \"\"\"Batch gradient descent on the squared error; returns the cost after each step.\"\"\"
        w, b, costs = np.zeros((1, X.shape[0])), 0.0, []
        for _ in range(steps):
            err = w @ X + b - Y
            w = w - learning_rate * (err @ X.T) / X.shape[1]
            b = b - learning_rate * float(err.mean())
            costs.append(float(np.mean((w @ X + b - Y) ** 2) / 2))
        return costs


    steps = 100
    largest = np.linalg.eigvalsh(X_train @ X_train.T / X_train.shape[1]).max()
    raw = fit_linear(X_train, Y_train, 1.0 / largest, steps)
    normalized = fit_linear(X_train_n, Y_train, 0.5, steps)
    print(f"cost after {steps} steps: raw inputs {raw[-1]:.3f}, normalized inputs {normalized[-1]:.3f}")
    plt.figure(figsize=(5, 3))
    plt.semilogy(raw, label="raw inputs")
    plt.semilogy(normalized, label="normalized inputs")
    plt.xlabel("gradient-descent step")
    plt.ylabel("training cost")
    plt.legend()
    plt.show()
    """),
    md("""
    ## 3. Bias and variance

    Compare the training error with the best error achievable (the **base error**: what an
    expert, or the best possible classifier, gets; 0 when the labels are unambiguous) and with
    the dev error:

    - **avoidable bias** = train error - base error: the model does not even fit its own data;
    - **variance** = dev error - train error: it fits the training data but does not generalise.

    With a base error of 0 and a threshold of 5 points, the lectures' four cases read:

    | train | dev | verdict |
    |---|---|---|
    | 1% | 11% | high variance |
    | 15% | 16% | high bias |
    | 15% | 30% | high bias and high variance |
    | 0.5% | 1% | low bias and low variance |

    If humans made 14% errors on that second task, 15% / 16% would be a good result: bias is
    measured from the base error, not from zero.

    **The basic recipe.** First ask whether bias is high. If so, a bigger network, training
    longer or a better-suited architecture helps; more data does not. Once bias is acceptable,
    ask whether variance is high: more data, regularization (L2, dropout) or a different
    architecture help. Repeat until both are low. With a big enough network and enough data,
    one can usually be reduced without making the other worse, so there is less of a "trade-off"
    than the name suggests.
    """),
    graded(BIAS_VARIANCE),
    code("""
    for train_error, dev_error in [(0.01, 0.11), (0.15, 0.16), (0.15, 0.30), (0.005, 0.01)]:
        print(f"train {train_error:.1%}, dev {dev_error:.1%}: {bias_variance(train_error, dev_error)}")
    print("15% / 16% with a base error of 14%:", bias_variance(0.15, 0.16, base_error=0.14))
    """),
    md("""
    ## 4. Early stopping

    As training goes on, the training cost keeps falling, but past some point the model starts
    fitting the noise of the training set and the dev cost rises again. Early stopping records
    the dev cost after every epoch and keeps the parameters of the epoch where it was lowest.
    Because the dev cost is noisy, one bad epoch is no reason to stop: training stops after
    `patience` epochs in a row without a new lowest (an epoch that only equals the lowest is no
    improvement).

    **Early stopping versus L2.** Both keep the weights from growing to fit noise: stopping
    early leaves them small because they have not had time to grow. Early stopping is cheap
    (one training run gives a whole range of models, one per epoch), but it ties together two
    jobs one would rather do separately: minimizing the cost and not overfitting. You stop
    optimizing before the cost is low, to prevent overfitting. L2 keeps the two apart: you train
    to convergence and choose lambda to control overfitting, at the price of training once per
    lambda you try.
    """),
    graded(EARLY_STOPPING),
    code("""
    costs = [1.0, 0.8, 0.82, 0.7, 0.65, 0.66, 0.67, 0.69, 0.6]
    print("best epoch, patience 3:", early_stopping(costs, 3))
    print("best epoch, patience 5:", early_stopping(costs, 5))
    """),
    md("""
    ### A dev-cost curve

    A model with more features than training examples (20 bumps along the input, 24 training
    points) fitted to a noisy curve: the training cost keeps falling while the dev cost turns up
    after a few dozen epochs. Your `early_stopping` marks the epoch it would keep.
    """),
    demo("""
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, size=(1, 200))
    y = np.sin(3 * x) + 0.4 * rng.normal(size=x.shape)
    centres = np.linspace(-1, 1, 20)[:, None]
    F = np.exp(-((x - centres) ** 2) / (2 * 0.15**2))  # 20 features: bumps along x

    np.random.seed(2)
    F_train, y_train, F_dev, y_dev, F_test, y_test = split_data(F, y, 0.44, 0.44)
    F_train, F_dev, F_test, _, _ = normalize_splits(F_train, F_dev, F_test)

    learning_rate = 0.03 / np.linalg.eigvalsh(F_train @ F_train.T / F_train.shape[1]).max()
    w, b, train_costs, dev_costs = np.zeros((1, F.shape[0])), 0.0, [], []
    for epoch in range(1000):
        err = w @ F_train + b - y_train
        w = w - learning_rate * (err @ F_train.T) / F_train.shape[1]
        b = b - learning_rate * float(err.mean())
        train_costs.append(float(np.mean((w @ F_train + b - y_train) ** 2) / 2))
        dev_costs.append(float(np.mean((w @ F_dev + b - y_dev) ** 2) / 2))

    stop = early_stopping(dev_costs, patience=50)
    print(f"early stopping keeps epoch {stop}: dev cost {dev_costs[stop]:.4f}, "
          f"against {dev_costs[-1]:.4f} after all {len(dev_costs)} epochs")
    plt.figure(figsize=(5, 3))
    plt.plot(train_costs, label="train")
    plt.plot(dev_costs, label="dev")
    plt.axvline(stop, color="k", linestyle="--", label=f"early stopping (epoch {stop})")
    plt.xlabel("epoch")
    plt.ylabel("cost")
    plt.legend()
    plt.show()
    """),
    md("""
    ## What to remember

    - Dev and test come from the same distribution, the one you care about; with plenty of data
      they need only be big enough for their job (1% each of a million examples is plenty).
    - Normalize with the training set's mean and standard deviation, and reuse them, unchanged,
      for dev and test. Divide by sqrt(sigma2), never by sigma2.
    - Avoidable bias is train - base error, variance is dev - train error: fix bias first
      (bigger model, longer training), then variance (more data, regularization).
    - Early stopping keeps the dev minimum; it is cheap, but mixes optimizing with regularizing,
      which L2 keeps apart.
    """),
]
