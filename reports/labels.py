"""The text of output cells and headers in either language (zh by default, en on request)."""

from __future__ import annotations

from collections.abc import Iterable

from rotation.codes import Coded
from rotation.workbook.schema import Sheet

LANGUAGES: tuple[str, ...] = ("zh", "en")


def check_language(lang: str) -> None:
    """Refuse a language the contract does not define, rather than silently writing English."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown output language {lang!r} (known: {', '.join(LANGUAGES)})")


def headers(sheet: Sheet, lang: str) -> list[str]:
    return [column.label(lang) for column in sheet.columns]


def code_text(code: Coded | None, lang: str) -> str | None:
    """A code by its Chinese name or English key; a missing code is a blank cell."""
    return None if code is None else code.label(lang)


def rules_text(rule_ids: Iterable[str]) -> str | None:
    """Rule IDs as the contract writes them, ``E2;E4``; none is a blank cell. IDs are never translated."""
    return ";".join(rule_ids) or None


def yes_no(value: bool, lang: str) -> str:
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"
