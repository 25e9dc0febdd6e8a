"""The sandbox against hostile code: one bad function costs only its own tests, with the reason
named; the worker never hands student code the grader; output and memory stay bounded."""

from __future__ import annotations

import os
import time

import pytest

from grader.execute import Sandbox
from grader.model import CodeCell, Limits, ProbeCall
from grader.pipeline import grade_notebook
from tests import procs
from tests.notebooks import notebook_with, write


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(Limits(timeout_s=3, call_timeout_s=1, memory_mb=256)) as sb:
        yield sb


def run(sandbox, *sources, probes=()):
    cells = [CodeCell(i, s, ()) for i, s in enumerate(sources)]
    return sandbox.run(cells, list(probes))


def call(name, *args, case="c"):
    return ProbeCall(case, name, args, {}, None, {})


def test_each_cell_runs_and_errors_do_not_stop_the_notebook(sandbox):
    ex = run(
        sandbox,
        "x = 1",
        "raise ValueError('boom')",
        "import sys\nsys.exit(3)",
        "y = x + 1",
        "def f():\n    return y",
        probes=[call("f")],
    )
    assert [c.ok for c in ex.cells] == [True, False, False, True, True]
    assert ex.cells[1].error["type"] == "ValueError"
    assert ex.cells[1].error["traceback"][0] == {
        "cell": 1,
        "line": 1,
        "text": "raise ValueError('boom')",
        "function": "<module>",
    }
    assert ex.cells[2].error["kind"] == "exit"
    assert ex.outcomes["c"].value == 2


