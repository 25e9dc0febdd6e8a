# Holds memory where no address-space limit counts it: memfds (file-backed, never mapped), as
# many as the open-file limit allows, each as large as the file-size limit. memfd_create is
# denied (PermissionError), and the control group would count the pages anyway.
# assignment: dropout

# %%
import os

fds = []
try:
    for i in range(24):
        fd = os.memfd_create(f"@TAG@-{i}")
        fds.append(fd)
        os.posix_fallocate(fd, 0, 64 * 2**20)
except OSError as exc:
    print("refused:", exc)
print(len(fds), "memfds")
