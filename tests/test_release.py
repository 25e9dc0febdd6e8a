"""`grader release`: a student bundle that checks work like the instructor's grader does on the
public tests, and from which no solution can be read back."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from grader import wire
from grader.errors import GraderError
from grader.oracle import available, load, load_mutants, load_spec, safe_call
from grader.pipeline import PUBLIC, grade_notebook
from grader.release import MARKER, build_release, freeze, leaks
from grader.score import grade_function
from grader.stored import thaw
from reference.solved import reference_source
from tests.notebooks import notebook_with, write

ROOT = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).with_name("bundle_runner.py")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "bundle"
    made = build_release(out=out)
    assert made.assignments == tuple(sorted(available()))
    return out


# -- what a student already has, and what they must never get ---------------------------------


def _given() -> str:
    """Everything a student is handed anyway: the notebooks and the course helpers."""
    texts = [p.read_text() for p in (ROOT / "assignments").glob("*.ipynb")]
    texts += [p.read_text() for p in (ROOT / "coursekit").glob("*.py")]
    return "\n".join(texts)


def _code_lines(source: str) -> list[str]:
    body = textwrap.dedent(source).splitlines()[1:]  # not the def line: the notebook has it
    return [line.strip() for line in body]


def solution_lines() -> set[str]:
    """Lines of the reference's graded functions and of the mutants' implementations that a
    student is not already given: finding one in a bundle hands out (part of) a solution."""
    given = _given()
    lines: set[str] = set()
    for a in available():
        spec = load_spec(a)
        module = importlib.import_module(spec.reference)
        sources = [inspect.getsource(getattr(module, f.name)) for f in spec.functions]
        sources += [inspect.getsource(m.impl) for m in load_mutants(a)]
        for source in sources:
            for line in _code_lines(source):
                if len(line) >= 12 and not line.startswith(("#", '"""')) and line not in given:
                    lines.add(line)
    return lines


def _bundle_texts(root: Path) -> dict[str, str]:
    texts = {}
    for p in root.rglob("*"):
        if p.is_file() and "__pycache__" not in p.parts:
            texts[p.relative_to(root).as_posix()] = p.read_text(encoding="utf-8")
    return texts


def test_the_bundle_holds_no_line_of_a_solution(bundle):
    lines = solution_lines()
    assert len(lines) > 100  # the search has something to find
    texts = _bundle_texts(bundle)
    found = [(line, name) for name, text in texts.items() for line in lines if line in text]
    assert found == []
    # and the search does find them where they are: the instructor's reference and mutants
    ours = (ROOT / "reference" / "dropout.py").read_text() + (
        ROOT / "grader" / "mutants" / "initialization.py"
    ).read_text()
    assert sum(line in ours for line in lines) > 20


def test_the_bundle_has_what_a_student_needs_and_nothing_secret(bundle):
    names = set(_bundle_texts(bundle))
    for needed in (
        "README.md",
        "pyproject.toml",
        ".github/workflows/grade.yml",
        "grader/selfcheck.py",
        "grader/templates/check.html.j2",
        "coursekit/network.py",
        MARKER,
    ):
        assert needed in names
    for a in available():
        assert f"assignments/{a}.ipynb" in names and f"grader/public/{a}.json" in names
    assert not [n for n in names if n.startswith(("reference/", "grader/mutants/", "tests/"))]
    assert [n for n in names if n.startswith("grader/specs/")] == ["grader/specs/__init__.py"]
    assert "grader/sampleclass.py" not in names and "grader/release.py" not in names
    assert leaks(bundle) == []
    assert (bundle / "README.md").read_text() == (ROOT / "docs" / "students.md").read_text()


def test_stored_documents_hold_public_cases_only_and_round_trip_bit_for_bit(bundle):
    for a in sorted(available()):
        doc = json.loads((bundle / "grader" / "public" / f"{a}.json").read_text())
        assert "hidden" not in json.dumps(doc)
        spec, stored = thaw(doc)
        ours, oracle = load(a)
        for f in spec.functions:
            mine = next(x for x in ours.functions if x.name == f.name)
            assert [c.id for c in f.cases] == [c.id for c in mine.cases if c.visibility == "public"]
            for c in f.cases:
                got = stored.expected(f, c)
                want = oracle.expected(mine, next(x for x in mine.cases if x.id == c.id))
                assert wire.encode(got) == wire.encode(want)
                assert wire.encode(c.build()) == wire.encode(oracle.inputs(mine, c))


