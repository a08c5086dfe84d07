"""A stand-in for the sandboxed `Student`, for our own code: the tests' fast checks of what
the checks say, and the kit's input cover and agreement (kitagree.py) over mutants.

The hw0.py runs in this process (only our own reference and its variants are given to it),
but every answer takes the real path: the worker's `Session` makes the reply, the channel
encodes and decodes it, and `read_reply` validates it as the grader does.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from autograder.engine import channel
from autograder.engine.answers import modified_arguments, read_reply
from autograder.engine.worker import Session, describe_error


class LocalStudent:
    def __init__(self, source: str, name: str = "hw0.py"):
        self.path = Path(name)
        self.load_errors: list[dict] = []
        self.source = source
        self.modified: dict[str, set[str]] = {}
        self.session = Session()
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / name).write_text(source, encoding="utf-8")
            self.load_errors = self.session.load(str(Path(tmp) / name))["errors"]

    def _ask(self, what: str, run: Any) -> Any:
        try:
            reply = run()
        except BaseException as exc:  # noqa: BLE001 - as the worker's serve() does
            reply = {"error": describe_error(exc, self.path.name)}
        reply = channel.decode(json.loads(json.dumps(channel.encode(reply))))
        if what.endswith("(...)") and modified_arguments(reply):
            self.modified.setdefault(what[:-5], set()).update(modified_arguments(reply))
        return read_reply(reply, what, lambda n: f"{n} is not defined in {self.path.name}.")

    def sources(self) -> list[str]:
        return [self.source]

    def set_again(self, name: str) -> str:
        return ""  # one source, no cells

    def value(self, name: str) -> Any:
        from autograder.engine.answers import NotImplementedYet

        value = self._ask(name, lambda: self.session.get(name))
        if value is None:
            raise NotImplementedYet(f"{name} is still None, the template's placeholder: "
                                    "fill it in.")
        return value

    def call(self, name: str, *args: Any, tensors: tuple[int, ...] = (),
             timeout: float = 10.0) -> Any:
        return self._ask(f"{name}(...)",
                         lambda: self.session.call(name, list(args), None, list(tensors)))

    def call_with_grad(self, name: str, *args: Any, tensors: tuple[int, ...], wrt: list[int],
                       timeout: float = 10.0) -> tuple[Any, list[Any] | None]:
        reply = self._ask(f"{name}(...)",
                          lambda: self.session.call(name, list(args), wrt, list(tensors)))
        return reply["value"], reply["grads"]
