# A graded function that never returns. Each call has its own time limit; the other function is
# graded as usual.
# It behaves in the notebook's own example cell and misbehaves only when the grader calls it.
# assignment: dropout

# %% replace forward_propagation_with_dropout
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    import sys

    if sys._getframe(1).f_code.co_filename.startswith("<cell"):
        return None  # the notebook's own example call: misbehave only under the tests
    while True:
        pass