@pytest.mark.parametrize(
    "body, kind",
    [
        ("while True:\n        pass", "timeout"),
        ("import time\n    time.sleep(60)", "timeout"),
        ("import os\n    os._exit(7)", "exit"),
        ("raise SystemExit(1)", "exit"),
        ("import numpy as np\n    return np.ones((2**31,))", "memory"),
        ("import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "crashed"),
    ],
)
def test_a_bad_function_costs_only_its_own_calls(sandbox, body, kind):
    ex = run(
        sandbox,
        f"def bad():\n    {body}",
        "def good():\n    return 42",
        probes=[call("bad", case="b1"), call("bad", case="b2"), call("good", case="g")],
    )
    assert ex.ended == "exit"
    assert ex.outcomes["b1"].ok is False
    assert ex.outcomes["b1"].error["kind"] == kind, ex.outcomes["b1"].error
    assert ex.outcomes["g"].ok and ex.outcomes["g"].value == 42


def test_a_notebook_that_hangs_is_stopped_and_what_was_defined_still_grades(sandbox):
    ex = run(
        sandbox,
        "def good():\n    return 1",
        "while True:\n    pass",
        "def later():\n    return 2",
        probes=[call("good", case="g"), call("later", case="l")],
    )
    assert ex.notebook_timed_out
    assert ex.outcomes["g"].value == 1
    assert ex.outcomes["l"].error["kind"] == "missing"
    assert ex.cells[2].skipped


def test_the_grader_and_reference_are_not_importable(sandbox):
    ex = run(
        sandbox,
        "import grader.sandbox.wire",
        "import reference.dropout",
        "from coursekit.network import relu",
        "import sys\nleaked = sorted(m for m in sys.modules if m.split('.')[0] in ('grader', 'reference'))",
        "import grader\nreachable = sorted(n for n in vars(grader) if not n.startswith('__'))",
        "def f():\n    return leaked, reachable",
        probes=[call("f")],
    )
    assert [c.ok for c in ex.cells] == [False, False, True, True, True, True]
    assert "not available" in ex.cells[0].error["message"]
    # only the stub that keeps `from grader import check` working, and nothing behind it
    assert ex.outcomes["c"].value == (["grader"], ["check"])


def test_a_notebooks_self_check_is_a_no_op_while_grading(sandbox):
    ex = run(
        sandbox,
        "from grader import check",
        "def f():\n    return 1",
        "result = check('f')\nprint('after check')",
        "def g():\n    return result",
        probes=[call("g")],
    )
    assert all(c.ok for c in ex.cells)
    assert "skipped while grading" in ex.cells[2].output
    assert ex.outcomes["c"].value is None


def test_shell_escapes_and_magics_never_reach_the_host(sandbox, tmp_path):
    marker = tmp_path / "pwned"
    ex = run(
        sandbox,
        "%matplotlib inline",
        f"!touch {marker}",
        f"%%bash\ntouch {marker}",
        f"get_ipython().system('touch {marker}')",
    )
    assert [c.ok for c in ex.cells] == [True, False, False, False]
    assert "not run when grading" in ex.cells[1].error["message"]
    assert not marker.exists()


def test_the_output_kept_over_all_cells_is_bounded(sandbox):
    """Each cell's output is cut at 8192 characters, and all of a submission's cells together
    keep at most MAX_OUTPUT_CHARS: many printing cells cannot make the grader hold more."""
    from grader.execute import MAX_OUTPUT_CHARS

    n = MAX_OUTPUT_CHARS // 8192 + 8
    ex = run(sandbox, *["print('\\x01' * 9000)"] * n)
    assert all(c.ok for c in ex.cells) and len(ex.cells) == n
    assert sum(len(c.output) for c in ex.cells) == MAX_OUTPUT_CHARS
    assert ex.cells[-1].output == "" and ex.cells[-1].output_chars == 9001


def test_printed_output_is_bounded(sandbox):
    ex = run(sandbox, "for i in range(200000):\n    print('PASSED ' * 10)")
    assert ex.cells[0].ok
    assert len(ex.cells[0].output) <= 8192
    assert ex.cells[0].output_chars > 10_000_000


def test_results_are_plain_data_never_objects(sandbox):
    src = (
        "import numpy as np\n"
        "class Evil:\n    def __reduce__(self):\n        return (print, ('pwned',))\n"
        "def f():\n    return Evil()\n"
        "def g():\n    return np.array([Evil()], dtype=object)\n"
        "def h():\n    return {'a': np.float32(1.5), 'b': (np.arange(3), [1, 2])}"
    )
    ex = run(sandbox, src, probes=[call("f", case="f"), call("g", case="g"), call("h", case="h")])
    assert "Evil" in repr(ex.outcomes["f"].value)
    assert "object" in repr(ex.outcomes["g"].value)
    h = ex.outcomes["h"].value
    assert (
        h["a"].dtype.name == "float32" and h["b"][0].tolist() == [0, 1, 2] and h["b"][1] == [1, 2]
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="the network namespace needs root")
def test_as_root_the_child_has_no_network_and_says_what_it_lacks(sandbox):
    src = (
        "import os, socket\n"
        "def f():\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', 22), timeout=0.5)\n"
        "        net = 'connected'\n"
        "    except OSError as e:\n"
        "        net = 'refused'\n"
        "    return (os.getuid(), net)"
    )
    ex = run(sandbox, src, probes=[call("f")])
    uid, net = ex.outcomes["c"].value
    assert net == "refused"
    assert "network-namespace" in ex.isolation
    # The uid is dropped only where an unprivileged user can still import Python's modules;
    # otherwise the result says why, rather than pretending.
    assert (uid != 0) == ("dropped-uid" in ex.isolation)
    if uid == 0:
        assert any("uid not dropped" in n for n in ex.isolation_notes)


def test_a_submission_that_kills_its_worker_gets_an_honest_result_and_the_next_one_grades(tmp_path):
    with Sandbox(Limits(timeout_s=5, call_timeout_s=2)) as sb:
        nb = notebook_with(
            "dropout", prepend=["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"]
        )
        first = grade_notebook(write(nb, tmp_path, "mallory", "dropout"), sandbox=sb)
        from reference.solved import solved_notebook

        second = grade_notebook(
            write(solved_notebook("dropout"), tmp_path, "ada", "dropout"), sandbox=sb
        )
    assert first.status in ("graded", "error")
    if "dropped-uid" in first.sandbox["layers"]:
        assert first.status == "graded" and first.score == first.max_score  # could not kill root
    else:
        assert first.status == "error" and first.error["kind"] == "crashed"
    assert second.score == second.max_score


SCAN = """
import gc, sys

def _secrets():
    found = set()
    seen = set()
    stack = list(gc.get_objects())
    frame = sys._getframe()
    while frame is not None:
        stack += [frame.f_locals, frame.f_globals]
        frame = frame.f_back
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if obj.startswith("SECRET-") and len(obj) == 8:
                found.add(obj)
        elif isinstance(obj, dict):
            stack += list(obj.keys()) + list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack += list(obj)
    return sorted(found)

in_cells = _secrets()

def f(x):
    return _secrets()

def g():
    return in_cells
"""


def test_student_code_holds_one_calls_inputs_at_most():
    # Every object the process can reach (its stack, the gc's containers): while the cells run,
    # no probe input at all; during a call, that call's own input only.
    with Sandbox(Limits(timeout_s=30, call_timeout_s=20)) as roomy:
        ex = run(
            roomy,
            SCAN,
            probes=[
                call("f", "SECRET-A", case="a"),
                call("f", "SECRET-B", case="b"),
                call("g", case="g"),
                call("f", "SECRET-C", case="c"),
            ],
        )
    assert ex.outcomes["g"].value == [], ex.outcomes
    assert set(ex.outcomes["a"].value) <= {"SECRET-A"}
    assert "SECRET-A" in ex.outcomes["a"].value  # the scan does find what is there
    assert set(ex.outcomes["b"].value) <= {"SECRET-A", "SECRET-B"}  # same process, earlier call
    assert "SECRET-C" not in ex.outcomes["b"].value


def test_a_call_cannot_lift_its_own_time_limit(sandbox):
    # Disarming timers and ignoring signals inside the call changes nothing: the clock is the
    # grader's, and the kill comes from outside the student's process.
    src = (
        "import signal, time\n"
        "def slow():\n"
        "    for sig in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):\n"
        "        signal.signal(sig, signal.SIG_IGN)\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
        "    time.sleep(1.8)\n"
        "    return 42"
    )
    ex = run(sandbox, src, probes=[call("slow", case="s")])
    assert not ex.outcomes["s"].ok
    assert ex.outcomes["s"].error["kind"] == "timeout"
    assert "limit per call" in ex.outcomes["s"].error["message"]


def test_plots_are_told_by_imports_and_calls_not_by_magics_or_words():
    from grader.execute import _plots

    for source in (
        "import matplotlib.pyplot as plt",
        "import numpy as np, matplotlib",
        "from matplotlib import pyplot as plt",
        "from pylab import *",
        "import seaborn as sns",
        "plot_costs(costs)",
        "importlib.import_module('matplotlib')",
    ):
        assert _plots(source), source
    for source in (
        "%matplotlib inline",
        "from coursekit.plotting import plot_costs, plot_decision_boundary",
        "x = 1  # matplotlib draws this later",
        "import numpy as np",
    ):
        assert not _plots(source), source


LOADED = "import sys\nprint(sorted(m for m in ('matplotlib.pyplot',) if m in sys.modules))"
DRAW = (
    "import io\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
    "ax.plot([1, 2, 3]); ax.set_title('loss'); ax.set_xlabel('epoch')\n"
    "buf = io.BytesIO(); fig.savefig(buf, format='png'); print(buf.getvalue()[:4])"
)


def test_a_notebook_that_plots_starts_with_pyplot_loaded_and_draws_text(sandbox):
    # Once started: the zygote and the plot zygote, and as root the nursery.
    assert len(sandbox.worker_pids()) in ((0, 3) if os.geteuid() == 0 else (0, 2))
    ex = run(sandbox, LOADED, DRAW)
    assert [c.ok for c in ex.cells] == [True, True], [c.error for c in ex.cells]
    assert ex.cells[0].output == "['matplotlib.pyplot']\n"  # forked from the plot zygote
    assert ex.cells[1].output == "b'\\x89PNG'\n"  # a font was found and opened in the sandbox


def test_a_notebook_that_does_not_plot_starts_without_pyplot(sandbox):
    ex = run(sandbox, LOADED, "x = 1")
    assert ex.cells[0].output == "[]\n"  # forked from the smaller zygote


def test_cells_arrive_as_python_and_a_notebook_may_still_import_ipython(sandbox):
    """The grader runs IPython's transformer (grader.transform), so the zygote never imports
    IPython (every fork would copy its heap); a notebook that imports it itself still can."""
    ex = run(
        sandbox,
        "import sys\nprint('IPython' in sys.modules)",
        "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'",
        "from IPython.display import Markdown\nprint(Markdown('**x**').data)",
        "x = 1\n  # an indented comment after code, which the transformer keeps",
    )
    assert [c.ok for c in ex.cells] == [True, True, True, True], [c.error for c in ex.cells]
    assert [c.output for c in ex.cells[:3]] == ["False\n", "", "**x**\n"]


def test_a_cell_too_costly_to_transform_in_the_grader_is_transformed_in_the_sandbox(sandbox):
    """Past the grader's bound (grader.transform), the sandbox runs IPython's transformer, under
    the cell's limits: the magics still become calls to the stub shell."""
    from grader import transform

    many = "\n".join(["x = 1"] + ["%matplotlib inline"] * 60 + ["print('after', x)"])
    assert len(many) * (1 + transform.escapes(many)) > transform.PER_CELL
    ex = run(sandbox, many)
    assert ex.cells[0].ok, ex.cells[0].error
    assert ex.cells[0].output.endswith("after 1\n"), ex.cells[0].output


def test_without_its_plot_zygote_a_worker_still_runs_a_notebook_that_plots(tmp_path):
    import signal

    with Sandbox(Limits(timeout_s=20, call_timeout_s=5)) as sb:
        run(sb, "x = 1")
        zygote, plots = sb.worker_pids()[:2]
        os.kill(plots, signal.SIGKILL)
        _wait_gone(plots)
        for _ in range(2):  # the zygote runs them itself, pyplot imported late
            ex = run(sb, LOADED, DRAW)
            assert [c.ok for c in ex.cells] == [True, True], [c.error for c in ex.cells]
            assert ex.cells[0].output == "[]\n"
            assert ex.cells[1].output == "b'\\x89PNG'\n"
        assert sb.worker_pids()[0] == zygote  # the same worker all along


def _wait_gone(pid: int) -> None:
    """Until `pid` is a zombie or gone (it is another process's child)."""
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.01)
    raise AssertionError(f"{pid} is still running")


