"""`from grader import check`: the public tests on the functions a namespace (a student's
kernel) defines, with the reports' verdicts and named mistakes, without disturbing the session."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from grader.oracle import load_mutants, load_spec, reference_function
from grader.selfcheck import CheckReport, check_functions
from reference.solved import reference_source
from tests.notebooks import notebook_with


def reference_namespace(assignment: str) -> dict:
    spec = load_spec(assignment)
    ns = dict(vars(__import__(spec.reference, fromlist=["_"])))
    for f in spec.functions:
        ns[f.name] = reference_function(spec, f.name)
    return ns


def mutant(assignment: str, mistake: str):
    return next(m for m in load_mutants(assignment) if m.id == mistake)


def test_check_with_no_name_checks_every_function_of_the_assignment_it_finds():
    report = check_functions((), reference_namespace("dropout"))
    assert report.assignment == "dropout"
    assert [f.name for f in report.functions] == [f.name for f in load_spec("dropout").functions]
    assert report.passed
    assert all(t.visibility == "public" for f in report.functions for t in f.tests)


def test_a_named_mistake_is_named_with_its_lesson_in_both_forms():
    ns = reference_namespace("initialization")
    ns["initialize_parameters_he"] = mutant("initialization", "init-xavier-scale").impl
    report = check_functions(("initialize_parameters_he",), ns)
    assert not report.passed
    (f,) = report.functions
    assert f.diagnoses == ("init-xavier-scale",)
    text = repr(report)
    assert text.startswith("✗ initialize_parameters_he")
    assert "[known mistake: init-xavier-scale]" in text
    html = report._repr_html_()
    assert "init-xavier-scale" in html and "Why it matters" in html and "Hint" in html
    assert 'class="differs"' in html  # the side-by-side picture of what differs


def test_every_public_verdict_matches_the_reports(tmp_path):
    """The kernel's verdicts are the sandboxed grader's: same messages, same mistakes."""
    from grader.execute import Sandbox
    from grader.pipeline import PUBLIC, grade_notebook

    ns = reference_namespace("dropout")
    ns["forward_propagation_with_dropout"] = mutant("dropout", "dropout-no-scale").impl
    in_kernel = check_functions((), ns)
    source = reference_source("dropout", "forward_propagation_with_dropout").replace(
        " / keep_prob", ""
    )
    path = tmp_path / "ada" / "dropout.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook_with("dropout", {"forward_propagation_with_dropout": source}), path)
    with Sandbox() as sandbox:
        graded = grade_notebook(path, sandbox=sandbox, visibility=PUBLIC)

    def verdicts(functions):
        return [
            (f.name, f.score, f.diagnoses, [(t.id, t.passed, t.message) for t in f.tests])
            for f in functions
        ]

    assert verdicts(in_kernel.functions) == verdicts(graded.functions)
    assert in_kernel.functions[0].diagnoses == ("dropout-no-scale",)


def test_missing_functions_and_unknown_names_are_said_plainly():
    report = check_functions(("initialize_parameters_he",), {})
    (f,) = report.functions
    assert f.score == 0 and f.error["kind"] == "missing"
    assert "run the cell that defines it" in repr(report)
    report = check_functions(("initialise_parameters_he",), {})
    assert not report.passed and report.functions == ()
    assert "not a graded function" in report.problem and "initialize_parameters_he" in repr(report)
    report = check_functions((), {"np": np})
    assert "no graded function is defined yet" in report.problem
    assert "no graded function" in report._repr_html_()


def test_an_exception_names_the_line_of_the_students_cell():
    ns = {}
    exec(
        compile(
            "def forward_propagation(x, theta):\n    y = 1\n    return x @ theta\n", "c1", "exec"
        ),
        ns,
    )
    report = check_functions(("forward_propagation",), ns)
    (t,) = report.functions[0].tests
    assert not t.passed and t.kind == "exception"
    assert "raised TypeError" in t.message and "(line 3 of its cell)" in t.message


def test_a_hanging_call_is_stopped_and_the_session_is_left_as_it_was(capsys):
    ns = {}
    exec(
        "import numpy as np\n"
        "def initialize_parameters_zeros(layers_dims):\n"
        "    print('noise from the student')\n"
        "    np.random.rand(5)\n"
        "    while True:\n"
        "        pass\n",
        ns,
    )
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    report = check_functions(("initialize_parameters_zeros",), ns, timeout_s=0.3)
    (f,) = report.functions
    assert f.error["kind"] == "timeout" and "0.3 s" in f.error["message"]
    assert np.array_equal(np.random.get_state()[1], before)  # the student's stream is untouched
    assert "noise from the student" not in capsys.readouterr().out


def test_bound_names_are_put_back_after_the_call():
    ns = reference_namespace("gradient_checking")
    own = ns["forward_propagation"]
    report = check_functions(("gradient_check",), ns)
    assert report.passed
    assert ns["forward_propagation"] is own


def test_student_text_in_the_html_stays_text():
    ns = {}
    exec(
        "def forward_propagation(x, theta):\n"
        "    raise ValueError('<script>window.pwned=1</script>')\n",
        ns,
    )
    html = check_functions(("forward_propagation",), ns)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_check_reads_the_callers_namespace():
    from grader import check

    def initialize_parameters_zeros(layers_dims):
        raise NotImplementedError

    globals()["initialize_parameters_zeros"] = initialize_parameters_zeros
    try:
        report = check("initialize_parameters_zeros")
    finally:
        del globals()["initialize_parameters_zeros"]
    assert isinstance(report, CheckReport)
    assert "raised NotImplementedError" in repr(report)


@pytest.mark.slow
def test_check_displays_in_a_real_kernel(tmp_path):
    """A notebook run through Jupyter: each check cell shows HTML and text, and the mistake."""
    from nbclient import NotebookClient

    source = reference_source("initialization", "initialize_parameters_he").replace(
        "np.sqrt(2 /", "np.sqrt(1 /"
    )
    nb = notebook_with("initialization", {"initialize_parameters_he": source})
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    shown = {}
    for cell in nb.cells:
        if "self-check" in cell.metadata.get("tags", []) and cell.source.startswith("check("):
            (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
            shown[cell.source] = out.data
    assert len(shown) == 5
    for call, data in shown.items():
        assert 'class="grader-check"' in data["text/html"]
        if "initialize_parameters_he" in call:
            assert data["text/plain"].startswith("✗ initialize_parameters_he")
            assert "init-xavier-scale" in data["text/plain"]
            assert "Why it matters" in data["text/html"]
        else:
            assert data["text/plain"].startswith("✓"), (call, data["text/plain"])
    assert "Traceback" not in json.dumps([c.get("outputs", []) for c in nb.cells])


WINDOWS_LIKE = """
import os, signal, sys
sys.modules["resource"] = None          # no such module on Windows: importing it fails
for name in ("SIGALRM", "setitimer", "ITIMER_REAL"):
    delattr(signal, name)
del os.fork
from grader.selfcheck import alarm_available, check_functions
from reference.initialization import initialize_parameters_he
assert not alarm_available()

def hangs(layers_dims):
    while True:
        pass

name = "initialize_parameters_he"
right = check_functions((name,), {name: initialize_parameters_he})
slow = check_functions((name,), {name: hangs}, timeout_s=0.5)
loaded = sys.modules.get("resource") is not None
print(right.passed, slow.passed, slow.functions[0].tests[0].kind, loaded)
"""


def test_check_works_without_sigalrm_or_resource_as_on_windows():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WINDOWS_LIKE], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "timeout", "False"]


def test_grader_check_says_windows_needs_wsl(monkeypatch, tmp_path):
    import os

    from click.testing import CliRunner

    from grader.cli import cli

    monkeypatch.delattr(os, "fork")
    for command in (["check", str(tmp_path / "x.ipynb")], ["ci", str(tmp_path)]):
        out = CliRunner().invoke(cli, command)
        assert "inside WSL" in str(out.exception), command
