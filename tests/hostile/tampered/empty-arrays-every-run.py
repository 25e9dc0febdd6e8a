# Every answer is a ~1 MB frame of zero-size 32-dimensional "scalar" arrays (about 11 MB of
# Python objects each, once decoded), and the last call of each function ends the runner, so
# that the next function gets a fresh run. Each array is charged for its object, so such a
# frame is refused; and the budget of returned values is one for all the runs.
# expect: not plain data
# assignment: setup

# %% first
import gc as _gc, os as _os, json as _json
_N = {"split_data": 7, "normalization_stats": 5, "normalize": 5, "normalize_splits": 4,
      "bias_variance": 11, "early_stopping": 11}
_seen = {}
for _o in _gc.get_objects():
    if type(_o).__name__ == "_Stream" and hasattr(_o, "send_payload"):
        _orig = _o.send_payload
        def _fat(payload, blob=b"", _s=_o, _orig=_orig):
            if payload.startswith(b'{"case"'):
                rec = _json.loads(payload)
                fn = rec["case"].split("/")[0]
                _seen[fn] = _seen.get(fn, 0) + 1
                if _seen[fn] >= _N.get(fn, 99):
                    _os._exit(0)
                one = {"__nd__": "<f8", "shape": [0] * 32, "scalar": True, "at": 0}
                n = (2**20 - 300) // len(_json.dumps(one, separators=(",", ":")))
                rec = {"case": rec["case"], "ok": True, "value": {"__list__": [one] * n}}
                payload = _json.dumps(rec, separators=(",", ":")).encode()
                blob = b""
            return _orig(payload, blob)
        _o.send_payload = _fat
