# Makes processes whose parent is its own parent (clone with CLONE_PARENT): for the runner, the
# zygote outside the submission's PID namespace, which no init there can reap. Ended at once,
# they would stay zombies on the worker, hold its process cap for the next student and keep the
# namespace from ending (a red team's finding). The system-call filter refuses the flag; if a
# clone got through, the notebook deletes a graded function.
# assignment: dropout

# %%
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
made = 0
for _ in range(30):
    child = libc.syscall(56, 0x00008000 | 17, 0, 0, 0, 0)  # clone(CLONE_PARENT | SIGCHLD)
    if child == 0:
        libc.syscall(60, 0)  # exit at once, a raw system call
    if child > 0:
        made += 1
print("made", made, "errno", ctypes.get_errno())
if made:
    del forward_propagation_with_dropout
