# A 2 MB burst of small records on the results socket: the grader must stay small and say so.
# expect: cell
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


record = struct.pack(">I", 10) + b'{"cell":0}'
burst = record * (2 * 2**20 // len(record))
for fd in range(3, 256):
    try:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            os.write(fd, burst)
    except OSError:
        pass
