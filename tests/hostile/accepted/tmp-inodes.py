# 300,000 empty files in /tmp: no byte limit counts them, but each costs kernel memory. The
# private /tmp has an inode limit, so creation stops early with "No space left on device"; if
# more than 100,000 were made, the notebook deletes a graded function.
# assignment: dropout

# %%
n = 0
try:
    for i in range(300_000):
        open(f"/tmp/@TAG@-{i}", "w").close()
        n += 1
except OSError as exc:
    print(n, exc)
if n > 100_000:
    del forward_propagation_with_dropout
