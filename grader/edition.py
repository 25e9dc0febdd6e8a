"""Which grader this installation is: the instructor's (public and hidden tests, from the
reference) or a student bundle's (the public tests alone, as data). Both install the `grader`
package and the `grader` command, so each has a distribution name of its own, and
`grader --version` says which one is running."""

from __future__ import annotations

from importlib import metadata

from grader import __version__

INSTRUCTOR = "nn-practical-grader"
"""The instructor's distribution (this project's pyproject.toml)."""
STUDENT = "nn-practical-grader-student"
"""The student bundle's distribution (grader release writes it into the bundle)."""


def public_only() -> bool:
    """This installation is a student bundle: the public tests alone, no reference."""
    from grader.oracle import public_only as bundle

    return bundle()


def name() -> str:
    """The distribution this `grader` package belongs to, told by what it holds."""
    return STUDENT if public_only() else INSTRUCTOR


def installed() -> list[str]:
    """Which of the two distributions the environment's metadata lists."""
    found = []
    for dist in (INSTRUCTOR, STUDENT):
        try:
            metadata.distribution(dist)
        except metadata.PackageNotFoundError:
            continue
        found.append(dist)
    return found


def collision() -> str:
    """A warning when both are installed in one environment ("" otherwise): they share the
    `grader` package, so the one installed last has replaced the other's files."""
    if len(installed()) < 2:
        return ""
    return (
        f"both {INSTRUCTOR} and {STUDENT} are installed in this environment; they share the "
        f"grader package and command, so this is {name()} (the one installed last): use a "
        "separate virtual environment for each"
    )


def version_text() -> str:
    """What `grader --version` prints."""
    what = (
        "the student bundle: public tests only"
        if public_only()
        else "the instructor's grader: public and hidden tests"
    )
    text = f"grader {__version__} ({name()}, {what})"
    warning = collision()
    return f"{text}\nwarning: {warning}" if warning else text
