# Goes looking for the grader: imports grader and its hidden parts, imports reference, loads the
# reference's files by path beside the course module, reads the grader's spec files and the
# batch's other notebooks. It may find the self-check stub and nothing else; anything more
# and it deletes a graded function, so the verdict shows the leak.
# assignment: dropout

# %%
import glob
import importlib.util
import os

import grader

found = {"stub": sorted(k for k in vars(grader) if not k.startswith("__"))}
for name in ("grader.specs.dropout", "grader.instructor.specs.dropout", "grader.instructor",
             "grader.mutants", "grader.stored", "reference.dropout", "reference"):
    try:
        __import__(name)
        found[name] = "imported"
    except ImportError as exc:
        found[name] = str(exc)
root = os.path.dirname("@COURSEKIT@")
for path in (f"{root}/reference/dropout.py", f"{root}/grader/specs/dropout.py",
             f"{root}/grader/instructor/specs/dropout.py",
             f"{root}/grader/public/dropout.json"):
    try:
        with open(path) as f:
            found[path] = f.read()[:40]
    except OSError as exc:
        found[path] = exc.strerror
    try:
        spec = importlib.util.spec_from_file_location("stolen", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found[path + " exec"] = "ran"
    except Exception as exc:
        found[path + " exec"] = type(exc).__name__
found["class"] = glob.glob("@CLASS@/*/*.ipynb")
print(found)
leaks = [k for k, v in found.items() if v in ("imported", "ran") or (k == "class" and v)]
leaks += [k for k, v in found.items() if k.endswith(".py") or k.endswith(".json")
          if v not in ("Permission denied", "No such file or directory")]
if found["stub"] != ["check"] or leaks:
    del forward_propagation_with_dropout  # found something: it costs the marks, and the test sees
