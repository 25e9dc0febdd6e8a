"""Known mistakes of the initialization assignment, as variants of the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.instructor.mutants._combine import combined, parts
from grader.spec import Mutant

Scale = Callable[[int, int], float]  # (n_prev, n_cur) -> factor

RANDOM: Scale = lambda n_prev, n_cur: 10.0  # noqa: E731
HE: Scale = lambda n_prev, n_cur: np.sqrt(2 / n_prev)  # noqa: E731
XAVIER: Scale = lambda n_prev, n_cur: np.sqrt(1 / n_prev)  # noqa: E731


def initializer(
    scale: Scale | None,
    *,
    draw: str = "randn",
    transposed: bool = False,
    bias: str = "zeros",
    layers: int = 0,
    reseed: bool = False,
    other_generator: bool = False,
) -> Callable[[list[int]], dict[str, np.ndarray]]:
    """An initializer with one mistake switched on. scale None means all zeros."""

    def init(layers_dims: list[int]) -> dict[str, np.ndarray]:
        if reseed:
            np.random.seed(1)
        # A Generator seeded from the caller's stream: right distribution, different numbers.
        rng = np.random.default_rng(np.random.randint(2**31)) if other_generator else None
        params: dict[str, np.ndarray] = {}
        for l in range(1, len(layers_dims) + layers):
            n_prev, n_cur = layers_dims[l - 1], layers_dims[l]
            shape = (n_prev, n_cur) if transposed else (n_cur, n_prev)
            if scale is None:
                W = np.zeros(shape)
            elif rng is not None:
                W = rng.standard_normal(shape) * scale(n_prev, n_cur)
            elif draw == "rand":
                W = np.random.rand(*shape) * scale(n_prev, n_cur)
            else:
                W = np.random.randn(*shape) * scale(n_prev, n_cur)
            params[f"W{l}"] = W
            if bias == "random":
                params[f"b{l}"] = np.random.randn(n_cur, 1)
            elif bias == "flat":
                params[f"b{l}"] = np.zeros(n_cur)
            elif bias == "row":
                params[f"b{l}"] = np.zeros((1, n_cur))
            else:
                params[f"b{l}"] = np.zeros((n_cur, 1))
        return params

    return init


def _shape_mistakes(name: str, scale: Scale | None) -> list[Mutant]:
    return [
        Mutant("init-transposed", name, initializer(scale, transposed=True)),
        Mutant("init-bias-shape", name, initializer(scale, bias="flat")),
        Mutant("init-bias-shape", name, initializer(scale, bias="row")),
        Mutant("init-random-bias", name, initializer(scale, bias="random")),
        Mutant("init-missing-layer", name, initializer(scale, layers=-1)),
    ]


def _draw_mistakes(name: str, scale: Scale) -> list[Mutant]:
    return [
        *_shape_mistakes(name, scale),
        Mutant("init-uniform", name, initializer(scale, draw="rand")),
        Mutant("init-no-scale", name, initializer(lambda n_prev, n_cur: 1.0)),
        Mutant("rng-reseed", name, initializer(scale, reseed=True)),
        Mutant("rng-other-generator", name, initializer(scale, other_generator=True)),
    ]


def _scales(kind: str) -> Callable[..., Any]:
    """activation_scales with one mistake, or several joined by "+" (the input's entry is taken
    with the same statistic as the others)."""
    switches = parts(kind)
    stats: dict[str, Callable[[Any], Any]] = {"mean": np.mean, "variance": np.var}
    stat = next((stats[k] for k in stats if k in switches), np.std)

    def scales(parameters: dict[str, np.ndarray], X: np.ndarray, activation: str = "relu") -> Any:
        activations: dict[str, Callable[[Any], Any]] = {
            "relu": lambda z: np.maximum(0, z),
            "tanh": np.tanh,
            "linear": lambda z: z,
        }
        g = activations[activation]
        L = len([k for k in parameters if k.startswith("W")])
        out = [stat(X)] if "includes-input" in switches else []
        A = X
        for l in range(1, L + 1):
            Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
            A = g(Z)
            out.append(stat(Z if "of-z" in switches else A))
        return np.array(out)

    return scales


MUTANTS: list[Mutant] = [
    *_shape_mistakes("initialize_parameters_zeros", None),
    *_draw_mistakes("initialize_parameters_random", RANDOM),
    *_draw_mistakes("initialize_parameters_he", HE),
    Mutant("init-xavier-scale", "initialize_parameters_he", initializer(XAVIER)),
    Mutant(
        "init-current-layer-scale",
        "initialize_parameters_he",
        initializer(lambda n_prev, n_cur: np.sqrt(2 / n_cur)),
    ),
    Mutant(
        "init-variance-not-std",
        "initialize_parameters_he",
        initializer(lambda n_prev, n_cur: 2 / n_prev),
    ),
    *_draw_mistakes("initialize_parameters_xavier", XAVIER),
    Mutant("init-he-scale", "initialize_parameters_xavier", initializer(HE)),
    Mutant(
        "init-current-layer-scale",
        "initialize_parameters_xavier",
        initializer(lambda n_prev, n_cur: np.sqrt(1 / n_cur)),
    ),
    Mutant(
        "init-variance-not-std",
        "initialize_parameters_xavier",
        initializer(lambda n_prev, n_cur: 1 / n_prev),
    ),
    Mutant("scales-of-z", "activation_scales", _scales("of-z")),
    Mutant("scales-includes-input", "activation_scales", _scales("includes-input")),
    Mutant("scales-mean", "activation_scales", _scales("mean")),
    Mutant("scales-variance", "activation_scales", _scales("variance")),
    *combined(
        "activation_scales",
        _scales,
        [
            {"includes-input": "scales-includes-input"},
            {"of-z": "scales-of-z"},
            {"mean": "scales-mean", "variance": "scales-variance"},
        ],
    ),
]
