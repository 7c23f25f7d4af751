"""The data root: prepare, layout torchvision reads, true test labels kept out of public/."""

from __future__ import annotations

import fcntl
import gzip
import importlib
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.error import URLError

import numpy as np
import pytest
import torchvision

from graders.cli import main
from graders.data import DATASETS, DataError, DataRoot, prepare, resolve_data_root
from graders.observe.limits import Limits
from graders.observe.protocol import Plan
from graders.observe.runner import run
from tests.synthetic_data import (
    CIFAR_CLASSES,
    source_labels,
    true_test_labels,
    write_source,
)

NAMES = list(DATASETS)
# graders.data.prepare the module (the package attribute of that name is the function)
prepare_module = importlib.import_module("graders.data.prepare")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small synthetic local copy of all three datasets."""
    return write_source(tmp_path / "source")


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    """An empty data root."""
    return DataRoot(tmp_path / "root")


@pytest.fixture
def prepared(root: DataRoot, source: Path) -> DataRoot:
    """The data root with all three synthetic datasets prepared."""
    assert prepare(root, source) == NAMES
    return root


@contextmanager
def any_cifar_copy() -> Iterator[None]:
    """Let torchvision's CIFAR10 read copies whose md5 sums differ (as the sandbox will)."""
    with mock.patch.object(torchvision.datasets.CIFAR10, "_check_integrity", return_value=True):
        yield


def read(public: Path, name: str, train: bool) -> torchvision.datasets.VisionDataset:
    """Dataset `name` from a public folder, read by torchvision without downloading."""
    cls = getattr(torchvision.datasets, DATASETS[name].torchvision_class)
    with any_cifar_copy():
        return cls(public, train=train, download=False)


def are_placeholders(targets: object, name: str) -> bool:
    """Whether test labels read from public/ are the placeholders: every class in turn."""
    labels = np.asarray(targets)
    return np.array_equal(labels, np.arange(labels.size) % DATASETS[name].num_classes)


def files_under(folder: Path) -> dict[str, float]:
    """Every file under `folder` with its modification time."""
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


# -- prepare from a local copy ------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_public_copy_reads_in_torchvision_with_placeholder_test_labels(
    prepared: DataRoot, source: Path, name: str
) -> None:
    info = DATASETS[name]
    train, test = read(prepared.public, name, True), read(prepared.public, name, False)
    assert (len(train), len(test)) == (600, 200)
    image, _ = test[0]
    assert list(torchvision.transforms.functional.to_tensor(image).shape) == info.image_shape
    assert are_placeholders(test.targets, name)
    assert not np.array_equal(np.asarray(test.targets), true_test_labels(source, name))
    assert np.array_equal(np.asarray(train.targets), source_labels(source, name, train=True))
    true = prepared.test_labels(name)
    assert true.dtype == np.int64
    assert np.array_equal(true, true_test_labels(source, name))
    assert len(set(true.tolist())) == info.num_classes