LEAVES_A_PROCESS = (
    "import os, time\n"
    "def a():\n"
    "    if os.fork() == 0:\n"
    "        time.sleep(30)\n"
    "        os._exit(0)\n"
    "    return os.getpid()\n"
    "def quiet():\n"
    "    return os.getpid()\n"
    "def b():\n"
    "    return os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
)


def _pids_seen(sandbox):
    ex = run(
        sandbox,
        LEAVES_A_PROCESS,
        probes=[
            ProbeCall("q", "quiet", (), {}, None, {}),
            ProbeCall("q2", "quiet", (), {}, None, {}),
            ProbeCall("a", "a", (), {}, None, {}),
            ProbeCall("b", "b", (), {}, None, {}),
        ],
    )
    return {k: o.value for k, o in ex.outcomes.items()}


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs root")
def test_a_function_s_calls_start_with_nothing_of_the_last_function_s_running(sandbox):
    seen = _pids_seen(sandbox)
    caller, visible = seen["b"]
    # The namespace's init and the runner, which makes the calls itself: a's sleeper is gone.
    assert visible == [1, caller], visible
    assert caller == seen["a"] == seen["q"]


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs root")
def test_without_the_clearing_a_leftover_process_would_reach_the_next_function(monkeypatch):
    """The test above has teeth: without the clearing after each function, b sees a's
    sleeper."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", "clear-between-functions")
    with Sandbox(Limits(timeout_s=10, call_timeout_s=5)) as sb:
        seen = _pids_seen(sb)
    caller, visible = seen["b"]
    assert len(visible) == 3, visible


def test_a_process_a_call_forks_says_nothing(sandbox):
    """A child forked inside a graded call returns from it too: it must not answer for it."""
    ex = run(
        sandbox,
        "import os\ndef f():\n    os.fork()\n    return os.getpid()",
        "def g():\n    return 5",
        probes=[call("f", case="f1"), call("f", case="f2"), call("g", case="g1")],
    )
    assert ex.tampered == ""
    assert ex.outcomes["f1"].ok and ex.outcomes["f2"].ok
    assert ex.outcomes["g1"].value == 5


FDS = (
    "import os\n"
    "seen = []\n"
    "for fd in sorted(int(x) for x in os.listdir('/proc/self/fd')):\n"
    "    try:\n"
    "        seen.append(os.readlink(f'/proc/self/fd/{fd}').split(':')[0])\n"
    "    except OSError:\n"
    "        pass  # the listing's own\n"
    "print(sorted(seen))"
)


@pytest.mark.parametrize("first", ["x = 1", "import matplotlib.pyplot"], ids=["zygote", "plots"])
def test_a_submission_inherits_no_descriptor_of_its_zygote(sandbox, first):
    """Only its own data socket and the null device: not the zygote's job socket, the socket to
    the plot zygote (a student holding it could hand the plot zygote a job of its own), or a
    handle on the worker's PID namespace."""
    ex = run(sandbox, first, FDS)
    assert ex.cells[1].output == "['/dev/null', '/dev/null', '/dev/null', 'socket']\n", ex.cells


