"""MNIST behind the data-set provider interface: the engine's only way to it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from grader.data.download import Progress
from grader.data.locate import Candidate, DataSearch, Located
from grader.data.mnist import locate
from grader.data.mnist.files import ATTRIBUTION, MNIST_FILES, file_path, missing_files
from grader.data.providers import DataProvider
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.data.mnist.load import MnistData
    from grader.data.mnist.prepared import CheckData


class MnistSettings(BaseModel):
    """How the course normalises MNIST (its notes: transforms.Normalize((mean,), (std,))),
    from course.toml's [data.mnist]."""

    model_config = ConfigDict(extra="forbid")

    mean: float = 0.0
    std: float = Field(1.0, gt=0)


class MnistProvider(DataProvider):
    """The four original IDX files. `full=False` accepts the tiny generated sets tests use."""

    name = locate.NAME
    title = "MNIST"
    settings_model = MnistSettings

    def __init__(self, *, full: bool = True) -> None:
        self.full = full

    def cache_dir(self, cache_root: Path) -> Path:
        return locate.cache_dir(cache_root)

    def candidates(self, search: DataSearch) -> list[Candidate]:
        return locate.candidates(search)

    def missing(self, folder: Path) -> list[str]:
        return missing_files(folder)

    def file_count(self) -> int:
        return len(MNIST_FILES)

    def find(self, search: DataSearch) -> Located:
        return locate.find_mnist(self.candidates(search))

    def how_to_provide(self, located: Located) -> str:
        return locate.how_to_provide(located)

    def folder_hint(self) -> str:
        return tr("the folder must hold train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                  "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (or MNIST/raw/ with them)")

    def download(self, dest: Path, *, progress: Progress | None = None) -> list[str]:
        from grader.data.mnist.download import download_mnist

        return download_mnist(dest, progress=progress)

    def import_files(self, source: Path, dest: Path) -> list[str]:
        from grader.data.mnist.download import import_mnist

        return import_mnist(source, dest)

    def verify(self, folder: Path) -> list[tuple[str, bool]]:
        from grader.data.mnist.download import is_verified

        checked = []
        for spec in MNIST_FILES:
            path = file_path(folder, spec)
            assert path is not None
            checked.append((path.name, is_verified(path, spec)))
        return checked

    def attribution(self) -> str:
        return ATTRIBUTION

    def load(self, folder: Path) -> "MnistData":
        # Imported here: finding the files must not import torch (the CLI checks a
        # --data-dir while its sandbox starts importing torch in parallel).
        from grader.data.mnist.load import load_mnist

        return load_mnist(folder, full=self.full)

    def summary(self, loaded: "MnistData") -> str:
        return tr("{train} training and {test} test images read",
                  train=loaded.train_images.shape[0], test=loaded.test_images.shape[0])

    def prepare(self, loaded: "MnistData", workdir: Path) -> "CheckData":
        from grader.data.mnist.prepared import write_child_file

        return write_child_file(loaded, workdir)

    def fixture_value(self, prepared: "CheckData", settings: Any) -> "CheckData":
        """The prepared data with the course's normalisation."""
        return dataclasses.replace(prepared, normalisation=(settings.mean, settings.std))
