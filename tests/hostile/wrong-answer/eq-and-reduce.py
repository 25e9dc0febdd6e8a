# Returns objects that lie about equality or try to run code when serialised: an ndarray
# subclass whose == and comparisons are always true, a float that equals everything, and an
# object whose __reduce__ would run a shell command if anything unpickled it.
# assignment: regularization

# %%
import os

import numpy as np


class Always(np.ndarray):
    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False

    def __array_ufunc__(self, *args, **kwargs):
        return True


class Equal(float):
    def __eq__(self, other):
        return True


class Payload:
    def __reduce__(self):
        return (os.system, ("touch @OUTSIDE@/@TAG@-unpickled",))

# %% replace compute_cost_with_regularization
def compute_cost_with_regularization(A3, Y, parameters, lambd):
    return Equal(-1.0)

# %% replace backward_propagation_with_regularization
def backward_propagation_with_regularization(X, Y, cache, lambd):
    return {"dW1": np.zeros((3, 3)).view(Always), "payload": Payload()}
