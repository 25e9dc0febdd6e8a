"""Copy detection: a planted copy is found however it is disguised; independent correct
solutions (the sample class's styles and mistakes) are not flagged."""

from __future__ import annotations

import shutil
from pathlib import Path

from notebooks import notebook_with, write

from grader import intake
from grader.instructor.sampleclass import make_class
from grader.load import sha256_of
from grader.oracle import available
from grader.similarity import find_similar, fingerprint

FORWARD = '''
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """Forward pass with inverted dropout."""
    weights = [parameters["W%d" % k] for k in (1, 2, 3)]
    biases = [parameters["b%d" % k] for k in (1, 2, 3)]
    store = []
    current = X
    for layer in range(2):
        z = weights[layer] @ current + biases[layer]
        a = np.where(z > 0, z, 0.0)
        keep = np.random.rand(a.shape[0], a.shape[1]) < keep_prob
        a = np.multiply(a, keep) / keep_prob
        store.append((z, keep, a, weights[layer], biases[layer]))
        current = a
    z3 = weights[2] @ current + biases[2]
    out = 1.0 / (1.0 + np.exp(-z3))
    (Z1, D1, A1, W1, b1), (Z2, D2, A2, W2, b2) = store
    return out, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, z3, out, weights[2], biases[2])
'''
BACKWARD = '''
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Backward pass through the dropout masks."""
    count = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    delta3 = A3 - Y
    grads = {"dZ3": delta3, "dW3": np.dot(delta3, A2.T) / count,
             "db3": np.sum(delta3, axis=1, keepdims=True) / count}
    upstream = np.dot(W3.T, delta3) * D2 / keep_prob
    grads["dA2"] = upstream
    delta2 = upstream * np.int64(A2 > 0)
    grads.update(dZ2=delta2, dW2=np.dot(delta2, A1.T) / count,
                 db2=np.sum(delta2, axis=1, keepdims=True) / count)
    upstream = np.dot(W2.T, delta2) * D1 / keep_prob
    grads["dA1"] = upstream
    delta1 = upstream * np.int64(A1 > 0)
    grads.update(dZ1=delta1, dW1=np.dot(delta1, X.T) / count,
                 db1=np.sum(delta1, axis=1, keepdims=True) / count)
    return grads
'''


def disguised(source: str) -> str:
    """The same code with other names, other comments and other formatting."""
    for old, new in [("weights", "Ws"), ("biases", "bs"), ("store", "memo"),
                     ("current", "h"), ("layer", "i"), ("keep", "mask"), ("count", "m"),
                     ("delta", "dz"), ("upstream", "back"), ("grads", "g")]:  # fmt: skip
        source = source.replace(old, new)
    source = source.replace('"""Forward pass with inverted dropout."""', "# my own forward pass")
    source = source.replace('"""Backward pass through the dropout masks."""', "# backprop")
    return source.replace(" @ ", "@").replace(", ", ",").replace("    ", "  ")


def prints_of(root: Path):
    out = []
    for f in intake.find([root]):
        raw = intake.read_or_none(f)
        if raw is not None:
            assignment, _ = intake.assignment_for(f, raw, available())
            out.append(fingerprint(f.student, assignment, sha256_of(raw), raw))
    return out


def test_a_planted_copy_is_flagged_and_independent_solutions_are_not(tmp_path):
    made = make_class(tmp_path / "class", students=40, seed=0)
    root = made.root
    assert find_similar(prints_of(root)) == []  # styles, mistakes, the reference: no flag
    own = {"forward_propagation_with_dropout": FORWARD,
           "backward_propagation_with_dropout": BACKWARD}  # fmt: skip
    write(notebook_with("dropout", replace=own), root, "maya", "dropout")
    copied = {k: disguised(v) for k, v in own.items()}
    write(notebook_with("dropout", replace=copied), root, "noor", "dropout")
    (root / "pat").mkdir()
    shutil.copy(root / "maya" / "dropout.ipynb", root / "pat" / "dropout.ipynb")
    flags = {p.students: p for p in find_similar(prints_of(root))}
    assert set(flags) == {("maya", "noor"), ("maya", "pat"), ("noor", "pat")}
    assert flags[("maya", "pat")].identical and not flags[("maya", "noor")].identical
    near = flags[("maya", "noor")]
    assert near.cover >= 0.9 and {n for n, _, _ in near.code} == set(own)
    # each side's code as written is shown
    assert all("weights" in mine and "Ws" in theirs for _, mine, theirs in near.code[1:])


