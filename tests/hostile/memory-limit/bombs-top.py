# Memory bombs at the top level: a 3 GiB bytearray, a 12 GB NumPy array of ones, and a list
# grown 100 MB at a time to 4 GB. Each fails against the memory limit; the grade is untouched.
# assignment: dropout

# %%
hog = bytearray(3 * 2**30)

# %%
import numpy as np

big = np.ones((40_000, 40_000))

# %%
chunks = []
for _ in range(40):
    chunks.append(bytearray(100 * 2**20))
