"""Stage 8, record: results as JSON (schema grader.result/1), written atomically so that an
interrupted batch never leaves a half-written file."""

from __future__ import annotations

import ctypes
import functools
import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.model import CellRun, FatalCell, FunctionResult, GradingResult, TestResult
from grader.names import encode

SCHEMA = "grader.result/1"
PARTIAL = ".partial"  # suffix of a file being written; one left behind was never finished


def safe_name(text: str) -> str:
    """A path component that cannot escape the output folder, and that no other id shares
    (grader.names.encode: reversible, the same on case-insensitive file systems)."""
    return encode(text)


def submission_path(out: Path, student: str, assignment: str, suffix: str) -> Path:
    """DIR/<student>/<assignment><suffix>, in names that cannot escape DIR."""
    return out / safe_name(student) / f"{safe_name(assignment)}{suffix}"


def result_path(out: Path, result: GradingResult, suffix: str) -> Path:
    """Where a result's files go: DIR/<student>/<assignment><suffix>."""
    return submission_path(out, result.student, result.assignment, suffix)


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
                "kind": t.kind,
                "elapsed_s": t.elapsed_s,
            }
            if t.detail:
                td["detail"] = dict(t.detail)
            fd["tests"].append(td)
        if f.error:
            fd["error"] = dict(f.error)
        fd["attempted"] = f.attempted
        if f.mistake_group:
            fd["mistake_group"] = f.mistake_group
        if f.changed_inputs:
            fd["changed_inputs"] = list(f.changed_inputs)
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
        "fatal_cells": [asdict(f) for f in result.fatal_cells],
        "runs": result.runs,
        "notes": list(result.notes),
        "elapsed_s": result.elapsed_s,
        "path": result.path,
        "graded_at": result.graded_at,
    }


def from_json(data: dict[str, Any]) -> GradingResult:
    """A result read back from its schema form (the gradebook, a results folder): the inverse of
    `to_json`. Raises KeyError or TypeError on a record that is not one."""
    if data.get("schema") != SCHEMA:
        raise TypeError(f"not a {SCHEMA} record")
    functions = tuple(
        FunctionResult(
            name=f["name"],
            score=float(f["score"]),
            max_score=float(f["max_score"]),
            diagnoses=tuple(f.get("diagnoses", ())),
            tests=tuple(
                TestResult(
                    id=t["id"],
                    visibility=t["visibility"],
                    passed=bool(t["passed"]),
                    points=float(t["points"]),
                    max_points=float(t["max_points"]),
                    message=t["message"],
                    diagnosis=t.get("diagnosis"),
                    detail=t.get("detail", {}),
                    kind=t.get("kind", ""),
                    elapsed_s=float(t.get("elapsed_s", 0.0)),
                )
                for t in f["tests"]
            ),
            error=f.get("error"),
            attempted=bool(f.get("attempted", True)),
            mistake_group=_text_or_none(f.get("mistake_group")),
            changed_inputs=tuple(str(n) for n in f.get("changed_inputs", ())),
        )
        for f in data["functions"]
    )
    return GradingResult(
        student=data["student"],
        assignment=data["assignment"],
        status=data["status"],
        error=data.get("error"),
        score=float(data["score"]),
        max_score=float(data["max_score"]),
        functions=functions,
        sandbox=data.get("sandbox", {}),
        environment=data.get("environment", {}),
        cells=tuple(CellRun(**c) for c in data.get("cells", ())),
        fatal_cells=tuple(FatalCell(**f) for f in data.get("fatal_cells", ())),
        runs=int(data.get("runs", 1)),
        notes=tuple(str(n) for n in data.get("notes", ())),
        elapsed_s=float(data.get("elapsed_s", 0.0)),
        path=data.get("path", ""),
        graded_at=data.get("graded_at", ""),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def dumps(result: GradingResult) -> str:
    """The JSON text of a result, as written to DIR/<student>/<assignment>.json."""
    return json_lines(plain(to_json(result)))


def json_lines(fields: Mapping[str, Any]) -> str:
    """A JSON object with one top-level field a line, each in compact JSON (no NaN). Indenting
    every level goes through json's pure-Python encoder, at three times the cost of this for
    every file of every result in a batch."""
    lines = [f" {json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in fields.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def sweep_partial(folder: Path) -> int:
    """Remove the unfinished temporary files a killed run left in `folder`; how many."""
    n = 0
    for leftover in folder.rglob(f".*{PARTIAL}"):
        leftover.unlink(missing_ok=True)
        n += 1
    return n


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()
"""Read once, at import, while the process has a single thread."""


def atomic_write(path: Path, text: str, durable: bool = True) -> None:
    """Write `text` to `path` through a temporary file and a rename: all or nothing, whenever
    the process dies. `durable` also survives a power cut (fsync), at a cost per file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # as open() would make it, not mkstemp's private 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@functools.cache
def _syncfs() -> Any:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


def sync_folder(folder: Path) -> None:
    """Make everything written so far under `folder` survive a power cut: one `syncfs` of its
    filesystem (a whole-system `sync` where there is none) instead of an fsync per file."""
    fn = _syncfs()
    if fn is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if fn(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def write_result(result: GradingResult, out: Path) -> Path:
    """DIR/<student>/<assignment>.json, atomically."""
    path = result_path(out, result, ".json")
    atomic_write(path, dumps(result))
    return path


def plain(value: Any) -> Any:
    """Strict JSON data: NumPy scalars become Python numbers, and the non-finite floats a
    student's output can hold become the strings "NaN", "Infinity" and "-Infinity"."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        value = value.item()
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, (int, bool)):
        return value
    return str(value)
