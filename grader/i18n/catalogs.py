"""Keeping the gettext catalogs: extract the messages, update each language's `.po`,
compile the `.mo` files gettext reads, and find what is untranslated or broken.

Maintenance only (`grader messages`): it needs Babel (the `i18n` extra); grading reads
the compiled `.mo` files with the standard library's gettext and needs nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from grader.errors import GraderError
from grader.i18n.translate import (
    ARGPARSE_DOMAIN,
    COURSE_DOMAIN,
    COURSE_LOCALE_FOLDER,
    ENGINE_DOMAIN,
    ENGINE_LOCALE_DIR,
    placeholders,
)

_PYTHON = "grader.i18n.extract:extract_python"
_TOML = "grader.i18n.extract:extract_exercise_toml"
_DOCSTRINGS = "grader.i18n.extract:extract_docstrings"
_COURSE_TOML = "grader.i18n.extract:extract_course_toml"

MethodMap = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CatalogSet:
    """One domain's messages: the folders they are written in (each with Babel's
    method map) and where the catalogs are kept. Without sources, the catalogs are kept
    by hand (another library's messages, %-style): nothing to extract or update, and
    each .po's own messages are what must be translated."""

    domain: str
    sources: tuple[tuple[Path, MethodMap], ...]
    locale_dir: Path

    @property
    def kept_by_hand(self) -> bool:
        return not self.sources

    def po_path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{self.domain}.po"

    def mo_path(self, language: str) -> Path:
        return self.po_path(language).with_suffix(".mo")

    def languages(self) -> list[str]:
        return sorted(p.parent.parent.name for p in self.locale_dir.glob(f"*/LC_MESSAGES/{self.domain}.po"))


def engine_catalogs() -> CatalogSet:
    package = ENGINE_LOCALE_DIR.parent
    return CatalogSet(ENGINE_DOMAIN, ((package, (("**.py", _PYTHON),)),), ENGINE_LOCALE_DIR)


def argparse_catalogs() -> CatalogSet:
    """argparse's own words, translated for the CLI (grader/cli/argparse_words.py). The
    msgids are argparse's, from every Python we support: extracting them from the running
    Python's argparse.py would drop the others' (tests/cli/test_argparse_words.py compares)."""
    return CatalogSet(ARGPARSE_DOMAIN, (), ENGINE_LOCALE_DIR)


def course_catalogs(course_root: Path) -> CatalogSet:
    """The course's title, the checks' messages and titles, the exercises' titles, and the
    stubs' docstrings (a kit released in a language carries its stubs' instructions
    translated). A source may be a single file (course.toml)."""
    return CatalogSet(
        COURSE_DOMAIN,
        (
            (course_root / "course.toml", (("course.toml", _COURSE_TOML),)),
            (course_root / "checks", (("**/exercise.toml", _TOML), ("**.py", _PYTHON))),
            (course_root / "exercises", (("*.py", _DOCSTRINGS),)),
        ),
        course_root / COURSE_LOCALE_FOLDER,
    )


def _babel():
    try:
        from babel.messages import catalog, extract, mofile, pofile
    except ImportError:
        raise GraderError(
            "keeping the message catalogs needs Babel, which is not installed",
            hint="pip install 'grader[i18n]' (grading itself does not need it)",
        ) from None
    return catalog, extract, mofile, pofile


def extract(catalogs: CatalogSet):
    """A template catalog of every message the sources use."""
    catalog_mod, extract_mod, _, _ = _babel()
    template = catalog_mod.Catalog(domain=catalogs.domain, project=catalogs.domain, charset="utf-8")
    for folder, method_map in catalogs.sources:
        if folder.is_file():
            ((_, method),) = method_map
            for lineno, message, comments, context in extract_mod.extract_from_file(method, str(folder)):
                template.add(message, locations=[(folder.name, lineno)], auto_comments=comments, context=context)
            continue
        if not folder.is_dir():
            continue
        found = extract_mod.extract_from_dir(str(folder), method_map=list(method_map))
        for filename, lineno, message, comments, context in found:
            if "__pycache__" in filename:
                continue
            where = f"{folder.name}/{filename}"
            template.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    return template


def update(catalogs: CatalogSet, language: str) -> Path:
    """Bring `language`'s .po up to the sources, creating it if needed: new messages
    come untranslated, or fuzzy with a similar message's translation (fuzzy ones are not
    compiled until a translator confirms them); gone ones are kept as obsolete (#~), as
    msgmerge does. Returns its path."""
    catalog_mod, _, _, pofile = _babel()
    if catalogs.kept_by_hand:
        raise GraderError(f"the {catalogs.domain} catalogs are kept by hand: there is nothing to extract")
    template = extract(catalogs)
    path = catalogs.po_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalog = pofile.read_po(handle, locale=language, domain=catalogs.domain)
        catalog.update(template)
    else:
        catalog = catalog_mod.Catalog(locale=language, domain=catalogs.domain, project=catalogs.domain, charset="utf-8")
        catalog.update(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_previous=True)
    path.write_bytes(buffer.getvalue())
    return path


def compiled(catalogs: CatalogSet, language: str) -> bytes:
    _, _, mofile, pofile = _babel()
    with catalogs.po_path(language).open("rb") as handle:
        catalog = pofile.read_po(handle, locale=language, domain=catalogs.domain)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def message_ids(catalogs: CatalogSet) -> set[str]:
    """The messages (their msgid; a plural's singular) that the sources use."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in extract(catalogs) if m.id}


def compiled_subset(catalogs: CatalogSet, language: str, keep: Iterable[str]) -> bytes:
    """`language`'s compiled catalog holding only the messages in `keep` (msgids; a plural
    by its singular): a student kit's catalog, which says nothing of what the kit leaves out
    (the hidden checks' titles and messages)."""
    _, _, mofile, pofile = _babel()
    wanted = set(keep)
    with catalogs.po_path(language).open("rb") as handle:
        catalog = pofile.read_po(handle, locale=language, domain=catalogs.domain)
    for message in list(catalog):
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and key not in wanted:
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _translations_in(mo: bytes) -> set[tuple[object, object, object]]:
    """A compiled catalog's messages, header aside: the header names the Babel version
    that wrote it, which differs between machines without the translations differing."""
    _, _, mofile, _ = _babel()
    catalog = mofile.read_mo(io.BytesIO(mo))
    return {(m.id, m.string, m.context) if isinstance(m.id, str) else (tuple(m.id), tuple(m.string), m.context)
            for m in catalog if m.id}


_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?(?P<kind>[a-zA-Z%])")


def percent_placeholders(message: str) -> list[str]:
    """A %-style message's placeholders in order ("%(prog)s", "%s"), "%%" aside."""
    return [f.group(0) for f in _PERCENT.finditer(message) if f["kind"] != "%"]


def _percent_problems(language: str, label: str, ids: list[str], strings: list[str]) -> list[CatalogProblem]:
    """A %-style translation must keep each placeholder as it is: the caller fills it with
    `%`, by name or, for an unnamed one, by position (so those keep their order too)."""
    expected = percent_placeholders(ids[-1])
    for text in strings:
        got = percent_placeholders(text)
        same = sorted(got) == sorted(expected) and [p for p in got if "(" not in p] == [
            p for p in expected if "(" not in p]
        if not same:
            return [CatalogProblem(language, label, f"placeholders differ: {got} vs {expected}")]
    return []


def compile_all(catalogs: CatalogSet) -> list[Path]:
    written = []
    for language in catalogs.languages():
        path = catalogs.mo_path(language)
        path.write_bytes(compiled(catalogs, language))
        written.append(path)
    return written


@dataclass(frozen=True)
class CatalogProblem:
    language: str
    message: str
    problem: str  # "untranslated", "fuzzy", "placeholders differ: ...", "not compiled"


def problems(catalogs: CatalogSet, languages: Iterable[str] | None = None) -> list[CatalogProblem]:
    """Every message of the sources that a language's catalog lacks, leaves fuzzy, or
    translates with other placeholders; and a .mo older than its .po's content."""
    _, _, _, pofile = _babel()
    template = None if catalogs.kept_by_hand else extract(catalogs)
    found: list[CatalogProblem] = []
    for language in languages if languages is not None else catalogs.languages():
        path = catalogs.po_path(language)
        if not path.exists():
            found.append(CatalogProblem(language, str(path), "no catalog"))
            continue
        with path.open("rb") as handle:
            catalog = pofile.read_po(handle, locale=language, domain=catalogs.domain)
        for wanted in catalog if template is None else template:
            if not wanted.id:
                continue
            entry = catalog.get(wanted.id, context=wanted.context)
            label = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
            strings = [entry.string] if entry is not None and isinstance(entry.string, str) else list(entry.string or ()) if entry is not None else []
            if entry is None or not all(strings):
                found.append(CatalogProblem(language, label, "untranslated"))
            elif entry.fuzzy:
                found.append(CatalogProblem(language, label, "fuzzy"))
            else:
                ids = [wanted.id] if isinstance(wanted.id, str) else list(wanted.id)
                if catalogs.kept_by_hand:
                    found.extend(_percent_problems(language, label, ids, strings))
                    continue
                expected = set().union(*(placeholders(i) for i in ids))
                # Only a plural form may leave out its count ("一个" for one); nothing else may drop one.
                may_drop = {"n"} if len(ids) > 1 else set()
                if "<positional>" in expected:
                    found.append(CatalogProblem(language, label, "a positional placeholder: tr() fills {names} only"))
                    continue
                for text in strings:
                    got = placeholders(text)
                    if not got <= expected or not (expected - may_drop) <= got:
                        found.append(CatalogProblem(
                            language, label, f"placeholders differ: {sorted(got)} vs {sorted(expected)}"))
                        break
        mo = catalogs.mo_path(language)
        if not mo.exists() or _translations_in(mo.read_bytes()) != _translations_in(compiled(catalogs, language)):
            found.append(CatalogProblem(language, str(mo), "not compiled (run `grader messages compile`)"))
    return found
