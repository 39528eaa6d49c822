"""The providers a grader knows: the built-in ones, then those installed as plugins.

Apart from providers.py (the interface) so that a provider module imports the
interface and this registry imports the providers, never the other way round.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from grader.data.mnist.provider import MnistProvider
from grader.data.providers import ENTRY_POINT_GROUP, DataProvider, DataProviders


def builtin_providers() -> list[DataProvider]:
    return [MnistProvider()]


@functools.cache
def default_providers() -> DataProviders:
    """The built-in providers, then those installed under the entry point group (read once:
    installed packages do not change while the grader runs)."""
    installed = [entry.load()() for entry in entry_points(group=ENTRY_POINT_GROUP)]
    return DataProviders([*builtin_providers(), *installed])
