"""Messages in the reader's language: English (the source text) or Korean.

Every message a student or TA reads is written in English inside `_()` (or
`ngettext()` for counts) and translated from the gettext catalog
`graders/locale/<lang>/LC_MESSAGES/dlgrade.po`, managed with Babel (see
`babel.cfg` and the README). The catalog is compiled when first used, in memory,
so the `.po` file is the only copy of a translation.

Placeholders are named and filled after translation, so that a translation may
put them in its own order: `_("{count} checks failed").format(count=n)`.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "dlgrade"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ko")

_language: ContextVar[str | None] = ContextVar("dlgrade_language", default=None)


def default_language() -> str:
    """The language the locale asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): Korean
    for `ko*`, else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "ko" if value.split(":")[0].lower().startswith("ko") else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def language() -> str:
    """The language messages are produced in now."""
    return _language.get() or default_language()


def set_language(lang: str | None) -> None:
    """Produce messages in `lang` from now on (None: the locale's)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language.set(lang)


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Produce messages in `lang` inside the block."""
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (the source language needs none)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it: a constant translated with
    `_()` where it is used."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of `singular` / `plural` for `count`, in the current language."""
    return translations(language()).ngettext(singular, plural, count)


def either(items: Sequence[str]) -> str:
    """`items` as alternatives in the current language ("`a` or `b` or `c`")."""
    joined = items[0] if items else ""
    for item in items[1:]:
        joined = _("{first} or {second}").format(first=joined, second=item)
    return joined


def localized(text: str, korean: str | None) -> str:
    """A rubric's text in the current language: its Korean form where it has one."""
    return korean if korean and language() == "ko" else text
