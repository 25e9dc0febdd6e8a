# Writes a JSON list where the grader expects an object.
# expect: list where an object belongs
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


forge(b"[1, 2, 3]")
