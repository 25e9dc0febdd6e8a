# Kills its own process group with SIGKILL.
# assignment: dropout

# %%
import os
import signal

os.kill(0, signal.SIGKILL)
