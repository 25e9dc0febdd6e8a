"""The command line end to end, as users run it: exit codes, one-line errors, files written."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from coursekit.notebooks import build_notebook
from reference.solved import solved_notebook
from tests.notebooks import notebook_with, write

pytestmark = pytest.mark.slow


def grader(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_check_exit_codes_and_output(tmp_path):
    good = write(solved_notebook("dropout"), tmp_path, "ada", "dropout")
    r = grader("check", good, "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    assert r.returncode == 0, r.stderr
    assert "✓ forward_propagation_with_dropout" in r.stdout and "total: 20/20" in r.stdout
    assert json.loads((tmp_path / "r.json").read_text())["schema"] == "grader.result/1"
    assert "<html" in (tmp_path / "r.html").read_text()

    no_mask = """
        def backward_propagation_with_dropout(X, Y, cache, keep_prob):
            m = X.shape[1]
            (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
            dZ3 = A3 - Y
            dW3, db3 = dZ3 @ A2.T / m, dZ3.sum(axis=1, keepdims=True) / m
            dA2 = W3.T @ dZ3 / keep_prob          # the mask D2 is forgotten
            dZ2 = dA2 * (A2 > 0)
            dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
            dA1 = W2.T @ dZ2 / keep_prob          # and D1
            dZ1 = dA1 * (A1 > 0)
            dW1, db1 = dZ1 @ X.T / m, dZ1.sum(axis=1, keepdims=True) / m
            return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
                    "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    """
    bad = write(
        notebook_with("dropout", replace={"backward_propagation_with_dropout": no_mask}),
        tmp_path,
        "bob",
        "dropout",
    )
    r = grader("check", bad)
    assert r.returncode == 1
    assert "✗ backward_propagation_with_dropout" in r.stdout and "dropout-grad-no-mask" in r.stdout

    junk = tmp_path / "eve" / "dropout.ipynb"
    junk.parent.mkdir()
    junk.write_text("{not json")
    for path in (junk, tmp_path / "missing.ipynb"):
        r = grader("check", path)
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_grade_a_class_folder_and_zip(tmp_path):
    src = tmp_path / "class"
    for a in ("initialization", "gradient_checking"):
        write(solved_notebook(a), src, "ada", a)
        write(build_notebook(a), src, "bob", a)
    (src / "eve").mkdir()
    (src / "eve" / "dropout.ipynb").write_bytes(b"\x00\x01")
    out = tmp_path / "out"
    r = grader("grade", src, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "graded 5 submissions, 1 with errors" in r.stdout
    assert "eve/dropout: unreadable-notebook" in r.stdout
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert rows["ada"]["total"] == "80" and rows["bob"]["total"] == "0"
    assert "unreadable-notebook" in rows["eve"]["errors"]
    result = json.loads((out / "eve" / "dropout.json").read_text())
    assert result["status"] == "error" and result["error"]["kind"] == "unreadable-notebook"
    assert (out / "ada" / "initialization.html").exists() and (out / "summary.html").exists()
    assert not list(out.rglob(".*.partial")), "no temporary files left behind"
    assert {p.name for p in out.iterdir()} >= {"grades.csv", "junit.xml", "gradebook.sqlite"}

    r = grader("grade", src, "--out", out)  # again: nothing changed, nothing graded
    assert r.returncode == 0 and "graded 0 submissions" in r.stdout
    assert "5 unchanged, skipped" in r.stdout

    import shutil

    archive = shutil.make_archive(str(tmp_path / "class"), "zip", src)
    r = grader("grade", archive, "--out", tmp_path / "out2")
    assert r.returncode == 0 and "graded 5 submissions, 1 with errors" in r.stdout

    r = grader("grade", tmp_path / "nowhere", "--out", out)
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_include_notebook_puts_the_run_in_the_page(tmp_path):
    nb = notebook_with(
        "gradient_checking",
        {
            "forward_propagation": "def forward_propagation(x, theta):\n"
            "    print('<b>traced</b>')\n"
            "    return theta * x\n"
        },
    )
    path = write(nb, tmp_path, "ada", "gradient_checking")
    html = tmp_path / "r.html"
    r = grader("check", path, "--html", html, "--include-notebook")
    assert r.returncode == 0, r.stderr
    page = html.read_text()
    assert "Your notebook as it ran" in page and 'class="notebook"' in page
    assert "&lt;b&gt;traced&lt;/b&gt;" in page and "<b>traced</b>" not in page  # printed, as text
    out = tmp_path / "out"
    r = grader("grade", path, "--out", out, "--include-notebook", "--progress", "none")
    assert r.returncode == 0, r.stderr
    assert "Your notebook as it ran" in (out / "ada" / "gradient_checking.html").read_text()
    plain = tmp_path / "plain.html"
    grader("check", path, "--html", plain)
    assert "Your notebook as it ran" not in plain.read_text()


def test_ci_exit_codes_annotations_summary_and_junit(tmp_path):
    import xml.etree.ElementTree as ET

    repo = tmp_path / "repo"
    write(solved_notebook("gradient_checking"), tmp_path, "repo", "gradient_checking")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {**__import__("os").environ, "GITHUB_STEP_SUMMARY": str(summary)}

    def ci(*args):
        return subprocess.run(
            [sys.executable, "-m", "grader", "ci", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=repo,
            env=env,
            timeout=300,
        )

    r = ci(".", "--junit", tmp_path / "ok.xml")
    assert r.returncode == 0, r.stderr
    assert "all tests pass" in r.stdout and "::error" not in r.stdout
    assert summary.read_text().startswith("earlier step\n## Notebook checks: ✅")  # appended

    one_sided = """
        def gradient_check(x, theta, epsilon=1e-7):
            J_plus = forward_propagation(x, theta + epsilon)
            J = forward_propagation(x, theta)
            gradapprox = (J_plus - J) / epsilon
            grad = backward_propagation(x, theta)
            norms = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
            return np.linalg.norm(grad - gradapprox) / norms
    """
    write(
        notebook_with("gradient_checking", {"gradient_check": one_sided}),
        tmp_path,
        "repo",
        "gradient_checking",
    )
    (repo / ".ipynb_checkpoints").mkdir()
    (repo / ".ipynb_checkpoints" / "broken.ipynb").write_text("{")  # not the student's: ignored
    r = ci(".", "--junit", tmp_path / "fail.xml")
    assert r.returncode == 1, r.stderr
    assert (
        "::error file=gradient_checking.ipynb,title=gradient_checking%3A gradient_check" in r.stdout
    )
    assert "gc-one-sided" in r.stdout and "gc-one-sided" in summary.read_text()
    suites = ET.parse(tmp_path / "fail.xml").getroot()
    cases = suites.findall(".//testcase")
    assert len(cases) > 5 and any(c.find("failure") is not None for c in cases)

    (repo / "initialization.ipynb").write_text("not a notebook")
    r = ci(".")
    assert r.returncode == 2 and "Traceback" not in r.stdout + r.stderr
    assert "unusable: initialization.ipynb: not valid JSON" in r.stdout
    r = ci(tmp_path / "nowhere")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "no such file" in r.stderr


def test_version_says_which_grader_and_warns_when_both_are_installed(monkeypatch):
    from importlib import metadata

    from grader import edition

    assert "nn-practical-grader, the instructor's grader" in edition.version_text()
    assert edition.collision() == ""  # this environment has the instructor's alone
    real = metadata.distribution

    def both(name):
        return real("nn-practical-grader") if name == edition.STUDENT else real(name)

    monkeypatch.setattr(metadata, "distribution", both)
    assert "separate virtual environment" in edition.collision()
    assert "warning: both nn-practical-grader and nn-practical-grader-student" in (
        edition.version_text()
    )
    monkeypatch.setattr(edition, "public_only", lambda: True)
    assert edition.name() == edition.STUDENT


def test_grade_refuses_in_a_student_bundle(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from grader import edition
    from grader.cli import cli

    monkeypatch.setattr(edition, "public_only", lambda: True)
    out = CliRunner().invoke(cli, ["grade", str(tmp_path), "--out", str(tmp_path / "r")])
    assert out.exit_code != 0 and "only the public tests" in str(out.exception)
    assert not (tmp_path / "r").exists()
