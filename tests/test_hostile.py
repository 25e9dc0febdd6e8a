"""The hostile corpus (tests/hostile/, see its README): every case graded in one batch beside
correct submissions, and for each case its verdict and the sandbox's promises checked."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import procs
import pytest

import coursekit
import grader
from coursekit.notebooks import GRADED_TAG, defined_name
from grader.batch import grade_batch
from grader.model import Limits
from grader.sandbox.jail import FULL
from reference.solved import solved_notebook

CORPUS = Path(__file__).parent / "hostile"
VERDICTS = ("accepted", "wrong-answer", "time-limit", "memory-limit", "run-error", "tampered")
REPO = Path(__file__).resolve().parents[1]
LIMITS = Limits(timeout_s=8, cell_timeout_s=3, call_timeout_s=1, memory_mb=512)
GRADER_GROWTH_MB = 300  # the grading processes' peak resident memory, above where they started
MARK = "hs" + secrets.token_hex(2)
"""This run's own mark, in every case's tag and in every name the test looks for, so that other
graders and other runs of this test on the same machine are never mistaken for this one's."""
SECRET = "GRADER_HOSTILE_SECRET"
"""Set in the grader's environment during the batch, to a value holding the run's mark."""
# The corpus holds the sandbox to its full promise, which needs root (namespaces, mounts, uids).
# Without root the sandbox has fewer layers and says so: tests/test_jail.py checks that.
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the full sandbox needs root")


@dataclass(frozen=True)
class Case:
    """One file of the corpus."""

    name: str
    verdict: str
    assignment: str
    cells: tuple[tuple[str, str], ...]
    """(where, source): where is "first", "last" or "replace NAME"."""
    expect: str = ""
    """Words the error message must hold (the `# expect:` line)."""

    @property
    def tag(self) -> str:
        return MARK + hashlib.sha1(self.name.encode()).hexdigest()[:6]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(w.split()[1] for w, _ in self.cells if w.startswith("replace "))


def parse(path: Path) -> Case:
    header: dict[str, str] = {}
    cells: list[tuple[str, list[str]]] = []
    for line in path.read_text().splitlines():
        if line.startswith("# %%"):
            cells.append((line[4:].strip() or "last", []))
        elif cells:
            cells[-1][1].append(line)
        elif m := re.match(r"# (assignment|expect): (.+)$", line):
            header[m[1]] = m[2].strip()
    return Case(
        name=path.stem,
        verdict=path.parent.name,
        assignment=header["assignment"],
        cells=tuple((where, "\n".join(lines).strip() + "\n") for where, lines in cells),
        expect=header.get("expect", ""),
    )


CASES = sorted((parse(p) for p in CORPUS.glob("*/*.py")), key=lambda c: c.name)


def notebook(case: Case, fill: dict[str, str]) -> nbformat.NotebookNode:
    """The solved notebook with the case's cells put in, its placeholders filled."""
    nb = solved_notebook(case.assignment)
    for where, source in case.cells:
        for key, value in {**fill, "@TAG@": case.tag, "@MARK@": MARK}.items():
            source = source.replace(key, value)
        cell = nbformat.v4.new_code_cell(source)
        if where == "first":
            nb.cells.insert(0, cell)
        elif where == "last":
            nb.cells.append(cell)
        else:
            name = where.split()[1]
            graded = [
                c
                for c in nb.cells
                if GRADED_TAG in c.metadata.get("tags", []) and defined_name(c.source) == name
            ]
            assert graded, f"{case.name}: no graded cell defines {name}"
            graded[0].source = source
    return nb


# ----------------------------------------------------------------------------------------------
# what the test watches while the batch runs


class Listener:
    """TCP and UDP on 127.0.0.1, one port: records whatever arrives."""

    def __init__(self) -> None:
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.received: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.tcp.settimeout(0.1)
        self.udp.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, peer = self.tcp.accept()
                with conn:
                    conn.settimeout(1)
                    self.received.append(f"tcp from {peer}: {conn.recv(200)!r}")
            except OSError:
                pass
            try:
                data, peer = self.udp.recvfrom(200)
                self.received.append(f"udp from {peer}: {data!r}")
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.tcp.close()
        self.udp.close()


