"""Gradescope's autograder: the zip its specification expects, and what runs inside it.

Gradescope unpacks the zip into `/autograder/source`, runs `setup.sh` once to build the image,
then for each submission copies `run_autograder` to `/autograder/run_autograder` and runs it,
with the student's files in `/autograder/submission/`; it reads the grade from
`/autograder/results/results.json` (gradescope-autograders.readthedocs.io, "Specifications").

The zip holds the grader with its hidden tests, the reference and the course helpers as a
source tree (`src/`), so it is for instructors only, like this checkout. `run_autograder` grades
every notebook in the submission with public and hidden tests and writes one results.json: the
tests of each notebook (public ones visible at once, hidden ones after publication), the total,
and a visible line for what could not be graded. `GRADER_AUTOGRADER_ROOT` moves `/autograder`
elsewhere, which is how the tests run it locally."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

from grader.errors import UsageError

ROOT = Path("/autograder")
PACKAGES = ("grader", "reference", "coursekit")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder's image.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q /autograder/source/src
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission; results go to $ROOT/results/results.json.
set -u
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
PY="${{GRADER_PYTHON:-$ROOT/venv/bin/python}}"
export PYTHONPATH="$ROOT/source/src${{PYTHONPATH:+:$PYTHONPATH}}"
exec "$PY" -m grader autograde --root "$ROOT"{assignment}
"""


def _add_tree(zf: zipfile.ZipFile, folder: Path, arcname: str) -> int:
    n = 0
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or "__pycache__" in rel.parts or path.suffix == ".pyc":
            continue
        zf.write(path, f"{arcname}/{rel.as_posix()}")
        n += 1
    return n


def _script(zf: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    zf.writestr(info, text)


def build(out: Path, assignment: str | None = None) -> int:
    """Write the autograder zip to `out`; how many files it holds. `assignment` fixes the
    assignment a notebook without metadata is graded as."""
    import importlib

    from grader.oracle import available

    if assignment is not None and assignment not in available():
        known = ", ".join(sorted(available()))
        raise UsageError(f"--assignment {assignment!r}: not an assignment (known: {known})")
    roots = [Path(importlib.import_module(p).__file__ or "").parent for p in PACKAGES]
    checkout = roots[0].parent
    pyproject = checkout / "pyproject.toml"
    if not pyproject.is_file():
        raise UsageError("grader gradescope needs the project's checkout (an editable install)")
    buf = io.BytesIO()
    n = 2
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        _script(zf, "setup.sh", SETUP_SH)
        extra = f" --assignment {assignment}" if assignment else ""
        _script(zf, "run_autograder", RUN_AUTOGRADER.format(assignment=extra))
        zf.write(pyproject, "src/pyproject.toml")
        zf.writestr("src/README.md", "The course's grader, for Gradescope's autograder.\n")
        for name, folder in zip(PACKAGES, roots, strict=True):
            n += _add_tree(zf, folder, f"src/{name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)
    return n + 2


def results(notebooks: list[tuple[str, Any]], problems: list[str]) -> dict[str, Any]:
    """One results.json for a submission's graded notebooks (name, GradingResult) and the
    lines saying what could not be graded."""
    from grader.export import gradescope

    tests: list[dict[str, Any]] = []
    score = 0.0
    outputs = []
    for i, (name, result) in enumerate(notebooks, start=1):
        part = gradescope(result)
        score += float(part["score"])
        outputs.append(f"{name}: {part['output']}")
        for t in part["tests"]:
            t = dict(t)
            if len(notebooks) > 1:
                t["name"] = f"{result.assignment}: {t['name']}"
                t["number"] = f"{i}.{t.get('number', '')}".rstrip(".")
            tests.append(t)
    outputs += problems
    if not notebooks:
        tests.append(
            {
                "name": "submission",
                "score": 0.0,
                "max_score": 0.0,
                "status": "failed",
                "output": "\n".join(problems) or "no notebook (*.ipynb) in the submission",
                "visibility": "visible",
            }
        )
    return {
        "score": round(score, 4),
        "output": "\n".join(outputs) or "nothing graded",
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def run(root: Path = ROOT, assignment: str | None = None) -> Path:
    """Grade `root/submission` and write `root/results/results.json`; its path."""
    from grader import intake
    from grader.execute import Sandbox
    from grader.model import Limits
    from grader.oracle import available
    from grader.pipeline import ALL, grade_notebook

    submission = root / "submission"
    graded: list[tuple[str, Any]] = []
    problems: list[str] = []
    found = list(intake.find([submission])) if submission.is_dir() else []
    if found:
        with Sandbox(Limits(hidden=(str(root / "source"),))) as sandbox:
            for f in found:
                name = f.source.removeprefix(str(submission) + "/")
                if f.problem:
                    problems.append(f.problem.replace(str(submission) + "/", ""))
                    continue
                raw = intake.read_or_none(f)
                if raw is None:
                    problems.append(f"{name}: cannot be read (too large, or not a file)")
                    continue
                chosen, _ = intake.assignment_for(f, raw, available())
                if assignment and chosen not in available():
                    chosen = assignment
                result = grade_notebook(
                    Path(name), sandbox=sandbox, visibility=ALL, raw=raw, assignment=chosen,
                    student="submission",
                )  # fmt: skip
                graded.append((name, result))
    path = root / "results" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results(graded, problems), indent=1, allow_nan=False))
    return path


def unpack(archive: Path, root: Path) -> None:
    """Lay out `root` as Gradescope does with the zip (for running it locally)."""
    source = root / "source"
    shutil.rmtree(source, ignore_errors=True)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(source)
        for info in zf.infolist():
            mode = info.external_attr >> 16
            if mode & 0o111:
                os.chmod(source / info.filename, 0o755)
