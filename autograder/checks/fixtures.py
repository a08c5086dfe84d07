"""Reference outputs recorded by build-kit and replayed in the student kit.

The kit holds no reference. build-kit grades the reference with a `Recording` active:
`holds` draws a few inputs from each check's strategy, smallest first, and every call the
check makes to `reference()` is recorded under the function's name and a hash of its
arguments. In the kit a `Replay` hands `holds` the same inputs and `reference()` the same
outputs. Both are plain data (the channel's JSON form, channel.py): the kit compares on a
small fixed set of public inputs, and ships no formula.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.engine import channel

EXAMPLES = 10  # public inputs per property check in the kit
CANDIDATES = 40  # the grader's drawn inputs (holds' examples) the kit's are chosen among


def to_data(value: Any) -> Any:
    """Plain JSON-able data: numpy scalars become numbers, tuples lists, arrays the
    channel's float64 form."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return channel.encode(value)


def from_data(data: Any) -> Any:
    return channel.decode(data)


def call_key(name: str, args: tuple[Any, ...]) -> str:
    """`name:hash`, the same for the same arguments at build time and in the kit."""
    text = json.dumps(to_data(list(args)), sort_keys=True)
    return f"{name}:{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def prop_key(prop: Callable[..., Any]) -> str:
    """The property's place in the checks, e.g. `q1.check_gd_step.<locals>.prop`: the same in
    the grader and in the kit, whatever the package is called."""
    return f"{prop.__module__.rsplit('.', 1)[-1]}.{prop.__qualname__}"


def size(example: Any) -> int:
    """How many numbers an input holds (the kit shows its smallest failing one)."""
    values = example.values() if isinstance(example, dict) else [example]
    return sum(int(np.size(v)) for v in values)


def candidates(strategy: Any) -> list[Any]:
    """The grader's drawn inputs of a check (CANDIDATES, deterministic), each as the kit
    would receive it (through the channel's form)."""
    from autograder.checks.props import draw_examples

    return [from_data(to_data(e)) for e in draw_examples(strategy, CANDIDATES)]


class Recording:
    """While build-kit runs the kit's checks on the reference: what they drew and asked.
    `chosen`: for a property (prop_key), which of its `candidates` the kit gets (build-kit
    chooses them to fail every mutant the grader kills: staff/kitagree.py); otherwise the
    first `examples` drawn."""

    def __init__(self, module: types.ModuleType, examples: int = EXAMPLES,
                 chosen: dict[str, list[int]] | None = None):
        self.module, self.count, self.chosen = module, examples, chosen or {}
        self.data: dict[str, dict[str, Any]] = {"examples": {}, "outputs": {}}

    def examples(self, strategy: Any, prop: Callable[..., Any]) -> list[Any]:
        """The kit's inputs of a property, smallest first, as the kit will see them."""
        from autograder.checks.props import draw_examples

        key = prop_key(prop)
        if key in self.chosen:
            drawn = [candidates(strategy)[i] for i in self.chosen[key]]
        else:
            drawn = draw_examples(strategy, self.count)
        drawn = sorted(drawn, key=size)
        self.data["examples"][key] = [to_data(e) for e in drawn]
        return [from_data(to_data(e)) for e in drawn]

    def reference(self) -> Any:
        return _Recorder(self.module, self.data["outputs"])


class Replay:
    """In the kit: the recorded inputs and reference outputs (fixtures.json)."""

    def __init__(self, data: dict[str, dict[str, Any]]):
        self.data = data

    def examples(self, strategy: Any, prop: Callable[..., Any]) -> list[Any]:
        try:
            return [from_data(e) for e in self.data["examples"][prop_key(prop)]]
        except KeyError:
            raise LookupError(f"no recorded inputs for {prop_key(prop)}: rebuild the kit") \
                from None

    def reference(self) -> Any:
        return _Replayer(self.data["outputs"])


class _Recorder:
    """The reference's functions, each call recorded. Its constants are answers: a kit check
    that reads one fails the build instead of shipping it."""

    def __init__(self, module: types.ModuleType, outputs: dict[str, Any]):
        self._module, self._outputs = module, outputs

    def __getattr__(self, name: str) -> Callable[..., Any]:
        fn = getattr(self._module, name)
        if not callable(fn):
            raise TypeError(f"a kit check reads the reference's {name}, an answer: mark that "
                            "part GRADER ONLY and make the check FORM in checks/policy.py")

        def record(*args: Any) -> Any:
            data = to_data(fn(*args))
            self._outputs[call_key(name, args)] = data
            return from_data(data)

        return record


class _Replayer:
    def __init__(self, outputs: dict[str, Any]):
        self._outputs = outputs

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def replay(*args: Any) -> Any:
            try:
                return from_data(self._outputs[call_key(name, args)])
            except KeyError:
                raise LookupError(f"no recorded output of {name} for these inputs: rebuild "
                                  "the kit") from None

        return replay


active: Recording | Replay | None = None  # set by build-kit (Recording) or the kit (Replay)
