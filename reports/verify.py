"""``rotation verify``: any plan workbook checked against every rule, and its figures counted again.

The plan a bureau publishes is rarely the one the solver wrote: planners delete rows, add rows and
change destinations by hand. This module takes the plan's rows as they stand and checks each rule
of domain-rules.md on them: who may move at all (the exemptions, S1, S2), where to (C3 with its
directions, P1 for principals, G6's senior-3 condition), the rule code and host post of each row
(S1's return date, P2), the schools after the plan (P1, C1, C2, C4), the group obligations G1–G7
counted on the stock, the walks (G5) and the N1 targets. Nothing is solved: who is due comes from
rotation.eligibility, where a move may go from rotation.destinations, and what an obligation
counts from solver.requirements, the predicates the CP-SAT model and the greedy read.

Each violation carries the rule it breaks, the people and schools it names, a sentence in both
languages and a brief form (``P1：0008 需要校长``) that ``replan`` reuses to say why it changed
someone. Hard rules only are violations; a soft obligation that is short shows in the recounted
obligations. The recount follows the solver's rows (solver/rules): one per obligation instance
and part.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from fractions import Fraction
from functools import cached_property
from math import ceil
from pathlib import Path

from reports.labels import part_text
from reports.plan_reader import Assignment, EligibilityRow, PlanData, WalkRow, plan_from_sheets, read_sheets
from rotation.catalogue import FINAL_EXEMPTIONS, SENSITIVE_REASONS, RuleId, parse_rule_id
from rotation.codes import (
    ACADEMIC_SUBJECTS,
    G2_PRIMARY_CORE_SUBJECTS,
    PRIMARY_BANDS,
    Area,
    Band,
    GroupKind,
    HostPost,
    Post,
    Status,
    normalize_text,
)
from rotation.destinations import c3_direction, c3_teaches, p1_exchange_candidates
from rotation.domain import Group, Roster, StaffMember
from rotation.eligibility import Eligibility, assess_roster
from rotation.figures import MASKED_REASON, visible
from rotation.parameters import Parameters, resolve_parameters
from rotation.plan import Move, ObligationOutcome, Plan
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook, load_workbook
from rotation.workbook.schema import (
    OUT_ASSIGNMENTS,
    OUT_ELIGIBILITY,
    OUT_OBLIGATIONS,
    OUT_RUN,
    OUT_SCHOOLS,
    OUT_UNMOVED_DUE,
    OUT_WALKING,
    Sheet,
)
from solver.components import ComponentData
from solver.requirements import (
    c4_outflow_cap,
    g1_counts_in_team,
    g2_counts_as_key,
    g3_post_class,
    g4_counts_as_leader,
    g4_sides,
    g5_required_subjects,
    g6_counts,
    g6_counts_in_pair,
    n1_school,
    p2_host_post,
    shared_groups,
)
from solver.rules.school import c1_rows, c1_teaches
from solver.rules.stints import s1_earliest_return

# A row that breaks the workbook contract (an unknown person or school, a person listed twice …)
# rather than one of the rules: it is a violation all the same, a plan that cannot be carried out.
CONTRACT = "contract"
CONTRACT_NAME = Text("contract", "格式")
# The codes an assignments row may carry: one code a move ("More settled details").
MOVE_CODES: frozenset[str] = frozenset(
    {"G1", "G2", "G6", "G7", "G3", "G4", "T1", "T2", "N1", "P1", "V", "C2", "S2"}
)
_CONTINGENT_KINDS: dict[str, GroupKind] = {
    "G1": GroupKind.TIGHT,
    "G2": GroupKind.TIGHT,
    "G3": GroupKind.TIGHT,
    "G4": GroupKind.ALLIANCE,
    "G6": GroupKind.HS_PAIR,
    "G7": GroupKind.KINDERGARTEN,
}


# --------------------------------------------------------------------------- what is checked


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One row of a plan's ``assignments`` sheet, as written (codes not yet trusted)."""

    staff_id: str
    from_school_id: str
    to_school_id: str
    rule: str
    group_id: str
    effective_date: date | None
    earliest_return_date: date | None
    host_post: HostPost | None

    @property
    def codes(self) -> tuple[str, ...]:
        text = self.rule.replace("；", ";").replace("，", ";").replace(",", ";")
        return tuple(part.strip().upper() for part in text.split(";") if part.strip())

    @property
    def is_return(self) -> bool:
        """An S2 row takes a person home at the end of a stint; it is not a new move."""
        return "S2" in self.codes


@dataclass(frozen=True, slots=True)
class PlanWalk:
    staff_id: str
    home_school_id: str
    school_id: str
    subject: str


@dataclass(frozen=True)
class PlanRows:
    """What a plan decides, whoever made it: its rows, its walks, and optionally the eligibility it shows.

    ``eligibility`` is None when the plan has no eligibility sheet; ``host_post_column`` is False when
    its assignments sheet lacks the host_post column (P2).
    """

    rows: tuple[PlanRow, ...]
    walks: tuple[PlanWalk, ...]
    eligibility: tuple[EligibilityRow, ...] | None = None
    host_post_column: bool = True

    def replaced(self, staff_id: str, row: PlanRow | None) -> PlanRows:
        """The same plan with ``staff_id``'s row replaced by ``row`` (None: no row, the person stays)."""
        rows = [r for r in self.rows if r.staff_id != staff_id]
        if row is not None:
            rows.append(row)
        return PlanRows(tuple(rows), self.walks, self.eligibility, self.host_post_column)


def rows_of_data(data: PlanData, sheets_given: frozenset[str], host_post_column: bool = True) -> PlanRows:
    """A plan workbook's rows; its eligibility rows only when the file has that sheet."""
    rows = tuple(_row_of_assignment(a) for a in data.assignments)
    walks = tuple(_walk_of_row(w) for w in data.walks)
    eligibility = data.eligibility if "eligibility" in sheets_given else None
    return PlanRows(rows, walks, eligibility, host_post_column)


def _row_of_assignment(a: Assignment) -> PlanRow:
    return PlanRow(
        a.staff_id,
        a.from_school_id,
        a.to_school_id,
        a.rule,
        a.group_id,
        a.effective_date,
        a.earliest_return_date,
        a.host_post,
    )


def _walk_of_row(w: WalkRow) -> PlanWalk:
    return PlanWalk(w.staff_id, w.home_school_id, w.school_id, w.subject)


def rows_of_plan(plan: Plan, params: Parameters) -> PlanRows:
    """A solved plan's rows, as its workbook would show them."""
    rows = tuple(row_of_move(move, params) for move in plan.moves)
    walks = tuple(PlanWalk(w.staff_id, w.home_school_id, w.school_id, w.subject) for w in plan.walks)
    return PlanRows(rows, walks)


def row_of_move(move: Move, params: Parameters) -> PlanRow:
    return PlanRow(
        move.staff_id,
        move.from_school_id,
        move.to_school_id,
        move.rule.value,
        move.group_id or "",
        params.effective_date,
        move.earliest_return_date,
        move.host_post,
    )


@dataclass(frozen=True, slots=True)
class Violation:
    """A hard rule (or the contract) broken by a plan: the rule, the people and schools it is about, a
    sentence, and a brief form for a column (``P1：0008 需要校长``)."""

    rule: str
    text: Text
    brief: Text
    staff: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """What tells two violations apart, whatever their words."""
        return (self.rule, self.staff, self.schools)


@dataclass(frozen=True, slots=True)
class SchoolFigures:
    """One row of the ``schools`` sheet, counted from where everyone works after the plan."""

    school_id: str
    headcount_before: int
    out: int
    into: int
    headcount_after: int
    key_before: int
    key_after: int


@dataclass(frozen=True)
class Verdict:
    """A plan checked: every violation, the obligations and school figures counted again."""

    violations: tuple[Violation, ...]
    obligations: tuple[ObligationOutcome, ...]
    schools: tuple[SchoolFigures, ...]

    @property
    def keeps_every_rule(self) -> bool:
        return not self.violations


# --------------------------------------------------------------------------- the input's side


