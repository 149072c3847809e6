"""A sentence in both languages of the product: Chinese by default, English on request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """One sentence, written in English and in Chinese where it is made."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# Characters of a value that a refusal quotes: a pasted page is not echoed whole.
SHOWN_CHARACTERS = 80


def shorten(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text``, cut to its first ``limit`` characters and … when it is longer."""
    return text if len(text) <= limit else f"{text[:limit]}…"
