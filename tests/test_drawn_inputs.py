"""What hypothesis draws depends on the strategy alone, never on which local modules happen to
be loaded (autograder/checks/props.py): `grade` on Gradescope, `batch`, `verify` and
`build-kit` load different modules of ours, and the checks import helpers as they go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "loaded":
    import constants_galore  # noqa: F401 - a local module full of integer constants
from hypothesis import strategies as st
from autograder.checks.props import draw_examples
print(draw_examples(st.integers(0, 10**6), 300))
"""


def test_a_loaded_local_module_does_not_change_the_drawn_inputs(tmp_path: Path) -> None:
    # Hypothesis 6.131+ draws such constants 5% of the time: 300 draws meet one.
    module = "\n".join(f"C{i} = {123457 + 7919 * i}" for i in range(60))
    (tmp_path / "constants_galore.py").write_text(module + "\n")

    def drawn(state: str) -> str:
        done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), state], cwd=PROJECT,
                              capture_output=True, text=True, check=True, timeout=120)
        return done.stdout

    loaded, not_loaded = drawn("loaded"), drawn("not loaded")
    constants = {str(123457 + 7919 * i) for i in range(60)}
    assert loaded == not_loaded
    assert not constants & set(loaded.strip("[]\n").split(", "))
