"""Gradescope's autograder zip, run locally against a fake /autograder layout, and its
results.json checked against Gradescope's specification."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from grader.autograder import unpack
from reference.solved import solved_notebook

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def check_against_the_specification(data: dict) -> None:
    """The fields and types of Gradescope's results.json ("Specifications", output format)."""
    assert isinstance(data["score"], (int, float))
    assert data.get("visibility", "visible") in VISIBILITY
    assert data.get("stdout_visibility", "hidden") in VISIBILITY
    assert data.get("output_format", "text") in ("text", "html", "simple_format", "md", "ansi")
    assert isinstance(data["tests"], list) and data["tests"]
    for t in data["tests"]:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(t["score"], (int, float)) and isinstance(t["max_score"], (int, float))
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in VISIBILITY
        assert isinstance(t["name"], str) and isinstance(t["output"], str)
        assert isinstance(t.get("tags", []), list)
    known = {"score", "execution_time", "output", "output_format", "test_output_format",
             "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
             "leaderboard"}  # fmt: skip
    assert set(data) <= known, set(data) - known


@pytest.mark.slow
def test_the_zip_runs_locally_and_writes_results_gradescope_accepts(tmp_path):
    archive = tmp_path / "autograder.zip"
    r = subprocess.run([sys.executable, "-m", "grader", "gradescope", "--out", str(archive)],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "src/pyproject.toml"} <= names
        assert any(n.startswith("src/grader/specs/") for n in names)  # the hidden tests
        assert (zf.getinfo("run_autograder").external_attr >> 16) & 0o111
    root = tmp_path / "autograder"
    unpack(archive, root)
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(root / "source" / script)]).returncode == 0
    nb = solved_notebook("dropout")
    nb.metadata.pop("grader")
    (root / "submission").mkdir()
    nbformat.write(nb, root / "submission" / "Dropout (1).ipynb")  # no metadata: from content
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    check_against_the_specification(data)
    assert data["score"] == 20.0 == sum(t["score"] for t in data["tests"])
    assert {t["visibility"] for t in data["tests"]} == {"visible", "after_published"}
    # a broken submission: an honest zero with the reason, still a valid file
    (root / "submission" / "Dropout (1).ipynb").write_text("{ not json")
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    data = json.loads((root / "results" / "results.json").read_text())
    check_against_the_specification(data)
    assert data["score"] == 0 and "not valid JSON" in json.dumps(data)


def test_an_empty_submission_still_gets_a_valid_results_file(tmp_path):
    from grader.autograder import run

    (tmp_path / "submission").mkdir()
    data = json.loads(run(tmp_path).read_text())
    check_against_the_specification(data)
    assert data["score"] == 0 and "no notebook" in data["tests"][0]["output"]
