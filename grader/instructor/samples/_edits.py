"""The shapes of a sample module's tables."""

Edit = tuple[str, str]
"""(old text, new text) in the reference source, every occurrence replaced."""
Sample = tuple[str, str, list[Edit]]
"""(function, catalogue id or label, edits of the reference source)."""
Style = dict[str, str]
"""function -> a correct source written differently from the reference."""