@dataclass(frozen=True)
class Basis:
    """What stays the same whatever plan of one input is checked: the roster, the parameters, who is
    due; ``include_sensitive`` shows E4/E5 in sentences instead of E*."""

    roster: Roster
    params: Parameters
    eligibility: Mapping[str, Eligibility]
    include_sensitive: bool = False

    @classmethod
    def of(cls, roster: Roster, params: Parameters, include_sensitive: bool = False) -> Basis:
        return cls(roster, params, assess_roster(roster, params), include_sensitive)

    @cached_property
    def whole(self) -> ComponentData:
        """The whole district as one component, for the predicates that read one."""
        roster = self.roster
        return ComponentData(0, 1, roster, self.params, self.eligibility, tuple(sorted(roster.schools)), ())

    @cached_property
    def principals_before(self) -> Counter[str]:
        return Counter(m.school_id for m in self.roster.staff if m.post is Post.PRINCIPAL)

    @cached_property
    def g5_required(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """G5: per (central school, small school) the subjects the small school must offer."""
        found: dict[tuple[str, str], tuple[str, ...]] = {}
        for group in self._groups(GroupKind.RURAL):
            if group.lead is None:
                continue
            for small in group.members:
                if self.roster.schools[small].small_school:
                    found[group.lead, small] = g5_required_subjects(self.whole, group.lead, small)
        return found

    @cached_property
    def may_lose_someone(self) -> frozenset[str]:
        """The schools someone may leave by a new move (C3, or P1's exchange for a principal)."""
        exchange = p1_exchange_candidates(self.roster, self.params, self.eligibility)
        return frozenset(
            member.school_id
            for member in self.roster.staff
            if self.eligibility[member.staff_id].movable
            and (member.staff_id in exchange or self.whole.destinations.get(member.staff_id))
        )

    @cached_property
    def g3_parts(self) -> dict[tuple[str, str], set[str]]:
        """G3: per tight pair (lead, member), the parts someone could fill either way, as the solver
        writes a row for each (a person of that post class and band could be sent)."""
        reach: dict[tuple[str, str], set[str]] = defaultdict(set)
        for member in self.roster.staff:
            places = {member.school_id, *self.whole.destinations.get(member.staff_id, ())}
            part = f"{g3_post_class(member)}:{member.band.value if member.band else ''}"
            for place in places - {member.home_school_id}:
                reach[member.home_school_id, place].add(part)
        found: dict[tuple[str, str], set[str]] = {}
        for group in self._groups(GroupKind.TIGHT):
            for school_id in group.members:
                if group.lead is not None:
                    found[group.lead, school_id] = reach[group.lead, school_id] | reach[school_id, group.lead]
        return found

    def _groups(self, kind: GroupKind) -> list[Group]:
        return sorted((g for g in self.roster.groups.values() if g.kind is kind), key=lambda g: g.group_id)

    def shown_reasons(self, reasons: Sequence[str]) -> str:
        """Reasons as a planner may see them (E4/E5 as E* unless asked)."""
        return ";".join(visible(Status.EXEMPT, reasons, self.include_sensitive)[1])


@dataclass
class _Placed:
    """One plan laid over the input: its rows by person (the first of each), and where everyone works."""

    basis: Basis
    rows: dict[str, PlanRow]
    walks: tuple[PlanWalk, ...]

    @cached_property
    def after(self) -> dict[str, str]:
        where = {m.staff_id: m.school_id for m in self.basis.roster.staff}
        where.update({staff_id: row.to_school_id for staff_id, row in self.rows.items()})
        return where

    @cached_property
    def staff_after(self) -> dict[str, list[StaffMember]]:
        found: dict[str, list[StaffMember]] = defaultdict(list)
        for member in self.basis.roster.staff:
            found[self.after[member.staff_id]].append(member)
        return found

    @cached_property
    def stock(self) -> dict[tuple[str, str], list[StaffMember]]:
        """(home school, school after) → the people sent there, for every pair that differs."""
        pairs: dict[tuple[str, str], list[StaffMember]] = defaultdict(list)
        for member in self.basis.roster.staff:
            there = self.after[member.staff_id]
            if there != member.home_school_id:
                pairs[member.home_school_id, there].append(member)
        return pairs

    @cached_property
    def new_moves(self) -> list[tuple[StaffMember, PlanRow]]:
        """The rows that are new moves (not S2 returns) of people neither locked nor returning."""
        staff, standing = self.basis.roster.staff_by_id, self.basis.eligibility
        return [
            (staff[staff_id], row)
            for staff_id, row in self.rows.items()
            if not row.is_return and standing[staff_id].status not in (Status.LOCKED, Status.RETURNING)
        ]

    def contingent(self, member: StaffMember) -> str | None:
        """G1 or G2 when the person's new move is coded so (the plan counts them there), else None."""
        row = self.rows.get(member.staff_id)
        if row is None or row.is_return:
            return None
        named = set(row.codes) & {"G1", "G2"}
        return named.pop() if len(named) == 1 else None

    def hard(self, rule: str) -> bool:
        return not self.basis.params.is_soft(rule)


def _names(*ids: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in ids if i))


def _violation(
    rule: str,
    en: str,
    zh: str,
    brief: Text,
    staff: Iterable[str | None] = (),
    schools: Iterable[str | None] = (),
) -> Violation:
    prefix = CONTRACT_NAME if rule == CONTRACT else Text(rule, rule)
    text = Text(f"{prefix.en}: {en}", f"{prefix.zh}：{zh}")
    return Violation(rule, text, brief, _names(*staff), _names(*schools))


def _brief(rule: str, en: str, zh: str) -> Text:
    return Text(f"{rule}: {en}", f"{rule}：{zh}")


# --------------------------------------------------------------------------- the checks


def verify(basis: Basis, plan: PlanRows) -> Verdict:
    """Every hard rule ``plan`` breaks against the input of ``basis``, and its figures counted again."""
    placed, violations = _place(basis, plan)
    for check in CHECKS:
        violations.extend(check(placed))
    if plan.eligibility is not None:
        violations.extend(_eligibility_sheet(placed, plan.eligibility))
    if not plan.host_post_column:
        violations.append(
            _violation(
                RuleId.P2,
                "the assignments sheet has no host_post (挂职岗位) column",
                "调动名单缺少“挂职岗位”（host_post）列",
                _brief(RuleId.P2, "no host post column", "缺少挂职岗位列"),
            )
        )
    return Verdict(tuple(violations), tuple(recount_obligations(placed)), tuple(_school_figures(placed)))


def violations_of(basis: Basis, plan: PlanRows) -> list[Violation]:
    """Only the violations of ``plan`` (``verify`` without the figures), for a quick comparison."""
    placed, violations = _place(basis, plan)
    for check in CHECKS:
        violations.extend(check(placed))
    return violations


def _place(basis: Basis, plan: PlanRows) -> tuple[_Placed, list[Violation]]:
    """The plan's rows by person, and the contract breaches of rows that cannot be placed."""
    roster = basis.roster
    rows: dict[str, PlanRow] = {}
    found: list[Violation] = []
    for row in plan.rows:
        if row.staff_id not in roster.staff_by_id:
            found.append(
                _violation(
                    CONTRACT,
                    f"a row names staff {row.staff_id!r}, who is not in the input",
                    f"调动名单中的工号 {row.staff_id!r} 不在输入工作簿中",
                    Text(f"unknown staff {row.staff_id}", f"未知工号 {row.staff_id}"),
                    [row.staff_id],
                )
            )
        elif row.to_school_id not in roster.schools:
            found.append(
                _violation(
                    CONTRACT,
                    f"the row of {row.staff_id} names school {row.to_school_id!r}, which is not in the input",
                    f"{row.staff_id} 的调动去向 {row.to_school_id!r} 不在输入工作簿中",
                    Text(f"unknown school {row.to_school_id}", f"未知学校 {row.to_school_id}"),
                    [row.staff_id],
                    [row.to_school_id],
                )
            )
        elif row.staff_id in rows:
            found.append(
                _violation(
                    CONTRACT,
                    f"staff {row.staff_id} appears in more than one row",
                    f"{row.staff_id} 在调动名单中出现不止一次",
                    Text(f"{row.staff_id} listed twice", f"{row.staff_id} 重复"),
                    [row.staff_id],
                )
            )
        else:
            rows[row.staff_id] = row
    return _Placed(basis, rows, plan.walks), found


def _contract_rows(placed: _Placed) -> Iterator[Violation]:
    """The contract, row by row: from where the person works, not to that school, one known code,
    on the plan's effective date."""
    roster, params = placed.basis.roster, placed.basis.params
    for staff_id, row in placed.rows.items():
        member = roster.staff_by_id[staff_id]
        if row.from_school_id != member.school_id:
            yield _violation(
                CONTRACT,
                f"the row of {staff_id} moves them from {row.from_school_id}, but they work at "
                f"{member.school_id}",
                f"{staff_id} 的原学校写为 {row.from_school_id}，但此人在 {member.school_id} 工作",
                Text(f"{staff_id} works at {member.school_id}", f"{staff_id} 在 {member.school_id} 工作"),
                [staff_id],
                [row.from_school_id, member.school_id],
            )
        if row.to_school_id == member.school_id:
            yield _violation(
                CONTRACT,
                f"the row of {staff_id} moves them to {row.to_school_id}, where they already work",
                f"{staff_id} 的交流学校 {row.to_school_id} 就是其现在工作的学校",
                Text(f"{staff_id} already at {row.to_school_id}", f"{staff_id} 已在 {row.to_school_id}"),
                [staff_id],
                [row.to_school_id],
            )
        if len(row.codes) != 1 or not set(row.codes) <= MOVE_CODES:
            yield _violation(
                CONTRACT,
                f"the row of {staff_id} has rule {row.rule!r}; a move carries one code of "
                f"{', '.join(sorted(MOVE_CODES))}",
                f"{staff_id} 的依据为 {row.rule!r}；每行只能填一个代码：{'、'.join(sorted(MOVE_CODES))}",
                Text(f"{staff_id}: rule {row.rule!r}", f"{staff_id}：依据 {row.rule!r}"),
                [staff_id],
            )
        if row.effective_date != params.effective_date:
            yield _violation(
                CONTRACT,
                f"the row of {staff_id} takes effect on {row.effective_date}, not on {params.effective_date}",
                f"{staff_id} 的生效日期为 {row.effective_date}，不是方案的生效日期 {params.effective_date}",
                Text(f"{staff_id}: effective date", f"{staff_id}：生效日期"),
                [staff_id],
            )


