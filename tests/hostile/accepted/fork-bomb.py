# A fork bomb of a few hundred processes: each child names itself and sleeps; the parent forks
# until the kernel refuses. The process cap stops it; the tests still run.
# assignment: dropout

# %%
import ctypes
import os
import time

children = 0
for _ in range(300):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        ctypes.CDLL(None).prctl(15, b"@TAG@", 0, 0, 0)
        time.sleep(120)
        os._exit(0)
    children += 1
print("forked", children)
