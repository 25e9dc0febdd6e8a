# Reads every file it may of every other process it can see in /proc (its namespace's init
# above all: its command line, mount table, status, environment), looking for the host's paths
# of the grader's code and of the worker's job folder. The init is made by a process of the
# grader's own (the nursery), so what it shows must name neither; if a host path showed, the
# notebook deletes a graded function.
# assignment: dropout

# %%
import os

leaks = []
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    for name in ("cmdline", "mountinfo", "mounts", "status", "environ", "cgroup", "maps",
                 "stat", "comm", "limits", "sched", "wchan", "io", "mountstats"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as f:
                text = f.read(1 << 20).decode(errors="replace")
        except OSError:
            continue
        for needle in ("@GRADER@", "grader-sandbox-"):
            if needle in text:
                leaks.append(f"/proc/{pid}/{name}: {needle}")
print(leaks)
if leaks:
    del forward_propagation_with_dropout
