"""Mutants naming known mistakes, one module per assignment."""