class MemoryWatch:
    """The peak resident memory of the grading processes (this process's descendants that are
    not sandbox workers: the pool processes), above what each had when first seen. It also
    notes every sandbox worker among this process's descendants: the batch's own, never another
    grader's on the same machine."""

    def __init__(self) -> None:
        self.workers: set[tuple[int, str]] = set()
        """(pid, start time) of each sandbox worker seen."""
        self.start: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    @staticmethod
    def _status_kb(pid: int, key: str) -> int | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return None

    def _watch(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.02):
            for pid in procs.descendants(me):
                if "grader.sandbox.worker" in procs.cmdline(pid):
                    self.workers.add((pid, procs.started(pid)))
                    continue
                if pid not in self.start:
                    rss = self._status_kb(pid, "VmRSS")
                    if rss is not None:
                        self.start[pid] = rss
                hwm = self._status_kb(pid, "VmHWM")
                if hwm is not None:
                    self.peak[pid] = max(self.peak.get(pid, 0), hwm)

    def close(self) -> int:
        """The largest growth seen, in MB."""
        self.stop.set()
        self.thread.join()
        growth = [self.peak[p] - self.start[p] for p in self.peak if p in self.start]
        return max(growth, default=0) // 1024


def snapshot(roots: dict[Path, bool]) -> dict[str, tuple[int, int, int]]:
    """path -> (size, mtime, mode) under each root: its whole tree when its flag is set, else
    only its entries that carry this run's mark (other programs, and other runs of this test,
    keep changing shared folders such as /tmp; every case names what it writes there with its
    tag or the run's mark)."""
    seen: dict[str, tuple[int, int, int]] = {}
    for root, deep in roots.items():
        for p in root.rglob("*") if deep else root.iterdir():
            if any(part in ("__pycache__", ".git", ".venv") for part in p.relative_to(root).parts):
                continue
            if not deep and MARK not in p.name:
                continue
            try:
                st = p.lstat()
            except OSError:
                continue
            seen[str(p)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return seen


@dataclass
class Run:
    results: dict[str, dict]
    controls: dict[str, dict]
    received: list[str]
    left: list[str]
    """The names of the cases' processes still alive after the batch."""
    left_workers: list[int]
    """Sandbox workers still alive after the batch."""
    workers_seen: int
    """How many of the batch's own sandbox processes the watch saw (so the check above is not
    vacuous)."""
    files: list[str]
    """Paths created, changed or removed outside the submissions' scratch space."""
    grader_growth_mb: int


def _still_running(workers: set[tuple[int, str]]) -> list[int]:
    """Those of these processes that are still alive (the same process: its start time kept)."""
    return sorted(p for p, t in workers if procs.alive(p) and procs.started(p) == t)


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    # Outside /tmp, so that hiding them is the mount layer's work, not the private /tmp's.
    base = Path(tempfile.mkdtemp(prefix="hostile-", dir="/var/tmp"))
    klass, out, outside = base / "class", base / "out", base / "outside"
    outside.mkdir()
    out.mkdir()
    (outside / "victim.txt").write_text("the original\n")
    base.chmod(0o755)  # as an instructor's folders usually are: readable by every user
    other = base / "earlier-batch"  # another class's output, not this batch's
    (other / "bob").mkdir(parents=True)
    for name in ("grades.csv", "bob/dropout.json", "bob/dropout.ipynb"):
        (other / name).write_text("student,score\nbob,30\n")
    listener = Listener()
    fill = {
        "@PORT@": str(listener.port),
        "@OUTSIDE@": str(outside),
        "@CLASS@": str(klass),
        "@CLASS_REVERSED@": str(klass)[::-1],
        "@COURSEKIT@": str(Path(coursekit.__file__).parent),
        "@OTHER@": str(other),
        "@GRADER@": str(Path(grader.__file__).parent),
    }
    for case in CASES:
        path = klass / case.name / f"{case.assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook(case, fill), path)
    for assignment in ("dropout", "regularization", "initialization", "gradient_checking"):
        path = klass / f"control-{assignment}" / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(solved_notebook(assignment), path)
    roots = {
        Path(tempfile.gettempdir()): False,
        Path.home(): False,
        Path("/var/tmp"): False,
        REPO: False,
        REPO / "coursekit": True,
        REPO / "grader": True,
        REPO / "reference": True,
        outside: True,
    }
    before = snapshot(roots)
    watch = MemoryWatch()
    # A secret in the grader's environment, as an instructor's shell or a CI runner holds.
    os.environ[SECRET] = f"{MARK}-do-not-print"
    try:
        grade_batch(paths=[klass], out=out, workers=2, limits=LIMITS)
    finally:
        del os.environ[SECRET]
        growth = watch.close()
        listener.close()
    after = snapshot(roots)
    left = procs.named(MARK)
    left_names = [procs.comm(p) for p in left]
    deadline = time.monotonic() + 5
    while _still_running(watch.workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left_workers = _still_running(watch.workers)
    procs.kill_all(left + left_workers)  # so that a failure leaves nothing running
    changed = sorted(
        p
        for p in set(before) | set(after)
        if before.get(p) != after.get(p) and not p.startswith(str(base / "out"))
    )
    results = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/*.json")}
    yield Run(
        results={c.name: results.get(c.name, {}) for c in CASES},
        controls={k: v for k, v in results.items() if k.startswith("control-")},
        received=listener.received,
        left=left_names,
        left_workers=left_workers,
        workers_seen=len(watch.workers),
        files=changed,
        grader_growth_mb=growth,
    )
    shutil.rmtree(base, ignore_errors=True)
    for p in changed:  # undo what a broken sandbox let through, where it can be undone
        if "hst" in p and os.path.isfile(p):
            os.remove(p)


# ----------------------------------------------------------------------------------------------
# the verdicts


def _by_function(result: dict) -> dict[str, dict]:
    return {f["name"]: f for f in result["functions"]}


def _others_full(result: dict, targets: tuple[str, ...]) -> None:
    for name, f in _by_function(result).items():
        if name not in targets:
            assert f["score"] == f["max_score"], f"{name} should be unaffected: {f['tests']}"


def _targets_fail(result: dict, targets: tuple[str, ...], words: tuple[str, ...] = ()) -> None:
    functions = _by_function(result)
    for name in targets:
        f = functions[name]
        assert f["score"] == 0, f"{name} should earn nothing: {f['tests']}"
        if words:
            messages = " ".join(t["message"] for t in f["tests"]).lower()
            assert any(w in messages for w in words), f"{name}: {messages[:300]}"


def check_verdict(case: Case, result: dict) -> None:
    assert result, f"{case.name}: no result in the batch's output"
    verdict = case.verdict
    status, error = result["status"], result.get("error") or {}
    summary = f"{status} {error} {result['score']}/{result['max_score']}"
    if verdict == "accepted":
        assert status == "graded" and result["score"] == result["max_score"], summary
    elif verdict == "tampered":
        # Named, and what was graded before the forgery (the functions before the target) kept.
        assert status == "error" and error["kind"] == "tampered", summary
        assert case.expect and case.expect in error["message"], summary
        if case.targets:
            _targets_fail(result, case.targets, ())
            _others_full(result, case.targets)
        # The isolation listed is the trusted side's: no layer the sandbox does not have.
        assert "forged-layer" not in result["sandbox"]["layers"]
        assert set(FULL) <= set(result["sandbox"]["layers"])
    elif case.targets:
        assert status == "graded", summary
        words = {
            "wrong-answer": (),
            "time-limit": ("time limit", "limit per call"),
            "memory-limit": ("memory",),
            "run-error": ("crash", "exit", "signal", "killed"),
        }[verdict]
        _targets_fail(result, case.targets, words)
        _others_full(result, case.targets)
    elif verdict == "time-limit":
        assert status == "error" and error["kind"] == "timeout", summary
    elif verdict == "memory-limit":
        assert status == "graded" and result["score"] == result["max_score"], summary
        kinds = [(c.get("error") or {}).get("kind") for c in result["cells"]]
        assert "memory" in kinds, kinds
    elif verdict == "run-error":
        assert status == "error" and error["kind"] == "crashed", summary
    else:
        raise AssertionError(f"{case.name}: no verdict {verdict}")
    # Whatever happened, the message is one line a student can read.
    if error:
        assert error["message"] and "\n" not in error["message"] and "Traceback" not in str(error)


def test_the_corpus_is_sorted_into_known_verdicts_and_covers_each_one():
    assert {c.verdict for c in CASES} == set(VERDICTS)
    assert len({c.name for c in CASES}) == len(CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[f"{c.verdict}/{c.name}" for c in CASES])
def test_a_hostile_submission_gets_its_verdict_and_the_sandbox_holds(run, case):
    result = run.results[case.name]
    check_verdict(case, result)
    # The batch went on: every submission has a result, and the correct ones full marks.
    assert len(run.controls) == 4
    for name, control in run.controls.items():
        assert control["status"] == "graded" and control["score"] == control["max_score"], name
    # Nothing left running: the case's own processes (by name) or a sandbox worker.
    assert case.tag not in run.left, f"left running: {run.left}"
    assert run.workers_seen >= 2, "the watch saw none of the batch's sandbox workers"
    assert not run.left_workers, f"sandbox workers left running: {run.left_workers}"
    # No file outside the scratch space created, changed or removed (any case's, by any case).
    assert not run.files, f"changed outside the scratch space: {run.files}"
    # Nothing reached the network, loopback included.
    assert not run.received, run.received
    # The grading processes' memory stayed bounded whatever the submissions did.
    assert run.grader_growth_mb < GRADER_GROWTH_MB, run.grader_growth_mb
    # Every layer was there, and the result says so.
    assert result["sandbox"]["missing"] == [], result["sandbox"]["notes"]
