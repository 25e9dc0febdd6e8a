"""Recognisers, one module per assignment (`RECOGNISERS`), one recogniser per catalogue id.

Bundled code: a recogniser reads only what an oracle hands it (inputs, expected outputs, mutant
outputs) and the course helpers (coursekit), never the reference or the mutants' code."""