def test_one_function_in_common_is_not_enough(tmp_path):
    root = tmp_path / "class"
    for student in ("ann", "ben"):
        replace = {"forward_propagation_with_dropout": FORWARD}
        nb = notebook_with("dropout", replace=replace, append=[f"print({student!r})"])
        write(nb, root, student, "dropout")
    assert find_similar(prints_of(root)) == []


def test_two_students_handing_in_the_reference_are_not_flagged(tmp_path):
    root = tmp_path / "class"
    for student in ("ann", "ben"):
        nb = notebook_with("dropout", append=[f"print({student!r})"])
        write(nb, root, student, "dropout")
    assert find_similar(prints_of(root)) == []


def test_the_summary_shows_the_pairs_and_the_shared_code_without_accusing(tmp_path):
    from grader.batch import grade_batch

    root = tmp_path / "class"
    own = {"forward_propagation_with_dropout": FORWARD,
           "backward_propagation_with_dropout": BACKWARD}  # fmt: skip
    write(notebook_with("dropout", replace=own), root, "maya", "dropout")
    write(notebook_with("dropout", replace={k: disguised(v) for k, v in own.items()}),
          root, "noor", "dropout")  # fmt: skip
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    assert [p.students for p in report.similar] == [("maya", "noor")]
    page = (tmp_path / "out" / "summary.html").read_text()
    section = page.split('id="similar"')[1].split("</details>")[0]
    assert "maya and noor" in section and "not a finding" in section
    assert "backward_propagation_with_dropout" in section
    for word in ("cheat", "plagiar", "guilty", "misconduct"):
        assert word not in section.lower()


def test_student_text_cannot_hold_the_batch_before_grading(monkeypatch):
    """Fingerprints are taken in the batch's own process before any grading: a cell longer
    than MAX_PARSED_CHARS is never parsed, and a function's text is cut by lines (CPython's
    get_source_segment is quadratic in a line's length: a 1.5 MB comment line cost 50 s)."""
    import ast

    from grader import similarity

    real_parse = ast.parse

    def bounded_parse(source, *args, **kwargs):
        assert len(source) <= similarity.MAX_PARSED_CHARS, "a huge cell was parsed"
        return real_parse(source, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("get_source_segment is quadratic in a line's length")

    monkeypatch.setattr(ast, "parse", bounded_parse)
    monkeypatch.setattr(ast, "get_source_segment", refuse)
    name = "forward_propagation_with_dropout"
    long_line = f"def {name}(X, parameters, keep_prob=0.5):\n    return X  # {'x' * 50_000}\n"
    huge = f"def {name}(*args):\n    return ({'1, ' * 100_000})\n"
    found = similarity._functions([long_line, huge], frozenset({name}))
    assert found[name][1] == long_line  # the last cell was not read, the first one was cut


def test_a_cell_many_students_share_is_parsed_once_and_the_memory_stays_bounded(monkeypatch):
    """Planning a batch parses each distinct cell once (a handout's untouched cells, answers
    copied whole), with the fingerprint it would have had parsed afresh; what is remembered is
    bounded by its texts' length, so a batch of large distinct cells cannot grow it."""
    import ast

    import nbformat

    from grader import similarity

    parsed: list[str] = []
    real_parse = ast.parse

    def counting_parse(source, *args, **kwargs):
        parsed.append(source)
        return real_parse(source, *args, **kwargs)

    nb = notebook_with("dropout", replace={"forward_propagation_with_dropout": FORWARD})
    raw = nbformat.writes(nb).encode()
    monkeypatch.setattr(similarity, "_CELLS", {})
    monkeypatch.setattr(similarity, "_SHINGLES", similarity._Remembered())
    first = fingerprint("ada", "dropout", "", raw)
    monkeypatch.setattr(ast, "parse", counting_parse)
    assert fingerprint("bea", "dropout", "", raw).functions == first.functions
    assert parsed == []
    similarity._CELLS.clear()
    similarity._SHINGLES = similarity._Remembered()
    assert fingerprint("cy", "dropout", "", raw).functions == first.functions
    assert parsed, "a cell seen for the first time is parsed"
    assert dict((n, t) for n, t, _ in first.functions)["forward_propagation_with_dropout"] == (
        FORWARD.strip() + "\n"
    )

    monkeypatch.setattr(similarity, "MAX_REMEMBERED_CHARS", 10_000)
    name = "forward_propagation_with_dropout"
    for k in range(50):
        cell = f"def {name}(X, parameters, keep_prob=0.5):\n    return X  # {k} {'x' * 1_000}\n"
        similarity._cell_prints(cell, frozenset({name}))
        remembered = similarity._CELLS[frozenset({name})]
        assert remembered._chars <= 10_000
        assert sum(map(len, remembered._values)) == remembered._chars
