# A graded function that crashes the interpreter by recursing past the C stack.
# assignment: regularization

# %% replace backward_propagation_with_regularization
def backward_propagation_with_regularization(X, Y, cache, lambd):
    import sys

    sys.setrecursionlimit(10**8)

    def down(n):
        return down(n + 1) + 1

    return down(0)