def _s1_s2_and_exemptions(placed: _Placed) -> Iterator[Violation]:
    """S1, S2 and E1–E7 row by row: nobody locked (S1) moves, a returning person (S2) only goes home,
    an exempt person moves only as a volunteer without E4, E5 or E7, and a new move's earliest
    return date is the effective date plus the minimum stint (S1)."""
    basis = placed.basis
    for staff_id, row in placed.rows.items():
        member = basis.roster.staff_by_id[staff_id]
        standing = basis.eligibility[staff_id]
        here, home, to = member.school_id, member.home_school_id, row.to_school_id
        if standing.status is Status.LOCKED:
            yield _violation(
                RuleId.S1,
                f"{staff_id} is on exchange at {here} (home {home}) until the minimum stint ends, "
                f"but the plan moves them to {to}",
                f"{staff_id} 正在 {here} 交流（人事关系 {home}），最短交流期限未满，不能调往 {to}",
                _brief(RuleId.S1, f"{staff_id} is locked at {here}", f"{staff_id} 交流期未满"),
                [staff_id],
                [here, home, to],
            )
        elif standing.status is Status.RETURNING:
            yield from _returning_row(row, member)
        elif row.is_return:
            yield _violation(
                RuleId.S2,
                f"{staff_id} is not on exchange, yet has an S2 (return) row to {to}",
                f"{staff_id} 不在交流中，却有调往 {to} 的期满返回（S2）行",
                _brief(RuleId.S2, f"{staff_id} is not on exchange", f"{staff_id} 不在交流中"),
                [staff_id],
                [to],
            )
        else:
            if standing.status is Status.EXEMPT and not standing.movable:
                yield _exempt_moved(basis, member, standing, row)
            expected = s1_earliest_return(member, basis.params, row.codes[0] if row.codes else "")
            if row.earliest_return_date != expected:
                yield _violation(
                    RuleId.S1,
                    f"the new move of {staff_id} has earliest return date {row.earliest_return_date}, "
                    f"not {expected}",
                    f"{staff_id} 的最早返回日期写为 {row.earliest_return_date}，应为 {expected}",
                    _brief(
                        RuleId.S1, f"{staff_id} returns from {expected}", f"{staff_id} 最早 {expected} 返回"
                    ),
                    [staff_id],
                )


def _returning_row(row: PlanRow, member: StaffMember) -> Iterator[Violation]:
    """S2: someone whose stint has ended only returns home (rule S2, no return date) or stays on."""
    who, home = member.staff_id, member.home_school_id
    if row.to_school_id != home:
        yield _violation(
            RuleId.S2,
            f"{who}'s stint has ended: they return home to {home} or stay on, but the plan moves them to "
            f"{row.to_school_id}",
            f"{who} 交流期满，只能返回 {home} 或延长交流，不能调往 {row.to_school_id}",
            _brief(RuleId.S2, f"{who} goes home to {home} or stays", f"{who} 只能返回 {home} 或延长"),
            [who],
            [home, row.to_school_id],
        )
    elif not row.is_return:
        yield _violation(
            RuleId.S2,
            f"the return home of {who} has rule {row.rule!r}; a return carries rule S2",
            f"{who} 期满返回的依据写为 {row.rule!r}，应为 S2",
            _brief(RuleId.S2, f"{who} returns under S2", f"{who} 按 S2 返回"),
            [who],
        )
    if row.earliest_return_date is not None:
        yield _violation(
            RuleId.S2,
            f"the return home of {who} has an earliest return date ({row.earliest_return_date}); it has none",
            f"{who} 期满返回不应有最早返回日期（写为 {row.earliest_return_date}）",
            _brief(RuleId.S2, f"{who}'s return has no return date", f"{who} 返回无最早返回日期"),
            [who],
        )


def _exempt_moved(basis: Basis, member: StaffMember, standing: Eligibility, row: PlanRow) -> Violation:
    """E1–E7: an exempt person moved, though not a volunteer, or with an exemption final over one."""
    final = [code for code in standing.reasons if code in FINAL_EXEMPTIONS]
    rule = final[0] if member.volunteer and final else standing.reasons[0]
    shown = basis.shown_reasons(standing.reasons)
    code = MASKED_REASON.value if rule in SENSITIVE_REASONS and not basis.include_sensitive else rule
    why = (
        Text(f"{shown} is final even for a volunteer", f"{shown} 为最终决定，本人自愿也不调动")
        if member.volunteer
        else Text("and is not a volunteer", "且本人未申请自愿交流")
    )
    who, here = member.staff_id, member.school_id
    return Violation(
        rule,
        Text(
            f"{code}: {who} at {here} is exempt ({shown}) {why.en}, but the plan moves them to "
            f"{row.to_school_id}",
            f"{code}：{who}（{here}）暂不纳入交流（{shown}），{why.zh}，却被调往 {row.to_school_id}",
        ),
        Text(f"{code}: {who} is exempt", f"{code}：{who} 暂不纳入交流"),
        (who,),
        _names(here, row.to_school_id),
    )


def allowed_codes(basis: Basis, member: StaffMember, destination: str) -> tuple[set[str], Text]:
    """The codes a new move may carry, first match wins ("More settled details"), and why.

    Any contingent the move counts in (G1 or G2 lead → member of a tight group, G6 between paired high
    schools, G7 lead → member kindergarten); else G3 (member → lead), G4 (urban → town or rural in an
    alliance), the person's T1/T2 when due; else N1 for a key teacher of an N1 school, and P1 for a
    principal, V for a volunteer or C2.
    """
    roster = basis.roster
    origin, schools = member.school_id, roster.schools
    shared = shared_groups(roster, origin, destination)
    found: set[str] = set()
    for group in shared:
        if group.kind is GroupKind.TIGHT and group.lead == origin:
            if g1_counts_in_team(member):
                found.add("G1")
            if g2_counts_as_key(member, schools[destination]):
                found.add("G2")
        elif group.kind is GroupKind.HS_PAIR and g6_counts_in_pair(member):
            found.add("G6")
        elif group.kind is GroupKind.KINDERGARTEN and group.lead == origin:
            found.add("G7")
    if found:
        return found, Text("the contingent the move counts in", "调动计入的指标")
    if any(g.kind is GroupKind.TIGHT and g.lead == destination for g in shared):
        return {"G3"}, Text("member → lead of a tight group", "紧密型集团成员学校 → 牵头学校")
    outward = schools[origin].area is Area.URBAN and schools[destination].area is not Area.URBAN
    if outward and any(g.kind is GroupKind.ALLIANCE for g in shared):
        return {"G4"}, Text("urban → town or rural in an alliance", "联盟内城区 → 乡镇、农村")
    standing = basis.eligibility[member.staff_id]
    if standing.is_due:
        return set(standing.reasons), Text("a due person", "应交流人员")
    if member.is_key_teacher and n1_school(schools[origin]):
        found.add("N1")
    if member.post is Post.PRINCIPAL:
        found.add("P1")
    else:
        found.add("V" if member.volunteer else "C2")
    return found, Text("a person not due", "未到交流年限人员")


def _move_codes(placed: _Placed) -> Iterator[Violation]:
    """The ``rule`` of each new move (G1, G2, G6, G7, G3, G4, T1, T2, N1, P1, V, C2): the first that
    matches; G6 only on an academic subject; a group named by the row is of the code's kind."""
    basis = placed.basis
    for member, row in placed.new_moves:
        if len(row.codes) != 1 or row.codes[0] not in MOVE_CODES - {"S2"}:
            continue  # a contract breach, reported with the row
        standing = basis.eligibility[member.staff_id]
        if standing.status is Status.EXEMPT and not standing.movable:
            continue  # the move itself is the violation
        code, who, here, to = row.codes[0], member.staff_id, member.school_id, row.to_school_id
        if code == "G6" and member.subject not in ACADEMIC_SUBJECTS:
            subject = member.subject or "-"
            yield _violation(
                code,
                f"the move of {who} from {here} to {to} is coded G6, but {subject} is not an "
                "academic subject",
                f"{who} 从 {here} 调往 {to} 的依据为 G6，但{subject}不是 G6 的文化课学科",
                _brief(code, f"{who} teaches no academic subject", f"{who} 非文化课教师"),
                [who],
                [here, to],
            )
            continue
        allowed, why = allowed_codes(basis, member, to)
        if code not in allowed:
            given = "/".join(sorted(allowed))
            yield _violation(
                code,
                f"the move of {who} from {here} to {to} is coded {code}; the rules give {given} ({why.en})",
                f"{who} 从 {here} 调往 {to} 的依据为 {code}，按规则应为 {given}（{why.zh}）",
                _brief(code, f"{who} is coded {given}", f"{who} 依据应为 {given}"),
                [who],
                [here, to],
            )
        group = basis.roster.groups.get(row.group_id)
        kind = _CONTINGENT_KINDS.get(code)
        if group is not None and kind is not None and group.kind is not kind:
            yield _violation(
                code,
                f"the move of {who} from {here} to {to} names group {group.group_id}, a {group.kind.value} "
                f"group, not a {kind.value} one as {code} needs",
                f"{who} 从 {here} 调往 {to} 所填集团 {group.group_id} 为{group.kind.zh}，{code} 需"
                f"要{kind.zh}集团",
                _brief(code, f"{who}'s group is a {kind.value} one", f"{who} 的集团应为{kind.zh}"),
                [who],
                [here, to],
            )


