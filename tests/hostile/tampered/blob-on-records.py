# Every record the runner sends (cell records, ready and function-end records, answers) gets a
# NUL and 4 KB of junk after its JSON; answers get their real blob then junk. Does the grader
# refuse blobs where none belongs? (It must: only a returned value has arrays to carry.)
# expect: raw bytes after a record
# assignment: dropout

# %% first
import gc as _gc, os as _os
for _o in _gc.get_objects():
    if type(_o).__name__ == "_Stream" and hasattr(_o, "send_payload"):
        def _junk(payload, blob=b"", _s=_o):
            import struct
            data = payload + b"\0" + blob + b"\x00\xffjunk" * 800
            data = struct.pack(">I", len(data)) + data
            _os.write(_s.fd, data)
        _o.send_payload = _junk
