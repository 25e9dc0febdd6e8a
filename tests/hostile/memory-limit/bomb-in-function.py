# A graded function that allocates 4 GiB of NumPy array, touching every page.
# assignment: dropout

# %% replace forward_propagation_with_dropout
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    import numpy as np

    return np.ones(2**29), None
