"""rotation.idnumber: GB 11643-1999 identity numbers, check character, birth date and gender."""

from __future__ import annotations

from datetime import date

import pytest

from rotation.codes import Gender
from rotation.idnumber import IdNumberError, check_character, parse_id_number

# The standard's worked example: a woman born 1949-12-31, check character X.
EXAMPLE = "11010519491231002X"


def with_check(first_17: str) -> str:
    return first_17 + check_character(first_17)


def test_the_standard_example_gives_birth_date_gender_and_check_character() -> None:
    parsed = parse_id_number(EXAMPLE)
    assert (parsed.text, parsed.birth_date, parsed.gender) == (EXAMPLE, date(1949, 12, 31), Gender.FEMALE)
    assert check_character(EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(
    ("first_17", "check"),
    [
        # Weighted sum 132 = 12 * 11: remainder 0 gives "1".
        ("11010519800101009", "1"),
        ("11010519800101004", "0"),  # remainder 1
        ("44030419900307123", "X"),  # remainder 2
        ("44030419900307124", "8"),  # one more in a weight-2 place: remainder 4
    ],
)
def test_check_character_is_iso_7064_mod_11_2(first_17: str, check: str) -> None:
    assert check_character(first_17) == check


def test_odd_seventeenth_character_is_male_even_is_female() -> None:
    assert parse_id_number(with_check("11010519800101001")).gender is Gender.MALE
    assert parse_id_number(with_check("11010519800101002")).gender is Gender.FEMALE


def test_spaces_and_lower_case_x_are_accepted() -> None:
    assert parse_id_number(f"  {EXAMPLE.lower()}\u3000").text == EXAMPLE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11010519491231002", "has 18 characters, this one has 17"),
        ("110105194912310021X", "has 18 characters, this one has 19"),
        ("110105194912310029", "check character is wrong (expected X)"),
        ("1101051949123100AX", "17 digits followed by a digit or X"),
        ("１１０１０５１９４９１２３１００２X", "17 digits followed by a digit or X"),
        (with_check("11010519491331002"), "characters 7-14 (19491331) are not a birth date"),
        (with_check("11010519490229002"), "characters 7-14 (19490229) are not a birth date"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(IdNumberError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_id_number(text)