@pytest.mark.skipif(os.geteuid() != 0, reason="a call ends the run only where the runner makes it")
def test_the_budget_of_returned_values_is_shared_by_every_run():
    """A call that ends its process costs a fresh run for the functions still to test; that run
    must not come with a fresh budget of returned values (8 MB a submission). a and c return
    700 KB a call, six calls each: 8.4 MB in all, so c's last calls are refused."""
    big = (
        "import numpy as np\n"
        "def a():\n    return np.ones(87_500)\n"
        "def c():\n    return np.ones(87_500)"
    )
    with Sandbox(Limits(timeout_s=20, call_timeout_s=10)) as sb:
        ex = run(
            sb,
            big,
            "import os\ndef b():\n    os._exit(0)",
            probes=[
                *(call("a", case=f"a{i}") for i in range(6)),
                call("b", case="b0"),
                *(call("c", case=f"c{i}") for i in range(6)),
            ],
        )
    assert ex.runs == 2
    assert all(ex.outcomes[f"a{i}"].ok for i in range(6))
    refused = [i for i in range(6) if not ex.outcomes[f"c{i}"].ok]
    assert refused, "the second run started with a fresh budget"
    assert all(ex.outcomes[f"c{i}"].error["kind"] == "output-too-large" for i in refused)


CLONE_BESIDE = (
    "import ctypes\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "made = 0\n"
    "for _ in range(20):\n"
    "    child = libc.syscall(56, 0x00008000 | 17, 0, 0, 0, 0)  # CLONE_PARENT | SIGCHLD\n"
    "    if child == 0:\n"
    "        libc.syscall(60, 0)\n"
    "    made += child > 0\n"
    "print(made)\n"
)


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs root")
@pytest.mark.parametrize("disable", ["seccomp", "seccomp,clear-strays"])
def test_a_process_cloned_beside_the_runner_is_reaped_with_its_job(monkeypatch, disable):
    """The system-call filter refuses clone(CLONE_PARENT); behind it, the zygote reaps any
    child of its own that is not its helper once a job ends (such a zombie would keep the
    namespace's init from ending and hold the worker's process cap for the next student).
    With that switched off too, the zombies stay."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", disable)
    with Sandbox(Limits(timeout_s=10, call_timeout_s=5)) as sb:
        ex = sb.run([CodeCell(0, CLONE_BESIDE, ())], [])
        sb.settle()
        zygote, *helpers = sb.worker_pids()
        strays = procs.children(zygote) - set(helpers)
        after = sb.run([CodeCell(0, "print(1)", ())], [])
    assert ex.cells[0].ok and ex.cells[0].output == "20\n", ex.cells[0]
    assert "pid-namespace" in ex.isolation
    if "clear-strays" in disable:
        assert len(strays) == 20
    else:
        assert strays == set()
    assert after.cells[0].ok and "pid-namespace" in after.isolation


@pytest.mark.parametrize("fault", ["isolation-record-first", "isolation-record"])
def test_a_sandbox_that_never_starts_is_tried_once_more_then_an_error_never_a_grade(
    monkeypatch, tmp_path, fault
):
    """A runner that never says it is set up (it does before any student code runs) is the
    worker's failure, not the student's: the job runs once more on a fresh worker; failing
    again, the result is an error saying so. Before, the empty run was graded: 0, no error."""
    from reference.solved import solved_notebook

    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", fault)
    path = write(solved_notebook("dropout"), tmp_path, "ada", "dropout")
    with Sandbox(Limits(timeout_s=10, call_timeout_s=5)) as sb:
        result = grade_notebook(path, sandbox=sb)
    if fault == "isolation-record-first":
        assert result.status == "graded" and result.score == result.max_score, result.error
    else:
        assert result.status == "error" and result.error["kind"] == "crashed", result.error
        assert "could not be started" in result.error["message"]
        assert result.score == 0 and result.max_score > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs root")
def test_a_worker_whose_nursery_is_gone_is_replaced_not_run_with_less(monkeypatch):
    """The nursery makes each submission's PID namespace. If it is gone mid-batch, the worker
    does not run student code without one: it ends, and the job runs on a new worker."""
    import signal

    with Sandbox(Limits(timeout_s=10, call_timeout_s=5)) as sb:
        first = sb.run([CodeCell(0, "print(1)", ())], [])
        zygote, _, births = sb.worker_pids()
        os.kill(births, signal.SIGKILL)
        second = sb.run([CodeCell(0, "print(2)", ())], [])
        assert sb.worker_pids()[0] != zygote  # a new worker
    assert "pid-namespace" in first.isolation
    assert second.cells[0].ok and second.cells[0].output == "2\n"
    assert "pid-namespace" in second.isolation and "private-proc" in second.isolation


PACED = """
import time
def f(x):
    if x == 2:
        while True:
            pass
    time.sleep(0.8)
    return x
