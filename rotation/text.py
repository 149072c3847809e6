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
