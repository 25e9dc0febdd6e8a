# A graded function that ignores the call timer's signal and sleeps; the wait outside the call
# still ends it.
# It behaves in the notebook's own example cell and misbehaves only when the grader calls it.
# assignment: dropout

# %% replace backward_propagation_with_dropout
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    import sys

    if sys._getframe(1).f_code.co_filename.startswith("<cell"):
        return None  # the notebook's own example call: misbehave only under the tests
    import signal
    import time

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    time.sleep(10**6)
