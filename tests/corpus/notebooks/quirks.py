"""Notebooks as students really save them: the reference notebook with one change each.

Each quirk is built the way Jupyter, Colab or VS Code would leave the file (one string or a
list of lines per source, their metadata and cell ids, outputs, old formats, a saved web
page, Colab's file name), with the Q5 parts it must lose (empty: full marks) and phrases the
feedback must contain (at the top, or in the named test's output). Graded in one batch by
tests/test_notebook_quirks.py.

hw0.py sits beside the notebooks that could reach its grading (`beside_hw0`: a notebook that
writes files, runs shell commands, runs past its limits, fills memory, runs the kit's check,
or is found under another name), as the reference, whose parts must never move; and in one
folder broken, whose notebook must keep its parts. The other folders hold the notebook
alone: its grading does not read hw0.py, and grading the reference there again proved
nothing new.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[3] / "reference"
NOTEBOOK = "color_organ_learning.ipynb"
CELL_SECONDS = 5  # HW0_CELL_SECONDS for this batch: the endless cells cost this much


@dataclass(frozen=True)
class Quirk:
    name: str
    build: Callable[[dict], dict | bytes]  # the reference notebook -> the saved file
    loses: frozenset[str] = frozenset()  # Q5 parts
    says: tuple[str, ...] = ()  # in the top-level output
    test_says: dict[str, str] = field(default_factory=dict)  # test number -> phrase
    file_name: str = NOTEBOOK
    hw0: Callable[[str], str] | None = None  # hw0.py changed too: then all its parts are lost
    beside_hw0: bool = False  # the reference's hw0.py beside it (hw0 set: always)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        saved = self.build(reference())
        data = saved if isinstance(saved, bytes) else json.dumps(saved, indent=1).encode()
        (folder / self.file_name).write_bytes(data)
        if self.beside_hw0 or self.hw0:
            text = (REFERENCE / "hw0.py").read_text()
            (folder / "hw0.py").write_text(self.hw0(text) if self.hw0 else text)


def reference() -> dict:
    return json.loads((REFERENCE / NOTEBOOK).read_text(encoding="utf-8"))


def code(source: str) -> dict:
    """A new code cell as Jupyter saves it: source as a list of lines."""
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}


def source(cell: dict) -> str:
    return "".join(cell["source"])


def index_of(nb: dict, start: str) -> int:
    """The index of the one cell whose source contains `start` (fails loudly otherwise)."""
    found = [i for i, c in enumerate(nb["cells"]) if start in source(c)]
    assert len(found) == 1, (start, found)
    return found[0]


def insert_after(start: str, *sources: str) -> Callable[[dict], dict]:
    def build(nb: dict) -> dict:
        i = index_of(nb, start) + 1
        nb["cells"][i:i] = [code(s) for s in sources]
        return nb
    return build


def append(*sources: str) -> Callable[[dict], dict]:
    def build(nb: dict) -> dict:
        nb["cells"] += [code(s) for s in sources]
        return nb
    return build


def edit(start: str, old: str, new: str) -> Callable[[dict], dict]:
    def build(nb: dict) -> dict:
        cell = nb["cells"][index_of(nb, start)]
        assert source(cell).count(old) == 1, old
        cell["source"] = source(cell).replace(old, new).splitlines(keepends=True)
        return nb
    return build


def colab(nb: dict) -> dict:
    """As Colab's File > Download .ipynb: `colab` metadata, a cell id in each cell's metadata,
    every source one string, outputs and execution counts kept."""
    nb["metadata"] = {"colab": {"provenance": [], "name": NOTEBOOK},
                      "kernelspec": {"name": "python3", "display_name": "Python 3"},
                      "language_info": {"name": "python"}, "accelerator": "GPU"}
    for i, cell in enumerate(nb["cells"]):
        cell["source"] = source(cell)
        cell["metadata"] = {"id": f"{i:04x}cOlAb", **({"colab": {"base_uri": "https://localhost:8080/"},
                                                       "outputId": f"{i:08x}"}
                                                      if cell["cell_type"] == "code" else {})}
        if cell["cell_type"] == "code":
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}]
    nb["nbformat_minor"] = 0
    return nb


def vscode(nb: dict) -> dict:
    """As VS Code's Jupyter extension saves: cell ids, `vscode` metadata, language_info."""
    nb["metadata"] = {
        "kernelspec": {"display_name": ".venv", "language": "python", "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                          "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                          "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                          "version": "3.11.4"},
        "orig_nbformat": 4, "vscode": {"interpreter": {"hash": "ab12" * 16}}}
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{i * 7919:08x}"
        cell["metadata"] = {}
    nb["nbformat_minor"] = 5
    return nb


def nbformat3(nb: dict) -> dict:
    """As Jupyter 2.x / IPython 3 saved: cells under `worksheets`, code in `input`, headings
    as `heading` cells."""
    cells = []
    for cell in nb["cells"]:
        text = source(cell)
        if cell["cell_type"] == "code":
            cells.append({"cell_type": "code", "collapsed": False, "input": text,
                          "language": "python", "metadata": {}, "outputs": [],
                          "prompt_number": None})
        elif text.startswith("## ") and "\n" not in text.strip():
            cells.append({"cell_type": "heading", "level": 2, "metadata": {},
                          "source": text[3:].strip()})
        else:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
    return {"metadata": {"name": "", "signature": ""}, "nbformat": 3, "nbformat_minor": 0,
            "worksheets": [{"cells": cells, "metadata": {}}]}


def big_images(nb: dict) -> dict:
    """60 MB of PNG outputs saved in the notebook (plots at high dpi, kept by Jupyter)."""
    rng = random.Random(182)
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(3_000_000)).decode()
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": png, "text/plain": ["<Figure size 700x400 with 1 Axes>"]}}
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code_cells[:15]:
        cell["outputs"] = [image]
    return nb


