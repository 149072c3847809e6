"""rotation.figures: the one E4/E5 mask, the counts by reason, and `check` and the report agreeing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from reports.plan_reader import read_plan_workbook
from rotation.catalogue import RuleId
from rotation.cli.main import main
from rotation.codes import Status
from rotation.eligibility import Eligibility, assess_roster
from rotation.figures import EXEMPTION_COLUMNS, exemption_counts, is_return, reason_counts, visible
from rotation.workbook.loader import load_workbook


def _standing(status: Status, *reasons: RuleId) -> Eligibility:
    return Eligibility("000001", status, reasons, tenure_years=8, age=53, movable=False)


def test_a_row_with_e4_shows_exempt_and_only_e_star() -> None:
    # E1 beside E4 is hidden too: shown, it would single out who E* stands for.
    standing = _standing(Status.EXEMPT, RuleId.E1, RuleId.E4)
    assert visible(standing.status, standing.reasons) == (Status.EXEMPT, (RuleId.MASKED,))


def test_a_row_with_e5_alone_shows_e_star() -> None:
    standing = _standing(Status.EXEMPT, RuleId.E5)
    assert visible(standing.status, standing.reasons) == (Status.EXEMPT, ("E*",))


def test_include_sensitive_shows_every_reason() -> None:
    standing = _standing(Status.EXEMPT, RuleId.E1, RuleId.E4)
    assert visible(standing.status, standing.reasons, include_sensitive=True) == (
        Status.EXEMPT,
        (RuleId.E1, RuleId.E4),
    )


def test_a_row_without_e4_or_e5_is_shown_as_it_is() -> None:
    for standing in (_standing(Status.EXEMPT, RuleId.E1, RuleId.E2), _standing(Status.DUE, RuleId.T1)):
        assert visible(standing.status, standing.reasons) == (standing.status, standing.reasons)


def test_a_person_with_e4_and_e5_counts_once_as_e_star() -> None:
    rows = [
        _standing(Status.EXEMPT, RuleId.E4, RuleId.E5),
        _standing(Status.EXEMPT, RuleId.E2, RuleId.E5),
        _standing(Status.EXEMPT, RuleId.E2),
        _standing(Status.DUE, RuleId.T1),
    ]
    assert reason_counts(rows) == Counter({"E*": 2, "E2": 1, "T1": 1})
    assert exemption_counts(rows) == Counter({"E*": 2, "E2": 1})
    assert exemption_counts(rows, include_sensitive=True) == Counter({"E5": 2, "E2": 2, "E4": 1})


def test_exemption_columns_show_e4_and_e5_as_one_column() -> None:
    assert [str(code) for code in EXEMPTION_COLUMNS] == ["E1", "E2", "E3", "E*", "E6", "E7"]


def test_only_s2_is_a_return() -> None:
    assert is_return("S2") and is_return(" s2 ")
    assert not is_return("T1") and not is_return("")


def _check_counts(output: str) -> dict[str, int]:
    """The `check` lines under 按依据统计: two spaces, a rule ID, a count."""
    block = output.split("按依据统计", 1)[1].split("应交流人数最多", 1)[0]
    return {code: int(count) for code, count in re.findall(r"^\s+(\S+)\s+(\d+)\s*$", block, re.MULTILINE)}


def test_check_and_the_report_count_exemptions_alike_on_the_sample_district(
    district_xlsx: Path, tmp_path: Path
) -> None:
    """Issue 10: the report said E1 111 and E2 340 where `check` said 112 and 345.

    `check` counted the E1 and E2 of people who also have E4 or E5; the report, reading the masked
    eligibility sheet, did not. The district has such people, so the two counts differ unless both
    go through the one mask.
    """
    loaded = load_workbook(district_xlsx)
    standings = assess_roster(loaded.roster, loaded.params).values()
    assert any(e.is_sensitive and {"E1", "E2"} & set(e.reasons) for e in standings)
    checked = CliRunner().invoke(main, ["check", str(district_xlsx)])
    assert checked.exit_code == 0, checked.output
    plan = tmp_path / "plan.xlsx"
    # Any method writes the same eligibility sheet; greedy writes it in a second.
    solved = CliRunner().invoke(main, ["solve", str(district_xlsx), "-o", str(plan), "--method", "greedy"])
    assert solved.exit_code == 0, solved.output

    by_check = {code: n for code, n in _check_counts(checked.output).items() if code.startswith("E")}
    by_report = dict(read_plan_workbook(plan).exemptions_by_reason())
    assert by_report == by_check
    assert by_check == exemption_counts(standings)
