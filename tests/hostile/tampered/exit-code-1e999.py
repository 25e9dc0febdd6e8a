# A graded function that, when the grader calls it, claims its probe process ended with an exit
# code of 1e999 (JSON's way to say infinity). What was graded before it still counts.
# It behaves in the notebook's own example cell and misbehaves only when the grader calls it.
# expect: out of range
# assignment: dropout

# %% replace backward_propagation_with_dropout
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    import sys

    if sys._getframe(1).f_code.co_filename.startswith("<cell"):
        return None  # the notebook's own example call: misbehave only under the tests
    import json
    import os
    import stat
    import struct


    def forge(payload):
        """Write one length-prefixed frame, as the worker frames its records, to every socket."""
        for fd in range(3, 256):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.write(fd, struct.pack(">I", len(payload)) + payload)
            except OSError:
                pass
    forge(b'{"function": "backward_propagation_with_dropout", "ended": "exit", "code": 1e999}')
    return None
