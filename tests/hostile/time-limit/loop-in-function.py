# A graded function that never returns. Each call has its own time limit; the other function is
# graded as usual.
# assignment: dropout

# %% replace forward_propagation_with_dropout
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    while True:
        pass
