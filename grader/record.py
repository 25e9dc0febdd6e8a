"""Stage 8, record: results as JSON (schema grader.result/1) and grades.csv, written atomically
so that an interrupted batch never leaves a half-written file."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.model import GradingResult

SCHEMA = "grader.result/1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A path component that cannot escape the output folder."""
    name = _UNSAFE.sub("_", text).strip("._") or "_"
    return name[:100]


def result_path(out: Path, result: GradingResult, suffix: str) -> Path:
    """DIR/<student>/<assignment><suffix>."""
    return out / safe_name(result.student) / f"{safe_name(result.assignment)}{suffix}"


def to_json(result: GradingResult) -> dict[str, Any]:
    """The schema's form of a result; extra keys (cells, timing) come after the schema's own."""
    functions = []
    for f in result.functions:
        fd: dict[str, Any] = {
            "name": f.name,
            "score": f.score,
            "max_score": f.max_score,
            "diagnoses": list(f.diagnoses),
            "tests": [],
        }
        for t in f.tests:
            td = {
                "id": t.id,
                "visibility": t.visibility,
                "passed": t.passed,
                "points": t.points,
                "max_points": t.max_points,
                "message": t.message,
                "diagnosis": t.diagnosis,
            }
            if t.detail:
                td["detail"] = dict(t.detail)
            fd["tests"].append(td)
        if f.error:
            fd["error"] = dict(f.error)
        functions.append(fd)
    return {
        "schema": SCHEMA,
        "student": result.student,
        "assignment": result.assignment,
        "status": result.status,
        "error": dict(result.error) if result.error else None,
        "score": result.score,
        "max_score": result.max_score,
        "functions": functions,
        "sandbox": dict(result.sandbox),
        "environment": dict(result.environment),
        "cells": [asdict(c) for c in result.cells],
        "elapsed_s": result.elapsed_s,
        "path": result.path,
        "graded_at": result.graded_at,
    }


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_result(result: GradingResult, out: Path) -> Path:
    """DIR/<student>/<assignment>.json, atomically."""
    path = result_path(out, result, ".json")
    atomic_write(
        path, json.dumps(to_json(result), indent=1, allow_nan=False, default=_json_default)
    )
    return path


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def write_grades_csv(results: Sequence[GradingResult], path: Path) -> None:
    """One row per student, a column per assignment, and a total."""
    assignments = sorted({r.assignment for r in results if r.assignment})
    by_student: dict[str, dict[str, GradingResult]] = {}
    for r in results:
        by_student.setdefault(r.student, {})[r.assignment] = r
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student", *assignments, "total", "max_total", "errors"])
    for student in sorted(by_student):
        row: list[Any] = [student]
        total = max_total = 0.0
        errors = []
        for a in assignments:
            r = by_student[student].get(a)
            if r is None:
                row.append("")
                continue
            row.append(f"{r.score:g}")
            total += r.score
            max_total += r.max_score
            if r.status != "graded" and r.error:
                errors.append(f"{a}: {r.error['kind']}")
        w.writerow([*row, f"{total:g}", f"{max_total:g}", "; ".join(errors)])
    atomic_write(path, buf.getvalue())
