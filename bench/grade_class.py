"""Benchmark: a whole class, end to end, against `jupyter nbconvert --execute`.

    python bench/grade_class.py [--students 300] [--workers N] [--nbconvert-sample 8]
                                [--no-hang] [--profile] [--roles] [--grader-path CHECKOUT]

Generates the sample class (`grader.instructor.sampleclass`, every student handing in every
assignment's notebook: right answers, known and unknown mistakes, broken and hostile notebooks)
and grades it with
`grader grade` in a child process, exactly as an instructor would: public and hidden tests,
mistake diagnosis, HTML pages, Gradescope files, gradebook, grades.csv, JUnit and the summary.
While it runs, the memory of every process in its tree is sampled (PSS, so pages shared after a
fork are counted once) and split into the grader's own processes, the warm workers, and the
sandboxed student processes.

The CPU time of the grader and everything under it (user + sys, from the kernel's accounting of
waited-for children) is set against the floor: the same class's student code in one warm
process, no sandbox (`bench/floor.py`). Their ratio is the grader's overhead. `--profile` adds a
table of per-stage CPU and wall time from every grading process (`grader.profile`).
`--grader-path` runs another checkout's grader on the same class, for paired before/after runs.
`--roles` splits the CPU by process role (the grader's parent, its grading processes, the warm
workers' zygotes and helpers, the submissions' own processes) from `perf record`'s samples of the
grader's process tree; perf's own cost (it follows every fork) is then in every figure.

Then `jupyter nbconvert --execute` runs on a random sample of the same class's ordinary
notebooks (demonstration cells removed, as the grader skips them), in the same run.

Prints figures, never asserts: the machines are shared and noisy; compare ratios within a run."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import nbformat

from coursekit.notebooks import DEMO_TAG
from grader.instructor.sampleclass import make_class


def _ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _is_worker(pid: int) -> bool:
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    return b"grader." in cmdline and b".worker" in cmdline  # grader.worker, grader.sandbox.worker


def _is_nursery(pid: int) -> bool:
    return b"<nursery>" in Path(f"/proc/{pid}/cmdline").read_bytes()


def _uid(pid: int) -> int:
    return os.stat(f"/proc/{pid}").st_uid


ROLES = (
    "grader parent",
    "grading processes",
    "zygotes",
    "plot zygotes",
    "nurseries",
    "submissions",
    "submissions, too short-lived to be seen",
)
"""What `--roles` splits the CPU into. A submission is its runner, what the runner forks, and the
init of its PID namespace (a child of the nursery)."""


class TreeMemory:
    """Peak memory of a process tree, sampled: the grader's own processes (the batch parent
    and its pool processes), the warm workers (zygotes), and the student processes they fork."""

    def __init__(self, root: int, every: float = 0.1, under: bool = False) -> None:
        self.root, self.every, self.under = root, every, under
        self.peak = {"grader": 0.0, "workers": 0.0, "students": 0.0, "total": 0.0}
        self.roles: dict[int, str] = {}
        """The role of every process seen (`--roles`); `under`: the grader is the root's child
        (the root is perf)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    parents[int(d)] = _ppid(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        tree, frontier = {self.root}, {self.root}
        while frontier:
            frontier = {p for p, pp in parents.items() if pp in frontier} - tree
            tree |= frontier
        use = {"grader": 0.0, "workers": 0.0, "students": 0.0}
        for pid in tree:
            try:
                if pid not in self.roles:
                    self.roles[pid] = self._role(pid, parents)
                mb = _pss_mb(pid)
                if not _is_worker(pid):
                    use["grader"] += mb
                elif _is_worker(parents[pid]):
                    use["students"] += mb
                else:
                    use["workers"] += mb
            except (OSError, KeyError):
                pass
        use["total"] = sum(use.values())
        for k, v in use.items():
            self.peak[k] = max(self.peak[k], v)

    def _role(self, pid: int, parents: dict[int, int]) -> str:
        parent = parents.get(pid, 0)
        grader = self.root
        if self.under:
            if pid == self.root:
                return "perf"
            grader = next((p for p, pp in parents.items() if pp == self.root), -1)
        if pid == grader:
            return "grader parent"
        if parent == grader:
            return "grading processes"
        if _is_nursery(pid):
            return "nurseries"
        if _is_worker(pid) and not _is_worker(parent):
            return "zygotes"
        if _is_worker(pid) and _uid(pid) == _uid(parent) and self.roles.get(parent) == "zygotes":
            return "plot zygotes"  # a runner has a uid of its own (as root)
        return "submissions"

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.peak


def _floor(folder: Path, env: dict[str, str]) -> dict[str, float]:
    """bench/floor.py on the class, in a process of its own."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("floor.py")), str(folder), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _cpu_by_role(data: Path, roles: dict[int, str]) -> dict[str, float]:
    """CPU seconds per role, from perf's samples of the grader's tree (each is 1/RATE s)."""
    listing = subprocess.run(
        ["perf", "script", "-i", str(data), "-F", "pid"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = dict.fromkeys(ROLES, 0.0)
    per_pid: Counter[int] = Counter()
    for line in listing.split():
        role = roles.get(int(line), "submissions, too short-lived to be seen")
        if role in cpu:
            cpu[role] += 1 / PERF_RATE
        if role.startswith("submissions"):
            per_pid[int(line)] += 1
    if per_pid:
        cpu["of which the busiest submission process"] = per_pid.most_common(1)[0][1] / PERF_RATE
    return cpu


PERF_RATE = 999
"""Samples per CPU second, for `--roles`."""


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument(
        "--workers", type=int, default=None, help="grading processes (default: the grader's own)"
    )
    parser.add_argument("--nbconvert-sample", type=int, default=8, help="0 skips nbconvert")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the class and reports in this folder")
    parser.add_argument(
        "--no-hang", action="store_true", help="a class whose one hanging notebook exits instead"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="per-stage CPU and wall timers in every grading process (GRADER_PROFILE=1)",
    )
    parser.add_argument(
        "--grader-path",
        type=Path,
        help="run the grader of this checkout instead (PYTHONPATH), for paired before/after runs",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip measuring the floor")
    parser.add_argument(
        "--roles",
        action="store_true",
        help="CPU split by process role (grading processes, zygotes, submissions...), sampled by "
        "`perf record` (perf's own cost is then in every figure: compare runs with --roles "
        "only with each other)",
    )
    args = parser.parse_args()

    env = dict(os.environ)
    if args.grader_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(args.grader_path.resolve()), *filter(None, [env.get("PYTHONPATH")])]
        )
    if args.profile:
        env["GRADER_PROFILE"] = "1"
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.keep or Path(tmp)
        t = time.perf_counter()
        made = make_class(
            root / "class", students=args.students, seed=args.seed, absent=False,
            hang=not args.no_hang,
        )  # fmt: skip
        made_s = time.perf_counter() - t
        out = root / "reports"
        cmd = [
            sys.executable, "-m", "grader", "grade", str(made.root), "--out", str(out),
            "--progress", "none", "--regrade",
        ]  # fmt: skip
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        samples = root / "perf.data"
        if args.roles:
            cmd = ["perf", "record", "-q", "-F", str(PERF_RATE), "-o", str(samples), "--", *cmd]
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        memory = TreeMemory(proc.pid, under=args.roles)
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - t0
        cpu = _children_cpu() - cpu0
        peak = memory.stop()
        if proc.returncode != 0:
            sys.exit(f"grader failed ({proc.returncode}):\n{stderr}")
        n = made.notebooks
        per_nb = wall / n
        by_role = _cpu_by_role(samples, memory.roles) if args.roles else None
        floor = None if args.no_floor else _floor(made.root, dict(os.environ))

        ordinary = [
            e for e in made.entries if e.kind in ("correct", "style", "mistake", "uncatalogued")
        ]
        sample = random.Random(args.seed).sample(
            ordinary, min(args.nbconvert_sample, len(ordinary))
        )
        nbc: list[float] = []
        for e in sample:
            nb = nbformat.read(made.root / e.student / f"{e.assignment}.ipynb", as_version=4)
            nb.cells = [c for c in nb.cells if DEMO_TAG not in c.metadata.get("tags", [])]
            path = root / "nbc-in" / f"{e.student}-{e.assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--allow-errors", "--output-dir", str(root / "nbc-out"), str(path),
                ],
                check=True,
                capture_output=True,
            )  # fmt: skip
            nbc.append(time.perf_counter() - t)

        summary = [line for line in stdout.splitlines() if line.startswith(("graded", "errors"))]
        results = [json.loads(p.read_text()) for p in out.glob("*/*.json")]

    hang = "none (--no-hang)" if args.no_hang else "one notebook's graded function hangs"
    print(f"class: {args.students} students, {n} notebooks (made in {made_s:.1f} s); hang: {hang}")
    print("grader: " + "; ".join(summary))
    print(f"workers: {args.workers or 'the grader default'} on {os.cpu_count()} cores")
    print(f"wall time, whole class:      {wall:8.1f} s   (target: at most 20 s)")
    print(f"notebooks per second:        {n / wall:8.1f}")
    print(f"time per notebook:           {per_nb * 1000:8.1f} ms (wall / notebooks)")
    print(
        f"CPU, whole class:            {cpu:8.1f} s   (user + sys of the grader and every "
        "process under it)"
    )
    print(f"CPU per notebook:            {1000 * cpu / n:8.1f} ms")
    if floor is not None:
        k = max(floor["notebooks"], 1)
        fl = floor["cpu_s"] / k
        print(
            f"floor per notebook:          {1000 * fl:8.1f} ms CPU (the students' own code in one "
            f"warm process, no sandbox: cells {1000 * floor['cells_cpu_s'] / k:.1f} ms, calls "
            f"{1000 * floor['calls_cpu_s'] / k:.1f} ms, over {k} ordinary notebooks)"
        )
        print(
            f"overhead ratio:              {cpu / n / fl:8.1f}x  (grader CPU per notebook / "
            "floor; target: at most 3x)"
        )
    print(f"results written:             {len(results):8d}")
    print(
        f"peak memory (PSS):           grader {peak['grader']:.0f} MB (target: under 500 MB), "
        f"warm workers {peak['workers']:.0f} MB, student processes {peak['students']:.0f} MB, "
        f"all {peak['total']:.0f} MB"
    )
    if nbc:
        nbc_med = statistics.median(nbc)
        print(
            f"nbconvert --execute:         {nbc_med * 1000:8.1f} ms per notebook "
            f"(median of {len(nbc)} from the same class; execution only, no grading)"
        )
        print(f"ratio nbconvert / grader:    {nbc_med / per_nb:8.1f}x  (target: at least 30x)")
        print(
            f"ratio per core:              {nbc_med / (per_nb * os.cpu_count()):8.1f}x  "
            f"(grader's time per notebook times the machine's {os.cpu_count()} cores)"
        )
    if by_role is not None:
        print(f"CPU by process role (perf record at {PERF_RATE} Hz; perf's cost is in the above)")
        for role, seconds in by_role.items():
            print(f"  {role:42} {seconds:7.1f} s  {1000 * seconds / n:7.1f} ms per notebook")
        sampled = sum(v for k, v in by_role.items() if k in ROLES)
        print(f"  {'all sampled':42} {sampled:7.1f} s")
    if args.profile:
        table = stderr[stderr.find("grader profile") :] if "grader profile" in stderr else ""
        print(table.rstrip() or "no profile table (a grader without grader.profile?)")


if __name__ == "__main__":
    main()
