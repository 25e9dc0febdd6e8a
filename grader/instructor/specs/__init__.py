"""Test specs, one module per assignment."""