def _p1_principals(placed: _Placed) -> Iterator[Violation]:
    """P1: every school keeps as many principals as today (a school without one may receive one);
    a principal moves only to a school of the same stage, inside a shared group when principal_scope
    = group."""
    basis = placed.basis
    roster = basis.roster
    principals = [m for m in roster.staff if m.post is Post.PRINCIPAL]
    after = Counter(placed.after[m.staff_id] for m in principals)
    for school_id in roster.schools:
        had, has = basis.principals_before[school_id], after[school_id]
        if had and has != had:
            leaving = sorted(
                m.staff_id
                for m in principals
                if m.school_id == school_id and placed.after[m.staff_id] != school_id
            )
            gone = f" ({', '.join(leaving)} leaving)" if leaving else ""
            gone_zh = f"（{'、'.join(leaving)} 调出）" if leaving else ""
            need = (
                Text(f"{school_id} needs a principal", f"{school_id} 需要校长")
                if has < had
                else Text(f"{school_id} gets one principal too many", f"{school_id} 校长人数过多")
            )
            yield _violation(
                RuleId.P1,
                f"school {school_id} has {had} principal(s) today{gone} but {has} after the plan",
                f"学校 {school_id} 现有校长 {had} 人{gone_zh}，交流后为 {has} 人，应保持 {had} 人",
                _brief(RuleId.P1, need.en, need.zh),
                leaving,
                [school_id],
            )
        elif not had and has > 1:
            yield _violation(
                RuleId.P1,
                f"school {school_id} has no principal today but {has} after the plan; it may get one",
                f"学校 {school_id} 现无校长，交流后有 {has} 名校长，最多可接收 1 名",
                _brief(RuleId.P1, f"{school_id} gets one principal", f"{school_id} 只能接收 1 名校长"),
                schools=[school_id],
            )
    for member, row in placed.new_moves:
        if member.post is not Post.PRINCIPAL:
            continue
        origin, target = roster.schools[member.school_id], roster.schools[row.to_school_id]
        who = member.staff_id
        if origin.stage is not target.stage:
            yield _violation(
                RuleId.P1,
                f"principal {who} moves from {origin.school_id} ({origin.stage.value}) to {target.school_id} "
                f"({target.stage.value}); a principal moves within the stage",
                f"校长 {who} 从 {origin.school_id}（{origin.stage.zh}）调往 {target.school_id}"
                f"（{target.stage.zh}），校长只在同学段学校之间交流",
                _brief(RuleId.P1, f"{target.school_id} is another stage", f"{target.school_id} 学段不同"),
                [who],
                [origin.school_id, target.school_id],
            )
        if basis.params.principal_scope == "group" and not shared_groups(
            roster, origin.school_id, target.school_id
        ):
            yield _violation(
                RuleId.P1,
                f"principal {who} moves from {origin.school_id} to {target.school_id}, which share no group "
                "(principal_scope=group)",
                f"校长 {who} 从 {origin.school_id} 调往 {target.school_id}，两校不在同一集团"
                "（principal_scope=group）",
                _brief(RuleId.P1, "the two schools share no group", "两校不在同一集团"),
                [who],
                [origin.school_id, target.school_id],
            )


def _p2_host_posts(placed: _Placed) -> Iterator[Violation]:
    """P2: the post each new move serves at the host; blank on an S2 return."""
    basis = placed.basis
    for staff_id, row in placed.rows.items():
        standing = basis.eligibility[staff_id]
        if standing.status is Status.LOCKED:
            continue  # the move itself is the violation (S1)
        member = basis.roster.staff_by_id[staff_id]
        expected = None if row.is_return else p2_host_post(basis.roster, member, row.to_school_id)
        if row.host_post is expected:
            continue
        shown = row.host_post.zh if row.host_post is not None else "空"
        should = expected.zh if expected is not None else "空"
        yield _violation(
            RuleId.P2,
            f"the row of {staff_id} ({member.school_id} → {row.to_school_id}) shows host post "
            f"{row.host_post.value if row.host_post else 'blank'}; the rules give "
            f"{expected.value if expected else 'blank'}",
            f"{staff_id}（{member.school_id} → {row.to_school_id}）的挂职岗位写为{shown}，按规则应为{should}",
            _brief(
                RuleId.P2,
                f"{staff_id} serves as {expected.value if expected else 'blank'}",
                f"{staff_id} 挂职{should}",
            ),
            [staff_id],
            [member.school_id, row.to_school_id],
        )


def _c1_subject_minimums(placed: _Placed) -> Iterator[Violation]:
    """C1: each school keeps its subject minimums (min(min_teachers, today's count)); without the
    subject_minimums sheet, no subject taught today drops to zero. Walking teachers do not count."""
    roster = placed.basis.roster
    for row in c1_rows(roster, roster.schools):
        after = sum(
            1 for m in placed.staff_after.get(row.school_id, ()) if c1_teaches(m, row.subject, row.band)
        )
        if after >= row.required:
            continue
        what = f"{row.subject}（{row.band.zh}）" if row.band else row.subject
        what_en = f"{row.subject} ({row.band.value})" if row.band else row.subject
        yield _violation(
            RuleId.C1,
            f"school {row.school_id} would have {after} teacher(s) of {what_en}, below {row.required}",
            f"学校 {row.school_id} 交流后{what}教师 {after} 人，低于 {row.required} 人",
            _brief(RuleId.C1, f"{row.school_id} needs {what_en}", f"{row.school_id} 需要{what}教师"),
            schools=[row.school_id],
        )


def _c2_headcount(placed: _Placed) -> Iterator[Violation]:
    """C2: headcount after within [before − max_net_loss, max(before, staff_quota)]."""
    roster, params = placed.basis.roster, placed.basis.params
    for school_id, school in roster.schools.items():
        before = len(roster.staff_by_school[school_id])
        after = len(placed.staff_after.get(school_id, ()))
        low, high = before - params.max_net_loss, max(before, school.staff_quota or before)
        if low <= after <= high:
            continue
        yield _violation(
            RuleId.C2,
            f"school {school_id} would have {after} staff, outside [{low}, {high}]",
            f"学校 {school_id} 交流后在岗 {after} 人，超出 {low} 至 {high} 人的范围",
            _brief(
                RuleId.C2,
                f"{school_id} {'loses' if after < low else 'gains'} staff",
                f"{school_id} 人数{'不足' if after < low else '超编'}",
            ),
            schools=[school_id],
        )


