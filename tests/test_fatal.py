"""One bad cell costs only itself (issue 15), on the initialization notebook (5 functions, 10 points
each): for each way a cell can hang or end the notebook's process, at the top level and inside a
graded function called from its example cell, every other function scores full."""

from __future__ import annotations

import os

import nbformat
import pytest

from coursekit.notebooks import GRADED_TAG, defined_name
from grader.execute import MAX_FATAL_CELLS, Sandbox
from grader.model import Limits
from grader.pipeline import grade_notebook
from grader.record import to_json
from grader.render import render_submission, render_summary
from reference.solved import solved_notebook
from tests.notebooks import write

pytestmark = pytest.mark.slow

LIMITS = Limits(timeout_s=40, call_timeout_s=2, cell_timeout_s=2, memory_mb=512)
FUNCTIONS = (
    "initialize_parameters_zeros",
    "initialize_parameters_random",
    "initialize_parameters_he",
    "initialize_parameters_xavier",
    "activation_scales",
)
RECURSE = (
    "import sys\nsys.setrecursionlimit(10**8)\n"
    "def down(n):\n    return max([n], key=lambda x: down(x + 1))  # through C: the C stack\n"
)
KINDS = {
    "infinite-loop": "while True:\n    pass",
    "long-sleep": "import time\ntime.sleep(10**6)",
    "os-exit": "import os\nos._exit(0)",
    "system-exit": "raise SystemExit(1)",
    "segfault": RECURSE + "down(0)",
    "memory-bomb": "blocks = [bytearray(2**26) for _ in range(10**4)]",
    "kill-parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "fork-bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    ),
}


ROOT_ONLY = ("kill-parent", "fork-bomb")
"""Contained only by the full sandbox, as root: without root the process running the tests has
the student's own uid (it may be killed by its child) and no PID namespace to clear a fork bomb
from; the result is still honest, but these tests' figures are the full sandbox's."""
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the full sandbox needs root")
KIND_PARAMS = [pytest.param(k, marks=needs_root) if k in ROOT_ONLY else k for k in KINDS]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(LIMITS) as sb:
        yield sb


def _graded_index(nb: nbformat.NotebookNode, name: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if GRADED_TAG in c.metadata.get("tags", []) and defined_name(c.source) == name
    )


def _example_index(nb: nbformat.NotebookNode, name: str) -> int:
    """The code cell right under the graded one: the notebook's own example call."""
    i = _graded_index(nb, name) + 1
    while nb.cells[i].cell_type != "code":
        i += 1
    assert name in nb.cells[i].source
    return i


def top_level(source: str, after: str = "initialize_parameters_he") -> nbformat.NotebookNode:
    """The fatal code in a cell of its own, right after `after`'s example cell."""
    nb = solved_notebook("initialization")
    nb.cells.insert(_example_index(nb, after) + 1, nbformat.v4.new_code_cell(source))
    return nb


def in_function(source: str) -> nbformat.NotebookNode:
    """initialize_parameters_he does the fatal thing; its example cell calls it."""
    nb = solved_notebook("initialization")
    body = "\n".join("    " + line for line in source.splitlines())
    nb.cells[
        _graded_index(nb, "initialize_parameters_he")
    ].source = f"def initialize_parameters_he(layers_dims):\n{body}\n    return {{}}\n"
    return nb


def grade(sandbox, nb, tmp_path, student="s"):
    return grade_notebook(write(nb, tmp_path, student, "initialization"), sandbox=sandbox)


def scores(result) -> dict[str, float]:
    return {f.name: f.score for f in result.functions}


@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_a_fatal_cell_at_the_top_level_costs_nothing_else(sandbox, tmp_path, kind):
    result = grade(sandbox, top_level(KINDS[kind]), tmp_path)
    assert result.max_score == 50
    assert scores(result) == dict.fromkeys(FUNCTIONS, 10.0), (result.error, scores(result))
    page = render_submission(result)
    if kind in ("os-exit", "segfault"):
        assert result.error["kind"] == "crashed"
        assert "it was skipped and the notebook run again without it" in result.error["message"]
        assert len(result.fatal_cells) == 1
        assert "ended the notebook" in page
    if kind in ("infinite-loop", "long-sleep", "fork-bomb"):
        assert result.error["kind"] == "timeout", result.error
        assert "limit per cell" in result.error["message"]
    if kind == "segfault":
        assert "SIGSEGV" in result.error["message"]


@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_a_fatal_graded_function_costs_only_its_own_tests(sandbox, tmp_path, kind):
    result = grade(sandbox, in_function(KINDS[kind]), tmp_path)
    expected = dict.fromkeys(FUNCTIONS, 10.0) | {"initialize_parameters_he": 0.0}
    assert scores(result) == expected, (result.error, scores(result))


