# Enters a new user namespace (unshare(CLONE_NEWUSER)), where it would hold every capability
# and could mount a tmpfs of its own, and tries the other namespace flags. The system-call
# filter denies them all; if one worked, the notebook deletes a graded function.
# assignment: dropout

# %%
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
worked = []
for name, flag in (("user", 0x10000000), ("mount", 0x00020000), ("net", 0x40000000),
                   ("ipc", 0x08000000), ("pid", 0x20000000), ("cgroup", 0x02000000)):
    if libc.unshare(flag) == 0:
        worked.append(name)
print(worked)
if worked:
    del forward_propagation_with_dropout
