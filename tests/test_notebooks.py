"""The student notebooks follow the contract, stay in sync with their builder, and run clean
through a real Jupyter kernel once the reference bodies are pasted in."""

import importlib
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from coursekit.notebooks import ASSIGNMENTS, DEMO_TAG, GRADED_TAG, graded_names, notebook_text
from grader.oracle import available, load_spec
from reference.solved import solved_notebook

ROOT = Path(__file__).resolve().parent.parent


def test_every_assignment_has_a_notebook_a_spec_and_a_reference():
    assert set(ASSIGNMENTS) == set(available())
    on_disk = {p.stem for p in (ROOT / "assignments").glob("*.ipynb")}
    assert on_disk == set(ASSIGNMENTS)
    for name in ASSIGNMENTS:
        assert importlib.util.find_spec(f"reference.{name}") is not None


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_notebook_is_what_the_builder_makes(name):
    on_disk = (ROOT / "assignments" / f"{name}.ipynb").read_text(encoding="utf-8")
    assert on_disk == notebook_text(name), "run: python -m coursekit.notebooks"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_notebook_follows_the_contract(name):
    nb = nbformat.read(ROOT / "assignments" / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["grader"]["assignment"] == name
    # The notebook, the spec and the reference agree on the graded functions (each reference's
    # own test, tests/test_reference_<name>.py, holds them to the contract).
    functions = [f.name for f in load_spec(name).functions]
    assert sorted(graded_names(name)) == sorted(functions)
    reference = importlib.import_module(f"reference.{name}")
    assert all(callable(getattr(reference, f, None)) for f in functions)
    graded = [c for c in nb.cells if GRADED_TAG in c.metadata.get("tags", [])]
    assert len(graded) == len(functions)
    for cell in graded:
        assert cell.cell_type == "code"
        # One function alone in its cell, a docstring, and a body left to the student.
        assert cell.source.startswith("def ") and cell.source.count("\ndef ") == 0
        assert '"""' in cell.source and "raise NotImplementedError" in cell.source
    for cell in solved_notebook(name).cells:
        if GRADED_TAG in cell.metadata.get("tags", []):
            assert "np.random.seed(" not in cell.source  # the caller seeds, never the function
    demos = [c for c in nb.cells if DEMO_TAG in c.metadata.get("tags", [])]
    if name != "gradient_checking":
        assert demos, "training/plot cells are marked as demonstrations"
    assert not any(GRADED_TAG in c.metadata.get("tags", []) for c in demos)


def test_gradient_checking_notebook_plants_two_bugs():
    from coursekit.gradcheck import forward_propagation_n
    from reference.gradient_checking import backward_propagation_n, gradient_check_n

    nb = nbformat.read(ROOT / "assignments" / "gradient_checking.ipynb", as_version=4)
    src = next(c.source for c in nb.cells if c.source.startswith("def backward_propagation_n"))
    ns: dict = {}
    exec("import numpy as np\n" + src, ns)
    import numpy as np

    rng = np.random.RandomState(3)  # the notebook's example
    X, Y = rng.randn(4, 3), np.array([[1, 1, 0]])
    p = {
        "W1": rng.randn(5, 4),
        "b1": rng.randn(5, 1),
        "W2": rng.randn(3, 5),
        "b2": rng.randn(3, 1),
        "W3": rng.randn(1, 3),
        "b3": rng.randn(1, 1),
    }
    cache = forward_propagation_n(X, Y, p)[1]
    buggy, right = ns["backward_propagation_n"](X, Y, cache), backward_propagation_n(X, Y, cache)
    wrong_keys = [k for k in right if not np.allclose(buggy[k], right[k])]
    assert wrong_keys == ["dW2", "db1"]
    assert gradient_check_n(p, buggy, X, Y) > 1e-3
    assert gradient_check_n(p, right, X, Y) < 1e-7


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solved_notebook_runs_clean_through_a_kernel(name, tmp_path):
    from nbclient import NotebookClient

    nb = solved_notebook(name)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell, demos included
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "Error" not in outputs and "Traceback" not in outputs
    if name == "gradient_checking":
        assert "there is a mistake in the backward pass" in outputs