def test_cifar_test_file_names_do_not_name_the_class(prepared: DataRoot) -> None:
    with open(prepared.public / "cifar-10-batches-py" / "test_batch", "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    assert set(batch) == {"batch_label", "labels", "data", "filenames"}
    assert batch["filenames"][:2] == ["00000.png", "00001.png"]
    assert not any(c in name for c in CIFAR_CLASSES for name in batch["filenames"])


def test_public_holds_only_what_torchvision_reads(prepared: DataRoot) -> None:
    expected = {f"{info.folder}/{f}" for info in DATASETS.values() for f in info.files}
    public_files = {
        str(p.relative_to(prepared.public)) for p in prepared.public.rglob("*") if p.is_file()
    }
    assert public_files == expected  # no .gz originals, no labels, nothing else
    assert sorted(p.name for p in prepared.path.iterdir() if not p.name.startswith(".")) == [
        "dlgrade-data.json",
        "labels",
        "public",
    ]


def test_status_before_and_after(root: DataRoot, source: Path) -> None:
    before = root.status()
    assert [s.name for s in before] == NAMES
    assert not any(s.present for s in before) and all(s.size == 0 for s in before)
    prepare(root, source)
    after = {s.name: s for s in root.status()}
    for name in NAMES:
        assert after[name].present and root.available(name)
        assert after[name].where == root.public / DATASETS[name].folder
        assert after[name].detail.startswith(f"local copy {source}")
        assert after[name].size > 100_000


def test_require_and_test_labels_raise_one_line_errors(root: DataRoot) -> None:
    with pytest.raises(DataError) as caught:
        root.require("cifar10")
    message = str(caught.value)
    assert "CIFAR-10" in message and str(root.path) in message
    assert "grade data prepare --from DIR" in message and "\n" not in message
    with pytest.raises(DataError, match="Fashion-MNIST is not in the data root"):
        root.test_labels("fashion-mnist")
    with pytest.raises(DataError, match="unknown dataset 'svhn'"):
        root.require("svhn")


def test_deleted_file_makes_dataset_unavailable(prepared: DataRoot) -> None:
    (prepared.public / "MNIST" / "raw" / "train-images-idx3-ubyte").unlink()
    assert not prepared.available("mnist") and prepared.available("fashion-mnist")
    with pytest.raises(DataError, match="MNIST is incomplete in the data root"):
        prepared.require("mnist")
    assert "train-images-idx3-ubyte is missing" in prepared.status()[0].detail


def test_preparing_twice_replaces_cleanly(prepared: DataRoot, source: Path) -> None:
    first = {name: prepared.test_labels(name) for name in NAMES}
    assert prepare(prepared, source, ["mnist", "cifar10"]) == ["mnist", "cifar10"]
    for name in NAMES:
        assert prepared.available(name)
        assert np.array_equal(prepared.test_labels(name), first[name])
    assert are_placeholders(read(prepared.public, "mnist", False).targets, "mnist")
    assert not (prepared.path / ".staging").exists()


def test_source_is_left_untouched(root: DataRoot, source: Path) -> None:
    before = files_under(source)
    prepare(root, source)
    assert files_under(source) == before


def test_source_lacking_a_dataset_names_it(root: DataRoot, source: Path) -> None:
    shutil.rmtree(source / "cifar-10-batches-py")
    with pytest.raises(DataError) as caught:
        prepare(root, source)
    message = str(caught.value)
    assert "has no CIFAR-10" in message and "--only mnist fashion-mnist" in message
    assert "\n" not in message
    assert not any(s.present for s in root.status())  # checked before anything is prepared
    assert prepare(root, source, ["mnist"]) == ["mnist"]
    assert root.available("mnist") and not root.available("cifar10")


def test_source_must_be_a_folder(root: DataRoot, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is not a folder"):
        prepare(root, tmp_path / "nowhere")


def test_torchvision_root_with_decompressed_files_is_a_source(root: DataRoot, source: Path) -> None:
    expected = true_test_labels(source, "fashion-mnist")
    for gz in source.glob("*/raw/*.gz"):
        gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    prepare(root, source, ["fashion-mnist"])
    assert np.array_equal(root.test_labels("fashion-mnist"), expected)
    assert len(read(root.public, "fashion-mnist", False)) == 200


def test_truncated_source_file_is_reported(root: DataRoot, source: Path) -> None:
    gz = source / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:1000])
    with pytest.raises(DataError, match="cannot decompress .*t10k-images-idx3-ubyte.gz"):
        prepare(root, source, ["mnist"])
    assert not root.available("mnist") and not (root.public / "MNIST").exists()


def test_a_public_copy_with_placeholders_is_refused(prepared: DataRoot, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="test labels are a data root's placeholders"):
        prepare(DataRoot(tmp_path / "other"), prepared.public, ["mnist"])


def test_a_public_copy_of_an_older_root_with_zero_placeholders_is_refused(
    prepared: DataRoot, tmp_path: Path
) -> None:
    _age(prepared, "mnist")
    with pytest.raises(DataError, match="test labels are a data root's placeholders"):
        prepare(DataRoot(tmp_path / "other"), prepared.public, ["mnist"])


# -- roots prepared by an older dlgrade (all-zero placeholders) -------------------


def _age(root: DataRoot, name: str) -> None:
    """Make dataset `name` of `root` look prepared by an older dlgrade: placeholders all 0,
    and a manifest entry that does not say how they were made."""
    if DATASETS[name].layout == "idx":
        labels = root.folder(name) / "raw" / "t10k-labels-idx1-ubyte"
        data = labels.read_bytes()
        labels.write_bytes(data[:8] + bytes(len(data) - 8))
    else:
        batch_file = root.folder(name) / "test_batch"
        with open(batch_file, "rb") as f:
            batch = pickle.load(f, encoding="latin1")
        with open(batch_file, "wb") as f:
            pickle.dump({**batch, "labels": [0] * len(batch["labels"])}, f, protocol=4)
    entry = dict(root.manifest()[name])
    entry.pop("placeholders")
    entry["test_labels"] = "placeholders (all 0) in public/; true ones in labels/"
    root.set_entry(name, entry)


