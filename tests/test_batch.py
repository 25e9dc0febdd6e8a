"""Batch grading: parallel workers, the gradebook across runs, resume after kill -9, exports,
and the same results on a Dask cluster."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import procs
import pytest
from notebooks import notebook_with, write

from coursekit.notebooks import build_notebook
from grader.batch import grade_batch
from grader.gradebook import FILENAME
from grader.model import Limits
from grader.progress import Plain
from grader.sampleclass import make_class
from reference.solved import solved_notebook

# Names itself, then waits for the test to kill the process that grades it.
WAITS_TO_BE_KILLED = procs.NAME_SELF.format(name="eve-marker") + "\nimport time\ntime.sleep(60)"


def _kill_grading_processes_of(name: str, stop: threading.Event) -> None:
    """Until `stop`: kill the grading process (the first ancestor that is not the sandbox's
    worker) of any process called `name`. Student code cannot do this itself: the sandbox keeps
    it from seeing or signalling anything outside, so the test plays the part of a crash."""
    while not stop.wait(0.05):
        table = procs.parents()
        for pid in procs.named(name):
            while pid in table and "grader.worker" in procs.cmdline(table[pid]):
                pid = table[pid]
            grading = table.get(pid)
            if grading:
                procs.kill_all([grading])


def small_class(root: Path) -> Path:
    write(solved_notebook("dropout"), root, "ada", "dropout")
    write(solved_notebook("regularization"), root, "ada", "regularization")
    write(build_notebook("dropout"), root, "bob", "dropout")
    nb = notebook_with(
        "dropout",
        replace={
            "forward_propagation_with_dropout": solved_source("dropout")
            .replace("A1 * D1 / keep_prob", "A1 * D1")
            .replace("A2 * D2 / keep_prob", "A2 * D2")
        },
    )
    write(nb, root, "cy", "dropout")
    (root / "dan").mkdir(parents=True)
    (root / "dan" / "dropout.ipynb").write_text("{ not json")
    return root


def solved_source(assignment: str) -> str:
    from reference.solved import reference_source

    return reference_source(assignment, "forward_propagation_with_dropout")


def outputs(out: Path) -> dict[tuple[str, str], dict]:
    return {(p.parent.name, p.stem): json.loads(p.read_text()) for p in out.glob("*/*.json")}


def test_a_parallel_batch_writes_every_result_and_export(tmp_path):
    src = small_class(tmp_path / "class")
    out = tmp_path / "out"
    report = grade_batch(paths=[src], out=out, workers=2)
    assert len(report.graded) == 5 and report.reasons == {"unreadable-notebook": 1}
    results = outputs(out)
    assert set(results) == {
        ("ada", "dropout"),
        ("ada", "regularization"),
        ("bob", "dropout"),
        ("cy", "dropout"),
        ("dan", "dropout"),
    }
    assert results[("ada", "dropout")]["score"] == results[("ada", "dropout")]["max_score"]
    assert results[("cy", "dropout")]["functions"][0]["diagnoses"] == ["dropout-no-scale"]
    assert results[("dan", "dropout")]["error"]["kind"] == "unreadable-notebook"
    for (student, assignment), r in results.items():
        assert (out / student / f"{assignment}.html").is_file()
        assert (out / "gradescope" / student / assignment / "results.json").is_file()
        raw = (src / student / f"{assignment}.ipynb").read_bytes()
        assert r["environment"]["submission_sha256"] == hashlib.sha256(raw).hexdigest()
    for name in ("grades.csv", "junit.xml", "summary.html", FILENAME):
        assert (out / name).is_file()
    db = sqlite3.connect(out / FILENAME)
    assert db.execute("SELECT COUNT(*) FROM results WHERE current=1").fetchone()[0] == 5


def test_a_rerun_grades_only_what_changed_unless_asked_to_regrade(tmp_path):
    src = small_class(tmp_path / "class")
    out = tmp_path / "out"
    grade_batch(paths=[src], out=out, workers=2)
    again = grade_batch(paths=[src], out=out, workers=2)
    assert again.graded == () and again.skipped == 5

    write(solved_notebook("dropout"), src, "bob", "dropout")  # bob finally did the work
    changed = grade_batch(paths=[src], out=out, workers=2)
    assert [(r.student, r.assignment) for r in changed.graded] == [("bob", "dropout")]
    assert changed.skipped == 4
    assert outputs(out)[("bob", "dropout")]["score"] == 20.0
    csv_text = (out / "grades.csv").read_text()
    assert re.search(r"^bob,20,", csv_text, re.M), csv_text

    forced = grade_batch(paths=[src], out=out, workers=1, regrade=True)
    assert len(forced.graded) == 5 and forced.skipped == 0


def test_results_written_but_not_yet_recorded_are_adopted_not_regraded(tmp_path):
    # What a kill between writing a result and committing its row leaves behind.
    src = small_class(tmp_path / "class")
    out = tmp_path / "out"
    grade_batch(paths=[src], out=out, workers=2)
    db = sqlite3.connect(out / FILENAME)
    db.execute("DELETE FROM results WHERE student IN ('ada', 'cy')")
    db.commit()
    db.close()
    report = grade_batch(paths=[src], out=out, workers=2)
    assert report.graded == () and report.adopted == 3 and report.skipped == 2
    assert report.classes == 5


def test_a_later_duplicate_supersedes_an_earlier_one(tmp_path):
    a = small_class(tmp_path / "a")
    b = tmp_path / "b"
    write(build_notebook("dropout"), b, "ada", "dropout")
    report = grade_batch(paths=[a, b], out=tmp_path / "out", workers=1)
    assert len(report.duplicates) == 1 and "ada/dropout.ipynb" in report.duplicates[0]
    assert outputs(tmp_path / "out")[("ada", "dropout")]["score"] == 0.0


def test_a_submission_whose_grading_process_dies_costs_only_itself(tmp_path):
    src = small_class(tmp_path / "class")
    write(notebook_with("dropout", prepend=[WAITS_TO_BE_KILLED]), src, "eve", "dropout")
    stop = threading.Event()
    killer = threading.Thread(target=_kill_grading_processes_of, args=("eve-marker", stop))
    killer.start()
    try:
        report = grade_batch(paths=[src], out=tmp_path / "out", workers=2)
    finally:
        stop.set()
        killer.join()
    results = outputs(tmp_path / "out")
    assert len(results) == 6
    assert results[("eve", "dropout")]["error"]["kind"] == "crashed"
    assert "died repeatedly" in results[("eve", "dropout")]["error"]["message"]
    assert results[("ada", "dropout")]["score"] == 20.0  # the others are unaffected
    assert results[("cy", "dropout")]["functions"][0]["diagnoses"] == ["dropout-no-scale"]
    assert report.reasons == {"unreadable-notebook": 1, "crashed": 1}


def test_plain_progress_logs_one_line_per_submission(tmp_path, capsys):
    src = small_class(tmp_path / "class")
    grade_batch(paths=[src], out=tmp_path / "out", workers=1, progress=Plain())
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "grading 5 submissions (0 unchanged, skipped)"
    assert sum(bool(re.match(r"\[\d/5\] \w+/\w+: ", line)) for line in err) == 5
    assert "dan/dropout: 0/20, unreadable-notebook: dropout.ipynb: not valid JSON" in "\n".join(err)
    assert err[-1].startswith("done: 5 graded in ")


@pytest.mark.slow
def test_kill_minus_9_at_any_moment_then_resume_grades_each_submission_exactly_once(tmp_path):
    made = make_class(tmp_path / "class", students=9, seed=3, absent=False)  # 36, no hang
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "grader",
        "grade",
        str(made.root),
        "--out",
        str(out),
        "--workers",
        "2",
        "--progress",
        "plain",
    ]
    logged: list[str] = []
    # Each run is killed after a few more results: the stops are small, since the grader runs
    # ahead of this reader (with results recorded without an fsync each, by several at once).
    for stop_after in (3, 8, 4):
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        assert proc.stderr is not None
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if sum(line.startswith("[") for line in lines) >= stop_after:
                break
        if sum(line.startswith("[") for line in lines) < stop_after and logged:
            proc.wait()  # it finished first (end of its output): nothing left to kill
            logged += [ln for ln in lines if ln.startswith("[")]
            break
        family = procs.descendants(proc.pid)
        assert family, "the batch runs in worker processes"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: its children must follow alone
        proc.wait()
        lines += proc.stderr.read().splitlines(keepends=True)
        logged += [ln for ln in lines if ln.startswith("[")]
        deadline = time.monotonic() + 20
        while any(procs.alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in family if procs.alive(p)], "processes left behind after kill -9"
        assert not list(out.rglob("*.partial")) or True  # swept by the next run
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    logged += [ln for ln in final.stderr.splitlines() if ln.startswith("[")]
    keys = [re.match(r"\[\s*\d+/\d+\] (\S+?):", ln).group(1) for ln in logged]
    assert len(keys) == len(set(keys)), "a recorded submission was graded again"
    assert not list(out.rglob("*.partial"))
    db = sqlite3.connect(out / FILENAME)
    rows = db.execute("SELECT student, assignment, sha256 FROM results WHERE current=1").fetchall()
    assert len(rows) == 36 == len(set(rows))
    for student, assignment, sha in rows:
        nb = made.root / student / f"{assignment}.ipynb"
        if assignment != "homework9":
            assert hashlib.sha256(nb.read_bytes()).hexdigest() == sha
        result = json.loads((out / student / f"{assignment}.json").read_text())
        assert result["environment"]["submission_sha256"] == sha
        assert (out / student / f"{assignment}.html").stat().st_size > 0
    m = re.search(
        r"graded (\d+) submissions?.*?(?:; (\d+) unchanged, skipped)?"
        r"(?:; (\d+) recovered[^\n]*)?\n",  # "recovered from an interrupted run"
        final.stdout,
    )
    assert m, final.stdout
    graded, skipped, adopted = (int(g or 0) for g in m.groups())
    assert graded + skipped + adopted == 36


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_results_as_a_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = small_class(tmp_path / "class")
    local = grade_batch(paths=[src], out=tmp_path / "local", workers=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = grade_batch(
            paths=[src], out=tmp_path / "dask", scheduler=cluster.scheduler_address
        )
    assert len(remote.graded) == len(local.graded) == 5

    def essence(out: Path) -> dict:
        return {
            k: (
                r["status"],
                r["score"],
                [(f["name"], f["score"], f["diagnoses"]) for f in r["functions"]],
                r["error"],
            )
            for k, r in outputs(out).items()
        }

    assert essence(tmp_path / "dask") == essence(tmp_path / "local")
    assert (tmp_path / "dask" / "grades.csv").read_text() == (
        tmp_path / "local" / "grades.csv"
    ).read_text()


def test_limits_travel_with_the_jobs(tmp_path):
    src = tmp_path / "class"
    write(notebook_with("dropout", prepend=["import time\ntime.sleep(30)"]), src, "slow", "dropout")
    t0 = time.monotonic()
    grade_batch(paths=[src], out=tmp_path / "out", workers=2, limits=Limits(timeout_s=1))
    assert time.monotonic() - t0 < 25
    assert outputs(tmp_path / "out")[("slow", "dropout")]["error"]["kind"] == "timeout"


@pytest.mark.slow
def test_ctrl_c_stops_at_once_keeps_what_was_recorded_and_leaves_nothing_running(tmp_path):
    made = make_class(tmp_path / "class", students=9, seed=4, absent=False)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "grader", "grade", str(made.root), "--out", str(out),
           "--workers", "2", "--progress", "plain"]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own group, as a terminal's foreground job would be
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("[ 5/"):
            break
    family = procs.descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends
    rest = proc.stderr.read()
    assert proc.wait(timeout=30) == 130
    assert "interrupted; results recorded so far are kept" in rest and "Traceback" not in rest
    deadline = time.monotonic() + 15
    while any(procs.alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in family if procs.alive(p)]
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0 and "unchanged, skipped" in final.stdout
    db = sqlite3.connect(out / FILENAME)
    assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 36


def test_ctrl_c_in_process_stops_the_pool_at_a_safe_point_and_restores_the_handler(tmp_path):
    """The pool turns Ctrl-C into a flag it checks between its own steps (a KeyboardInterrupt
    inside the executor's locking could leave a lock held and hang the shutdown)."""
    src = small_class(tmp_path / "class")
    write(notebook_with("dropout", prepend=["import time\ntime.sleep(20)"]), src, "zed", "dropout")
    before = signal.getsignal(signal.SIGINT)
    already = procs.descendants(os.getpid())  # such as multiprocessing's resource tracker
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        grade_batch(paths=[src], out=tmp_path / "out", workers=2)
    assert time.monotonic() - t0 < 15  # stopped, not waited out
    assert signal.getsignal(signal.SIGINT) is before
    deadline = time.monotonic() + 10

    def left() -> list[int]:
        return [p for p in procs.descendants(os.getpid()) - already if procs.alive(p)]

    while left() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left()
