"""Compatibility measures: what a course machine's Jupyter kernel runs also runs in the sandbox,
and the notes say so."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
import types

import nbformat
import pytest
import torch

from graders.assignments import get_assignment
from graders.engine import Grader, Options
from graders.load import read_submission
from graders.observe.child import compat
from graders.observe.limits import Limits
from graders.observe.protocol import Plan
from graders.observe.runner import run

from .conftest import ROOT, sandbox

pytestmark = pytest.mark.slow

CELLS = {
    "continuation": "a, b = 1, 2\nx = (a\n    != b)\ny = (5\n    % 3)\nprint('continued', x, y)",
    "magics": (
        "!touch shell_ran\n%pip install foo\n%conda install bar\n%matplotlib inline\n"
        "%load_ext autoreload\n%config InlineBackend.figure_format = 'retina'\n"
        "%time t1 = 5\n%timeit -n 3 -r 1 t2 = t1 + 1\nimport os\n"
        "print('magics', os.path.exists('shell_ran'), t1, t2)"
    ),
    "cell_time": "%%time\nt3 = 7\nt3 * 2",
    "cell_timeit": "%%timeit -n 2\nt4 = 8",
    "capture": "%%capture out\nprint('hidden')\nt5 = 9",
    "captured": "print('captured', repr(out.stdout), t4, t5)",
    "bash": "%%bash\ntouch bash_ran",
    "writefile": "%%writefile helper_mod.py\nVALUE = 41",
    "writefile_outside": "%%writefile /tmp/dlgrade_outside.py\nVALUE = 0",
    "written": (
        "import os, helper_mod\nprint('written', helper_mod.VALUE + 1, os.path.exists('bash_ran'))"
    ),
    "statements": (
        "import math\nassert math.pi == 3, 'old version'\nfrom math import tau\n"
        "def after(): return tau\n1 / 0\ng = 2\ng"
    ),
    "after_statements": "print('after', after() > 6)",
    "syntax": "lost = 1\ndef broken(:\n    pass",
    "syntax_after": "print('lost' in globals())",
    "exit": "import sys\nexit_before = 1\nsys.exit(0)\nexit_after = 1",
    "exit_after": "print('exit', 'exit_before' in globals(), 'exit_after' in globals())",
    "device_auto": (
        "import torch\ndevice = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\n"
        "print('auto', device)"
    ),
    "device_cuda0": (
        "d0 = torch.device('cuda:0')\nx0 = torch.ones(2).to(d0)\nprint('d0', x0.device)"
    ),
    "dot_cuda": (
        "xc = torch.ones(2).cuda()\nmc = torch.nn.Linear(2, 1).cuda()\n"
        "print('dot_cuda', xc.device, next(mc.parameters()).device)"
    ),
    "to_cuda": (
        "xt = torch.ones(2).to('cuda', non_blocking=True)\nmt = torch.nn.Linear(2, 1).to(d0)\n"
        "xd = torch.ones(2).to(device='cuda', dtype=torch.float64)\n"
        "print('to_cuda', xt.device, next(mt.parameters()).device, xd.dtype)"
    ),
    "factories": (
        "fs = [torch.zeros(2, device='cuda'), torch.randn(2, device='cuda'),\n"
        "      torch.tensor([1.0], device='cuda'), torch.arange(3, device=d0),\n"
        "      torch.zeros_like(xt, device='cuda'), torch.ones(2).new_zeros(2, device='cuda'),\n"
        "      torch.nn.Linear(2, 2, device='cuda').weight]\n"
        "print('factories', sorted({str(f.device) for f in fs}))"
    ),
    "load": (
        "torch.save({'w': torch.ones(2)}, 'w.pt')\nw = torch.load('w.pt', map_location='cuda')\n"
        "w2 = torch.load('w.pt', map_location={'cuda:0': 'cuda'})\nprint('load', w['w'].device)"
    ),
    "cuda_calls": (
        "torch.cuda.synchronize()\ntorch.cuda.empty_cache()\n"
        "print('cuda_calls', torch.cuda.get_device_name(0))"
    ),
    "amp": (
        "layer = torch.nn.Linear(2, 1)\nwith torch.autocast('cuda'):\n"
        "    ya = layer(torch.ones(1, 2))\nwith torch.cuda.amp.autocast():\n"
        "    yb = layer(torch.ones(1, 2))\nscaler = torch.cuda.amp.GradScaler()\n"
        "scaler.scale(ya.sum()).backward()\n"
        "print('amp', ya.dtype, yb.dtype, scaler.is_enabled())"
    ),
    "pin_memory": (
        "pinned = torch.utils.data.DataLoader(list(range(4)), batch_size=2, pin_memory=True)\n"
        "print('pin_memory', pinned.pin_memory, next(iter(pinned)).tolist())"
    ),
    "numpy": (
        "import numpy as np\n"
        "print('numpy', np.Inf, np.Infinity, np.PINF, np.infty, np.NINF, np.NaN,\n"
        "      np.float is float, np.int is int, np.object is object, np.str is str,\n"
        "      np.complex is complex, np.unicode is str, np.float_ is np.float64,\n"
        "      np.complex_ is np.complex128, np.string_ is np.bytes_, np.unicode_ is np.str_,\n"
        "      np.product([2, 3]), np.cumproduct([2, 3]).tolist(), np.sometrue([0, 1]),\n"
        "      np.alltrue([0, 1]), np.round_(1.26, 1), np.row_stack([[1], [2]]).shape,\n"
        "      np.trapz([1, 2, 3]), np.in1d([[1, 2], [3, 4]], [2, 3]).tolist())"
    ),
    "numpy_unknown": "np.no_such_name",
    "dataiter": (
        "dataiter = iter(torch.utils.data.DataLoader(list(range(6)), batch_size=2))\n"
        "print('dataiter', dataiter.next().tolist())"
    ),
    "colab": (
        "from google.colab import drive\ndrive.mount('/content/drive')\n"
        "from google.colab import files\nuploaded = files.upload()\n"
        "from google.colab.patches import cv2_imshow\ncv2_imshow(None)\nprint('colab', uploaded)"
    ),
    "argv": (
        "import sys\nprint('argv', sys.argv[0].endswith('ipykernel_launcher.py'), sys.argv[1],\n"
        "      sys.argv[2].rsplit('/', 1)[1].startswith('kernel-'))"
    ),
    "scheduler": (
        "opt = torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.1)\n"
        "sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, verbose=True)\n"
        "plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, verbose=False)\n"
        "print('scheduler', type(sched).__name__, type(plateau).__name__)"
    ),
    "zero_dim": (
        "loss = torch.tensor(2.5, requires_grad=True) * 2\n"
        "print('zero_dim', loss.data[0], loss[0], torch.arange(3)[1].item())"
    ),
    "index_error": "torch.arange(3)[5]",
    "missing_module": "import helper_course",
}
NAMES = list(CELLS)


@pytest.fixture(scope="module")
def result():
    return sandbox(list(CELLS.values()), cell_timeout=20, total_timeout=240)


def cell(result, name: str):
    return result.cells[NAMES.index(name)]


def printed(result, tag: str) -> str:
    lines = [line for line in result.stdout.splitlines() if line.startswith(tag + " ")]
    assert lines, f"nothing printed for {tag}: {result.stdout[-2000:]}"
    return lines[0][len(tag) + 1 :]


def test_continuation_lines_that_start_like_magics_stay_python(result) -> None:
    assert cell(result, "continuation").status == "ok"
    assert printed(result, "continued") == "True 2"


def test_shell_and_installs_never_run_and_timing_magics_run_once(result) -> None:
    magics = cell(result, "magics")
    assert magics.status == "ok"
    assert printed(result, "magics") == "False 5 6"
    assert magics.skipped_magics == [
        "!touch shell_ran",
        "%pip install foo",
        "%conda install bar",
        "%matplotlib inline",
        "%load_ext autoreload",
        "%config InlineBackend.figure_format = 'retina'",
    ]
    assert "`%time` ran its code once, untimed" in magics.compat
    assert "`%timeit` ran its code once, untimed" in magics.compat
    assert any(n.startswith("not run while grading: `!touch shell_ran`") for n in magics.compat)


def test_cell_magics_time_timeit_and_capture_run_in_the_notebook(result) -> None:
    assert "14" in result.stdout.splitlines()
    assert cell(result, "cell_time").compat == ["`%%time` ran its code once, untimed"]
    assert "hidden" not in result.stdout.splitlines()
    assert printed(result, "captured") == "'hidden\\n' 8 9"
    assert cell(result, "capture").compat == ["`%%capture` ran its code once, untimed"]


def test_writefile_writes_into_the_scratch_folder_only_and_bash_never_runs(result) -> None:
    assert cell(result, "bash").skipped_magics == ["%%bash"]
    assert cell(result, "writefile").compat == [
        "`%%writefile helper_mod.py` wrote the file into the submission's folder"
    ]
    assert cell(result, "writefile_outside").skipped_magics == [
        "%%writefile /tmp/dlgrade_outside.py"
    ]
    assert printed(result, "written") == "42 False"


def test_a_failing_statement_costs_only_itself(result) -> None:
    statements = cell(result, "statements")
    assert statements.status == "error"
    assert statements.error == (
        "AssertionError: old version (line 2); ZeroDivisionError: division by zero (line 5); "
        "the rest of the cell still ran"
    )
    assert "2" in result.stdout.splitlines()  # the last expression is still displayed
    assert printed(result, "after") == "True"


def test_a_syntax_error_still_loses_the_whole_cell(result) -> None:
    assert cell(result, "syntax").status == "error"
    assert cell(result, "syntax").error.startswith("SyntaxError")
    assert "False" in result.stdout.splitlines()


def test_sys_exit_still_stops_the_cell(result) -> None:
    assert cell(result, "exit").status == "exit"
    assert printed(result, "exit") == "True False"


def test_the_time_limit_covers_the_whole_cell_and_keeps_earlier_failures() -> None:
    outcome = sandbox(["1 / 0\nimport time\ntime.sleep(0.6)\ntime.sleep(0.6)"], cell_timeout=1)
    assert outcome.cells[0].status == "timeout"
    assert outcome.cells[0].error == (
        "cell ran past its time limit of 1 s; before that: "
        "ZeroDivisionError: division by zero (line 1)"
    )


CUDA_NOTE = "CUDA was requested; ran on the CPU"
without_gpu = pytest.mark.skipif(
    torch.cuda.is_available(),
    reason="CUDA runs on the CPU only where torch has no GPU (a GPU: the test below)",
)


def test_a_device_chosen_by_availability_needs_no_measure(result) -> None:
    assert printed(result, "auto") == "cpu"
    assert cell(result, "device_auto").compat == []


@pytest.mark.parametrize(
    "name, tag, expected",
    [
        ("device_cuda0", "d0", "cpu"),
        ("dot_cuda", "dot_cuda", "cpu cpu"),
        ("to_cuda", "to_cuda", "cpu cpu torch.float64"),
        ("factories", "factories", "['cpu']"),
        ("load", "load", "cpu"),
        ("cuda_calls", "cuda_calls", "cpu"),
        ("pin_memory", "pin_memory", "False [0, 1]"),
    ],
)
@without_gpu
def test_cuda_requests_run_on_the_cpu_with_a_note(result, name, tag, expected) -> None:
    assert cell(result, name).status == "ok", cell(result, name).error
    assert printed(result, tag) == expected
    assert cell(result, name).compat == [CUDA_NOTE]


@without_gpu
def test_cuda_mixed_precision_runs_in_full_precision(result) -> None:
    assert cell(result, "amp").status == "ok", cell(result, "amp").error
    assert printed(result, "amp") == "torch.float32 torch.float32 False"
    assert cell(result, "amp").compat == [compat.MEASURES["autocast"].note]


def test_nothing_is_patched_when_torch_has_a_gpu() -> None:
    script = (
        "import torch\ntorch.cuda.is_available = lambda: True\n"
        "before = (torch.zeros, torch.tensor, torch.load, torch.Tensor.to, torch.Tensor.cuda,\n"
        "          torch.nn.Module.to, torch.nn.Module.cuda, torch.cuda.synchronize,\n"
        "          torch.amp.GradScaler.__init__, torch.utils.data.DataLoader.__init__)\n"
        "from graders.observe.child import compat\ncompat.install(True)\n"
        "after = (torch.zeros, torch.tensor, torch.load, torch.Tensor.to, torch.Tensor.cuda,\n"
        "         torch.nn.Module.to, torch.nn.Module.cuda, torch.cuda.synchronize,\n"
        "         torch.amp.GradScaler.__init__, torch.utils.data.DataLoader.__init__)\n"
        "print(all(a is b for a, b in zip(before, after)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.strip() == "True", done.stderr[-2000:]


def test_removed_numpy_names_read_as_their_equivalents(result) -> None:
    numpy_cell = cell(result, "numpy")
    assert numpy_cell.status == "ok", numpy_cell.error
    assert printed(result, "numpy") == (
        "inf inf inf inf -inf nan True True True True True True True True True True "
        "6 [2, 6] True False 1.3 (2, 1) 4.0 [False, True, True, False]"
    )
    assert "`np.Inf` was removed in NumPy 2; read as `np.inf`" in numpy_cell.compat
    assert "`np.in1d` was removed in NumPy 2; read as `np.isin(...).ravel()`" in numpy_cell.compat
    assert cell(result, "numpy_unknown").error.startswith(
        "AttributeError: module 'numpy' has no attribute 'no_such_name'"
    )


def test_dataiter_next_works(result) -> None:
    assert printed(result, "dataiter") == "[0, 1]"
    assert cell(result, "dataiter").compat == [compat.MEASURES["dataiter_next"].note]


def test_dataiter_next_works_under_the_fast_budget_and_names_no_wrapper() -> None:
    cells = [
        "import torch\nloader = torch.utils.data.DataLoader(list(range(20)), batch_size=2)\n"
        "dataiter = iter(loader)\nprint('train', dataiter.next().tolist(), len(dataiter))",
        "with torch.no_grad():\n    evaluation = iter(loader)\n"
        "    print('eval', evaluation.next().tolist())",
        "dataiter.no_such_attribute",
    ]
    plan = Plan(cells=cells, probes=[], cell_timeout=20, budget={"images": 6, "epochs": 1,
                "test_images": 4})  # fmt: skip
    outcome = run(plan, Limits(cell_timeout=20, total_timeout=120, grace=2))
    assert [c.status for c in outcome.cells] == ["ok", "ok", "error"]
    assert "train [0, 1] 10" in outcome.stdout and "eval [0, 1]" in outcome.stdout
    assert outcome.cells[0].compat == [compat.MEASURES["dataiter_next"].note]
    error = outcome.cells[2].error
    assert "_SingleProcessDataLoaderIter" in error
    assert "islice" not in error and "Budget" not in error and "generator" not in error


def test_colab_calls_do_nothing(result) -> None:
    colab = cell(result, "colab")
    assert colab.status == "ok", colab.error
    assert printed(result, "colab") == "{}"
    assert colab.compat == [
        "`drive.mount` is Colab only; it did nothing",
        "`files.upload` is Colab only; it did nothing",
        "`patches.cv2_imshow` is Colab only; it did nothing",
    ]


def test_argv_looks_like_a_notebook_kernels(result) -> None:
    assert printed(result, "argv") == "True -f True"
    assert cell(result, "argv").compat == [
        "`sys.argv` was read; it holds what a notebook kernel would see"
    ]


def test_argv_of_a_module_is_its_script_name() -> None:
    outcome = sandbox(["import sys\nprint('argv', len(sys.argv), sys.argv[0][-3:])"],
                      notebook=False)  # fmt: skip
    assert "argv 1 .py" in outcome.stdout


def test_scheduler_verbose_is_dropped(result) -> None:
    assert "verbose" not in inspect.signature(torch.optim.lr_scheduler.StepLR).parameters
    scheduler = cell(result, "scheduler")
    assert scheduler.status == "ok", scheduler.error
    assert printed(result, "scheduler") == "StepLR ReduceLROnPlateau"
    assert scheduler.compat == [
        "`StepLR(verbose=...)`: this torch no longer takes `verbose`; it was dropped",
        "`ReduceLROnPlateau(verbose=...)`: this torch no longer takes `verbose`; it was dropped",
    ]


def test_only_classes_that_reject_a_keyword_drop_it() -> None:
    module = types.ModuleType("old_api")

    class Rejects:
        def __init__(self, value: int) -> None:
            self.value = value

    class Accepts:
        def __init__(self, value: int, verbose: bool = False) -> None:
            self.verbose = verbose

    for cls in (Rejects, Accepts):
        cls.__module__ = module.__name__
        setattr(module, cls.__name__, cls)
    accepts_init = Accepts.__init__
    compat._drop_removed_keywords(module, ("verbose",))
    assert Rejects(1, verbose=True).value == 1
    assert Accepts.__init__ is accepts_init and Accepts(1, verbose=True).verbose is True


def test_zero_dim_index_returns_the_value_and_other_errors_stay(result) -> None:
    assert printed(result, "zero_dim") == "5.0 5.0 1"
    assert cell(result, "zero_dim").compat == [compat.MEASURES["zero_dim_index"].note]
    assert cell(result, "index_error").error.startswith("IndexError: index 5 is out of bounds")


def test_a_module_nobody_has_is_explained_in_one_line(result) -> None:
    error = cell(result, "missing_module").error
    assert "\n" not in error
    assert error.startswith("ModuleNotFoundError: No module named 'helper_course' (line 1): ")
    assert "`helper_course` is not a package the grader has" in error
    assert "submit helper_course.py beside the notebook" in error and "provided:" in error


def test_every_measure_has_a_note() -> None:
    assert all(m.does and m.note for m in compat.MEASURES.values())


# -- a whole notebook -------------------------------------------------------------

PLAIN = {
    "setup": "import numpy as np\nimport torch\nimport torchvision\nimport torchvision.transforms "
    "as transforms\ndevice = 'cpu'\nscale = float(1)",
    "data": "transform = transforms.ToTensor()\ntrainset = torchvision.datasets.CIFAR10("
    "root='./data', train=True, download=True, transform=transform)\n"
    "trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True)\n"
    "dataiter = iter(trainloader)\n"
    "images, labels = next(dataiter)\nimages = images.to(device)",
    "q4": "x = torch.tensor([0.4, 2.0, 0.001, 0.32], device=device) * scale\n"
    "softmax_q4 = torch.softmax(x, dim=0)\nprint(softmax_q4)",
    "q5": "o = torch.tensor([0.001, 0.9, 0.001, 0.098])\ny = torch.tensor([0.0, 0.0, 0.0, 1.0])\n"
    "mse = torch.mean((o - y) ** 2)\ncross_entropy = -torch.sum(y * torch.log(o))\n"
    "log_likelihood = -torch.log(o[3])",
}
LEGACY = {
    **PLAIN,
    "setup": "from google.colab import drive\ndrive.mount('/content/drive')\n"
    + PLAIN["setup"]
    .replace("device = 'cpu'", "device = 'cuda'")
    .replace("float(1)", "np.float(1)"),
    "data": PLAIN["data"].replace("next(dataiter)", "dataiter.next()"),
}


def _notebook(path, cells: dict[str, str]):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells.values()]
    nbformat.write(notebook, str(path))
    return read_submission(path)


@without_gpu
def test_a_notebook_written_for_colab_and_old_apis_scores_as_the_plain_one(tmp_path) -> None:
    assignment = get_assignment("cnn-basics")
    rubric = assignment.rubric
    questions = [q for q in rubric.questions if q.id in ("q4", "q5")]
    assignment = dataclasses.replace(
        assignment, rubric=rubric.model_copy(update={"questions": questions})
    )
    grader = Grader(assignment, Options(fast=True))
    plain = grader.grade(_notebook(tmp_path / "plain.ipynb", PLAIN))
    legacy = grader.grade(_notebook(tmp_path / "legacy.ipynb", LEGACY))
    assert plain.score == legacy.score == plain.max_score == 12
    assert plain.notes == []
    assert legacy.notes == [
        "cell 1: `drive.mount` is Colab only; it did nothing",
        "cell 1: `np.float` was removed in NumPy 2; read as `float`",
        "cell 2: `dataiter.next()` was read as `next(dataiter)`",
        "cell 2: CUDA was requested; ran on the CPU",
        "cell 3: CUDA was requested; ran on the CPU",
    ]