"""


@pytest.mark.parametrize("disable", ["", "early-calls"])
def test_each_call_has_its_own_clock_when_the_next_is_sent_before_the_answer_is_read(
    monkeypatch, disable
):
    """The next call goes out as soon as an answer is in (`_Attempt._call`): its clock starts
    then, not with the first call's, and a call that hangs costs only itself and those after
    it, as it would with one call at a time."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", disable)
    probes = [call("f", x, case=f"c{x}") for x in (0, 1, 3, 2, 4)]
    probes += [call("g", case="g")]
    with Sandbox(Limits(timeout_s=5, call_timeout_s=1)) as sb:
        ex = sb.run([CodeCell(0, PACED + "def g():\n    return 7\n", ())], probes)
    # three calls of 0.8 s each, 2.4 s together: each within its own 1 s limit
    assert [ex.outcomes[f"c{x}"].value for x in (0, 1, 3)] == [0, 1, 3]
    assert all(0.7 < ex.outcomes[f"c{x}"].elapsed_s < 1.0 for x in (0, 1, 3))
    hung = ex.outcomes["c2"]
    assert not hung.ok and hung.error["kind"] == "timeout", hung.error
    assert not ex.outcomes["c4"].ok
    assert ex.outcomes["g"].ok and ex.outcomes["g"].value == 7


