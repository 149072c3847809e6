"""The 18-character resident identity number of GB 11643-1999 (身份证号).

Characters 7-14 are the birth date (YYYYMMDD), character 17 is odd for men and
even for women, and character 18 is the ISO 7064 MOD 11-2 check character of
the first 17.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rotation.codes import Gender
from rotation.text import Text

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
LENGTH = 18


class IdNumberError(ValueError):
    """An identity number that is malformed; the message is one sentence saying how.

    ``str(error)`` is the English sentence; ``text`` holds it in both languages.
    """

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True, slots=True)
class IdNumber:
    text: str
    birth_date: date
    gender: Gender


def check_character(first_17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(text: str) -> IdNumber:
    """The identity number in ``text`` (spaces trimmed, a lower-case x accepted), or IdNumberError."""
    number = text.strip().upper()
    if len(number) != LENGTH:
        raise IdNumberError(
            Text(
                f"an identity number has {LENGTH} characters, this one has {len(number)}",
                f"身份证号应为 {LENGTH} 位，此号码为 {len(number)} 位",
            )
        )
    body, check = number[:17], number[17]
    # isascii: str.isdigit also accepts full-width and other Unicode digits.
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise IdNumberError(
            Text(
                "an identity number is 17 digits followed by a digit or X",
                "身份证号应为 17 位数字加一位数字或 X",
            )
        )
    if check_character(body) != check:
        expected = check_character(body)
        raise IdNumberError(
            Text(f"the check character is wrong (expected {expected})", f"校验码错误（应为 {expected}）")
        )
    return IdNumber(number, _birth_date(body[6:14]), Gender.MALE if int(body[16]) % 2 else Gender.FEMALE)


def _birth_date(digits: str) -> date:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberError(
            Text(f"characters 7-14 ({digits}) are not a birth date", f"第 7-14 位（{digits}）不是出生日期")
        ) from None
