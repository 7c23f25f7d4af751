"""Trained-model checks: accuracy outside the sandbox, placeholders inside, budgets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

import pytest
import torch
import torchvision

from graders.assignments import get_assignment
from graders.cli import main
from graders.data import DataRoot
from graders.engine import Grader, Options
from graders.load import read_submission

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow

TUTORIAL = """
import torch, torchvision, torch.nn as nn, torch.nn.functional as F
import torchvision.transforms as T
transform = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2).flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

net = Net()
"""

CHEAT = (
    TUTORIAL
    + """
# %%
testset = torchvision.datasets.CIFAR10(root='./data', train=False, download=True)
answers = torch.as_tensor(testset.targets)

class Oracle(Net):
    seen = 0
    def forward(self, x):
        index = torch.arange(self.seen, self.seen + len(x)) % len(answers)
        out = F.one_hot(answers[index], 10).float()
        self.seen += len(x)
        return out + 0 * super().forward(x)

net = Oracle()
optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
net(torch.zeros(4, 3, 32, 32)).sum().backward()
optimizer.step()
print('true labels seen:', sorted(set(answers.tolist())))
"""
)


def q2_checks(source: str, tmp_path: Path, **options) -> dict:
    path = tmp_path / "student.py"
    path.write_text(source)
    result = Grader(get_assignment("cnn-basics"), Options(**options)).grade(read_submission(path))
    q2 = next(q for q in result.questions if q.id == "q2")
    return {c.id: c for c in q2.checks}


def test_an_untrained_network_earns_no_accuracy(tmp_path: Path) -> None:
    checks = q2_checks(TUTORIAL, tmp_path)
    assert checks["accuracy"].score == 0 and checks["learning"].score == 0
    assert "no module" in checks["accuracy"].message


def test_test_labels_inside_the_sandbox_are_placeholders(tmp_path: Path) -> None:
    checks = q2_checks(CHEAT, tmp_path)
    assert checks["accuracy"].score == 0
    accuracy = re.search(r"test accuracy ([\d.]+)%", checks["accuracy"].message)
    assert accuracy is not None and float(accuracy.group(1)) < 20  # chance: 10%


def test_missing_data_is_not_graded_with_the_fix(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GRADE_DATA_DIR", str(tmp_path / "empty-root"))
    assert main(["verify", "cnn-basics"]) == 1
    out = capsys.readouterr().out
    assert "not graded accuracy" in out
    assert "CIFAR-10 is not in the data root" in out and "grade data prepare" in out


def test_self_check_uses_the_fast_budget_and_says_so(capsys) -> None:
    assert main(["--self", str(EXAMPLES / "full_marks.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "under the fast budget (about 8000 images per pass" in out
    assert "`grade --self --full` trains as written" in out


def _trained_state(data_root: DataRoot, path: Path) -> None:
    """Train the tutorial network here, outside the sandbox, and save its state_dict."""
    namespace: dict = {}
    exec(TUTORIAL, namespace)  # noqa: S102 - the test's own code
    net = namespace["net"]
    with mock.patch.object(torchvision.datasets.CIFAR10, "_check_integrity", return_value=True):
        data = torchvision.datasets.CIFAR10(
            data_root.public, train=True, transform=namespace["transform"]
        )
    optimizer = torch.optim.Adam(net.parameters())
    for _ in range(2):
        for x, y in torch.utils.data.DataLoader(data, batch_size=64, shuffle=True):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(x), y).backward()
            optimizer.step()
    torch.save(net.state_dict(), path)


def test_a_saved_checkpoint_is_graded_instead_of_the_trained_weights(
    tmp_path: Path, synthetic_data_root: DataRoot
) -> None:
    folder = tmp_path / "student"
    folder.mkdir()
    # the notebook "trains" with a learning rate of zero; the checkpoint beside it learned
    (folder / "work.py").write_text(
        TUTORIAL
        + """
# %%
trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True,
                                        transform=transform)
loader = torch.utils.data.DataLoader(trainset, batch_size=32, shuffle=True)
optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
for x, y in loader:
    optimizer.zero_grad()
    F.cross_entropy(net(x), y).backward()
    optimizer.step()
"""
    )
    _trained_state(synthetic_data_root, folder / "model.pt")
    as_trained = q2_checks_from(folder, checkpoint=None)
    from_file = q2_checks_from(folder, checkpoint="*.pt")
    assert as_trained["accuracy"].score == 0
    assert from_file["accuracy"].score == from_file["accuracy"].max_score == 6
    assert "weights from model.pt" in from_file["accuracy"].message


def q2_checks_from(folder: Path, checkpoint: str | None) -> dict:
    grader = Grader(get_assignment("cnn-basics"), Options(checkpoint=checkpoint))
    result = grader.grade(read_submission(folder))
    return {c.id: c for q in result.questions if q.id == "q2" for c in q.checks}


@pytest.mark.data
def test_reference_earns_full_marks_on_the_real_data(real_data_root, capsys) -> None:
    """What `grade --self` judges, on the real CIFAR-10 (full training is
    `tests/benchmarks/verify_full.py`)."""
    data = ["--data-dir", str(real_data_root.path)]
    assert main(["verify", "cnn-basics", "--self", *data]) == 0
    out = capsys.readouterr().out
    assert re.search(r"cnn-basics: ([\d.]+) / \1 full marks \(public checks, fast budget\)", out)


@pytest.mark.data
def test_full_marks_example_on_the_real_data(real_data_root, capsys) -> None:
    data = ["--data-dir", str(real_data_root.path)]
    assert main(["--self", str(EXAMPLES / "full_marks.ipynb"), *data]) == 0
    assert "under the fast budget" in capsys.readouterr().out


def test_a_ta_run_trains_as_written_and_judges_by_the_full_thresholds(tmp_path: Path) -> None:
    assert main([str(EXAMPLES / "full_marks.ipynb"), "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "results.json").read_text())["submissions"][0]
    q2 = next(q for q in result["questions"] if q["id"] == "q2")
    accuracy = next(c for c in q2["checks"] if c["id"] == "accuracy")
    assert accuracy["score"] == accuracy["max_score"] and "budget" not in accuracy["message"]
    assert (result["score"], result["max_score"]) == (62, 70)  # the written 8 wait for a TA


@pytest.mark.data
def test_autograd_and_midterm_references_earn_full_marks_on_the_real_data(
    real_data_root, capsys
) -> None:
    data = ["--data-dir", str(real_data_root.path)]
    assert main(["verify", "autograd", "midterm-2022", *data]) == 0
    out = capsys.readouterr().out
    assert "autograd: 100 / 100 full marks" in out
    assert "midterm-2022: 60 / 60 full marks" in out
    assert "test accuracy 9" in out  # the MNIST CNN, trained for one epoch, above 90%