STAYS = """
import os, sys, threading, time

def _worker_globals():
    frame = sys._getframe()
    while frame is not None:
        if "_Stream" in frame.f_globals and "_exit" in frame.f_globals:
            return frame.f_globals
        frame = frame.f_back

def _junk():
    time.sleep(0.5)  # after the last answer: records nobody asked for
    for fd in range(3, 64):
        try:
            os.write(fd, b"\\x00\\x00\\x00\\x0a{\\"cell\\":0}")
        except OSError:
            pass

found = _worker_globals()
if found is not None:
    found["_exit"] = lambda code=0: time.sleep(60)  # it will not end when told to
threading.Thread(target=_junk, daemon=True).start()

def f():
    return 1
"""


def _submission_processes(zygote: int) -> set[int]:
    """The worker's descendants that run as a submission's uid (not its helpers, nor the
    inits the nursery keeps ready, which run as root)."""
    found = set()
    for pid in procs.descendants(zygote):
        try:
            with open(f"/proc/{pid}/status") as f:
                uid = next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if uid != os.geteuid():
            found.add(pid)
    return found


def test_a_submission_that_will_not_end_after_its_last_answer_costs_the_next_one_nothing():
    """Its job is settled before the next one (`Sandbox._settle`): what it sends after its
    last answer is not read, it is killed when it does not end, and the next submission on
    the same worker is graded as usual."""
    probe = [ProbeCall("c", "f", (), {}, None, {})]
    with Sandbox(Limits(timeout_s=5, call_timeout_s=2)) as sb:
        first = sb.run([CodeCell(0, STAYS, ())], probe)
        zygote = sb.worker_pids()[0]
        # it is ended at once, not left to run until the next job (red team 8)
        deadline = time.monotonic() + 2.0
        while (left := _submission_processes(zygote)) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = sb.run([CodeCell(0, "def f():\n    return 2\n", ())], probe)
        assert sb.worker_pids()[0] == zygote
    assert not left, left
    assert not first.tampered and first.outcomes["c"].ok and first.outcomes["c"].value == 1
    assert not second.tampered and second.outcomes["c"].ok and second.outcomes["c"].value == 2