def _c3_destinations(placed: _Placed) -> Iterator[Violation]:
    """C3: a move stays inside a shared group, in a direction it exists for, to a school that teaches the
    band (a leader without a band: the same stage); a group the row names holds both schools; G6's
    senior-3 condition on every move of a teacher or middle manager between paired schools.
    Principals follow P1 instead of the groups."""
    basis = placed.basis
    roster = basis.roster
    for member, row in placed.new_moves:
        who, here, to = member.staff_id, member.school_id, row.to_school_id
        origin, target = roster.schools[here], roster.schools[to]
        if not c3_teaches(target, member, origin):
            if member.band is None:
                yield _violation(
                    RuleId.C3,
                    f"{who} (no band) moves from {here} ({origin.stage.value}) to {to} "
                    f"({target.stage.value}), "
                    "not a school of the same stage",
                    f"{who}（无任教学段）从 {here}（{origin.stage.zh}）调往 {to}（{target.stage.zh}"
                    "），不是同学段学校",
                    _brief(RuleId.C3, f"{to} is another stage", f"{to} 学段不同"),
                    [who],
                    [here, to],
                )
            else:
                yield _violation(
                    RuleId.C3,
                    f"{who} teaches {member.band.value}, which {to} ({target.stage.value}) does not teach",
                    f"{who} 任教{member.band.zh}，{to}（{target.stage.zh}）不开设该学段",
                    _brief(
                        RuleId.C3, f"{to} does not teach {member.band.value}", f"{to} 不开设{member.band.zh}"
                    ),
                    [who],
                    [to],
                )
        shared = shared_groups(roster, here, to)
        if row.group_id and not any(g.group_id == row.group_id for g in shared):
            yield _violation(
                RuleId.C3,
                f"the row of {who} names group {row.group_id}, which does not hold both {here} and {to}",
                f"{who} 所填集团 {row.group_id} 不同时包含 {here} 和 {to}",
                _brief(RuleId.C3, f"{row.group_id} does not hold both schools", f"{row.group_id} 不含两校"),
                [who],
                [here, to],
            )
        if member.post in (Post.TEACHER, Post.MIDDLE_MANAGER) and not member.senior3:
            for pair in (g for g in shared if g.kind is GroupKind.HS_PAIR):
                yield _violation(
                    RuleId.G6,
                    f"{who} moves between the paired high schools of {pair.group_id} ({here} → {to}) without "
                    "senior-3 experience",
                    f"{who} 没有高三教学经验，不能在结对高中 {pair.group_id} 之间交流（{here} → {to}）",
                    _brief(RuleId.G6, f"{who} has no senior-3 experience", f"{who} 无高三教学经验"),
                    [who],
                    [here, to],
                )
        if member.post is Post.PRINCIPAL:
            continue
        if any(c3_direction(g, roster.schools, here, to) for g in shared):
            continue
        free = (
            basis.params.destination_scope == "district"
            and basis.eligibility[who].is_due
            and not roster.groups_by_school[here]
        )
        if free:
            continue
        if shared:
            yield _violation(
                RuleId.C3,
                f"{who} moves from {here} to {to}, against the direction of every group they share",
                f"{who} 从 {here} 调往 {to}，不符合两校所在集团的交流方向",
                _brief(RuleId.C3, "against the group's direction", "不符合集团交流方向"),
                [who],
                [here, to],
            )
        else:
            yield _violation(
                RuleId.C3,
                f"{who} moves from {here} to {to}, which share no group",
                f"{who} 从 {here} 调往 {to}，两校不在同一集团",
                _brief(RuleId.C3, "the two schools share no group", "两校不在同一集团"),
                [who],
                [here, to],
            )


def _c4_outflow(placed: _Placed) -> Iterator[Violation]:
    """C4: at most max(1, ⌊max_outflow_ratio × headcount⌋) new moves out of a school; returns are free."""
    basis = placed.basis
    leaving = Counter(row.from_school_id for row in placed.rows.values() if not row.is_return)
    for school_id, count in sorted(leaving.items()):
        cap = _c4_cap(basis, school_id)
        if count > cap:
            yield _violation(
                RuleId.C4,
                f"{count} staff leave school {school_id} by new moves, more than its cap of {cap}",
                f"学校 {school_id} 新调出 {count} 人，超过上限 {cap} 人",
                _brief(RuleId.C4, f"{school_id} is at its outflow cap", f"{school_id} 调出已达上限"),
                schools=[school_id],
            )


def _c4_cap(basis: Basis, school_id: str) -> int:
    return c4_outflow_cap(len(basis.roster.staff_by_school.get(school_id, ())), basis.params)


# --------------------------------------------------------------------------- G1–G7 and N1


@dataclass(frozen=True)
class _TightPair:
    """One member of a tight group and the lead's stock there, split into G1's and G2's contingents.

    ``fewest`` is the fewest free key teachers G2 must take on top of those the plan codes G2 (None
    when G2 cannot be met), ``chosen`` who they are. A person counts in one contingent only.
    """

    group: Group
    lead: str
    school_id: str
    needs: dict[Band, int]
    team: list[StaffMember]  # coded G1 or free, and able to be in a management team
    key_pinned: list[StaffMember]  # coded G2, a key teacher of a band the member needs
    key_free: list[StaffMember]  # free key teachers of a band the member needs
    fewest: int | None
    chosen: list[StaffMember]

    @property
    def core_needed(self) -> bool:
        return any(band in self.needs for band in PRIMARY_BANDS)


def _tight_pairs(placed: _Placed) -> Iterator[_TightPair]:
    basis = placed.basis
    params = basis.params
    for group in basis._groups(GroupKind.TIGHT):
        if group.lead is None:
            continue
        for school_id in sorted(group.members):
            bands = basis.roster.schools[school_id].bands
            needs = {Band.JUNIOR: params.tight_key_junior_min} if Band.JUNIOR in bands else {}
            needs.update({band: params.tight_key_primary_band_min for band in PRIMARY_BANDS if band in bands})
            stock = placed.stock.get((group.lead, school_id), [])
            coded = {m.staff_id: placed.contingent(m) for m in stock}
            team = [m for m in stock if coded[m.staff_id] in ("G1", None) and g1_counts_in_team(m)]
            keys = [m for m in stock if m.is_key_teacher and m.band in needs]
            key_pinned = [m for m in keys if coded[m.staff_id] == "G2"]
            key_free = [m for m in keys if coded[m.staff_id] is None]
            chosen = _g2_fewest(needs, key_pinned, key_free)
            yield _TightPair(
                group,
                group.lead,
                school_id,
                needs,
                team,
                key_pinned,
                key_free,
                None if chosen is None else len(chosen),
                chosen or [],
            )


def _g2_fewest(
    needs: dict[Band, int], pinned: list[StaffMember], free: list[StaffMember]
) -> list[StaffMember] | None:
    """G2: the fewest free key teachers to add to the ``pinned`` ones so that every band has its count
    and, when the member teaches primary grades, 语文, 数学 and 英语 are among the primary ones; None
    when no choice does.

    Each core subject no pinned teacher covers goes to one primary band (every way: at most 3³);
    a band then takes a free teacher of each of its subjects and fills up to its count from the rest.
    """
    have = Counter(m.band for m in pinned)
    pool: dict[Band, list[StaffMember]] = defaultdict(list)
    for member in free:
        if member.band is not None:
            pool[member.band].append(member)
    primary = [band for band in PRIMARY_BANDS if band in needs]
    covered = {m.subject for m in pinned if m.band in PRIMARY_BANDS}
    uncovered = [s for s in G2_PRIMARY_CORE_SUBJECTS if s not in covered] if primary else []
    best: list[StaffMember] | None = None
    for choice in itertools.product(primary, repeat=len(uncovered)):
        taken: list[StaffMember] = []
        for band in sorted(set(needs) | set(choice)):
            subjects = [s for s, b in zip(uncovered, choice, strict=True) if b is band]
            picks = [next((m for m in pool[band] if m.subject == s), None) for s in subjects]
            if None in picks:
                break
            chosen = [m for m in picks if m is not None]
            rest = [m for m in pool[band] if m not in chosen]
            more = max(0, needs.get(band, 0) - have[band] - len(chosen))
            if more > len(rest):
                break
            taken.extend(chosen + rest[:more])
        else:
            if best is None or len(taken) < len(best):
                best = taken
    return best


def _g1_g2_tight_teams(placed: _Placed) -> Iterator[Violation]:
    """G1 and G2: the lead's management team and key teachers at each member, separate contingents.

    The stock from the lead is split: people whose new move is coded G1 or G2 count there, the others
    (locked, extended, or moved under another code) in either but not both. G2 takes the fewest free
    key teachers it can meet its parts with; G1 then holds when the rest of the team is large enough.
    """
    params = placed.basis.params
    g1_hard, g2_hard = placed.hard(RuleId.G1), placed.hard(RuleId.G2)
    for pair in _tight_pairs(placed):
        where_en = f"member {pair.school_id} of tight group {pair.group.group_id} (lead {pair.lead})"
        where_zh = f"紧密型集团 {pair.group.group_id} 成员学校 {pair.school_id}（牵头学校 {pair.lead}）"
        extra = 0
        if g2_hard:
            if pair.fewest is None:
                yield from _g2_shortfalls(pair, where_en, where_zh)
            else:
                extra = pair.fewest
        if g1_hard and len(pair.team) - extra < params.tight_mgmt_team_min:
            count = len(pair.team) - extra
            yield _violation(
                RuleId.G1,
                f"{where_en} receives a management team of {count}, fewer than {params.tight_mgmt_team_min}",
                f"{where_zh}的管理团队为 {count} 人，少于 {params.tight_mgmt_team_min} 人",
                _brief(
                    RuleId.G1, f"{pair.school_id} needs a management team", f"{pair.school_id} 需要管理团队"
                ),
                schools=[pair.school_id, pair.lead],
            )


def _g2_shortfalls(pair: _TightPair, where_en: str, where_zh: str) -> Iterator[Violation]:
    usable = pair.key_pinned + pair.key_free
    by_band = Counter(m.band for m in usable)
    brief = _brief(RuleId.G2, f"{pair.school_id} needs key teachers", f"{pair.school_id} 需要骨干教师")
    for band, needed in pair.needs.items():
        if by_band[band] < needed:
            yield _violation(
                RuleId.G2,
                f"{where_en} receives {by_band[band]} {band.value} key teachers, fewer than {needed}",
                f"{where_zh}接收{band.zh}骨干教师 {by_band[band]} 人，少于 {needed} 人",
                brief,
                schools=[pair.school_id, pair.lead],
            )
    if pair.core_needed:
        taught = {m.subject for m in usable if m.band in PRIMARY_BANDS}
        for subject in G2_PRIMARY_CORE_SUBJECTS:
            if subject not in taught:
                yield _violation(
                    RuleId.G2,
                    f"{where_en} receives no primary key teacher of {subject}",
                    f"{where_zh}没有接收小学{subject}骨干教师",
                    brief,
                    schools=[pair.school_id, pair.lead],
                )


