# Prints the environment into the student's page and looks for the grader's secret in it, in
# /proc/self/environ (what the process was started with) and in its init's. The environment is
# a short fixed set; if the secret were there, the notebook deletes a graded function.
# assignment: dropout

# %%
import os

print(dict(os.environ))
seen = [k for k, v in os.environ.items() if "@MARK@" in v or "SECRET" in k]
for pid in ("self", "1"):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if b"@MARK@" in f.read():
                seen.append(pid)
    except OSError:
        pass
print(seen)
if seen:
    del forward_propagation_with_dropout