def test_leaks_names_a_secret_module_or_import(bundle, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy)
    shutil.copytree(ROOT / "reference", copy / "reference")
    (copy / "grader" / "extra.py").write_text("from grader.mutants import dropout\n")
    found = leaks(copy)
    assert any("reference/" in f for f in found)
    assert any("grader/extra.py:1: imports grader.mutants" in f for f in found)


def test_release_replaces_its_own_bundle_but_never_another_folder(bundle, tmp_path):
    (bundle / "stale.txt").write_text("from an older release")
    build_release(out=bundle)
    assert not (bundle / "stale.txt").exists() and (bundle / MARKER).exists()
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.tex").write_text("precious")
    with pytest.raises(GraderError, match="not a bundle"):
        build_release(out=other)
    assert (other / "chapter1.tex").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no temporary left behind


def test_a_public_property_check_cannot_be_released(monkeypatch):
    from dataclasses import replace

    from grader import release

    spec = load_spec("dropout")
    f0 = spec.functions[0]
    hidden_check = next(c for c in f0.cases if c.check is not None)
    bad = replace(
        spec, functions=(replace(f0, cases=(replace(hidden_check, visibility="public"),)),)
    )
    oracle = load("dropout")[1]
    monkeypatch.setattr(release, "load", lambda a: (bad, oracle))
    with pytest.raises(GraderError, match="property check"):
        freeze("dropout")


def test_the_workflow_installs_the_bundle_and_runs_grader_ci(bundle):
    steps = _run_steps(bundle)
    assert steps[0].startswith("python -m pip install .")
    assert re.fullmatch(r"grader ci assignments --junit junit\.xml", steps[1])


def _run_steps(bundle: Path) -> list[str]:
    text = (bundle / ".github" / "workflows" / "grade.yml").read_text()
    return [m.strip() for m in re.findall(r"^\s+run: (.+)$", text, flags=re.MULTILINE)]


# -- the bundle grades as the instructor's grader does, on the public tests --------------------


def _mistaken_sources() -> dict[str, dict[str, str]]:
    """A textual catalogued mistake per assignment, as a student would type it."""

    def edit(a: str, fn: str, old: str, new: str) -> dict[str, str]:
        src = reference_source(a, fn)
        assert old in src
        return {fn: src.replace(old, new)}

    return {
        "initialization": edit(
            "initialization", "initialize_parameters_he", "np.sqrt(2 /", "np.sqrt(1 /"
        ),
        "dropout": edit("dropout", "forward_propagation_with_dropout", " / keep_prob", ""),
        "regularization": edit(
            "regularization", "compute_cost_with_regularization", "(2 * m)", "m"
        ),
        "gradient_checking": {
            "gradient_check": "def gradient_check(x, theta, epsilon=1e-7):\n    return 1.0\n"
        },
    }


def _verdicts(functions) -> list:
    return [
        [f.name, f.score, list(f.diagnoses), [[t.id, t.passed, t.message] for t in f.tests]]
        for f in functions
    ]


def _mutant_outcomes() -> tuple[list, list]:
    """Every catalogued mistake's outputs on the public inputs, and the instructor's verdicts."""
    from grader.model import CallOutcome

    jobs, verdicts = [], []
    for a in sorted(available()):
        spec, oracle = load(a)
        for m in load_mutants(a):
            fspec = next(f for f in spec.functions if f.name == m.function)
            cases = [c for c in fspec.cases if c.visibility == "public"]
            values, outcomes = {}, {}
            for c in cases:
                out = safe_call(m.impl, c, oracle.inputs(fspec, c))
                if type(out).__name__ == "Raised":
                    values[c.id] = None
                    err = {"kind": "exception", "type": "E", "message": "raised"}
                    outcomes[c.id] = CallOutcome(c.id, False, error=err)
                else:
                    values[c.id] = wire.encode(out)
                    outcomes[c.id] = CallOutcome(c.id, True, value=wire.decode(values[c.id]))
            jobs.append([a, m.function, values])
            verdicts.append(_verdicts([grade_function(spec, oracle, fspec, cases, outcomes)]))
    return jobs, verdicts