def _g3_flows(placed: _Placed, lead: str, school_id: str) -> dict[str, tuple[int, int]]:
    """G3: per part ``post_class:band`` (band blank for a leader without one), how many the member
    receives from the lead and sends back, in the stock."""
    flows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for part in placed.basis.g3_parts.get((lead, school_id), ()):
        flows[part] = [0, 0]
    for side, (sender, receiver) in enumerate(((lead, school_id), (school_id, lead))):
        for member in placed.stock.get((sender, receiver), []):
            band = member.band.value if member.band else ""
            flows[f"{g3_post_class(member)}:{band}"][side] += 1
    return {part: (received, sent) for part, (received, sent) in sorted(flows.items())}


def _g3_reciprocity(placed: _Placed) -> Iterator[Violation]:
    """G3: per post class and band, a member of a tight group sends its lead as many as it receives."""
    if not placed.hard(RuleId.G3):
        return
    for group in placed.basis._groups(GroupKind.TIGHT):
        if group.lead is None:
            continue
        for school_id in sorted(group.members):
            for part, (received, sent) in _g3_flows(placed, group.lead, school_id).items():
                if received != sent:
                    yield _violation(
                        RuleId.G3,
                        f"member {school_id} of tight group {group.group_id} sends {sent} {part} to the lead "
                        f"{group.lead} but receives {received}",
                        f"紧密型集团 {group.group_id} 成员学校 {school_id} 向牵头学校 {group.lead} "
                        f"派出 {part_text(part, 'zh')} "
                        f"{sent} 人，接收 {received} 人，应对等",
                        _brief(
                            RuleId.G3, f"{school_id} sends as many as it receives", f"{school_id} 须对等派出"
                        ),
                        schools=[school_id, group.lead],
                    )


def _g4_sent(placed: _Placed, group: Group) -> list[StaffMember]:
    """G4: everyone from an alliance's urban schools at its town and rural schools after the plan."""
    urban, others = g4_sides(placed.basis.roster.schools, group)
    return [m for u in urban for o in others for m in placed.stock.get((u, o), [])]


def _g4_alliance(placed: _Placed) -> Iterator[Violation]:
    """G4: an alliance's urban schools have alliance_min to alliance_max people at its town and rural
    schools, at least alliance_leader_min of them principals, vice principals or middle managers."""
    if not placed.hard(RuleId.G4):
        return
    params = placed.basis.params
    for group in placed.basis._groups(GroupKind.ALLIANCE):
        sent = _g4_sent(placed, group)
        low, high = params.alliance_min, params.alliance_max
        if not low <= len(sent) <= high:
            yield _violation(
                RuleId.G4,
                f"the urban schools of alliance {group.group_id} have {len(sent)} people at its town "
                "and rural "
                f"schools, outside [{low}, {high}]",
                f"联盟 {group.group_id} 的城区学校在乡镇、农村学校交流 {len(sent)} 人，不在 {low} 至 "
                f"{high} 人之间",
                _brief(
                    RuleId.G4,
                    f"alliance {group.group_id} sends {low}–{high}",
                    f"联盟 {group.group_id} 须交流 {low}–{high} 人",
                ),
            )
        leaders = sum(1 for m in sent if g4_counts_as_leader(m))
        if leaders < params.alliance_leader_min:
            yield _violation(
                RuleId.G4,
                f"the urban schools of alliance {group.group_id} have {leaders} leaders or middle "
                "managers at its "
                f"town and rural schools, fewer than {params.alliance_leader_min}",
                f"联盟 {group.group_id} 的城区学校交流的校级领导或中层干部为 {leaders} 人，少于 "
                f"{params.alliance_leader_min} 人",
                _brief(
                    RuleId.G4, f"alliance {group.group_id} needs a leader", f"联盟 {group.group_id} 需要干部"
                ),
            )


def _valid_walks(placed: _Placed) -> tuple[list[PlanWalk], list[Violation]]:
    """G5: the walks the rules allow, and a violation for each one they do not: a teacher or middle
    manager whose home is the central school and who works there next term, of that subject and a
    band the small school teaches, without E4/E5, at no more than walk_max_schools small schools."""
    basis = placed.basis
    roster = basis.roster
    valid: list[PlanWalk] = []
    found: list[Violation] = []
    served: dict[str, set[str]] = defaultdict(set)
    for walk in placed.walks:
        member = roster.staff_by_id.get(walk.staff_id)
        if member is None:
            found.append(
                _violation(
                    CONTRACT,
                    f"a walking row names staff {walk.staff_id!r}, who is not in the input",
                    f"走教安排中的工号 {walk.staff_id!r} 不在输入工作簿中",
                    Text(f"unknown staff {walk.staff_id}", f"未知工号 {walk.staff_id}"),
                    [walk.staff_id],
                )
            )
            continue
        who, small = walk.staff_id, walk.school_id
        works_at = placed.after[who]
        brief = _brief(RuleId.G5, f"{who} may not walk to {small}", f"{who} 不能到 {small} 走教")
        problems: list[tuple[str, str, tuple[str | None, ...]]] = []
        if walk.home_school_id != works_at or member.home_school_id != works_at:
            problems.append(
                (
                    f"walking teacher {who} is listed at {walk.home_school_id}, has home "
                    f"{member.home_school_id} "
                    f"and works at {works_at} after the plan",
                    f"走教教师 {who} 所在学校写为 {walk.home_school_id}，人事关系在 {member.home_school_id}，"
                    f"交流后在 {works_at} 工作",
                    (walk.home_school_id, member.home_school_id, works_at),
                )
            )
        if (works_at, small) not in basis.g5_required:
            problems.append(
                (
                    f"walking teacher {who} works at {works_at} after the plan, not the central school of a "
                    f"township alliance with small school {small}",
                    f"走教教师 {who} 交流后在 {works_at} 工作，不是小规模学校 {small} 所在乡镇一体化"
                    "联盟的中心学校",
                    (works_at, small),
                )
            )
        if (member.subject or "") != walk.subject.strip():
            problems.append(
                (
                    f"walking teacher {who} teaches {member.subject or 'no subject'}, not {walk.subject}",
                    f"走教教师 {who} 任教{member.subject or '无学科'}，不是{walk.subject}",
                    (),
                )
            )
        if member.post not in (Post.TEACHER, Post.MIDDLE_MANAGER):
            problems.append(
                (
                    f"walking teacher {who} is a {member.post.value}, not a teacher or middle manager",
                    f"走教教师 {who} 是{member.post.zh}，不是教师或中层干部",
                    (),
                )
            )
        school = roster.schools.get(small)
        if school is not None and member.band not in school.bands:
            band = member.band.zh if member.band else "无学段"
            problems.append(
                (
                    f"walking teacher {who} teaches {member.band.value if member.band else 'no band'}, which "
                    f"{small} does not teach",
                    f"走教教师 {who} 任教{band}，{small} 不开设该学段",
                    (small,),
                )
            )
        if basis.eligibility[who].is_sensitive:
            shown = basis.shown_reasons(basis.eligibility[who].reasons)
            problems.append(
                (
                    f"walking teacher {who} has exemption {shown} (walking is extra travel)",
                    f"走教教师 {who} 有暂缓原因 {shown}（走教须额外奔波）",
                    (),
                )
            )
        found.extend(_violation(RuleId.G5, en, zh, brief, [who], schools) for en, zh, schools in problems)
        served[who].add(small)
        if not problems:
            valid.append(walk)
    limit = basis.params.walk_max_schools
    for who, schools in sorted(served.items()):
        if len(schools) > limit:
            found.append(
                _violation(
                    RuleId.G5,
                    f"walking teacher {who} serves {len(schools)} small schools, more than {limit}",
                    f"走教教师 {who} 走教 {len(schools)} 所小规模学校，超过 {limit} 所",
                    _brief(RuleId.G5, f"{who} walks to at most {limit}", f"{who} 最多走教 {limit} 所"),
                    [who],
                )
            )
    return valid, found


def _g5_township(placed: _Placed) -> Iterator[Violation]:
    """G5: every walk row (whether G5 is hard or soft), and when hard every small school's curriculum:
    each subject the central school teaches today in its bands, by its own teacher or a walking one."""
    valid, found = _valid_walks(placed)
    yield from found
    if not placed.hard(RuleId.G5):
        return
    for (central, small), subjects in sorted(placed.basis.g5_required.items()):
        for subject, covered in _g5_cover(placed, valid, small, subjects).items():
            if covered:
                continue
            yield _violation(
                RuleId.G5,
                f"small school {small} has neither a teacher of {subject} nor a walking teacher of "
                f"it from {central}",
                f"小规模学校 {small} 没有{subject}教师，也没有 {central} 的{subject}走教教师",
                _brief(RuleId.G5, f"{small} needs {subject}", f"{small} 需要{subject}教师"),
                schools=[small, central],
            )


