"""The documentation in docs/: the generated references match the code, links resolve inside the
project, and the README's sample page shows what the README says it shows."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generator", ROOT / "tools" / "docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_references_match_the_code():
    """Fails when a mistake id, a graded function or an option changes without
    `python tools/docs.py` (run it and commit what it writes)."""
    generator = _generator()
    assert generator.stale() == []


def test_the_generated_references_say_what_they_cover():
    from grader.catalogue import CATALOGUE
    from grader.cli import cli

    generator = _generator()
    catalogue = generator.catalogue_md()
    for i in CATALOGUE:
        assert f"| `{i}` |" in catalogue
    assert "W&lt;l&gt;" in catalogue and "W<l>" not in catalogue  # not read as an HTML tag
    commands = generator.cli_md()
    for name in cli.commands:
        assert f"## grader {name}" in commands and f"Usage: grader {name}" in commands
    assert "`initialize_parameters_he(layers_dims)`" in generator.functions_md()


def test_the_docs_point_inside_the_project():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "shared/CONTRACT" not in text, doc
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_the_readme_s_sample_page_shows_the_mistake_it_describes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(
        r"\(docs/sample/(\w+)/(\w+)\.html\): the\s+named\s+mistake\s+`([a-z0-9-]+)`", readme
    )
    assert m, "the README describes a sample page and its named mistake"
    student, assignment, mistake = m.groups()
    page = (ROOT / "docs" / "sample" / student / f"{assignment}.html").read_text(encoding="utf-8")
    assert f'id="mistake-{mistake}"' in page
    assert "Why it matters" in page and "Hint:" in page
