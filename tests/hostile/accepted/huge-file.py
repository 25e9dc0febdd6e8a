# Writes a 10 GB file in its folder, a sparse 1 TB one, and fills /tmp with 50 MB files until
# something says no. File size and /tmp's size are capped; the cells fail, the grade does not.
# assignment: dropout

# %%
import os

block = b"\0" * 2**20
with open("huge.bin", "wb") as f:
    for _ in range(10 * 1024):
        f.write(block)

# %%
with open("sparse.bin", "wb") as f:
    f.seek(2**40)
    f.write(b"x")

# %%
for i in range(200):
    with open(f"/tmp/@TAG@-fill-{i}.bin", "wb") as f:
        for _ in range(50):
            f.write(block)
