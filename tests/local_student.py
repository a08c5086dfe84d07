"""The in-process Student stand-in the tests use (it lives in the package: kitagree.py
uses it too)."""

from autograder.staff.local import LocalStudent

__all__ = ["LocalStudent"]
