"""The floor: a class's own student code, run in one warm process with no sandbox, timed.

    python bench/floor.py CLASS_FOLDER [--json]

For every ordinary notebook of a sample class (right answers, styles, known and unknown
mistakes, untouched notebooks; the MANIFEST says which), this runs the code cells the grader
runs (demonstration and self-check cells left out) in one namespace, then calls every graded
function on every test input the grader uses (public and hidden), seeded and with the same
bindings. Only the cells' `exec` and the calls themselves are timed (CPU time of this process):
what the students' numpy costs when nothing else does. Parsing, IPython's transformer, compiling
and copying the inputs are not counted; they are the grader's overhead.

Hostile and broken notebooks are not run here (a hostile one is not safe outside the sandbox,
a broken one has nothing to run); a call that runs past 1 s is stopped and left out."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ORDINARY = ("correct", "style", "mistake", "two-mistakes", "uncatalogued", "untouched")
CALL_LIMIT_S = 1.0
_MISSING = object()


class _Stop(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Stop


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


def measure(folder: Path) -> dict[str, Any]:
    """CPU seconds of the class's cells and calls, and how many of each were run."""
    from IPython.core.inputtransformer2 import TransformerManager

    from grader.execute import DEMO_TAGS
    from grader.load import load_submission
    from grader.oracle import available, load
    from grader.sandbox.bindings import BINDINGS

    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    known = available()
    transformer = TransformerManager()
    signal.signal(signal.SIGALRM, _alarm)
    cells_s = calls_s = 0.0
    notebooks = n_cells = n_calls = stopped = 0
    for entry in manifest:
        if entry["kind"] not in ORDINARY:
            continue
        path = folder / entry["student"] / f"{entry['assignment']}.ipynb"
        try:
            sub = load_submission(path, known)
        except Exception:
            continue
        spec, oracle = load(sub.assignment)
        notebooks += 1
        ns: dict[str, Any] = {"__name__": "__main__", "display": print}
        sink = io.StringIO()
        for cell in sub.cells:
            if DEMO_TAGS.intersection(cell.tags):
                continue
            try:
                code = compile(transformer.transform_cell(cell.source), "<cell>", "exec")
            except SyntaxError:
                continue
            n_cells += 1
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                t = time.process_time()
                try:
                    exec(code, ns)
                except Exception:
                    pass
                cells_s += time.process_time() - t
        for f in spec.functions:
            fn = ns.get(f.name)
            if not callable(fn):
                continue
            glob = getattr(fn, "__globals__", ns)
            for case in f.cases:
                args, kwargs = oracle.inputs(f, case)
                args, kwargs = _copy(args), _copy(kwargs)
                saved = {k: glob.get(k, _MISSING) for k in case.bindings}
                for k, helper in case.bindings.items():
                    glob[k] = BINDINGS[helper]
                with (
                    contextlib.redirect_stdout(sink),
                    contextlib.redirect_stderr(sink),
                    warnings.catch_warnings(),
                ):
                    warnings.simplefilter("ignore")
                    if case.seed is not None:
                        np.random.seed(case.seed)
                    signal.setitimer(signal.ITIMER_REAL, CALL_LIMIT_S)
                    t = time.process_time()
                    try:
                        fn(*args, **kwargs)
                        spent = time.process_time() - t
                    except _Stop:
                        spent = None
                    except Exception:
                        spent = time.process_time() - t
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                for k, old in saved.items():
                    if old is _MISSING:
                        glob.pop(k, None)
                    else:
                        glob[k] = old
                if spent is None:
                    stopped += 1
                else:
                    calls_s += spent
                    n_calls += 1
    return {
        "notebooks": notebooks,
        "cells": n_cells,
        "calls": n_calls,
        "stopped_calls": stopped,
        "cells_cpu_s": cells_s,
        "calls_cpu_s": calls_s,
        "cpu_s": cells_s + calls_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    floor = measure(args.folder)
    if args.json:
        print(json.dumps(floor))
        return
    n = max(floor["notebooks"], 1)
    print(
        f"floor: {floor['notebooks']} notebooks, {1000 * floor['cpu_s'] / n:.1f} ms CPU each "
        f"(cells {1000 * floor['cells_cpu_s'] / n:.1f} ms, calls "
        f"{1000 * floor['calls_cpu_s'] / n:.1f} ms); {floor['stopped_calls']} calls stopped",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
