# Writes a record nested 100 000 deep (200 KB), to make the grader's JSON parser recurse.
# expect: nested too deeply
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


forge(b'{"cell": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
