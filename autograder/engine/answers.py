"""A student's answers as the grader takes them: the reply read, the value validated.

Every answer crosses the trust boundary as plain data and is validated here (type, shape,
finiteness) before any check compares it. What is wrong becomes a `SubmissionError` whose
text is the sentence the student reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.textsafe import one_line

MAX_QUOTED = 300  # characters of a student's message quoted in the feedback


class SubmissionError(Exception):
    """Something about the submission that costs this check its points; str() is feedback."""


class NotImplementedYet(SubmissionError):
    """The template's body is still there."""


class BadAnswer(SubmissionError):
    """This input got a malformed answer (shape, type, NaN) or an exception: like a wrong
    value, hypothesis shrinks it to the smallest input that shows it."""


def read_reply(reply: Any, what: str, missing: Callable[[str], str]) -> Any:
    """The value in a worker's reply (worker.answer), marked single precision when the
    student's was; the student's exception, a missing name (`missing(name)` says it) or a
    malformed reply raised."""
    if not isinstance(reply, dict) or not (set(reply) == {"error"} or {"ok"} <= set(reply)
                                           <= {"ok", "single", "modified"}):
        raise SubmissionError(f"{what}: the answer could not be read.")
    if "error" in reply:
        raise _student_error(what, reply["error"])
    value = reply.get("ok")
    if isinstance(value, dict) and set(value) == {"__missing__"}:
        raise SubmissionError(missing(what.split("(")[0]))
    return as_single(value) if reply.get("single") is True else value


_ARGUMENT = re.compile(r"[A-Za-z_]\w{0,39}|argument \d{1,2}")


def modified_arguments(reply: Any) -> list[str]:
    """The arguments a call changed in place, as a worker's reply names them (worker.modified):
    at most 10 parameter names; anything else in the untrusted reply is ignored."""
    names = reply.get("modified") if isinstance(reply, dict) else None
    if not isinstance(names, list) or len(names) > 10:
        return []
    return [n for n in names if isinstance(n, str) and _ARGUMENT.fullmatch(n)]


def _student_error(what: str, error: Any) -> SubmissionError:
    if not isinstance(error, dict):
        return SubmissionError(f"{what} failed.")
    # Each on one line, so no line of the feedback starts with the student's text.
    kind = one_line(str(error.get("type", "Error")), 80)
    message = one_line(str(error.get("message", "")), MAX_QUOTED)
    where = f" at {one_line(str(error['line']), 80)}" if error.get("line") else ""
    if kind == "NotImplementedError":
        return NotImplementedYet(f"{what.split('(')[0]} is not implemented yet "
                                 "(it raises NotImplementedError).")
    if kind == "NotPlainData":
        return BadAnswer(f"{what} returned {message.rstrip('.')}, which the grader cannot "
                         "read: return numbers, strings, numpy arrays or torch tensors (or "
                         "lists and dicts of those).")
    return BadAnswer(sentence(f"{what} raised {kind}{where}: {message}" if message
                              else f"{what} raised {kind}{where}"))


def sentence(text: str) -> str:
    """Text ending in exactly one full stop (student text often brings its own)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


# ---------------------------------------------------------------- validators


class Single(float):
    """A number the student gave in single precision (a float32 scalar or 0-d tensor)."""


def as_single(value: Any) -> Any:
    """A value the student gave in single precision, marked so: arrays as float32, numbers as
    `Single` (the precision policy, checks/precision.py, allows float32 rounding for them)."""
    if isinstance(value, np.ndarray):
        return value.astype(np.float32)
    if isinstance(value, float):
        return Single(value)
    if isinstance(value, list):
        return [as_single(v) for v in value]
    if isinstance(value, dict):
        return {k: as_single(v) for k, v in value.items()}
    return value


def as_array(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite array of exactly `shape` (float64, or float32 when the student's was), or a
    BadAnswer saying what is wrong."""
    if _is_number(value) and shape == ():
        value = np.array(value, dtype=np.float32 if _single(value) else float)
    if not isinstance(value, np.ndarray):
        raise BadAnswer(f"{what} returned {_kind(value)}; an array of shape {shape} was "
                        "expected.")
    if value.shape != shape:
        raise BadAnswer(f"{what} returned an array of shape {value.shape}; shape {shape} was "
                        "expected.")
    if not np.all(np.isfinite(value)):
        raise BadAnswer(f"{what} returned NaN or infinite entries.")
    return value


def as_float(value: Any, what: str) -> float:
    """A finite number (an int, a float, a 0-d array or tensor); a `Single` when the student
    gave it in single precision."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = (Single if value.dtype == np.float32 else float)(value)
    if not _is_number(value):
        raise BadAnswer(f"{what} is {_kind(value)}; a number was expected.")
    if not np.isfinite(value):
        raise BadAnswer(f"{what} is {value}; a finite number was expected.")
    return value if isinstance(value, float) else float(value)


def as_pair(value: Any, what: str) -> list[Any]:
    """Two answers returned together: a tuple or list of two (the worker stacks two arrays
    of one shape into one array, so a leading axis of 2 counts too)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == 2:
        return [value[0] if value.ndim > 1 else as_float(np.asarray(value[0]), what),
                value[1] if value.ndim > 1 else as_float(np.asarray(value[1]), what)]
    if isinstance(value, list) and len(value) == 2:
        return value
    raise BadAnswer(f"{what} must be a pair (a tuple of two); it is {_kind(value)}.")


def as_string(value: Any, what: str) -> str:
    """A string answer; None inside a dict is the template's placeholder, not yet filled."""
    if value is None:
        raise NotImplementedYet(f"{what} is still None, the template's placeholder: fill it in.")
    if not isinstance(value, str):
        example = f' such as "{_number_text(value)}"' if _is_number(value) else ""
        raise BadAnswer(f"{what} is {_kind(value)}; a string{example} was expected.")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _single(value: Any) -> bool:
    return isinstance(value, Single)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _kind(value: Any) -> str:
    """What the student gave, as a student would say it: its type, and the value when short."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, int):
        return f"an int ({value})"
    if isinstance(value, float):
        return f"a float ({_number_text(value)})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        return f"a list of {len(value)} items (not numbers of one shape)"
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:6])
        return f"a dict (keys {keys})" if keys else "an empty dict"
    return f"a {type(value).__name__}"
