"""The autograder. Kept free of imports: the warm worker imports this package's `wire` and
`worker` modules only, and must never load the reference solutions."""

__version__ = "0.1.0"
