# Writes everywhere it can think of: its own /tmp and home (allowed), root's home folder (from the
# password file), a folder outside /tmp, the course module's folder, and over an existing file.
# assignment: regularization

# %%
import os
import pwd

# Its own /tmp, home and /dev/shm are its scratch space: writing there is fine.
for path in ("/tmp/@TAG@-tmp", os.path.expanduser("~/@TAG@-home"), "/dev/shm/@TAG@-shm"):
    try:
        with open(path, "w") as f:
            f.write("mine")
    except OSError as exc:
        print(path, exc)
written = []
targets = [
    os.path.join(pwd.getpwuid(0).pw_dir, "@TAG@-roothome"),
    "/var/tmp/@TAG@-vartmp",
    "@OUTSIDE@/@TAG@-new",
    "@COURSEKIT@/@TAG@_module.py",
]
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("pwned")
            written.append(f.name)
    except OSError as exc:
        print(path, exc)
for victim in ("@OUTSIDE@/victim.txt",):
    for how in ("a", "w"):
        try:
            with open(victim, how) as f:
                f.write("pwned")
                written.append(f.name)
        except OSError as exc:
            print(victim, how, exc)
    for change in (os.remove, lambda p: os.chmod(p, 0o777), lambda p: os.utime(p, (0, 0))):
        try:
            change(victim)
            written.append(victim)
        except OSError as exc:
            print(victim, exc)
if written:
    del compute_cost_with_regularization  # wrote outside: it costs the marks
