"""``rotation verify`` (issue 12 §1): any plan workbook against every rule, agreeing with the checker.

The independent checker (tests/plan_checker.py) and verify are two readings of the same rules, one
written apart from the project and one made of the project's predicates. They must name the same
violated rules about the same people and schools (their words differ) on every plan of the test
suite: each hand-made plan of tests/test_plan_checker.py, and plans the solver wrote for the bundled
workbooks, as written and as a planner edits them by hand.
"""

from __future__ import annotations

import inspect
import itertools
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import test_plan_checker as hand
from click.testing import CliRunner
from openpyxl import load_workbook
from plan_checker import check_plan_workbook

from reports.plan_reader import read_plan_workbook
from reports.verify import CONTRACT, Verified, verify_files
from rotation.cli.main import main
from rotation.workbook.loader import WorkbookError
from rotation.workbook.loader import load_workbook as load_input

# --------------------------------------------------------------------------- comparing the two


def checker_findings(messages: Iterable[str], ids: set[str]) -> dict[str, set[str]]:
    """Per rule ID, the staff and school ids the checker's messages name (its Contract ones apart)."""
    found: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        rule, _, text = message.partition(":")
        if rule == "Contract":
            continue
        found[rule] |= {word for word in re.split(r"[^\w]+", text) if word in ids}
    return dict(found)


def verify_findings(verified: Verified) -> dict[str, set[str]]:
    """Per rule ID, the staff and school ids verify's violations name (its contract ones apart)."""
    found: dict[str, set[str]] = defaultdict(set)
    for violation in verified.verdict.violations:
        if violation.rule != CONTRACT:
            found[violation.rule] |= {*violation.staff, *violation.schools}
    return dict(found)


def ids_of(input_path: Path) -> set[str]:
    roster = load_input(input_path).roster
    return {*roster.staff_by_id, *roster.schools}


