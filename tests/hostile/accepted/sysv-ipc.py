# Opens the channels that could carry data to the next student on the same worker: SysV shared
# memory, message queues and semaphores, a POSIX message queue, the user keyring. Each is
# denied (and the IPC namespace and the uid are the submission's own anyway); if one opened,
# the notebook deletes a graded function.
# assignment: dropout

# %%
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
opened = []
if libc.shmget(0x4853, 4096, 0o1666) >= 0:
    opened.append("shm")
if libc.msgget(0x4853, 0o1666) >= 0:
    opened.append("msg")
if libc.semget(0x4853, 1, 0o1666) >= 0:
    opened.append("sem")
if libc.syscall(240, b"@TAG@", 0o100 | 2, 0o666, None) >= 0:  # mq_open (x86_64)
    opened.append("mqueue")
KEY_SPEC_USER_KEYRING = -4
if libc.syscall(248, b"user", b"@TAG@", b"hello", 5, KEY_SPEC_USER_KEYRING) >= 0:  # add_key
    opened.append("keyring")
print(opened)
if opened:
    del forward_propagation_with_dropout
