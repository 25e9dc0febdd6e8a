"""Public tests as data: what a student bundle grades with instead of the reference.

The instructor's grader computes expected outputs by calling `reference/` and names mistakes by
calling the mutants. A student bundle holds neither: `grader release` writes one JSON document
per assignment (`grader/public/<assignment>.json`) with the public cases' inputs, their expected
outputs and each catalogued mistake's outputs on those inputs, and this module turns it back into
an `AssignmentSpec` and a `StoredOracle` whose outputs are read, never computed. Values go
through `wire`, so arrays round-trip bit for bit and a bundle's verdicts equal the instructor's
public ones. The recognisers (grader.recognisers) are bundled code: they read only the inputs, the
expected outputs and the mutant outputs an oracle hands them, so they work from this data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from grader.model import Raised
from grader.sandbox import wire
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs, Tolerance

if TYPE_CHECKING:
    from grader.oracle import MutantRun, StoredOracle
    from grader.recognise import Recogniser

SCHEMA = "grader.public/1"
FOLDER = "public"
"""The folder inside the `grader` package that holds the documents."""


def encode_output(value: Any) -> dict[str, Any]:
    """A stored output: a value, or the description of what a call raised."""
    if isinstance(value, Raised):
        return {"raised": value.description}
    return {"value": wire.encode(value)}


def _decode_output(data: Mapping[str, Any]) -> Any:
    if "raised" in data:
        return Raised(str(data["raised"]))
    return wire.decode(data["value"])


def _inputs(encoded: Any) -> Any:
    args, kwargs = wire.decode(encoded)
    return tuple(args), dict(kwargs)


def thaw(
    document: Mapping[str, Any], recognisers: tuple[Recogniser, ...] = ()
) -> tuple[AssignmentSpec, StoredOracle]:
    """The spec a stored document describes, and the oracle that reads its outputs."""
    from grader.oracle import MutantRun, StoredOracle

    if document.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document")
    functions = []
    expected: dict[tuple[str, str], Any] = {}
    inputs: dict[tuple[str, str], Inputs] = {}
    mutants: dict[str, tuple[MutantRun, ...]] = {}
    for f in document["functions"]:
        cases = []
        for c in f["cases"]:
            case_inputs = _inputs(c["inputs"])
            cases.append(
                Case(
                    id=c["id"],
                    visibility=c["visibility"],
                    weight=float(c["weight"]),
                    build=functools.partial(lambda x: x, case_inputs),
                    seed=c["seed"],
                    bindings=dict(c["bindings"]),
                    tol=Tolerance(**c["tol"]),
                    same_inputs_as=c["same_inputs_as"],
                    summary=c["summary"],
                    probe=bool(c.get("probe", False)),
                )
            )
            inputs[(f["name"], c["id"])] = case_inputs
            expected[(f["name"], c["id"])] = _decode_output(c["expected"])
        mutants[f["name"]] = tuple(
            MutantRun(
                m["id"],
                m.get("spelling", ""),
                {cid: _decode_output(out) for cid, out in m["outputs"].items()},
            )
            for m in f["mutants"]
        )
        functions.append(
            FunctionSpec(
                name=f["name"],
                points=float(f["points"]),
                cases=tuple(cases),
                draws=bool(f["draws"]),
                returns=tuple(f["returns"]),
            )
        )
    spec = AssignmentSpec(name=document["assignment"], reference="", functions=tuple(functions))
    return spec, StoredOracle(expected, inputs, mutants, recognisers)


def stored_names() -> frozenset[str]:
    """The assignments this installation holds as stored documents (a student bundle)."""
    folder = resources.files("grader") / FOLDER
    if not folder.is_dir():
        return frozenset()
    return frozenset(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def load_stored(
    assignment: str, recognisers: tuple[Recogniser, ...] = ()
) -> tuple[AssignmentSpec, StoredOracle]:
    """The stored spec of an assignment and its oracle (grader.oracle.load caches them)."""
    path = resources.files("grader") / FOLDER / f"{assignment}.json"
    return thaw(json.loads(path.read_text(encoding="utf-8")), recognisers)
