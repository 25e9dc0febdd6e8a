# The same in /dev/shm, which has an inode limit of its own (256).
# assignment: dropout

# %%
n = 0
try:
    for i in range(100_000):
        open(f"/dev/shm/@TAG@-{i}", "w").close()
        n += 1
except OSError as exc:
    print(n, exc)
if n > 10_000:
    del forward_propagation_with_dropout