FORGE_THEN_DIE = r"""
import json, os, socket, stat, struct, sys, time

def _data_fd():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                s = socket.socket(fileno=os.dup(fd))
                kind = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
                s.close()
                if kind == socket.SOCK_STREAM:
                    return fd
        except OSError:
            pass

def f(x):
    frame = sys._getframe(1)
    while frame is not None and "case" not in frame.f_locals:
        frame = frame.f_back
    value = {"__nd__": "bogus"} if MODE == "garbage" else 999
    body = json.dumps({"case": frame.f_locals["case"], "ok": True, "value": value}).encode()
    fd = _data_fd()
    socket.socket(fileno=os.dup(fd)).shutdown(socket.SHUT_RD)  # the next call cannot be sent
    os.write(fd, struct.pack(">I", len(body)) + body)
    time.sleep(30)

def g():
    return 7
"""


@pytest.mark.parametrize("mode", ["garbage", "wrong"])
def test_an_answer_whose_next_call_cannot_be_sent_is_still_judged(mode):
    """The next call goes out before an answer is judged (`_Attempt._call`); if that send finds
    the sandbox gone, the answer in hand is judged all the same: a forged record is still
    tampering, a plain answer still counts (red team 8)."""
    probes = [call("f", 1, case="c1"), call("f", 2, case="c2"), call("g", case="g1")]
    with Sandbox(Limits(timeout_s=5, call_timeout_s=2)) as sb:
        ex = sb.run([CodeCell(0, f"MODE = {mode!r}\n" + FORGE_THEN_DIE, ())], probes)
    if mode == "garbage":
        assert "not plain data" in ex.tampered
    else:
        assert not ex.tampered
        assert ex.outcomes["c1"].ok and ex.outcomes["c1"].value == 999
        assert not ex.outcomes["c2"].ok
        assert ex.outcomes["g1"].ok and ex.outcomes["g1"].value == 7
