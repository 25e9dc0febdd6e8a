# Returns the shapes and kinds of values that break naive comparisons: NaN everywhere, infinities,
# an object-dtype array, the right values transposed, and plain lists where arrays belong.
# assignment: initialization

# %% replace initialize_parameters_zeros
def initialize_parameters_zeros(layers_dims):
    return {f"{p}{l}": np.full((layers_dims[l], layers_dims[l - 1] if p == "W" else 1), np.nan)
            for l in range(1, len(layers_dims)) for p in "Wb"}

# %% replace initialize_parameters_random
def initialize_parameters_random(layers_dims):
    return {f"{p}{l}": np.full((layers_dims[l], layers_dims[l - 1] if p == "W" else 1), np.inf)
            for l in range(1, len(layers_dims)) for p in "Wb"}

# %% replace initialize_parameters_he
def initialize_parameters_he(layers_dims):
    return {f"{p}{l}": np.empty((layers_dims[l], layers_dims[l - 1] if p == "W" else 1), object)
            for l in range(1, len(layers_dims)) for p in "Wb"}

# %% replace initialize_parameters_xavier
def initialize_parameters_xavier(layers_dims):
    parameters = {}
    for l in range(1, len(layers_dims)):
        scale = np.sqrt(1 / layers_dims[l - 1])
        parameters["W" + str(l)] = (np.random.randn(layers_dims[l], layers_dims[l - 1]) * scale).T
        parameters["b" + str(l)] = np.zeros((1, layers_dims[l]))
    return parameters

# %% replace activation_scales
def activation_scales(parameters, X, activation="relu"):
    return [[float("nan")]] * len([k for k in parameters if k.startswith("W")])
