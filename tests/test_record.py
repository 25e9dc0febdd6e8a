"""Results as files: the schema round trip, strict JSON, and writes that are all or nothing."""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import replace

from results import named_mistake

from grader.record import atomic_write, dumps, from_json, plain, sweep_partial, to_json


def test_a_result_survives_its_json_form_with_kinds_and_pictures():
    r = named_mistake()
    back = from_json(json.loads(dumps(r)))
    assert back == r
    test = to_json(r)["functions"][0]["tests"][0]
    assert test["kind"] == "value" and test["detail"]["view"]["path"] == "A3"


def test_an_older_record_without_kinds_still_reads():
    data = json.loads(dumps(named_mistake()))
    for f in data["functions"]:
        for t in f["tests"]:
            del t["kind"]
    assert all(t.kind == "" for f in from_json(data).functions for t in f.tests)


def test_non_finite_numbers_become_strict_json():
    assert plain({"a": math.inf, "b": [math.nan, -math.inf, 1.5]}) == {
        "a": "Infinity",
        "b": ["NaN", "-Infinity", 1.5],
    }


def test_written_files_are_readable_as_the_umask_allows_and_leave_no_partial(tmp_path):
    path = tmp_path / "ada" / "dropout.html"
    atomic_write(path, "<p>ok</p>")
    assert path.read_text() == "<p>ok</p>"
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # as open() makes it, not 0600
    assert sweep_partial(tmp_path) == 0
    (tmp_path / "ada" / ".dropout.json.x.partial").write_text("{")
    assert sweep_partial(tmp_path) == 1 and [p.name for p in (tmp_path / "ada").iterdir()] == [
        "dropout.html"
    ]


def test_the_arguments_a_function_changed_survive_the_json_form_and_are_absent_when_none():
    r = named_mistake()
    f = replace(r.functions[0], changed_inputs=("X", "cache"))
    r = replace(r, functions=(f, *r.functions[1:]))
    assert from_json(json.loads(dumps(r))) == r
    assert to_json(r)["functions"][0]["changed_inputs"] == ["X", "cache"]
    assert "changed_inputs" not in to_json(named_mistake())["functions"][0]
