"""What must never reach a student bundle: the specs (hidden cases and the builders of their
inputs), the mutants (code of the catalogued mistakes), the sample class (which imports the
reference) and `grader release` itself with its templates.

`grader release` leaves this whole folder out of the bundle, and nothing the bundle ships imports
it (tests/test_boundaries.py).
"""
