"""The data-set provider interface, and the registry that finds a provider by name.

An exercise asks for data sets by name (`needs_data = ["mnist"]` in its exercise.toml);
the engine looks each name up here and knows nothing else about the data. A provider
says everything that is particular to its data set:

    name              the name in needs_data, of the course.toml table [data.<name>],
                      of the fixture checks receive, and of its user-cache folder
    settings_model    the pydantic model of [data.<name>] (e.g. MNIST's mean and std)
    candidates        where to look for its files, in order (from a DataSearch)
    find              which candidate holds the files (Located says why others didn't)
    how_to_provide    what a student reads when the data is not found
    folder_hint       what a folder given with --data-dir must hold
    download          fetch the files (a provider without mirrors says how to get them)
    import_files      copy the files from a folder after verifying them
    verify            each file's name and whether it is the original
    load              read and validate the files (in the grading process)
    summary           what `grader data --verify` says of the loaded data
    prepare           split the loaded data across the sandbox boundary: write what
                      student code may read into a private folder; keep the rest here
    fixture_value     what a check receives, from the prepared data and the settings

`DataProviders` is an immutable registry: the built-in providers plus those installed
through the `grader.data_providers` entry point group; a caller (or a test) adds its
own with `with_provider`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from grader.data.download import Progress
from grader.data.locate import DATA_DIR_OPTION, ENV_VAR, USER_CACHE, Candidate, DataSearch, Located
from grader.errors import DownloadFailed, ManifestError, UnknownDataSet
from grader.i18n import tr

ENTRY_POINT_GROUP = "grader.data_providers"


class NoSettings(BaseModel):
    """A data set the course configures nothing of: [data.<name>] must be empty or absent."""

    model_config = ConfigDict(extra="forbid")


class DataProvider(ABC):
    """One data set: where its files are, how to get, load and prepare them, and what a
    check receives. Subclasses set `name` and `title` and implement `missing`, `load`
    and `prepare`; the rest has defaults that suit a data set kept in one folder."""

    name: str = ""
    title: str = ""  # how users call it ("MNIST")
    settings_model: type[BaseModel] = NoSettings

    # -- where the files are -----------------------------------------------------
    def cache_dir(self, cache_root: Path) -> Path:
        return cache_root / self.name

    def candidates(self, search: DataSearch) -> list[Candidate]:
        """--data-dir, $GRADER_DATA_DIR/<name>, then the user cache."""
        found: list[Candidate] = []
        if search.data_dir is not None:
            found.append(Candidate(search.data_dir, DATA_DIR_OPTION))
        if search.env_dir:
            found.append(Candidate(Path(search.env_dir) / self.name, f"${ENV_VAR}/{self.name}"))
        if search.cache_root is not None:
            found.append(Candidate(self.cache_dir(search.cache_root), USER_CACHE))
        return found

    @abstractmethod
    def missing(self, folder: Path) -> list[str]:
        """The names of this data set's files that `folder` lacks (all present: [])."""

    def file_count(self) -> int:
        """How many files make the data set (a folder lacking all of them holds none)."""
        return 1

    def find(self, search: DataSearch) -> Located:
        from grader.data.locate import find

        return find(self.candidates(search), self.missing, self.file_count())

    def how_to_provide(self, located: Located) -> str:
        looked = ", ".join(str(c.folder) for c, _ in located.passed_over)
        return tr("{title} data not found (looked in: {places}); pass `--data-dir FOLDER` or set {variable}",
                  title=self.title or self.name, places=looked or "-", variable=ENV_VAR)

    def folder_hint(self) -> str:
        """What a folder given with --data-dir must hold, in words ("" : say how_to_provide)."""
        return ""

    # -- getting the files -------------------------------------------------------
    def download(self, dest: Path, *, progress: Progress | None = None) -> list[str]:
        """Fetch the files into `dest`; the names fetched."""
        raise DownloadFailed(tr("{title} cannot be downloaded by the grader", title=self.title or self.name),
                             hint=tr("put its files in a folder and pass `--data-dir FOLDER`"))

    def import_files(self, source: Path, dest: Path) -> list[str]:
        """Copy the files from `source` into `dest` after verifying them; the names copied."""
        raise DownloadFailed(tr("{title} cannot be imported by the grader", title=self.title or self.name),
                             hint=tr("put its files in a folder and pass `--data-dir FOLDER`"))

    def verify(self, folder: Path) -> list[tuple[str, bool]]:
        """Each file's name and whether it is byte-identical to the original."""
        return []

    def attribution(self) -> str:
        """Who made the data set and its licence, shown by `grader data`."""
        return ""

    # -- using them --------------------------------------------------------------
    @abstractmethod
    def load(self, folder: Path) -> Any:
        """Read and validate the files (raise DataError naming the file that is wrong)."""

    def summary(self, loaded: Any) -> str:
        """What `grader data --verify` says of the loaded data (e.g. how many images)."""
        return tr("every file read and valid")

    @abstractmethod
    def prepare(self, loaded: Any, workdir: Path) -> Any:
        """Write into `workdir` what student code may read (the sandbox exposes that
        folder and hides the original one); return what stays in the grading process."""

    def settings(self, table: Mapping[str, Any] | None, where: str = "course.toml") -> BaseModel:
        """The course's [data.<name>] table, validated."""
        try:
            return self.settings_model.model_validate(dict(table or {}))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ManifestError(tr("{path} [data.{name}]: {problems}", path=where, name=self.name,
                                   problems=problems)) from exc

    def fixture_value(self, prepared: Any, settings: BaseModel) -> Any:
        """What a check that names the fixture `<name>` receives."""
        return prepared


class DataProviders:
    """Providers by name. Immutable: `with_provider` returns a new registry."""

    def __init__(self, providers: Iterable[DataProvider] = ()) -> None:
        self._by_name: dict[str, DataProvider] = {}
        for provider in providers:
            if not provider.name.isidentifier():
                # The name is also a fixture's: it must be a Python identifier.
                raise ValueError(f"a data-set provider's name must be an identifier, not {provider.name!r}")
            self._by_name[provider.name] = provider

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[DataProvider]:
        return iter(self._by_name.values())

    def with_provider(self, provider: DataProvider) -> "DataProviders":
        return DataProviders([*self._by_name.values(), provider])

    def get(self, name: str, asked_by: str = "") -> DataProvider:
        """The provider called `name`; an unknown name is an error naming the known ones."""
        provider = self._by_name.get(name)
        if provider is None:
            where = tr("{who} asks for data set {name!r}", who=asked_by, name=name) if asked_by else \
                tr("unknown data set {name!r}", name=name)
            raise UnknownDataSet(
                tr("{where}, but no provider has that name; known data sets: {known}",
                   where=where, known=", ".join(self.names()) or "-"),
                hint=tr("fix needs_data in the exercise.toml, or install the package that provides it "
                        "(entry point group {group})", group=ENTRY_POINT_GROUP),
            )
        return provider

    def needed_by(self, needs: Mapping[str, Iterable[str]]) -> list[DataProvider]:
        """The providers of what exercises need (`needs`: the exercise's file or id ->
        its needs_data), each once, in order; an unknown name is an error."""
        found: dict[str, DataProvider] = {}
        for who, names in needs.items():
            for name in names:
                found.setdefault(name, self.get(name, asked_by=who))
        return list(found.values())
