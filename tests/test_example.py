"""The README's example command (examples/, autograder/staff/example.py): run exactly as the
README writes it, it reports each mistake the example was built with, and no other."""

from __future__ import annotations

import re
import shlex
import subprocess

from autograder.staff import example
from tests.conftest import PROJECT, run_cli

ROW = re.compile(r"^(ok|FIX|form) (\d+\.\d+) .*?\s(q\w+)\s+[\d.]+ / [\d.]+\s*$", re.M)


def readme_example_command() -> str:
    """The indented command that follows the README's paragraph on the bundled example."""
    text = (PROJECT / "README.md").read_text()
    after = text[text.index("bundled example"):]
    return re.search(r"^    (\S.*examples/?)\s*$", after, re.M).group(1)


def test_the_example_is_generated_from_the_reference() -> None:
    done = run_cli("example", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readmes_example_command_reports_each_mistake() -> None:
    command = readme_example_command()
    done = subprocess.run(shlex.split(command), cwd=PROJECT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    rows = ROW.findall(done.stdout)
    assert len(rows) > 40, done.stdout[:3000]
    failed = {part for verdict, _, part in rows if verdict == "FIX"}
    assert failed == set().union(*(m.loses for m in example.mistakes())), done.stdout[:4000]
    said = " ".join(done.stdout.split())  # lines wrap at the terminal's width
    for mutant in example.mistakes():
        assert " ".join(mutant.says.split()) in said, (mutant.name, mutant.says)
    assert "Traceback" not in done.stdout + done.stderr
