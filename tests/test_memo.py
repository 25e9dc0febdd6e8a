"""The judgement memo: outputs identical in every byte, type, dtype and shape share a judgement,
and any other difference keeps them apart; a remembered judgement equals a fresh one."""

from __future__ import annotations

import numpy as np
import pytest

from grader.memo import JudgementMemo, digest
from grader.model import CallOutcome, Execution
from grader.oracle import available, load, load_mutants, reference_function, safe_call
from grader.pipeline import ALL, PUBLIC
from grader.sandbox.wire import Opaque, decode, encode
from grader.score import grade_functions, probe_id


def ok(value, case="c"):
    return [CallOutcome(case, True, value=value)]


@pytest.mark.parametrize(
    "a, b",
    [
        (np.zeros((2, 1)), np.zeros((1, 2))),
        (np.zeros(3), np.zeros(3, dtype=np.float32)),
        (np.zeros(3), np.zeros(3, dtype=np.int64)),
        (np.array([0.0]), np.array([-0.0])),
        (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-16 * 4])),
        (1.0, 1),
        (1, True),
        (np.float64(1.0), 1.0),
        (np.float64(1.0), np.array(1.0)),
        ((1.0, 2.0), [1.0, 2.0]),
        ({"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0}),
        ({"a": 1.0}, {"a": 1.0, "b": None}),
        ("x", Opaque("x")),
        (Opaque("a"), Opaque("b")),
        (("ab", "c"), ("a", "bc")),
        (None, "None"),
    ],
)
def test_outputs_that_differ_in_any_way_have_different_digests(a, b):
    assert digest(ok(a)) != digest(ok(b))


def test_equal_outputs_have_equal_digests_through_the_wire():
    value = (np.arange(6.0).reshape(2, 3), {"W1": np.ones((2, 2)), "n": 3}, [2.5, "s", None])
    assert digest(ok(value)) == digest(ok(decode(encode(value))))
    scalar = [np.float32(2.5)]
    assert digest(ok(decode(encode(scalar)))) == digest(ok(decode(encode(list(scalar)))))
    assert digest(ok(np.asfortranarray(np.arange(6.0).reshape(2, 3)))) == digest(
        ok(np.arange(6.0).reshape(2, 3))
    )


def test_errors_and_case_ids_are_part_of_the_digest():
    err = {"kind": "exception", "type": "ValueError", "message": "m", "traceback": []}
    other = dict(err, traceback=[{"cell": 3, "line": 1, "text": "x", "function": "f"}])
    assert digest([CallOutcome("c", False, error=err)]) != digest(
        [CallOutcome("c", False, error=other)]
    )
    assert digest(ok(1.0, "c1")) != digest(ok(1.0, "c2"))


def test_values_of_unknown_types_are_not_remembered():
    class Mine(float):
        pass

    assert digest(ok(Mine(1.0))) is None
    assert digest(ok(np.array(["a"]))) is None
    memo = JudgementMemo()
    assert memo.key("a", "f", ["c"], {"c": ok(Mine(1.0))[0]}) is None


def _execution(assignment: str, impls: dict[str, object]) -> Execution:
    spec, oracle = load(assignment)
    outcomes = {}
    for f in spec.functions:
        for c in f.cases:
            out = safe_call(impls.get(f.name), c, oracle.inputs(f, c))
            pid = probe_id(f.name, c.id)
            if type(out).__name__ == "Raised":
                outcomes[pid] = CallOutcome(
                    pid, False, error={"kind": "exception", "type": "E", "message": out.description}
                )
            else:
                outcomes[pid] = CallOutcome(pid, True, value=decode(encode(out)))
    return Execution(cells=(), outcomes=outcomes, isolation=(), isolation_notes=(), ended="exit",
                     elapsed_s=0.0)  # fmt: skip


@pytest.mark.parametrize("assignment", sorted(available()))
def test_a_remembered_judgement_equals_a_fresh_one(assignment):
    spec, oracle = load(assignment)
    reference = {f.name: reference_function(spec, f.name) for f in spec.functions}
    students = [reference] + [{**reference, m.function: m.impl} for m in load_mutants(assignment)]
    memo = JudgementMemo()
    for visibility in (ALL, PUBLIC):
        for impls in students:
            execution = _execution(assignment, impls)
            fresh = grade_functions(spec, oracle, visibility, execution)
            assert grade_functions(spec, oracle, visibility, execution, memo) == fresh
            # the second time, every function's judgement comes from the memo
            hits = memo.hits
            assert (
                grade_functions(spec, oracle, visibility, _execution(assignment, impls), memo)
                == fresh
            )
            assert memo.hits == hits + len(fresh)


def test_the_memo_forgets_the_oldest_beyond_its_size():
    memo = JudgementMemo(max_entries=2)
    keys = [memo.key("a", "f", ["c"], {"c": ok(float(i))[0]}) for i in range(3)]
    for k in keys:
        memo.put(k, object())  # type: ignore[arg-type]
    assert memo.get(keys[0]) is None
    assert memo.get(keys[1]) is not None and memo.get(keys[2]) is not None


def test_the_arguments_a_call_changed_are_this_submission_s_own_not_the_memo_s():
    """Two submissions with the same outputs, one of which changed X in place: the judgement is
    shared, the note on the changed argument is not (it is not part of the memo's key)."""
    from dataclasses import replace

    spec, oracle = load("setup")
    reference = {f.name: reference_function(spec, f.name) for f in spec.functions}
    memo = JudgementMemo()
    plain = _execution("setup", reference)
    stats = [probe_id("normalization_stats", c.id) for c in spec.functions[1].cases]
    assert spec.functions[1].name == "normalization_stats"
    edited = replace(plain, outcomes={
        k: replace(o, changed=("X",)) if k in stats else o for k, o in plain.outcomes.items()
    })  # fmt: skip
    first = grade_functions(spec, oracle, ALL, edited, memo)
    second = grade_functions(spec, oracle, ALL, plain, memo)
    assert [f.changed_inputs for f in first] == [(), ("X",), (), (), (), ()]
    assert all(f.changed_inputs == () for f in second)
    assert [replace(f, changed_inputs=()) for f in first] == list(second)