def test_two_fatal_cells_are_both_skipped(sandbox, tmp_path):
    nb = top_level("import os\nos._exit(3)")
    nb.cells.insert(
        _example_index(nb, "initialize_parameters_xavier") + 1,
        nbformat.v4.new_code_cell(RECURSE + "down(0)"),
    )
    result = grade(sandbox, nb, tmp_path)
    assert scores(result) == dict.fromkeys(FUNCTIONS, 10.0)
    assert [f.kind for f in result.fatal_cells] == ["exit", "signal"]
    record = to_json(result)
    assert [c["kind"] for c in record["fatal_cells"]] == ["exit", "signal"]
    assert record["runs"] == 3
    page = render_submission(result)
    assert page.count("it was skipped and the notebook run again without it") >= 2


def test_past_the_bound_the_notebook_stops_at_the_next_fatal_cell(sandbox, tmp_path):
    nb = solved_notebook("initialization")
    # Four os._exit cells, each after an example cell; the notebook defines xavier last.
    order = ("initialize_parameters_zeros", "initialize_parameters_random", "activation_scales")
    for after in reversed((*order, "initialize_parameters_he")):
        nb.cells.insert(
            _example_index(nb, after) + 1, nbformat.v4.new_code_cell("import os\nos._exit(0)")
        )
    result = grade(sandbox, nb, tmp_path)
    assert len(result.fatal_cells) == MAX_FATAL_CELLS + 1
    # The fourth is past the bound: the cells from it on do not run, so xavier is never
    # defined; everything before it grades.
    assert scores(result) == dict.fromkeys(FUNCTIONS, 10.0) | {"initialize_parameters_xavier": 0.0}
    assert result.error["kind"] == "crashed"
    assert "not run again" in result.error["message"]


def test_the_summary_counts_and_names_timeouts_and_who_they_hit(sandbox, tmp_path):
    slow = in_function(KINDS["infinite-loop"])
    # Slow only under the grader's calls: the notebook itself runs fine, status "graded".
    hidden_slow = in_function(
        "import sys\nif not sys._getframe(1).f_code.co_filename.startswith('<cell'):\n"
        "    while True:\n        pass"
    )
    pat = grade(sandbox, hidden_slow, tmp_path, "pat")
    assert pat.status == "graded" and pat.score == 40
    results = [
        pat,
        grade(sandbox, slow, tmp_path, "tim"),
        grade(sandbox, solved_notebook("initialization"), tmp_path, "ada"),
        grade(sandbox, top_level(KINDS["os-exit"]), tmp_path, "oz"),
    ]
    page = render_summary(results)
    assert "timeout ×2" in page, page[:3000]
    assert "skipped fatal cell ×1" in page
    help_section = page.split('id="help"')[1].split('id="errors"')[0]
    for student in ("pat", "tim", "oz"):
        assert student in help_section
    assert "ada" not in help_section


def test_the_runs_past_fatal_cells_share_one_time_budget():
    """Each run past a fatal cell spends cell time again: they share RUNS_BUDGET notebook
    budgets, so a notebook of slow cells and many fatal ones cannot hold its worker for
    (MAX_FATAL_CELLS + 2) budgets. Here each run sleeps 1.8 s of a 2 s budget (4 s in all):
    without the shared budget it would run 5 times."""
    from grader.execute import RUNS_BUDGET
    from grader.model import CodeCell, Limits

    limits = Limits(timeout_s=2, call_timeout_s=1, cell_timeout_s=2, memory_mb=256)
    sources = ["import time\ntime.sleep(1.8)", *["import os\nos._exit(0)"] * 4, "y = 1"]
    with Sandbox(limits) as sb:
        ex = sb.run([CodeCell(i, s, ()) for i, s in enumerate(sources)], [])
    assert RUNS_BUDGET * limits.timeout_s < 5 * 1.8
    assert ex.runs <= 3, ex.runs
    said = " ".join(str((c.error or {}).get("message", "")) for c in ex.cells)
    assert "used up" in said or ex.notebook_timed_out, said


@needs_root  # a hung call costs a run only where the runner makes the calls itself
def test_calls_that_do_not_return_count_in_the_same_time_budget():
    """A call that hangs costs the worker the call limit and a fresh run for the functions
    after it. That time counts in the submission's budget over all runs: eight functions that
    each hang cannot hold the worker for eight call limits and eight runs. Here the budget is
    4 s and each hung call 1 s: without counting them, every function would get its run."""
    from grader.execute import RUNS_BUDGET
    from grader.model import CodeCell, Limits, ProbeCall

    limits = Limits(timeout_s=2, call_timeout_s=1, cell_timeout_s=2, memory_mb=256)
    names = [f"f{i}" for i in range(8)]
    source = "\n".join(f"def {n}():\n    while True:\n        pass" for n in names)
    probes = [ProbeCall(f"{n}-1", n, (), {}, None, {}) for n in names]
    with Sandbox(limits) as sb:
        ex = sb.run([CodeCell(0, source, ())], probes)
    assert RUNS_BUDGET * limits.timeout_s < len(names) * limits.call_timeout_s
    assert ex.runs < len(names), ex.runs
    hung = [o for o in ex.outcomes.values() if "limit per call" in o.error["message"]]
    left = [o for o in ex.outcomes.values() if "used up" in o.error["message"]]
    assert hung and left and len(hung) + len(left) == len(names), ex.outcomes