def agree(input_path: Path, plan_path: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What the checker and verify find wrong with one plan, per rule, for an equality assert."""
    ids = ids_of(input_path)
    return checker_findings(check_plan_workbook(input_path, plan_path), ids), verify_findings(
        verify_files(input_path, plan_path)
    )


# --------------------------------------------------------------------------- every hand-made plan


def _checker_tests() -> Iterator[Any]:
    """Each test of test_plan_checker.py that checks plans through its ``check`` fixture, once per
    parameter set when it is parametrised."""
    for name, test in vars(hand).items():
        if not name.startswith("test_") or "check" not in inspect.signature(test).parameters:
            continue
        marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
        if not marks:
            yield pytest.param(test, {}, id=name)
            continue
        names, values = marks[0].args
        keys = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        for index, value in enumerate(values):
            given = value.values if hasattr(value, "values") else value
            given = given if len(keys) > 1 else (given,)
            yield pytest.param(test, dict(zip(keys, given, strict=True)), id=f"{name}[{index}]")


# Checker tests that write, for one of their plans, what the project's loader refuses: an alliance
# without a town or rural school, and alliance_leader_min above alliance_max.
REFUSED_INPUTS = frozenset(
    {
        "test_n1_only_when_hard_at_urban_town_and_quality_schools",
        "test_obligations_sheet_agrees_with_the_plan_in_either_language",
    }
)


@pytest.mark.parametrize(("test", "arguments"), list(_checker_tests()))
def test_verify_agrees_with_the_checker_on_every_hand_made_plan(
    test: Callable[..., None], arguments: dict[str, object], tmp_path: Path
) -> None:
    disagreements: list[str] = []
    counter = itertools.count()

    def check(
        case: hand.Case,
        moves: Iterable[hand.Row] = (),
        walks: Iterable[hand.Row] = (),
        hard: str = "",
        *,
        eligibility: Iterable[hand.Row] | None = None,
        unmoved_due: Iterable[hand.Row] | None = None,
        schools: Iterable[hand.Row] | None = None,
        obligations: Iterable[hand.Row] | None = None,
        **params: object,
    ) -> list[str]:
        n = next(counter)
        report = {"eligibility": eligibility, "unmoved_due": unmoved_due, "schools": schools,
                  "obligations": obligations}  # fmt: skip
        plan = hand.write_plan(
            tmp_path / f"plan{n}.xlsx",
            list(moves),
            list(walks),
            hand.run_rows(hard, **params),
            **{k: list(v) for k, v in report.items() if v is not None},
        )
        input_path = hand.write_input(tmp_path / f"in{n}.xlsx", case)
        messages = check_plan_workbook(input_path, plan)
        try:
            theirs = checker_findings(messages, ids_of(input_path))
            ours = verify_findings(verify_files(input_path, plan))
        except WorkbookError:
            # An input or parameters the contract forbids: verify refuses it (exit 2), where the
            # checker reads on. Only the tests that write such workbooks on purpose may get here.
            assert test.__name__ in REFUSED_INPUTS
            return messages
        if ours != theirs:
            disagreements.append(f"plan {n}: checker {theirs}, verify {ours}; checker says {messages}")
        return messages

    kwargs: dict[str, object] = {"check": check, **arguments}
    if "tmp_path" in inspect.signature(test).parameters:
        kwargs["tmp_path"] = tmp_path / "own"
        (tmp_path / "own").mkdir()
    test(**kwargs)
    assert disagreements == []


# --------------------------------------------------------------------------- plans the solver wrote, edited


def solve_to(workbook: Path, plan: Path) -> Path:
    result = CliRunner().invoke(main, ["solve", str(workbook), "-o", str(plan), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return plan


class PlanEdit:
    """A plan workbook opened for a planner's hand edits of its assignments sheet (调动名单)."""

    def __init__(self, path: Path) -> None:
        self.book = load_workbook(path)
        self.sheet = self.book["调动名单"]
        self.columns = {cell.value: cell.column for cell in self.sheet[1]}

    def rows(self) -> list[int]:
        return [r for r in range(2, self.sheet.max_row + 1) if self.cell(r, "工号")]

    def cell(self, row: int, header: str) -> object:
        return self.sheet.cell(row, self.columns[header]).value

    def set(self, row: int, header: str, value: object) -> None:
        self.sheet.cell(row, self.columns[header]).value = value

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


def a_new_move(edit: PlanEdit) -> int:
    return next(r for r in edit.rows() if edit.cell(r, "依据") != "S2")


def edited_plans(input_path: Path, plan: Path, folder: Path) -> dict[str, Path]:
    """The three hand edits of the issue: a row deleted, a destination changed, a principal moved away
    with no replacement."""
    roster = load_input(input_path).roster
    edits: dict[str, Path] = {}

    deleted = PlanEdit(plan)
    deleted.sheet.delete_rows(a_new_move(deleted))
    edits["row deleted"] = deleted.save(folder / "deleted.xlsx")

    redirected = PlanEdit(plan)
    row = a_new_move(redirected)
    origin = str(redirected.cell(row, "原学校代码"))
    near = {s for g in roster.groups_by_school[origin] for s in g.school_ids}
    elsewhere = next(s for s in sorted(roster.schools) if s not in near)
    redirected.set(row, "交流学校代码", elsewhere)
    edits["destination changed"] = redirected.save(folder / "redirected.xlsx")

    away = PlanEdit(plan)
    listed = {str(away.cell(r, "工号")) for r in away.rows()}
    template = a_new_move(away)
    principal = next(m for m in roster.staff if m.post.value == "principal" and m.staff_id not in listed)
    stage = roster.schools[principal.school_id].stage
    target = next(
        s for s in sorted(roster.schools) if s != principal.school_id and roster.schools[s].stage is stage
    )
    new = away.sheet.max_row + 1
    for column in away.columns.values():
        away.sheet.cell(new, column).value = away.sheet.cell(template, column).value
    changes = {
        "工号": principal.staff_id,
        "姓名": principal.name,
        "原学校代码": principal.school_id,
        "交流学校代码": target,
        "岗位": "校长",
        "依据": "P1",
        "挂职岗位": "校长",
    }
    for header, value in changes.items():
        away.set(new, header, value)
    edits["principal moved away"] = away.save(folder / "principal.xlsx")
    return edits


def test_verify_and_the_checker_agree_on_a_solved_plan_and_its_hand_edits(
    tmp_path: Path, tiny_xlsx: Path
) -> None:
    plan = solve_to(tiny_xlsx, tmp_path / "plan.xlsx")
    assert agree(tiny_xlsx, plan) == ({}, {})
    result = CliRunner().invoke(main, ["verify", str(tiny_xlsx), str(plan)])
    assert result.exit_code == 0, result.output
    for what, edited in edited_plans(tiny_xlsx, plan, tmp_path).items():
        theirs, ours = agree(tiny_xlsx, edited)
        assert ours == theirs, what
        assert ours, what
        out = tmp_path / f"{edited.stem}-verified.xlsx"
        result = CliRunner().invoke(main, ["verify", str(tiny_xlsx), str(edited), "-o", str(out)])
        assert result.exit_code == 3, (what, result.output)
        problems = load_workbook(out)["问题"]
        assert problems.max_row - 1 == len(verify_files(tiny_xlsx, edited).verdict.violations)
    theirs, ours = agree(tiny_xlsx, tmp_path / "principal.xlsx")
    assert "P1" in ours


def test_verify_and_the_checker_agree_on_the_sample_district_edited_by_hand(
    tmp_path: Path, district_xlsx: Path
) -> None:
    plan = solve_to(district_xlsx, tmp_path / "plan.xlsx")
    edits = edited_plans(district_xlsx, plan, tmp_path)
    both = PlanEdit(edits["principal moved away"])
    both.sheet.delete_rows(a_new_move(both))
    edited = both.save(tmp_path / "both.xlsx")
    theirs, ours = agree(district_xlsx, edited)
    assert ours == theirs
    assert {"P1", "C2"} <= ours.keys()


def test_the_recount_of_an_untouched_plan_is_the_solvers(tmp_path: Path, tiny_xlsx: Path) -> None:
    plan = solve_to(tiny_xlsx, tmp_path / "plan.xlsx")
    verdict = verify_files(tiny_xlsx, plan).verdict
    written = read_plan_workbook(plan)
    said = {(o.rule, o.group_id, o.school_id, o.part): o for o in written.obligations}
    counted = {(o.rule, o.group_id or "", o.school_id or "", o.part): o for o in verdict.obligations}
    assert said.keys() == counted.keys()
    for key, outcome in counted.items():
        assert outcome.met == said[key].met, key
        if outcome.rule not in ("G1", "G2"):  # the split of a stock between the two may differ
            assert outcome.achieved == said[key].achieved, key
    schools = {s.school_id: s for s in written.schools}
    for figures in verdict.schools:
        row = schools[figures.school_id]
        assert (figures.out, figures.into, figures.headcount_after, figures.key_after) == (
            row.out, row.into, row.headcount_after, row.key_after
        )  # fmt: skip


def test_verify_speaks_english_when_asked_and_refuses_a_file_that_is_no_plan(
    tmp_path: Path, tiny_xlsx: Path
) -> None:
    plan = solve_to(tiny_xlsx, tmp_path / "plan.xlsx")
    edited = edited_plans(tiny_xlsx, plan, tmp_path)["row deleted"]
    result = CliRunner().invoke(main, ["verify", str(tiny_xlsx), str(edited), "--lang", "en"])
    assert result.exit_code == 3
    assert "violation(s): the plan breaks a hard rule" in result.output
    not_a_plan = Path(shutil.copy(tiny_xlsx, tmp_path / "not-a-plan.xlsx"))
    result = CliRunner().invoke(main, ["verify", str(tiny_xlsx), str(not_a_plan)])
    assert result.exit_code == 2
