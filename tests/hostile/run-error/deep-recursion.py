# Lifts the recursion limit and recurses through a C function (max with a key) until the
# interpreter's C stack overflows: SIGSEGV. (Plain Python recursion no longer uses the C stack.)
# assignment: dropout

# %%
import sys

sys.setrecursionlimit(10**8)


def down(n):
    return max([n], key=lambda x: down(x + 1))  # each level through C: the C stack


down(0)
