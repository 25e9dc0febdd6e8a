"""Cells as Python, transformed on the grader's side."""

from __future__ import annotations

from grader import transform


def test_plain_cells_pass_through_with_a_final_newline():
    assert transform.to_python("x = 1") == "x = 1\n"


def test_magics_and_shell_escapes_become_calls_to_the_shell():
    out = transform.to_python("%matplotlib inline\n!ls\nfiles = !ls")
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in out
    assert "get_ipython().system('ls')" in out
    assert "files = get_ipython().getoutput('ls')" in out
    compile(out, "<cell>", "exec")


def test_a_cell_the_transformer_cannot_read_is_left_to_fail_as_python():
    text = 'x = """never closed\n%magic'
    out = transform.to_python(text)
    assert out.startswith('x = """never closed')


def test_each_text_is_transformed_once():
    transform._transformed.cache_clear()
    for _ in range(3):
        transform.to_python("%time x = 1")
    assert transform._transformed.cache_info().misses == 1
