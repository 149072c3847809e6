"""The workbooks of the review after a draft: ``verify``'s problems and recounted figures.

Chinese headers by default, English with ``lang="en"``; every workbook ends with its 说明 sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reports.labels import check_language, headers
from reports.legend import with_legend
from reports.plan_reader import ObligationRow, SchoolRow
from reports.plan_workbook import CHECK_FACTS, SCHOOL_NAME, Facts, obligation_cells, run_sheet
from reports.verify import CONTRACT, CONTRACT_NAME, Verified
from reports.xlsx import Cell, SheetData, write_workbook
from rotation import __version__
from rotation.lineage import file_sha256, lineage_of
from rotation.plan import ObligationOutcome
from rotation.text import Text
from rotation.workbook.schema import OUT_OBLIGATIONS, OUT_SCHOOLS

PROBLEMS_SHEET = Text("problems", "问题")
PROBLEM_HEADERS: tuple[Text, ...] = (
    Text("rule", "依据"),
    Text("staff_id", "工号"),
    Text("school_id", "学校代码"),
    Text("problem", "问题"),
)
# Beside a recounted figure: what the plan's own sheet says, where it says something else.
IN_PLAN = Text("in_plan", "方案中的值")
PROBLEMS_NONE = Text("The plan keeps every hard rule.", "方案遵守全部硬性规则。")


def obligation_key(
    rule: str, group_id: str | None, school_id: str | None, part: str
) -> tuple[str, str, str, str]:
    return (rule, group_id or "", school_id or "", part)


def stale_obligations(
    recounted: Sequence[ObligationOutcome], written: Sequence[ObligationRow]
) -> dict[tuple[str, str, str, str], float]:
    """The plan's achieved figure of each recounted obligation row it states differently."""
    said = {obligation_key(o.rule, o.group_id, o.school_id, o.part): o.achieved for o in written}
    stale: dict[tuple[str, str, str, str], float] = {}
    for outcome in recounted:
        key = obligation_key(outcome.rule, outcome.group_id, outcome.school_id, outcome.part)
        if key in said and said[key] != outcome.achieved:
            stale[key] = said[key]
    return stale


def stale_met(
    recounted: Sequence[ObligationOutcome], written: Sequence[ObligationRow]
) -> set[tuple[str, str, str, str]]:
    """The recounted obligation rows the plan states as met when they are not, or the other way."""
    said = {obligation_key(o.rule, o.group_id, o.school_id, o.part): o.met for o in written}
    keys = ((obligation_key(o.rule, o.group_id, o.school_id, o.part), o.met) for o in recounted)
    return {key for key, met in keys if key in said and said[key] != met}


def stale_schools(verified: Verified) -> dict[str, SchoolRow]:
    """The plan's schools rows whose figures differ from the recount, by school."""
    said = {row.school_id: row for row in verified.plan.data.schools}
    stale: dict[str, SchoolRow] = {}
    for figures in verified.verdict.schools:
        row = said.get(figures.school_id)
        if row is None:
            continue
        written = (
            row.headcount_before,
            row.out,
            row.into,
            row.headcount_after,
            row.key_before,
            row.key_after,
        )
        counted = (
            figures.headcount_before,
            figures.out,
            figures.into,
            figures.headcount_after,
            figures.key_before,
            figures.key_after,
        )
        if written != counted:
            stale[figures.school_id] = row
    return stale


def verify_sheets(
    verified: Verified, plan_path: Path, wall_time_s: float, lang: str = "zh"
) -> list[SheetData]:
    """问题 (every violation), 指标完成 and 学校汇总 counted again, and 运行信息, in ``lang``."""
    check_language(lang)
    verdict = verified.verdict
    problems: list[Sequence[Cell]] = [
        (
            violation.rule if violation.rule != CONTRACT else CONTRACT_NAME.pick(lang),
            "; ".join(violation.staff) or None,
            "; ".join(violation.schools) or None,
            violation.text.pick(lang),
        )
        for violation in verdict.violations
    ] or [(None, None, None, PROBLEMS_NONE.pick(lang))]
    stale = stale_obligations(verdict.obligations, verified.plan.data.obligations)
    obligations = [
        (*obligation_cells(o, lang), stale.get(obligation_key(o.rule, o.group_id, o.school_id, o.part)))
        for o in verdict.obligations
    ]
    names = {school_id: school.name for school_id, school in verified.basis.roster.schools.items()}
    schools = [
        (
            s.school_id,
            s.headcount_before,
            s.out,
            s.into,
            s.headcount_after,
            s.key_before,
            s.key_after,
            names.get(s.school_id),
        )
        for s in verdict.schools
    ]
    return [
        SheetData(
            PROBLEMS_SHEET.pick(lang), [h.pick(lang) for h in PROBLEM_HEADERS], problems, wrap=frozenset({3})
        ),
        SheetData(
            OUT_OBLIGATIONS.label(lang), [*headers(OUT_OBLIGATIONS, lang), IN_PLAN.pick(lang)], obligations
        ),
        SheetData(OUT_SCHOOLS.label(lang), [*headers(OUT_SCHOOLS, lang), SCHOOL_NAME.pick(lang)], schools),
        run_sheet(
            _verify_facts(verified, plan_path, wall_time_s),
            verified.loaded.params,
            verified.loaded.warnings,
            lang,
        ),
    ]


def _verify_facts(verified: Verified, plan_path: Path, wall_time_s: float) -> Facts:
    loaded, run = verified.loaded, verified.plan.data.run
    lineage = lineage_of(run)
    facts: list[tuple[str, object]] = [
        ("effective_date", loaded.params.effective_date),
        ("status", "checked"),
        ("input_file", loaded.path.name),
        ("input_sha256", loaded.sha256),
        ("plan_file", plan_path.name),
        ("plan_sha256", file_sha256(plan_path)),
        ("plan_id", lineage.plan_id or None),
        ("plan_input_sha256", lineage.input_sha256 or None),
        ("violations", len(verified.verdict.violations)),
        ("wall_time_s", round(wall_time_s, 3)),
        ("version", __version__),
        *CHECK_FACTS,
    ]
    return facts


def write_verify_workbook(
    path: Path,
    verified: Verified,
    plan_path: Path,
    wall_time_s: float,
    lang: str = "zh",
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """``rotation verify -o``: the problems, the figures counted again, the run, and the 说明 sheet."""
    sheets = verify_sheets(verified, plan_path, wall_time_s, lang)
    write_workbook(path, with_legend(sheets, lang), force=force, protect=protect)


def recounted(verified: Verified) -> Mapping[str, int]:
    """How many obligations are met, how many there are, and how many figures of the plan are stale."""
    verdict = verified.verdict
    return {
        "met": sum(1 for o in verdict.obligations if o.met),
        "total": len(verdict.obligations),
        "stale_obligations": len(stale_obligations(verdict.obligations, verified.plan.data.obligations)),
        "stale_met": len(stale_met(verdict.obligations, verified.plan.data.obligations)),
        "stale_schools": len(stale_schools(verified)),
    }
