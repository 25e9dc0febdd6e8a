"""Benchmark: grade the solution notebooks repeatedly and compare with nbconvert.

    python bench/grade_solutions.py [--rounds 10]

Prints the time per notebook for `grader` (warm worker, public and hidden tests, JSON written)
and for `jupyter nbconvert --execute` on the same notebooks in the same run (demonstration cells
removed, so both run the same code), and their ratio; and, for each assignment, the CPU one
submission costs in the sandbox's worker (its zygotes and everything they forked and reaped, read
from /proc) and in the grading process. Figures, not assertions: the machines are shared and
noisy, so compare ratios from one run rather than absolute times across runs."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from coursekit.notebooks import ASSIGNMENTS, DEMO_TAG
from grader.execute import Sandbox
from grader.pipeline import grade_notebook
from grader.record import write_result
from reference.solved import solved_notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="grader passes over the notebooks")
    parser.add_argument("--nbconvert-rounds", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = []
        for a in ASSIGNMENTS:
            nb = solved_notebook(a)
            nb.cells = [c for c in nb.cells if DEMO_TAG not in c.metadata.get("tags", [])]
            path = root / "class" / "ada" / f"{a}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            paths.append(path)

        t0 = time.perf_counter()
        sandbox = Sandbox()
        per_nb: list[float] = []
        worker_cpu = {p.stem: 0.0 for p in paths}
        grader_cpu = {p.stem: 0.0 for p in paths}
        with sandbox:
            for p in paths:  # starts the warm worker, and its plot zygote's import ends
                grade_notebook(p, sandbox=sandbox)
            startup = time.perf_counter() - t0
            for _ in range(args.rounds):
                for p in paths:
                    t, w, g = time.perf_counter(), _worker_cpu(sandbox), time.process_time()
                    result = grade_notebook(p, sandbox=sandbox)
                    write_result(result, root / "out")
                    per_nb.append(time.perf_counter() - t)
                    worker_cpu[p.stem] += _worker_cpu(sandbox) - w
                    grader_cpu[p.stem] += time.process_time() - g
                    assert result.score == result.max_score, (p, result.error)

        nbc: list[float] = []
        for _ in range(args.nbconvert_rounds):
            for p in paths:
                t = time.perf_counter()
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "jupyter",
                        "nbconvert",
                        "--to",
                        "notebook",
                        "--execute",
                        "--output-dir",
                        str(root / "nbc"),
                        str(p),
                    ],
                    check=True,
                    capture_output=True,
                )
                nbc.append(time.perf_counter() - t)

    g = statistics.median(per_nb)
    print(
        f"notebooks: {len(paths)} solution notebooks, {args.rounds} grader rounds, "
        f"{args.nbconvert_rounds} nbconvert round(s)"
    )
    print(f"grader worker start-up (once):    {startup * 1000:8.1f} ms")
    print(
        f"grader per notebook (median):     {g * 1000:8.1f} ms  "
        f"(min {min(per_nb) * 1000:.1f}, max {max(per_nb) * 1000:.1f}; public+hidden tests, "
        "mutant diagnosis, JSON)"
    )
    if nbc:
        n = statistics.median(nbc)
        print(f"nbconvert --execute per notebook: {n * 1000:8.1f} ms  (execution only, no grading)")
        print(f"ratio nbconvert / grader:         {n / g:8.1f}x")
    else:
        print("nbconvert --execute:              not run (--nbconvert-rounds 0)")
    print("CPU per submission, by assignment (the mean over the rounds):")
    for name in worker_cpu:
        print(
            f"  {name:20s} worker {worker_cpu[name] * 1000 / args.rounds:7.1f} ms   "
            f"grading process {grader_cpu[name] * 1000 / args.rounds:7.1f} ms"
        )


def _worker_cpu(sandbox: Sandbox) -> float:
    """CPU seconds of the sandbox's zygotes and of the children they have reaped."""
    total = 0.0
    for pid in sandbox.worker_pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


if __name__ == "__main__":
    main()
