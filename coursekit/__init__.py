"""The course's helper module: the data, the 3-layer network, the gradient-checking vector helpers
and the plots. It ships with the notebooks and holds no graded solution."""
