"""`python -m grader` is the `grader` command."""

import sys

try:
    from grader.cli import main
except KeyboardInterrupt:  # Ctrl-C while still importing: stopped all the same, nothing begun
    sys.exit(130)

main()
