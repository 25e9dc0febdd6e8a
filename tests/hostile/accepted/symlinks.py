# Reaches outside through links made in its own folder: symlinks to a folder outside /tmp, to
# the home folder and to the course module, and a hard link to a file outside.
# assignment: regularization

# %%
import os

written = []

for name, target in (("out", "@OUTSIDE@"), ("home", "/root"), ("course", "@COURSEKIT@")):
    try:
        os.symlink(target, name)
        with open(os.path.join(name, "@TAG@-via-link"), "w") as f:
            f.write("pwned")
            written.append(f.name)
    except OSError as exc:
        print(name, exc)
try:
    os.symlink("@OUTSIDE@/victim.txt", "victim-link")
    with open("victim-link", "w") as f:
        f.write("pwned")
        written.append(f.name)
except OSError as exc:
    print("victim-link", exc)
try:
    os.link("@OUTSIDE@/victim.txt", "hard")
    with open("hard", "w") as f:
        f.write("pwned")
        written.append(f.name)
except OSError as exc:
    print("hard", exc)
if written:
    del compute_cost_with_regularization  # wrote outside: it costs the marks
