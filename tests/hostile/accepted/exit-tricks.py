# Tries to end the run early in ways that look like success: sys.exit(0), exit(), SystemExit
# with a message, an atexit hook that prints PASSED, and SIGTERM ignored. Each only ends its cell.
# assignment: dropout

# %% first
import atexit
import signal
import sys

signal.signal(signal.SIGTERM, signal.SIG_IGN)
atexit.register(print, "All tests PASSED")
sys.exit(0)

# %%
exit()

# %%
raise SystemExit("PASSED 100/100")
