# A graded function that ignores the call timer's signal and sleeps; the wait outside the call
# still ends it.
# assignment: dropout

# %% replace backward_propagation_with_dropout
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    import signal
    import time

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    time.sleep(10**6)
