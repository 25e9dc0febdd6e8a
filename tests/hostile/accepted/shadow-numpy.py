# Drops a numpy.py, a grader.py and a reference.py into its folder, puts the folder first on
# sys.path and imports them: the fake numpy says everything is close. The grader's comparison
# never runs in the submission's process, so the real solutions still earn full marks and
# nothing else is fooled.
# assignment: dropout

# %% first
import sys

for name in ("numpy", "grader", "reference"):
    with open(f"{name}.py", "w") as f:
        f.write("def allclose(*a, **k):\n    return True\nisclose = array_equal = allclose\n")
sys.path.insert(0, ".")
sys.path.insert(0, "")
