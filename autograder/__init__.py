"""EECS 182 HW0 autograder."""

__version__ = "0.1.0"  # pyproject.toml reads it; results.json records it (identity.py)
