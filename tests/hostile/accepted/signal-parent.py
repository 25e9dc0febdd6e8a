# Signals upward: the parent, its parent and every process it can see in /proc. Only inside a
# PID namespace does it signal everything it sees (anywhere else that would reach the test run
# itself). Nothing outside the submission may be touched; its own tests still run.
# assignment: dropout

# %%
import os
import signal


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
    for target in (os.getppid(), parent_of(os.getppid())):
        if target > 0:
            try:
                os.kill(target, sig)
            except OSError as exc:
                print(target, sig, exc)
if os.getpid() < 10:
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError as exc:
                print(name, exc)