def _g5_cover(
    placed: _Placed, walks: list[PlanWalk], small: str, subjects: tuple[str, ...]
) -> dict[str, int]:
    """G5: per subject, the teachers of it at the small school after the plan and the walks to it."""
    own = Counter(m.subject for m in placed.staff_after.get(small, ()))
    walked = Counter(w.subject.strip() for w in walks if w.school_id == small)
    return {subject: own[subject] + walked[subject] for subject in subjects}


def _g6_pairs(placed: _Placed) -> Iterator[tuple[Group, str, str, str, int]]:
    """G6: (pair, subject, sender, receiver, senior-3 teachers of the subject sent) in the solver's order."""
    for group in placed.basis._groups(GroupKind.HS_PAIR):
        if len(group.school_ids) != 2:
            continue
        first, second = group.school_ids
        for subject in ACADEMIC_SUBJECTS:
            for sender, receiver in ((first, second), (second, first)):
                stock = placed.stock.get((sender, receiver), [])
                yield group, subject, sender, receiver, sum(1 for m in stock if g6_counts(m, subject))


def _g6_high_school_pairs(placed: _Placed) -> Iterator[Violation]:
    """G6: each way and each academic subject, hs_pair_per_subject_min senior teachers with senior-3
    experience in the stock."""
    if not placed.hard(RuleId.G6):
        return
    needed = placed.basis.params.hs_pair_per_subject_min
    for group, subject, sender, receiver, count in _g6_pairs(placed):
        if count < needed:
            yield _violation(
                RuleId.G6,
                f"pair {group.group_id} has {count} senior-3 {subject} teachers from {sender} at {receiver}, "
                f"fewer than {needed}",
                f"结对高中 {group.group_id}：{sender} 在 {receiver} 的有高三教学经验的{subject}教师 "
                f"{count} 人，"
                f"少于 {needed} 人",
                _brief(
                    RuleId.G6,
                    f"{receiver} needs {subject} from {sender}",
                    f"{receiver} 需要 {sender} 的{subject}教师",
                ),
                schools=[sender, receiver],
            )


def _g7_kindergartens(placed: _Placed) -> Iterator[Violation]:
    """G7: the lead kindergarten has at least kg_exchange_min people at each member kindergarten."""
    if not placed.hard(RuleId.G7):
        return
    needed = placed.basis.params.kg_exchange_min
    for group in placed.basis._groups(GroupKind.KINDERGARTEN):
        if group.lead is None:
            continue
        for school_id in sorted(group.members):
            count = len(placed.stock.get((group.lead, school_id), []))
            if count < needed:
                yield _violation(
                    RuleId.G7,
                    f"member kindergarten {school_id} of {group.group_id} has {count} people from the lead "
                    f"{group.lead}, fewer than {needed}",
                    f"领航共建 {group.group_id} 共建园 {school_id} 有领航园 {group.lead} 派出人员 "
                    f"{count} 人，"
                    f"少于 {needed} 人",
                    _brief(
                        RuleId.G7,
                        f"{school_id} needs staff from {group.lead}",
                        f"{school_id} 需要 {group.lead} 派人",
                    ),
                    schools=[school_id, group.lead],
                )


def _n1_figures(placed: _Placed) -> Iterator[tuple[str, int, int, int, int, int]]:
    """N1: per urban, town or quality school, (school, due, due rotated, needed, moved out, key teachers
    among them, …) in roster order."""
    basis = placed.basis
    moved: dict[str, list[StaffMember]] = defaultdict(list)
    for member, _ in placed.new_moves:
        moved[member.school_id].append(member)
    for school_id, school in basis.roster.schools.items():
        if not n1_school(school):
            continue
        due = sum(1 for m in basis.roster.staff_by_school[school_id] if basis.eligibility[m.staff_id].is_due)
        rotated = sum(1 for m in moved[school_id] if basis.eligibility[m.staff_id].is_due)
        keys = sum(1 for m in moved[school_id] if m.is_key_teacher)
        yield (
            school_id,
            due,
            rotated,
            _ceil(basis.params.min_rotation_ratio, due),
            len(moved[school_id]),
            keys,
        )


def _ceil(ratio: float, count: int) -> int:
    # The ratio as the decimal the planner typed: 0.1 × 30 is 3, not 3.0000000000000004 rounded up.
    return ceil(Fraction(str(ratio)) * count)


def _n1_rotation_targets(placed: _Placed) -> Iterator[Violation]:
    """N1 (only when hard): urban, town and quality schools rotate min_rotation_ratio of their due
    people, and key teachers are min_key_share of those moved out."""
    if not placed.hard(RuleId.N1):
        return
    share = placed.basis.params.min_key_share
    for school_id, due, rotated, needed, out, keys in _n1_figures(placed):
        if rotated < needed:
            yield _violation(
                RuleId.N1,
                f"school {school_id} rotates {rotated} of its {due} due people, fewer than {needed}",
                f"学校 {school_id} 的 {due} 名应交流人员中交流 {rotated} 人，少于 {needed} 人",
                _brief(RuleId.N1, f"{school_id} rotates {needed}", f"{school_id} 须交流 {needed} 人"),
                schools=[school_id],
            )
        if keys < _ceil(share, out):
            yield _violation(
                RuleId.N1,
                f"{keys} of the {out} people moved out of school {school_id} are key teachers, fewer than "
                f"{_ceil(share, out)}",
                f"学校 {school_id} 调出 {out} 人，其中骨干教师 {keys} 人，少于 {_ceil(share, out)} 人",
                _brief(
                    RuleId.N1, f"{school_id} needs key teachers among its movers", f"{school_id} 调出骨干不足"
                ),
                schools=[school_id],
            )


def _eligibility_sheet(placed: _Placed, rows: Sequence[EligibilityRow]) -> Iterator[Violation]:
    """T1, T2, E1–E7, S1, S2: the plan's eligibility sheet shows the status and reasons the rules give
    (E4/E5 as exempt E* unless shown); a wrong row is named by a reason it lacks, else one it adds."""
    basis = placed.basis
    for row in rows:
        member = basis.roster.staff_by_id.get(row.staff_id)
        if member is None:
            continue  # a row of someone not in this input: nothing to hold it against
        standing = basis.eligibility[row.staff_id]
        expected, shown = set(standing.reasons), set(row.reasons)
        if standing.status in (Status.LOCKED, Status.RETURNING):
            fine = row.status is standing.status and shown <= expected
        elif shown == {MASKED_REASON}:
            fine = row.status is Status.EXEMPT and bool(expected & SENSITIVE_REASONS)
        else:
            fine = row.status is standing.status and shown == expected
        if fine:
            continue
        order = list(RuleId)
        lacking = sorted((r for r in standing.reasons if r not in shown), key=order.index)
        adding = sorted(
            (rule for rule in map(parse_rule_id, shown - expected) if rule not in (None, MASKED_REASON)),
            key=lambda rule: order.index(rule) if rule is not None else 0,
        )
        first = (lacking or adding or [RuleId.E4 if shown == {MASKED_REASON} else RuleId.T1])[0]
        code = (
            MASKED_REASON.value if first in SENSITIVE_REASONS and not basis.include_sensitive else str(first)
        )
        was = f"{row.status.value if row.status else '-'} ({';'.join(row.reasons) or '-'})"
        was_zh = f"{row.status.zh if row.status else '-'}（{';'.join(row.reasons) or '-'}）"
        rules = basis.shown_reasons(standing.reasons) if standing.reasons else "-"
        yield Violation(
            str(first),
            Text(
                f"{code}: the eligibility sheet shows {row.staff_id} at {member.school_id} as {was}; "
                "the rules "
                f"give {standing.status.value} ({rules})",
                f"{code}：资格审查表中 {row.staff_id}（{member.school_id}）为{was_zh}，按规则应为"
                f"{standing.status.zh}（{rules}）",
            ),
            Text(
                f"{code}: {row.staff_id} is {standing.status.value}",
                f"{code}：{row.staff_id} 应为{standing.status.zh}",
            ),
            (row.staff_id,),
            (member.school_id,),
        )


CHECKS = (
    _contract_rows,
    _s1_s2_and_exemptions,
    _move_codes,
    _p1_principals,
    _p2_host_posts,
    _c1_subject_minimums,
    _c2_headcount,
    _c3_destinations,
    _c4_outflow,
    _g1_g2_tight_teams,
    _g3_reciprocity,
    _g4_alliance,
    _g5_township,
    _g6_high_school_pairs,
    _g7_kindergartens,
    _n1_rotation_targets,
)


