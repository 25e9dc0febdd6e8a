# Stops its own process (SIGSTOP): no timer inside can fire, so the watchdog outside must act.
# assignment: dropout

# %%
import os
import signal

os.kill(os.getpid(), signal.SIGSTOP)
