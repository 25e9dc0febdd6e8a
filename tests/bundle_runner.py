"""Run inside a student bundle (PYTHONPATH=<bundle>, with `reference` made unimportable): grade
what the test asks and print the public verdicts as JSON, for comparison with the instructor's.

usage: python bundle_runner.py BUNDLE JOB.json  ->  JSON on stdout
JOB: {"notebooks": [paths], "outcomes": [[assignment, function, {case_id: wire value}], ...]}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


class _NoReference:
    """The student's machine has no `reference` package and no `grader.instructor` folder (here
    the instructor's editable install would otherwise supply them): nothing may reach for one."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in ("reference", "tests") or name.startswith("grader.instructor"):
            raise ModuleNotFoundError(f"{name} is not in a student bundle", name=name)
        return None


def verdicts(functions: Any) -> list[Any]:
    """What must match between the bundle and the instructor's grader."""
    return [
        [f.name, f.score, list(f.diagnoses), [[t.id, t.passed, t.message] for t in f.tests]]
        for f in functions
    ]


def main() -> None:
    bundle, job_path = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    sys.meta_path.insert(0, _NoReference())
    import grader

    assert Path(grader.__file__).resolve().is_relative_to(bundle), grader.__file__
    from grader.execute import Sandbox
    from grader.model import CallOutcome
    from grader.oracle import load
    from grader.pipeline import PUBLIC, grade_notebook
    from grader.sandbox import wire
    from grader.score import grade_function

    job = json.loads(job_path.read_text())
    out: dict[str, Any] = {"notebooks": [], "outcomes": []}
    with Sandbox() as sandbox:
        for path in job["notebooks"]:
            r = grade_notebook(Path(path), sandbox=sandbox, visibility=PUBLIC)
            out["notebooks"].append([r.status, r.score, verdicts(r.functions)])
    for assignment, function, values in job["outcomes"]:
        spec, oracle = load(assignment)
        fspec = next(f for f in spec.functions if f.name == function)
        cases = list(fspec.cases)
        outcomes = {}
        for c in cases:
            v = values[c.id]
            if v is None:
                err = {"kind": "exception", "type": "E", "message": "raised"}
                outcomes[c.id] = CallOutcome(c.id, False, error=err)
            else:
                outcomes[c.id] = CallOutcome(c.id, True, value=wire.decode(v))
        out["outcomes"].append(verdicts([grade_function(spec, oracle, fspec, cases, outcomes)]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
