# Floods its output: 200 MB to stdout, 200 MB to stderr, 100 MB straight to file descriptors 1
# and 2, all in one cell. The report keeps an excerpt; the grader's memory does not grow.
# assignment: dropout

# %%
import os
import sys

chunk = "spam " * 200_000
for _ in range(200):
    print(chunk)
    sys.stderr.write(chunk)
raw = chunk.encode()
for _ in range(100):
    os.write(1, raw)
    os.write(2, raw)