@pytest.mark.slow
def test_the_bundle_gives_the_instructors_public_verdicts(bundle, tmp_path, sandbox):
    paths = []
    for a in sorted(available()):
        paths.append(write(notebook_with(a), tmp_path, "solved", a))
        paths.append(write(notebook_with(a, _mistaken_sources()[a]), tmp_path, "mistaken", a))
        unsolved = tmp_path / "unsolved" / f"{a}.ipynb"
        unsolved.parent.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / "assignments" / f"{a}.ipynb", unsolved)
        paths.append(unsolved)
    theirs_nb = []
    for p in paths:
        r = grade_notebook(p, sandbox=sandbox, visibility=PUBLIC)
        theirs_nb.append([r.status, r.score, _verdicts(r.functions)])
    jobs, theirs_mutants = _mutant_outcomes()
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"notebooks": [str(p) for p in paths], "outcomes": jobs}))
    env = dict(os.environ, PYTHONPATH=str(bundle))
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(bundle), str(job)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    ours = json.loads(proc.stdout)
    assert ours["notebooks"] == json.loads(json.dumps(theirs_nb))
    assert ours["outcomes"] == json.loads(json.dumps(theirs_mutants))
    # the comparison is not vacuous: mistakes were named, and the solved notebooks pass
    named = {d for v in ours["outcomes"] for f in v for d in f[2]}
    assert len(named) > 30
    assert [nb[1] for nb in ours["notebooks"][0::3]] == [
        load_spec(a).points(PUBLIC) for a in sorted(available())
    ]


@pytest.fixture(scope="module")
def sandbox():
    from grader.execute import Sandbox

    with Sandbox() as s:
        yield s


# -- a student's fresh machine -----------------------------------------------------------------


def _sh(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_a_student_installs_the_bundle_in_a_fresh_environment_and_checks(bundle, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("GITHUB_STEP_SUMMARY", None)
    repo = tmp_path / "repo"  # the student's submission repository, made from the bundle
    shutil.copytree(bundle, repo)
    work = tmp_path / "work"
    work.mkdir()

    # the CI workflow's own steps, as written: install, then grader ci (unsolved: 1)
    steps = _run_steps(repo)
    install = _sh(["bash", "-c", steps[0]], repo, env)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    probe = _sh(["python", "-c", "import reference"], work, env)
    assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr
    ci = _sh(["bash", "-c", steps[1]], repo, env)
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "::error file=assignments/dropout.ipynb" in ci.stdout
    assert (repo / "junit.xml").is_file()

    # the student solves the notebooks: 0
    for a in sorted(available()):
        nbformat.write(notebook_with(a), repo / "assignments" / f"{a}.ipynb")
    ci = _sh(["bash", "-c", steps[1]], repo, env)
    assert ci.returncode == 0, ci.stdout + ci.stderr

    # grader check: 0 right, 1 with the named mistake, 2 unreadable, one line and no traceback
    right = write(notebook_with("initialization"), work, "me", "initialization")
    assert _sh(["grader", "check", str(right)], work, env).returncode == 0
    wrong = write(
        notebook_with("initialization", _mistaken_sources()["initialization"]), work, "you", "x"
    )
    res = _sh(["grader", "check", str(wrong)], work, env)
    assert res.returncode == 1 and "known mistake: init-xavier-scale" in res.stdout
    broken = work / "broken.ipynb"
    broken.write_text('{"cells": [')
    res = _sh(["grader", "check", str(broken)], work, env)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr + res.stdout
    # the instructor-only commands say so, in one line
    res = _sh(["grader", "demo", "--out", str(work / "demo")], work, env)
    assert res.returncode == 2 and "for instructors" in res.stderr
    # grade too: a bundle's grades would be the public tests' alone, not the course's
    res = _sh(["grader", "grade", str(work), "--out", str(work / "reports")], work, env)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "for instructors" in res.stderr and "only the public tests" in res.stderr
    assert not (work / "reports").exists()
    # a distribution of its own, and --version says which grader this is
    res = _sh(["grader", "--version"], work, env)
    assert "nn-practical-grader-student" in res.stdout and "public tests only" in res.stdout
    res = _sh(["python", "-m", "pip", "show", "nn-practical-grader-student"], work, env)
    assert res.returncode == 0

    # and the notebook's own check() works in that environment
    code = (
        "import numpy as np\nfrom grader import check\n"
        + reference_source("initialization", "initialize_parameters_he").replace(
            "np.sqrt(2 /", "np.sqrt(1 /"
        )
        + "print(repr(check('initialize_parameters_he')))\n"
    )
    res = _sh(["python", "-c", code], work, env)
    assert res.returncode == 0, res.stderr
    assert "init-xavier-scale" in res.stdout


def test_the_release_command_says_where_and_refuses_in_one_line(tmp_path):
    run = [sys.executable, "-m", "grader", "release", "--out"]
    ok = subprocess.run([*run, str(tmp_path / "b")], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert f"bundle: {tmp_path / 'b'} (4 assignments" in ok.stdout
    assert "pip install" in ok.stdout
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("mine")
    bad = subprocess.run([*run, str(tmp_path / "notes")], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.startswith("grader: ") and bad.stderr.count("\n") == 1
