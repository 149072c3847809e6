"""Where else could one person go: every school of the district, possible or not, and at what cost.

A planner answering an appeal asks "could teacher X go to school Y instead, and why not Z". Each
school is either impossible, with the rule that forbids it in a sentence (C3, P1, S1, S2, an
exemption … from rotation.destinations; a hard rule the re-plan cannot keep, named by verify), or
possible, with what choosing it costs: the other decisions of the draft that would change, and the
objective levels that would get worse. Staying home is one more option. Each possibility is the
person's component re-planned with the draft as O0 and the choice pinned, so it keeps every rule.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reports.verify import Basis, PlanRows, row_of_move, rows_of_plan, violations_of
from reports.xlsx import Cell, SheetData
from rotation.catalogue import RuleId, level_title
from rotation.codes import Status
from rotation.destinations import c3_why_not
from rotation.domain import Pin, PinKind, Roster, StaffMember
from rotation.draft import Choice, Decision, Draft
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.plan import LevelResult, Move, Plan
from rotation.text import Text
from solver.components import ComponentData, split_components
from solver.objective import DRAFT_LEVEL, maximised
from solver.requirements import move_rule, p2_host_post
from solver.rules.stints import s1_earliest_return
from solver.settings import SolveSettings
from solver.solve import solve_component

NO_PLAN = Text("no plan keeps every hard rule with this choice", "选择此项后没有能遵守全部硬性规则的方案")


@dataclass(frozen=True, slots=True)
class Worse:
    """An objective level that gets worse, and by how much (in the level's own units)."""

    level: str
    by: float

    def describe(self) -> Text:
        title = level_title(self.level)
        return Text(f"{title.en} {self.by:+g}", f"{title.zh} {self.by:+g}")


@dataclass(frozen=True, slots=True)
class Option:
    """One school for the person (None: staying home), possible or not.

    ``changes`` counts the other decisions of the draft the choice changes; ``worse`` the levels it
    worsens against the draft re-planned as it stands; ``reason`` why it is impossible.
    """

    school_id: str | None
    decision: Decision
    possible: bool
    changes: int = 0
    worse: tuple[Worse, ...] = ()
    reason: Text | None = None
    drafted: bool = False
    by_exchange: bool = False  # P1 allows it; the district exchange of principals decides it

    @property
    def rank(self) -> tuple[bool, bool, bool, int, int, str]:
        """Best first: the draft's own choice, then the possible ones cheapest first, then those the
        district exchange decides, then the impossible ones, each by school id."""
        cost = (self.changes, len(self.worse))
        return (
            not self.drafted,
            not self.possible and not self.by_exchange,
            not self.possible,
            *cost,
            self.school_id or "",
        )


@dataclass(frozen=True)
class Options:
    staff_id: str
    drafted: Decision
    options: tuple[Option, ...]  # ranked: possible first, cheapest first
    wall_time_s: float


def person_options(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    draft: Draft,
    staff_id: str,
    pins: tuple[Pin, ...] = (),
    seed: int = 0,
    time_limit_s: float = 60.0,
) -> Options:
    """Every school of the district for ``staff_id``, and staying home, ranked best first."""
    started = time.monotonic()
    member = roster.staff_by_id[staff_id]
    standing = eligibility[staff_id]
    drafted = draft.of(staff_id)
    component = _component(roster, params, eligibility, pins, draft, member)
    deadline = started + time_limit_s

    def replanned(extra: Pin) -> Plan:
        data = replace(component, pins=(*component.pins, extra))
        settings = SolveSettings(seed, deadline, lambda _line: None)
        return solve_component(data, settings, explain=False)

    base = solve_component(component, SolveSettings(seed, deadline, lambda _line: None), explain=False)
    basis = Basis(roster, params, eligibility)
    options: list[Option] = []
    home = Decision(Choice.RETURN, member.home_school_id) if member.on_exchange else Decision()
    choices: list[tuple[str | None, Decision, Pin]] = [(None, home, Pin(staff_id, "", PinKind.STAY))]
    choices += [
        (school_id, Decision(Choice.MOVE, school_id), Pin(staff_id, school_id, PinKind.MUST))
        for school_id in sorted(roster.schools)
        if school_id != member.school_id
    ]
    for school_id, decision, pin in choices:
        if school_id is not None:
            why = c3_why_not(member, school_id, roster, params, standing)
            if why is None and school_id not in component.school_set:
                outside = _outside(member, school_id)
                options.append(Option(school_id, decision, False, reason=outside, by_exchange=True))
                continue
            if why is not None:
                options.append(Option(school_id, decision, False, reason=why))
                continue
        if school_id is None and standing.status is Status.LOCKED:
            options.append(Option(None, Decision(), True, drafted=True))
            continue
        plan = replanned(pin)
        own = int(decision != drafted)
        if not plan.status.has_plan:
            reason = _naive_reason(basis, base, member, decision) or NO_PLAN
            options.append(Option(school_id, decision, False, reason=reason))
            continue
        changes = int(_level(plan, DRAFT_LEVEL)) - own
        options.append(
            Option(school_id, decision, True, changes, _worse(base.levels, plan.levels), drafted=not own)
        )
    ranked = sorted(options, key=lambda o: o.rank)
    return Options(staff_id, drafted, tuple(ranked), time.monotonic() - started)


def _component(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    pins: tuple[Pin, ...],
    draft: Draft,
    member: StaffMember,
) -> ComponentData:
    """The part of the district the person's choices live in (solver/components.py)."""
    parts = split_components(roster, params, eligibility, (*roster.pins, *pins), draft)
    return next(part for part in parts if member.school_id in part.school_set)


def _outside(member: StaffMember, school_id: str) -> Text:
    """A principal's school of the same stage outside their groups: P1 allows it, and the district
    exchange pairs such principals for the whole district at once, which this view does not re-plan."""
    return Text(
        f"P1 allows it ({school_id} shares no group with {member.school_id}): the district exchange of "
        "principals decides it; see its cost with rotation replan and a must pin",
        f"P1 允许（{school_id} 与 {member.school_id} 不在同一集团）：由全区校长交流统一配对决定；"
        "其代价请用 rotation replan 加“必须”指定查看",
    )


def _level(plan: Plan, name: str) -> float:
    return next((level.objective for level in plan.levels if level.name == name), 0.0)


def _worse(base: Sequence[LevelResult], chosen: Sequence[LevelResult]) -> tuple[Worse, ...]:
    """The levels below O0 on which ``chosen`` does worse than ``base``."""
    was = {level.name: level.objective for level in base}
    found: list[Worse] = []
    for level in chosen:
        if level.name == DRAFT_LEVEL or level.name not in was:
            continue
        delta = level.objective - was[level.name]
        if (delta < 0) if maximised(level.name) else (delta > 0):
            found.append(Worse(level.name, delta))
    return tuple(found)


def _naive_reason(basis: Basis, base: Plan, member: StaffMember, decision: Decision) -> Text | None:
    """The first hard rule that putting ``decision`` alone into the re-planned draft breaks."""
    rows = rows_of_plan(base, basis.params)
    broken = {v.key for v in violations_of(basis, rows)}
    row = None
    if decision.choice is Choice.MOVE and decision.school_id is not None:
        to = decision.school_id
        rule, group = move_rule(basis.roster, member, to, basis.eligibility[member.staff_id], None)
        back = s1_earliest_return(member, basis.params, rule)
        row = row_of_move(
            Move(
                member.staff_id,
                member.school_id,
                to,
                rule,
                group,
                back,
                p2_host_post(basis.roster, member, to),
            ),
            basis.params,
        )
    elif decision.choice is Choice.RETURN:
        row = row_of_move(
            Move(member.staff_id, member.school_id, member.home_school_id, RuleId.S2, None, None),
            basis.params,
        )
    changed = PlanRows(rows.replaced(member.staff_id, row).rows, rows.walks)
    return next((v.brief for v in violations_of(basis, changed) if v.key not in broken), None)


def describe_option(option: Option) -> Text:
    """An option as printed: the choice, then its cost or the reason it is impossible."""
    what = option.decision.describe()
    if option.by_exchange:
        said = option.reason or NO_PLAN
        return Text(f"{what.en}: {said.en}", f"{what.zh}：{said.zh}")
    if not option.possible:
        reason = option.reason or NO_PLAN
        return Text(f"{what.en}: impossible — {reason.en}", f"{what.zh}：不可行——{reason.zh}")
    if option.drafted:
        return Text(f"{what.en}: the draft's choice", f"{what.zh}：初稿的安排")
    worse = [w.describe() for w in option.worse]
    levels = Text("; ".join(w.en for w in worse) or "none", "；".join(w.zh for w in worse) or "无")
    return Text(
        f"{what.en}: {option.changes} other decision(s) change; worse: {levels.en}",
        f"{what.zh}：另需改动 {option.changes} 处；变差的目标：{levels.zh}",
    )


OPTIONS_SHEET = Text("options", "去向选择")
OPTION_HEADERS: tuple[Text, ...] = (
    Text("rank", "序号"),
    Text("school_id", "学校代码"),
    Text("school_name", "学校名称"),
    Text("choice", "选择"),
    Text("possible", "是否可行"),
    Text("other_changes", "另需改动"),
    Text("worse_levels", "变差的目标"),
    Text("reason", "原因"),
)
_POSSIBLE = {
    "drafted": Text("the draft's", "初稿的安排"),
    "yes": Text("yes", "可行"),
    "exchange": Text("by the district exchange", "由全区交流配对决定"),
    "no": Text("no", "不可行"),
}


def options_sheet(found: Options, names: Mapping[str, str], lang: str) -> SheetData:
    """去向选择: one row per option, ranked, with its cost or the reason it is impossible."""
    rows: list[tuple[Cell, ...]] = []
    for rank, option in enumerate(found.options, start=1):
        key = (
            "drafted"
            if option.drafted
            else "yes"
            if option.possible
            else "exchange"
            if option.by_exchange
            else "no"
        )
        worse = [w.describe().pick(lang) for w in option.worse]
        rows.append(
            (
                rank,
                option.school_id,
                names.get(option.school_id or ""),
                option.decision.describe().pick(lang),
                _POSSIBLE[key].pick(lang),
                option.changes if option.possible else None,
                "; ".join(worse) or None,
                option.reason.pick(lang) if option.reason is not None else None,
            )
        )
    return SheetData(
        OPTIONS_SHEET.pick(lang), [h.pick(lang) for h in OPTION_HEADERS], rows, wrap=frozenset({6, 7})
    )
