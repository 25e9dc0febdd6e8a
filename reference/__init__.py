"""Reference solutions: small, exact, one topic per module. Never shipped to students."""