# --------------------------------------------------------------------------- the figures counted again


def recount_obligations(placed: _Placed) -> Iterator[ObligationOutcome]:
    """The ``obligations`` rows of the plan as it stands, one per obligation instance and part, as the
    solver writes them (G1, G2, G3, G4, G5, G6, G7, N1).

    G1 and G2 count the split the check finds: G2 the people coded G2 and the fewest free key
    teachers it needs, G1 the rest of the team. When G2 cannot be met, its rows count every key
    teacher there who could be in it (so a shortfall shows what even all of them leave), and G1's
    row counts the whole team.
    """
    basis = placed.basis
    params = basis.params

    def row(rule: RuleId, group: str | None, school: str | None, part: str, required: int, achieved: int,
            maximum: int | None = None) -> ObligationOutcome:  # fmt: skip
        return ObligationOutcome(rule, group, school, part, required, achieved, params.is_soft(rule), maximum)

    found: list[ObligationOutcome] = []
    for pair in _tight_pairs(placed):
        g1_min = params.tight_mgmt_team_min
        split = pair.fewest is not None and (
            placed.hard(RuleId.G2) or len(pair.team) - pair.fewest >= g1_min or not placed.hard(RuleId.G1)
        )
        if split:
            keys, team = pair.key_pinned + pair.chosen, len(pair.team) - len(pair.chosen)
        elif pair.fewest is None:
            keys, team = pair.key_pinned + pair.key_free, len(pair.team)
        else:
            keys, team = pair.key_pinned, len(pair.team)
        gid = pair.group.group_id
        found.append(row(RuleId.G1, gid, pair.school_id, "team", g1_min, team))
        for band, needed in pair.needs.items():
            found.append(
                row(RuleId.G2, gid, pair.school_id, band.value, needed, sum(m.band is band for m in keys))
            )
        if pair.core_needed:
            primary = [m for m in keys if m.band in PRIMARY_BANDS]
            for subject in G2_PRIMARY_CORE_SUBJECTS:
                found.append(
                    row(
                        RuleId.G2, gid, pair.school_id, subject, 1, sum(m.subject == subject for m in primary)
                    )
                )
        for part, (received, back) in _g3_flows(placed, pair.lead, pair.school_id).items():
            found.append(row(RuleId.G3, gid, pair.school_id, part, received, back, received))
    for group in basis._groups(GroupKind.ALLIANCE):
        sent = _g4_sent(placed, group)
        found.append(
            row(RuleId.G4, group.group_id, None, "", params.alliance_min, len(sent), params.alliance_max)
        )
        leaders = sum(1 for m in sent if g4_counts_as_leader(m))
        found.append(row(RuleId.G4, group.group_id, None, "leader", params.alliance_leader_min, leaders))
    valid, _ = _valid_walks(placed)
    rural = {g.lead: g.group_id for g in basis._groups(GroupKind.RURAL)}
    for (central, small), subjects in sorted(basis.g5_required.items()):
        for subject, covered in _g5_cover(placed, valid, small, subjects).items():
            found.append(row(RuleId.G5, rural[central], small, subject, 1, covered))
    for group, subject, sender, receiver, count in _g6_pairs(placed):
        part = f"{subject}:{sender}->{receiver}"
        found.append(row(RuleId.G6, group.group_id, receiver, part, params.hs_pair_per_subject_min, count))
    for group in basis._groups(GroupKind.KINDERGARTEN):
        for school_id in sorted(group.members):
            count = len(placed.stock.get((group.lead or "", school_id), []))
            found.append(row(RuleId.G7, group.group_id, school_id, "", params.kg_exchange_min, count))
    for school_id, due, rotated, needed, out, key_count in _n1_figures(placed):
        if due:
            found.append(row(RuleId.N1, None, school_id, "", needed, rotated))
        if out or school_id in basis.may_lose_someone:
            found.append(row(RuleId.N1, None, school_id, "key", _ceil(params.min_key_share, out), key_count))
    return iter(sorted(found, key=lambda o: (o.rule, o.group_id or "", o.school_id or "", o.part)))


def _school_figures(placed: _Placed) -> Iterator[SchoolFigures]:
    """Headcount and key teachers before and after, per school in roster order."""
    roster = placed.basis.roster
    moved = {m.staff_id for m in roster.staff if placed.after[m.staff_id] != m.school_id}
    for school_id, staff in roster.staff_by_school.items():
        after = placed.staff_after.get(school_id, [])
        yield SchoolFigures(
            school_id,
            len(staff),
            sum(1 for m in staff if m.staff_id in moved),
            sum(1 for m in after if m.staff_id in moved),
            len(after),
            sum(1 for m in staff if m.is_key_teacher),
            sum(1 for m in after if m.is_key_teacher),
        )


# --------------------------------------------------------------------------- reading a plan to verify

# The report sheets a plan workbook may lack (a plan typed by hand, or trimmed): verify reads what is
# there. The assignments sheet is the plan itself and is required.
_OPTIONAL_SHEETS: tuple[Sheet, ...] = (
    OUT_ELIGIBILITY,
    OUT_OBLIGATIONS,
    OUT_UNMOVED_DUE,
    OUT_SCHOOLS,
    OUT_WALKING,
    OUT_RUN,
)
_HOST_POST = next(column for column in OUT_ASSIGNMENTS.columns if column.key == "host_post")


@dataclass(frozen=True)
class ReadPlan:
    """A plan workbook as verify reads it: its data, its rows to check, and the sheets it has."""

    data: PlanData
    rows: PlanRows
    sheets: frozenset[str] = field(default_factory=frozenset)


def read_plan_to_verify(path: Path) -> ReadPlan:
    """The plan workbook at ``path``, its absent report sheets read as empty and a missing host_post
    column as blank (P2 then names it); PlanReadError when the rest cannot be read."""
    sheets = read_sheets(path)
    given = frozenset(
        spec.key
        for spec in (OUT_ASSIGNMENTS, *_OPTIONAL_SHEETS)
        if any(normalize_text(title) in (spec.key, normalize_text(spec.zh)) for title in sheets)
    )
    filled: dict[str, list[tuple[object, ...]]] = dict(sheets)
    for spec in _OPTIONAL_SHEETS:
        if spec.key not in given:
            filled[spec.key] = [tuple(column.key for column in spec.columns)]
    host_post_column = True
    for title, rows in sheets.items():
        if normalize_text(title) in (OUT_ASSIGNMENTS.key, normalize_text(OUT_ASSIGNMENTS.zh)):
            host_post_column, filled[title] = _with_host_post(rows)
    data = plan_from_sheets(path, filled)
    return ReadPlan(data, rows_of_data(data, given, host_post_column), given)


def _with_host_post(rows: list[tuple[object, ...]]) -> tuple[bool, list[tuple[object, ...]]]:
    """Whether the assignments rows have a host_post column; without one, the rows with a blank one."""
    names = {_HOST_POST.key, normalize_text(_HOST_POST.zh)}
    if any(isinstance(cell, str) and normalize_text(cell) in names for row in rows for cell in row):
        return True, rows
    header = next(
        (
            i
            for i, row in enumerate(rows)
            if any(isinstance(c, str) and normalize_text(c) in _STAFF_ID for c in row)
        ),
        None,
    )
    if header is None:
        return True, rows  # no header at all: the reader says so
    widened = [(*row, _HOST_POST.key if i == header else None) for i, row in enumerate(rows)]
    return False, widened


_STAFF_ID = {"staff_id", normalize_text("工号")}


def run_parameters(run: Mapping[str, object]) -> dict[str, object]:
    """The parameters a plan's run sheet says it was made with (its other facts left out); a blank cell
    leaves the parameter as it was, except soft and hard, where blank means none."""
    names = {f.name for f in fields(Parameters)}
    return {
        key: "" if value is None else value
        for key, value in run.items()
        if key in names and (key in ("soft", "hard") or (value is not None and str(value).strip() != ""))
    }


@dataclass(frozen=True)
class Verified:
    """A plan workbook checked against its input: what was read, and the verdict."""

    loaded: LoadedWorkbook
    plan: ReadPlan
    basis: Basis
    verdict: Verdict


def verify_files(input_path: Path, plan_path: Path, include_sensitive: bool = False) -> Verified:
    """The plan at ``plan_path`` checked against the input workbook at ``input_path``, under the
    parameters the plan's run sheet records over the input's own (as it was solved).

    Raises PlanReadError for an unreadable plan, WorkbookError or ParameterError for a bad input.
    """
    plan = read_plan_to_verify(plan_path)
    values = run_parameters(plan.data.run)
    run_sheet = Text(f"{plan_path.name} run sheet", f"{plan_path.name} 运行信息")

    def resolve(sheet: Mapping[str, object]) -> Parameters:
        return resolve_parameters(sheet).updated(values, run_sheet)

    loaded = load_workbook(input_path, resolve)
    basis = Basis.of(loaded.roster, loaded.params, include_sensitive)
    return Verified(loaded, plan, basis, verify(basis, plan.rows))
