"""What cut a gradient: the line of a student's function that took an argument out of
autograd's graph, found in its source (parsed in the grader, never run).

Autograd follows a tensor only through torch operations. `torch.tensor(R)` copies R into a
new tensor without its history; `R.detach()`, `R.item()`, `float(R)`, `R.numpy()`, `R.data`,
numpy or math on R, and a `with torch.no_grad():` block all leave the graph. A check that
finds no gradient names the first such line that uses the argument (or a name computed from
it), so the student reads what to change rather than a rule.
"""

from __future__ import annotations

import ast
import re

from autograder import feedback

OUTSIDE = "works on plain numbers, outside autograd's graph"
_METHODS = {"detach": "detach() takes it out of the graph",
            "item": "item() turns it into a plain Python number",
            "numpy": "numpy() turns it into a numpy array, outside the graph",
            "tolist": "tolist() turns it into plain Python numbers"}
_BUILTINS = {"float": "float() turns it into a plain Python number",
             "int": "int() turns it into a plain Python number"}
_MODULES = {"np": "numpy", "numpy": "numpy", "math": "math"}


def _tainted(function: ast.FunctionDef, argument: str) -> set[str]:
    """`argument` and the names assigned from it, in source order (x = 2 * pi * f * R * C)."""
    names = {argument}
    assigns = sorted((n for n in ast.walk(function) if isinstance(n, (ast.Assign, ast.AugAssign,
                                                                      ast.AnnAssign))),
                     key=lambda n: n.lineno)
    for node in assigns:
        if node.value is not None and _uses(node.value, names):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _uses(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _why(node: ast.AST, names: set[str]) -> str | None:
    """Why `node` takes one of `names` out of the graph, or None."""
    if isinstance(node, ast.With) and any("no_grad" in ast.unparse(item.context_expr)
                                          for item in node.items):
        return "inside `with torch.no_grad():` autograd records nothing"
    if isinstance(node, ast.Attribute) and node.attr == "data" and _uses(node.value, names):
        return ".data is the tensor without its history"
    if not isinstance(node, ast.Call):
        return None
    func, on_args = node.func, any(_uses(a, names) for a in node.args)
    if isinstance(func, ast.Name) and func.id in _BUILTINS and on_args:
        return _BUILTINS[func.id]
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    if (owner, func.attr) == ("torch", "tensor") and on_args:
        return ("torch.tensor() of a tensor copies it out of the graph (a new tensor without "
                "its history): use torch.as_tensor(), or the tensor itself")
    if owner in _MODULES and on_args:
        return f"{_MODULES[owner]} {OUTSIDE}: use the torch function of the same name"
    if func.attr in _METHODS and not node.args and _uses(func.value, names):
        return _METHODS[func.attr]
    return None


def what_cut(sources: list[str], function: str, argument: str) -> str:
    """The first line of the student's `function` (its last definition in `sources`) that
    takes `argument` out of the graph, as a sentence to add to a message:
    " In evaluate_hp_circuit, `R = torch.tensor(R)` is what cut it: ..."; "" when none is
    found."""
    found = feedback.definitions(sources).get(function)
    if found is None:
        return ""
    names = _tainted(found, argument)
    cuts = [(node.lineno, node, why) for node in ast.walk(found) if node is not found
            for why in [_why(node, names)] if why is not None]
    if not cuts:
        return ""
    line, node, why = min(cuts, key=lambda cut: cut[0])
    statement = next((s for s in ast.walk(found) if isinstance(s, ast.stmt)
                      and s is not found and s.lineno == line), node)
    code = ast.unparse(statement).splitlines()[0]
    code = code if len(code) <= 70 else code[:67] + "..."
    return f" In {function}, `{code}` is what cut it: {why}."


# An error that says a tensor had no gradient history: torch.autograd.grad or backward on a
# loss without one, or the course's graph drawing on an output without a grad_fn.
NO_GRADIENT = re.compile(r"does not require grad|does not have a grad_fn|not have been used in "
                         r"the graph|'NoneType' object has no attribute '(?:next_functions|"
                         r"grad_fn)'")
# The student's functions the notebook's gradients flow through, and their arguments.
GRADIENT_PATHS = {"evaluate_hp_circuit": ("R",), "evaluate_bp_circuit": ("R_high", "R_low"),
                  "loss_fn_binary": ("pred",)}


def no_gradient_cause(sources: list[str]) -> str:
    """For an error raised where a tensor had no gradient (often in the course's own code:
    its `train`, its graph drawing): the student's function that cut the graph, found in
    `sources` as `what_cut` finds it, or the functions to look at when none is found."""
    for function, arguments in GRADIENT_PATHS.items():
        for argument in arguments:
            cut = what_cut(sources, function, argument)
            if cut:
                return "No gradient came back through your code." + cut
    return ("No gradient came back through your code: one of your functions that this cell "
            "uses (" + ", ".join(GRADIENT_PATHS) + ") returned a tensor without the history of "
            "its inputs. Compute it with torch operations on them only.")
