"""The student kit's own runtime: the portable engine and `python -m hw0_selfcheck`."""
