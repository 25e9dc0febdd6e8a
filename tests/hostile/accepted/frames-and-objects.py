# Walks up its own frames (into the runner and the zygote's loop it was forked from) and through
# every object the collector tracks, looking for the batch's class folder, which the job named
# to the worker as a folder to hide. The runner empties the job before student code runs; if
# the path showed, the notebook deletes a graded function.
# assignment: dropout

# %%
import gc
import sys

# Spelt backwards, and turned round only when the cell runs, so that the cell's own source
# (in linecache, in the notebook the runner holds) does not hold the path.
_needle = "".join(reversed("@CLASS_REVERSED@"))
_seen = set()
_found = []


def _look(value, depth=0):
    if depth > 8 or id(value) in _seen:
        return
    _seen.add(id(value))
    if isinstance(value, str):
        if _needle in value and value is not _needle:
            _found.append(value[:120])
    elif isinstance(value, (bytes, bytearray)):
        if _needle.encode() in value:
            _found.append(repr(bytes(value[:120])))
    elif isinstance(value, dict):
        for k, v in list(value.items()):
            _look(k, depth + 1)
            _look(v, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in list(value):
            _look(v, depth + 1)
    elif not isinstance(value, type):
        try:
            attributes = vars(value)
        except TypeError:  # no __dict__
            return
        _look(attributes, depth + 1)


_frame = sys._getframe()
while _frame is not None:
    _look(_frame.f_locals)
    _frame = _frame.f_back
for _obj in gc.get_objects():
    if isinstance(_obj, (dict, list, tuple)):
        _look(_obj, 7)
print(len(_seen), _found[:3])
if _found or len(_seen) < 1000:  # found it, or the search did not run
    del forward_propagation_with_dropout