def raw_cells(nb: dict) -> dict:
    i = index_of(nb, "class LowPassCircuit")
    nb["cells"][i:i] = [{"cell_type": "raw", "metadata": {},
                         "source": ["%%bash\n", "this is not Python: !!! }}}\n"]}]
    nb["cells"].append({"cell_type": "raw", "metadata": {"format": "text/latex"},
                        "source": "\\section{Notes}"})
    return nb


def code_to_markdown(nb: dict) -> dict:
    """The exploration cell that trains `lp_circuit` turned into markdown: (c) needs it."""
    nb["cells"][index_of(nb, "lp_circuit = LowPassCircuit()")].update(
        cell_type="markdown", outputs=None, execution_count=None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def with_bom(nb: dict) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(nb, indent=1).encode()


def html_page(nb: dict) -> bytes:
    """The browser's "Save page as" on the notebook's tab."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{NOTEBOOK} - Colab</title></head><body><div id=\"root\">"
            + "".join(f"<pre>{source(c)[:80]}</pre>" for c in nb["cells"][:5])
            + "</div></body></html>\n").encode()


def python2_print(text: str) -> str:
    """A Python 2 print statement on line 38 (hw0.py then does not compile)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:37] + ['print "debugging"\n'] + lines[37:])


ALL = frozenset("q5a q5b q5c q5d q5e q5f q5g q5h q5i".split())
QUIRKS = [
    Quirk("display_markdown", edit("q5a_resistor = float(", "# END SOLUTION",
                                   "from IPython.display import Markdown, display\n"
                                   'display(Markdown(f"R = {q5a_resistor:.1f}"))\n# END SOLUTION')),
    Quirk("display_figure_builtin", insert_after("def led_bars(", "fig, ax = plt.subplots()\n"
                                                 "ax.plot(FREQS_NP, desired_lp.numpy())\n"
                                                 "display(fig)")),
    Quirk("config_magic_call", insert_after(
        "import math", "get_ipython().run_line_magic(\"config\", "
        "\"InlineBackend.figure_format = 'svg'\")\n%matplotlib inline")),
    Quirk("ipython_assignments", insert_after(
        "def evaluate_lp_circuit(", "files = !ls\n"
        "out = %timeit -o -n 3 -r 1 evaluate_lp_circuit(FREQS, 200.0, C)\nprint(files, out)"),
        says=("`!ls` was skipped",)),
    Quirk("help_syntax", insert_after("def evaluate_lp_circuit(",
                                      "np.linalg.svd??\n", "?torch.autograd.grad")),
    Quirk("timings_and_progress_bars", insert_after(
        "import math", "from tqdm.auto import tqdm\nfor _ in tqdm(range(200)):\n    pass",
        "%%time\nwarm = torch.ones(3).sum()\nprint('warm', warm)",
        "%timeit -n 5 torch.ones(3).sum()\nt = %time torch.ones(2).sum()",
        "import random\nprint('draw', random.random())")),
    Quirk("everyday_magics", insert_after(
        "import math", "%load_ext autoreload\n%autoreload 2",
        "%%capture captured\nprint('hidden')", "%%time\nwarm = torch.ones(3).sum()")),
    Quirk("writefile_then_import", insert_after(
        "def loss_fn_binary(", "%%writefile helpers.py\n"
        "import torch\n\n\ndef shifted_mse(pred, target):\n"
        "    return torch.mean((pred - (0.5 + 0.5 * target)) ** 2)\n",
        "from helpers import shifted_mse\nprint(shifted_mse(FREQS / FREQS, binary_lp))"),
          beside_hw0=True),
    Quirk("bash_and_sh_cells", insert_after("import math", "%%bash\npip install torch\necho done",
                                            "%%sh\nls -la"),
          beside_hw0=True),
    Quirk("percent_operator_continuation", insert_after(
        "def evaluate_lp_circuit(", "middle = (len(FREQS)\n"
        "          % 7)\nprint(middle)")),
    Quirk("interact_calls_back_with_defaults", edit(
        "q5a_resistor = float(", "q5a_resistor = float(R_fine[mse_to_desired(R_fine).argmin()])",
        "def show_lp(R=200.0):\n    global q5a_resistor\n    q5a_resistor = R\n"
        "    plot_lp_transfer(R)\n\n\ninteract(show_lp, R=(10.0, 1000.0, 10.0))")),
    Quirk("stray_assert_in_the_middle", insert_after("class LowPassCircuit",
                                                      'assert False, "TODO"'),
          says=("raised AssertionError: TODO", "The cells after it still ran")),
    Quirk("endless_last_cell", append(
        "loss = 1.0\nwhile loss > 1e-12:  # train until the loss is tiny\n"
        "    loss = loss * (1 - 1e-30)"),
          says=(f"was stopped, as Jupyter's stop button stops a cell: it computed for more "
                f"than {CELL_SECONDS} s of CPU time, the limit of one cell",),
          beside_hw0=True),
    Quirk("uninterruptible_last_cell", append(
        "import signal\nfor timer in (signal.SIGALRM, signal.SIGPROF, signal.SIGVTALRM):\n"
        "    signal.signal(timer, signal.SIG_IGN)  # whichever timer the grader uses\n"
        "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"),
          says=("could not be interrupted", "only the cells before it were graded"),
          beside_hw0=True),
    # the kit's README: install it first (Colab), check() last; hw0_selfcheck is not installed
    Quirk("kit_install_first_and_check_last", lambda nb: append(
        "from hw0_selfcheck import check\ncheck()")(insert_after(
            "import math", "!pip install -q /content/hw0-kit.zip")(nb)),
          beside_hw0=True),
    Quirk("input_call", insert_after("import math", 'name = input("Your name: ")'),
          says=("input() cannot be answered while grading",)),
    Quirk("pip_and_missing_module", insert_after("import math", "%pip install seaborn",
                                                 "import seaborn as sns"),
          says=("`%pip install seaborn` installs nothing", "No module named 'seaborn'",
                "numpy, scipy, torch, matplotlib, IPython, ipywidgets and tqdm")),
    Quirk("sixty_megabytes_of_images", big_images, beside_hw0=True),
    Quirk("nbformat_3", nbformat3),
    Quirk("byte_order_mark", with_bom),
    Quirk("html_page", html_page, loses=ALL,
          says=("is a web page (HTML), not a notebook", "Download the notebook again"),
          test_says={"5.1": "could not be read as a notebook: see the top"},
          beside_hw0=True),
    Quirk("colab_copy_of_name", colab, file_name=f"Copy of {NOTEBOOK}",
          says=(f"Graded Copy of {NOTEBOOK} as {NOTEBOOK}",),
          beside_hw0=True),
    Quirk("vscode_saved", vscode),
    Quirk("raw_cells", raw_cells),
    Quirk("code_cell_turned_markdown", code_to_markdown, loses=frozenset({"q5c"}),
          says=("raised NameError: name 'lp_circuit' is not defined",),
          test_says={"5.4": "q5c_resistor is not defined: In [9] (the cell that starts "
                            "`q5c_resistor = ...`), line 5 raised NameError"}),
    Quirk("only_notebook_is_untitled", lambda nb: nb, file_name="Untitled.ipynb",
          says=(f"Graded Untitled.ipynb as {NOTEBOOK}",),
          beside_hw0=True),
    Quirk("hw0_does_not_compile", lambda nb: nb, hw0=python2_print,
          says=("hw0.py does not compile: SyntaxError at line 38",),
          test_says={"1.1": "hw0.py does not compile (line 38)"}),
]
