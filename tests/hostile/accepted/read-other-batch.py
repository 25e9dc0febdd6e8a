# Reads an earlier batch's output (its grades.csv, another student's result and notebook), which
# lies outside this batch's folders. Nothing outside the allowlist root is there; if it were
# readable, the notebook deletes a graded function.
# assignment: dropout

# %%
import os

found = []
for rel in ("grades.csv", "bob/dropout.json", "bob/dropout.ipynb"):
    try:
        with open(os.path.join("@OTHER@", rel)) as f:
            found.append(f.read(100))
    except OSError:
        pass
print(found)
if found:
    del forward_propagation_with_dropout
