"""Keeping the message catalogs in step with the code (used by ``scripts/catalogs.py`` and by
the test that both catalogs are complete).

``extract()`` reads every text marked with ``_``, ``N_``, ``ngettext`` or ``pgettext`` in the
files ``babel.cfg`` names (Python and the sign-in page templates). ``update()`` merges that into
``dashboard/locale/{en,zh}/LC_MESSAGES/messages.po``: new texts are added (English ones filled
with the English text itself, Chinese ones left empty for a translator), texts no longer in the
code are dropped, and the files are written sorted, so that a change shows up as a small diff.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DOMAIN, LANGUAGES, LOCALES, catalog_path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
Key = tuple[str, str | None]  # (msgid, msgctxt)


def extract(root: Path = ROOT) -> Catalog:
    """Every marked text of the code, as a template catalog (with where each one is)."""
    with CONFIG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(CONFIG))
    template = Catalog(project="customer-cockpit", domain=DOMAIN, charset="utf-8",
                       fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def key_of(message_id: str | tuple[str, ...], context: str | None) -> Key:
    first = message_id[0] if isinstance(message_id, (list, tuple)) else message_id
    return str(first), context


def keys(catalog: Iterable) -> set[Key]:
    """The (msgid, context) of every entry except the header."""
    return {key_of(m.id, m.context) for m in catalog if m.id}


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=LOCALES[language])


def _fill_english(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            if not all(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")


def update(template: Catalog | None = None) -> dict[str, list[Key]]:
    """Merge the code's texts into both catalogs; returns, per language, the texts that
    still need a translation."""
    template = template or extract()
    missing: dict[str, list[Key]] = {}
    for language in LANGUAGES:
        path = catalog_path(language)
        if path.exists():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=LOCALES[language], domain=DOMAIN, fuzzy=False,
                              project="customer-cockpit", version="0.1",
                              copyright_holder="customer-cockpit contributors",
                              msgid_bugs_address="-", last_translator="-",
                              language_team=LANGUAGES[language])
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True,
                       update_header_comment=False,
                       update_creation_date=False)
        if language == "en":
            _fill_english(catalog)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, ignore_obsolete=True,
                     include_previous=False, omit_header=False)
        missing[language] = sorted(untranslated(catalog), key=str)
    return missing


def untranslated(catalog: Catalog) -> list[Key]:
    """Entries without a translation (an empty form, or marked fuzzy)."""
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, (list, tuple)) else (
            message.string,)
        if "fuzzy" in message.flags or not all(str(f or "").strip() for f in forms):
            gaps.append(key_of(message.id, message.context))
    return gaps


__all__ = ["extract", "keys", "read", "untranslated", "update"]
