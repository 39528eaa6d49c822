"""The data sets one grading may use, each loaded at most once, on first use.

`PreparedData` holds one data set for a grading run (a batch worker keeps it across
submissions): its provider loads the files and prepares them across the sandbox
boundary into a private folder the sandboxed worker may read, while the original
folder stays hidden from it. `DataSets` is what the engine is given: the registry
and the prepared data by name. Nothing here knows any particular data set.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import DataError
from grader.i18n import active_language, tr

if TYPE_CHECKING:
    from grader.data.providers import DataProvider, DataProviders


class DataUnavailable(Exception):
    """The data cannot be used; the message says exactly how to provide it."""


class PreparedData:
    """One data set for a grading run. `folder` is where it was found (None: not found;
    `missing_message` then says how to provide it, or the provider's own words do)."""

    def __init__(self, provider: "DataProvider", folder: Path | None, missing_message: str = "") -> None:
        self.provider = provider
        self.folder = folder
        self._missing_message = missing_message
        self._value: Any = None
        self._ready = False
        # Why the data cannot be used, by language: a batch worker keeps one for students
        # who read different languages.
        self._failures: dict[str, str] = {}
        self._workdir: Path | None = None

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def missing_message(self) -> str:
        """How to provide the data, in the active language unless the caller said it."""
        if self._missing_message:
            return self._missing_message
        from grader.data.locate import Located

        return self.provider.how_to_provide(Located(None))

    def get(self) -> Any:
        """What the provider prepared; DataUnavailable says why there is nothing."""
        if self._ready:
            return self._value
        language = active_language()
        if language not in self._failures:
            self._failures[language] = self._prepare()
        if not self._ready:
            raise DataUnavailable(self._failures[language])
        return self._value

    def _prepare(self) -> str:
        if self.folder is None:
            return self.missing_message
        try:
            loaded = self.provider.load(self.folder)
        except DataError as error:
            if not error.hint:
                return error.message
            # One message, so a language puts its own full stop between them (zh: 。).
            return tr("{problem}. {hint}", problem=error.message, hint=error.hint)
        self._workdir = Path(tempfile.mkdtemp(prefix=f"grader-{self.name}-"))
        self._value = self.provider.prepare(loaded, self._workdir)
        self._ready = True
        return ""

    def exposed_paths(self) -> list[str]:
        """What a sandboxed worker must be able to read: the prepared folder (its private
        /tmp hides everything else)."""
        return [str(self._workdir)] if self._ready and self._workdir is not None else []

    def hidden_paths(self) -> tuple[Path, ...]:
        """What a sandboxed worker must not see: the original files (test labels included)."""
        return (self.folder,) if self.folder is not None else ()

    def close(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self._value = None
        self._ready = False


class DataSets:
    """The data sets a grading may use: the providers by name, and those prepared.

    A data set the registry knows but that was not given (not found, or not asked for)
    is reported by its provider as not available: checks that need it are not run."""

    def __init__(self, providers: "DataProviders | None" = None, prepared: list[PreparedData] = ()) -> None:
        if providers is None:
            from grader.data.registry import default_providers

            providers = default_providers()
        self.providers = providers
        self._prepared = {data.name: data for data in prepared}

    def __getitem__(self, name: str) -> PreparedData:
        if name not in self._prepared:
            self._prepared[name] = PreparedData(self.providers.get(name), None)
        return self._prepared[name]

    def hidden_paths(self) -> tuple[Path, ...]:
        return tuple(path for data in self._prepared.values() for path in data.hidden_paths())

    def exposed_paths(self) -> list[str]:
        return [path for data in self._prepared.values() for path in data.exposed_paths()]

    def close(self) -> None:
        for data in self._prepared.values():
            data.close()
