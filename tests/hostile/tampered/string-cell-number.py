# Writes a record of its own to the results socket: a cell record whose cell number is a string.
# expect: cell number
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


forge(json.dumps({"cell": "3", "ok": True, "output": {"text": "", "total_chars": 0}}).encode())
