# Leaves a daemon behind: fork, setsid, fork again, and the grandchild sleeps under its own name
# long after the notebook is done. It must not outlive the submission.
# assignment: dropout

# %%
import ctypes
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, b"@TAG@", 0, 0, 0)
        time.sleep(300)
    os._exit(0)
time.sleep(0.2)