def test_an_older_root_needs_prepare_again(
    prepared: DataRoot, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _age(prepared, "cifar10")
    assert not prepared.available("cifar10") and prepared.available("mnist")
    with pytest.raises(DataError) as caught:
        prepared.require("cifar10")
    message = str(caught.value)
    assert "CIFAR-10" in message and "older dlgrade" in message and "\n" not in message
    assert "grade data prepare --from DIR` again" in message
    assert main(["data", "status", "--data-dir", str(prepared.path)]) == 1
    out = capsys.readouterr().out
    assert "cifar10" in out and "older dlgrade (test-label placeholders all 0)" in out
    prepare(prepared, source, ["cifar10"])
    assert prepared.available("cifar10")
    assert are_placeholders(read(prepared.public, "cifar10", False).targets, "cifar10")


@pytest.mark.parametrize("name", NAMES)
def test_placeholders_of_every_dataset_cover_every_class_equally(
    prepared: DataRoot, name: str
) -> None:
    targets = np.asarray(read(prepared.public, name, False).targets)
    counts = np.bincount(targets, minlength=DATASETS[name].num_classes)
    assert counts.size == DATASETS[name].num_classes and counts.min() >= 1
    assert counts.max() - counts.min() <= 1


# -- interruptions --------------------------------------------------------------


def test_interrupted_first_prepare_leaves_nothing(
    root: DataRoot, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(prepare_module, "hide_test_labels", crash)
    with pytest.raises(KeyboardInterrupt):
        prepare(root, source, ["cifar10"])
    assert not root.available("cifar10")
    assert not (root.public / "cifar-10-batches-py").exists()
    assert not root.labels_file("cifar10").exists()
    assert not (root.path / ".staging").exists()


def test_failed_re_prepare_keeps_the_previous_copy(
    prepared: DataRoot, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("conversion failed")

    monkeypatch.setattr(prepare_module, "hide_test_labels", crash)
    with pytest.raises(RuntimeError):
        prepare(prepared, source, ["mnist"])
    assert prepared.available("mnist")
    assert np.array_equal(prepared.test_labels("mnist"), true_test_labels(source, "mnist"))


def test_interrupted_swap_is_reported_missing(
    prepared: DataRoot, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        prepare(prepared, source, ["mnist"])
    monkeypatch.undo()
    assert not prepared.available("mnist") and prepared.available("cifar10")
    prepare(prepared, source, ["mnist"])
    assert prepared.available("mnist")


def test_concurrent_prepare_is_refused(root: DataRoot, source: Path) -> None:
    root.path.mkdir(parents=True)
    with open(root.path / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(DataError, match="another `grade data prepare` is running"):
            prepare(root, source, ["mnist"])
    assert prepare(root, source, ["mnist"]) == ["mnist"]


# -- CIFAR-10 from the JPEG copy, and downloads -----------------------------------

FAKE_BUILD = """\
import shutil, sys
from pathlib import Path
if len(sys.argv) != 2:
    sys.exit("usage: build_cifar10.py OUT")
here = Path(__file__).resolve().parent
shutil.copytree(here / "batches", Path(sys.argv[1]) / "cifar-10-batches-py")
"""


def jpeg_copy(source: Path, script: str) -> None:
    """Turn the source's CIFAR-10 into a cifar10-jpeg folder whose build script is `script`."""
    jpeg = source / "cifar10-jpeg"
    jpeg.mkdir()
    (source / "cifar-10-batches-py").rename(jpeg / "batches")
    (jpeg / "build_cifar10.py").write_text(script)


def test_cifar_rebuilt_from_jpeg_copy(root: DataRoot, source: Path) -> None:
    expected = true_test_labels(source, "cifar10")
    jpeg_copy(source, FAKE_BUILD)
    before = files_under(source)
    messages: list[str] = []
    prepare(root, source, ["cifar10"], progress=messages.append)
    assert any("rebuilding" in m for m in messages)
    assert files_under(source) == before
    status = {s.name: s for s in root.status()}["cifar10"]
    assert status.detail.startswith(f"rebuilt from JPEG copy {source / 'cifar10-jpeg'}")
    test = read(root.public, "cifar10", False)
    assert len(test) == 200 and are_placeholders(test.targets, "cifar10")
    assert np.array_equal(root.test_labels("cifar10"), expected)


def test_failing_build_script_is_reported(root: DataRoot, source: Path) -> None:
    jpeg_copy(source, "import sys\nsys.exit('no Pillow here')\n")
    with pytest.raises(DataError, match=r"build_cifar10.py failed \(exit 1\): no Pillow here"):
        prepare(root, source, ["cifar10"])
    assert not root.available("cifar10") and not (root.public / "cifar-10-batches-py").exists()


def fake_mnist(source: Path) -> Callable[..., None]:
    """Stands in for torchvision.datasets.MNIST(download=True): leaves gz and extracted files."""

    def download(root: str, train: bool, download: bool) -> None:
        raw = Path(root) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for gz in (source / "MNIST" / "raw").glob("*.gz"):
            shutil.copyfile(gz, raw / gz.name)
            (raw / gz.stem).write_bytes(gzip.decompress(gz.read_bytes()))

    return download


def test_download_is_converted_like_a_local_copy(
    root: DataRoot, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torchvision.datasets, "MNIST", fake_mnist(source))
    prepare(root, None, ["mnist"])
    monkeypatch.undo()
    assert root.status()[0].detail.startswith("download, prepared")
    assert not list(root.public.rglob("*.gz"))
    assert np.array_equal(root.test_labels("mnist"), true_test_labels(source, "mnist"))
    assert are_placeholders(read(root.public, "mnist", False).targets, "mnist")


def test_failed_download_is_one_line(root: DataRoot, monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args: object, **kwargs: object) -> None:
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    with pytest.raises(DataError) as caught:
        prepare(root, None, ["cifar10"])
    message = str(caught.value)
    assert message.startswith("could not download CIFAR-10") and "--from DIR" in message
    assert "\n" not in message
    assert not root.available("cifar10")


# -- the catalogue and the data root's location ----------------------------------


def test_catalogue_matches_torchvision() -> None:
    assert DATASETS["mnist"].classes == torchvision.datasets.MNIST.classes
    assert DATASETS["fashion-mnist"].classes == torchvision.datasets.FashionMNIST.classes
    assert DATASETS["cifar10"].classes == CIFAR_CLASSES
    assert [DATASETS[n].num_classes for n in NAMES] == [10, 10, 10]
    assert DATASETS["cifar10"].image_shape == [3, 32, 32]


def test_unknown_dataset_name(root: DataRoot, source: Path) -> None:
    with pytest.raises(DataError, match="unknown dataset 'svhn': choose from mnist"):
        prepare(root, source, ["svhn"])


def test_resolve_data_root_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADE_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_data_root(tmp_path / "cli") == tmp_path / "cli"
    assert resolve_data_root(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_data_root() == tmp_path / "env"
    monkeypatch.delenv("GRADE_DATA_DIR")
    assert resolve_data_root(None) == tmp_path / "xdg" / "dlgrade" / "data"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_root() == tmp_path / "home" / ".cache" / "dlgrade" / "data"


# -- the real datasets -------------------------------------------------------------


def shared_datasets() -> Path | None:
    """../shared/datasets beside the checkout, else $GRADE_SHARED_DATASETS, else None."""
    if SHARED.is_dir():
        return SHARED
    env = os.environ.get("GRADE_SHARED_DATASETS")
    return Path(env) if env and Path(env).is_dir() else None


@pytest.mark.data
def test_prepare_real_datasets(tmp_path: Path) -> None:
    shared = shared_datasets()
    if shared is None:
        pytest.skip(f"real datasets not found at {SHARED} nor in $GRADE_SHARED_DATASETS")
    root = DataRoot(tmp_path / "root")
    started = time.monotonic()
    prepare(root, shared, progress=lambda message: print(message, file=sys.stderr))
    print(f"prepared the real datasets in {time.monotonic() - started:.1f} s", file=sys.stderr)
    for name, info in DATASETS.items():
        train, test = read(root.public, name, True), read(root.public, name, False)
        assert (len(train), len(test)) == (info.train_size, info.test_size)
        assert are_placeholders(test.targets, name)
        assert len(root.test_labels(name)) == info.test_size
    cifar = {s.name: s for s in root.status()}["cifar10"]
    assert cifar.detail.startswith("rebuilt from JPEG copy")
    labels = np.load(shared / "cifar10-jpeg" / "labels.npz")
    assert np.array_equal(root.test_labels("cifar10"), labels["test_labels"])
    assert np.array_equal(read(root.public, "cifar10", True).targets, labels["train_labels"])
    assert np.array_equal(root.test_labels("mnist"), true_test_labels(shared, "mnist"))


PER_CLASS_ACCURACY = """
import torch, torchvision, torchvision.transforms as T
transform = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
testset = torchvision.datasets.CIFAR10(root='./data', train=False, download=True,
                                       transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=4, shuffle=False)
classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 32 * 32, 10))
class_correct = list(0. for i in range(10))
class_total = list(0. for i in range(10))
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs, 1)
        c = (predicted == labels).squeeze()
        for i in range(4):
            label = labels[i]
            class_correct[label] += c[i].item()
            class_total[label] += 1
for i in range(10):
    print('Accuracy of %5s : %2d %%' % (classes[i], 100 * class_correct[i] / class_total[i]))
"""


def test_the_tutorials_per_class_accuracy_loop_runs_in_the_sandbox(
    synthetic_data_root: DataRoot,
) -> None:
    plan = Plan(
        cells=[PER_CLASS_ACCURACY],
        probes=[],
        cell_timeout=60,
        data_root=str(synthetic_data_root.public),
        datasets={
            name: {"class": info.torchvision_class, "folder": info.folder}
            for name, info in DATASETS.items()
        },
    )
    result = run(plan, Limits(cell_timeout=60, total_timeout=120))
    assert [c.status for c in result.cells] == ["ok"], result.cells[0].error
    assert result.stdout.count("Accuracy of") == 10
