# Disarms the notebook's own timer (SIGALRM ignored, the interval timer cleared) and ignores
# SIGTERM, SIGINT and SIGHUP, then loops. Only the wall-clock watchdog outside can end it.
# assignment: dropout

# %%
import signal

for sig in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, signal.SIG_IGN)
signal.setitimer(signal.ITIMER_REAL, 0)
while True:
    pass
