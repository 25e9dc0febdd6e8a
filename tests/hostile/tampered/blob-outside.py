# Answers its own call with a value whose array says its bytes are in the frame's blob, far past
# its end (and then at a negative place): the grader must refuse it, never read past the frame.
# expect: not plain data
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

    frame = sys._getframe()
    while frame is not None and "case" not in frame.f_locals:
        frame = frame.f_back
    case = frame.f_locals["case"] if frame is not None else "unknown"
    value = {"__nd__": "<f8", "shape": [1000], "scalar": False, "subclass": None, "at": 10**6}
    record = json.dumps({"case": case, "ok": True, "value": value, "elapsed": 0.0}).encode()
    payload = record + b"\0" + b"\0" * 16
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">I", len(payload)) + payload)
        except OSError:
            pass
    os._exit(0)
