# Tries to empty the results descriptor (ftruncate) and writes an isolation record claiming a
# layer that does not exist. The isolation the result lists comes from the trusted side only.
# expect: isolation
# assignment: dropout

# %%
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


for fd in range(3, 256):
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
forge(json.dumps({"isolation": ["network-namespace", "forged-layer"], "notes": []}).encode())
