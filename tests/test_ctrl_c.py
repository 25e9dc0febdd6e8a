"""Ctrl-C always stops: 50 interrupts at random moments of real batches (the `grader grade`
command, SIGINT to its process group as a terminal sends it). Each run exits 130 within 5 s and
leaves no process behind; the runs' logs together with the final resume grade every submission
exactly once. (A Ctrl-C before the interpreter has started kills it outright, as it kills any
program then; the shell shows that as 130 too, and nothing has begun.)"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time

import procs
import pytest
from notebooks import write

from grader.gradebook import FILENAME
from reference.solved import solved_notebook

TRIES = 50
STUDENTS = 6  # x 2 assignments: a batch of a few seconds, so the moments cover all of it


@pytest.mark.slow
def test_fifty_ctrl_cs_at_random_moments_each_stop_at_once_and_the_resume_grades_once(tmp_path):
    src = tmp_path / "class"
    for i in range(STUDENTS):
        for assignment in ("dropout", "gradient_checking"):
            write(solved_notebook(assignment), src, f"s{i}", assignment)
    total = 2 * STUDENTS
    rng = random.Random(19)
    cmd = [sys.executable, "-m", "grader", "grade", str(src), "--out", str(tmp_path / "out"),
           "--workers", "2", "--progress", "plain"]  # fmt: skip
    slow: list[float] = []
    rounds = 5
    for r in range(rounds):  # a fresh output folder each round: every phase gets interrupted
        out = tmp_path / f"out{r}"
        cmd = [sys.executable, "-m", "grader", "grade", str(src), "--out", str(out),
               "--workers", "2", "--progress", "plain"]  # fmt: skip
        logged: list[str] = []
        for _ in range(TRIES // rounds):
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own group, as a terminal's foreground job
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
            time.sleep(rng.uniform(0.3, 3.0))
            family = procs.descendants(proc.pid) | {proc.pid}
            sent = time.monotonic()
            try:
                os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends
            except ProcessLookupError:
                pass  # it had already finished
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                _, err = proc.communicate()
                pytest.fail(f"still running 30 s after Ctrl-C\n{err[-3000:]}")
            took = time.monotonic() - sent
            logged += [ln for ln in err.splitlines() if re.match(r"\[\s*\d+/\d+\] ", ln)]
            if proc.returncode == 0:
                continue  # it finished before the signal
            if proc.returncode == -signal.SIGINT and not err:
                # Before Python had even started (a loaded machine): killed by the signal
                # itself, which a shell reports as 130 too; nothing had begun.
                continue
            if proc.returncode == -signal.SIGINT and re.search(r"^done: ", err, re.M):
                # The batch had finished and printed its last line: the signal landed during
                # the interpreter's own shutdown, after Python restored SIGINT's default.
                continue
            assert proc.returncode == 130, (proc.returncode, err[-3000:])
            assert "Traceback" not in err, err[-3000:]
            slow.append(took)
            deadline = time.monotonic() + 5
            while any(procs.alive(p) for p in family) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [p for p in family if procs.alive(p)], "processes left after Ctrl-C"
        final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
        logged += [ln for ln in final.stderr.splitlines() if re.match(r"\[\s*\d+/\d+\] ", ln)]
        keys = [re.match(r"\[\s*\d+/\d+\] (\S+?):", ln).group(1) for ln in logged]
        assert len(keys) == len(set(keys)), "a recorded submission was graded again"
        db = sqlite3.connect(out / FILENAME)
        rows = db.execute("SELECT student, assignment FROM results WHERE current=1").fetchall()
        assert len(rows) == len(set(rows)) == total
        db.close()
    assert len(slow) >= TRIES // 2, "most Ctrl-Cs should land while the batch runs"
    assert max(slow) < 5, slow
