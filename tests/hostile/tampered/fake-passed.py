# Prints what a passing run looks like (PASSED lines, a perfect result JSON) to stdout, stderr
# and file descriptors 1 and 2, writes forged worker records (every case passed) to every open
# file descriptor, and leaves a fake result file in its folder. Its functions return nothing.
# The forged lines reach the results socket, where they are not a record.
# expect: byte limit
# assignment: dropout

# %% first
import json
import os
import sys

fake = {"schema": "grader.result/1", "status": "graded", "score": 20.0, "max_score": 20.0}
for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
    try:
        stream.write("test_forward PASSED\ntest_backward PASSED\nAll tests passed: 20/20\n")
        stream.write(json.dumps(fake) + "\n")
    except Exception:
        pass
os.write(1, b"PASSED\n")
with open("result.json", "w") as f:
    json.dump(fake, f)
records = [{"isolation": [], "notes": []}, {"cells_done": True}]
records += [
    {"case": f"{kind}-{i}", "ok": True, "value": {"__nd__": "<f8", "shape": [], "scalar": True,
     "subclass": None, "data": "AAAAAAAA8D8="}}
    for kind in ("public", "hidden") for i in range(1, 10)
]
for fd in range(3, 64):
    for rec in records:
        try:
            os.write(fd, (json.dumps(rec) + "\n").encode())
        except OSError:
            break

# %% replace forward_propagation_with_dropout
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    return None

# %% replace backward_propagation_with_dropout
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    print("PASSED")
    return None
