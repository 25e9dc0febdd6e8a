"""The warm worker's control group: memory summed over a submission's processes (an honest
memory verdict when the kernel kills for it), and no group left behind."""

from __future__ import annotations

import os
import subprocess

import pytest

from grader.execute import Sandbox
from grader.model import CodeCell, Limits, ProbeCall
from grader.sandbox import cgroup

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="cgroups need root")

SPREAD = """
import os, time
def touch(mb):
    block = bytearray(mb * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return block
def f():
    kids = []
    for _ in range(4):  # 4 x 150 MB, and 250 MB here: each within its own address-space limit
        pid = os.fork()
        if pid == 0:
            time.sleep(1)
            block = touch(150)
            time.sleep(3)
            os._exit(0)
        kids.append(pid)
    mine = touch(250)  # the largest process, so the one the kernel kills first
    for pid in kids:
        os.waitpid(pid, 0)
    return "held"
"""


def _groups() -> list[str]:
    found = []
    for controller in ("memory", "pids", "cpu"):
        parent = os.path.join(cgroup.ROOT, controller, cgroup._own(controller))
        if os.path.isdir(parent):
            found += [n for n in os.listdir(parent) if n.startswith(cgroup.PREFIX)]
    return found


@needs_root
def test_memory_summed_over_the_processes_is_limited_and_named():
    limits = Limits(timeout_s=5, call_timeout_s=20, memory_mb=300)
    with Sandbox(limits) as sb:
        ex = sb.run([CodeCell(0, SPREAD, ())], [ProbeCall("c", "f", (), {}, None, {})])
    switched_off = any("switched off" in n for n in ex.isolation_notes)  # to show the teeth
    if "cgroup-memory" not in ex.isolation and not switched_off:
        pytest.skip(f"no cgroup here: {ex.isolation_notes}")
    out = ex.outcomes["c"]
    # 850 MB in all against a group limit of 300 + 128 (/tmp) + 16 (/dev/shm) + 256 MB: the kernel
    # kills in the group and the verdict says memory.
    assert not out.ok
    assert out.error["kind"] == "memory", out.error


@needs_root
def test_no_group_is_left_after_the_worker_or_after_one_killed_outright():
    before = set(_groups())
    with Sandbox(Limits(timeout_s=5)) as sb:
        sb.run(
            [CodeCell(0, "def f():\n    return 1\n", ())], [ProbeCall("c", "f", (), {}, None, {})]
        )
        during = set(_groups()) - before
    assert set(_groups()) - before == set()
    # A group whose worker died without cleaning up (pid gone) is removed by the next worker.
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = os.path.join(cgroup.ROOT, "pids", cgroup._own("pids"), f"{cgroup.PREFIX}{dead.pid}")
    if during and os.path.isdir(os.path.dirname(stale)):
        os.mkdir(stale)
        with Sandbox(Limits(timeout_s=5)) as sb:
            sb.run([CodeCell(0, "x = 1\n", ())], [])
        assert not os.path.exists(stale)
    assert set(_groups()) - before == set()


@needs_root
def test_the_worker_sits_in_its_group_and_its_submissions_are_the_first_to_kill():
    """The worker joins its group once (no move per submission); every submission it forks
    starts inside, with the highest OOM score, and the worker keeps the default one."""
    source = (
        "score = open('/proc/self/oom_score_adj').read().strip()\n"
        "try:\n"
        "    open('/proc/self/oom_score_adj', 'w').write('0')  # to make the worker the victim\n"
        "except OSError as exc:\n"
        "    score += ' ' + type(exc).__name__\n"
        "score += ' ' + open('/proc/self/oom_score_adj').read().strip()"
    )
    with Sandbox(Limits(timeout_s=10, call_timeout_s=5)) as sb:
        ex = sb.run([CodeCell(0, source + "\nprint(score)", ())], [])
        layers = ex.isolation
        worker = sb.worker_pids()[0]
        with open(f"/proc/{worker}/cgroup") as f:
            worker_groups = f.read()
        with open(f"/proc/{worker}/oom_score_adj") as f:
            worker_score = f.read().strip()
    if "cgroup-memory" not in layers:
        pytest.skip("no cgroup on this machine")
    assert ex.cells[0].output == "1000 PermissionError 1000\n"  # and it cannot lower it
    assert f"grader-{worker}" in worker_groups
    assert worker_score == "0"
