"""An independent checker of an exported rotation plan: every hard rule of domain-rules.md, once more.

Test infrastructure. It is written from the rules text alone and never imports
the solver's model (``solver/``), so that a mistake in the model shows up here
as a violation instead of being repeated. It shares with the solver only the
domain types, the parameters, the date arithmetic and the eligibility
assessment (who is due, exempt, locked or returning).

Entry points:

- ``check_plan(roster, params, assignments, walks)``: one sentence per
  violation, each starting with the rule ID it breaks (``"C2: ..."``), or
  ``"Contract: ..."`` for a row that breaks the workbook contract rather than a
  rule (unknown staff, a person listed twice, a wrong effective date, a code
  column that disagrees with the roster). An empty list means every hard rule
  holds.
- ``read_plan(path)``: the ``assignments`` and ``walking`` sheets of an exported
  plan workbook, with English or Chinese sheet names, headers and codes.
- ``check_plan_workbook(input_path, plan_path)``: both, against the input
  workbook, with the parameters the plan was solved with (its ``run`` sheet).

"After" means where everyone works in the coming term: where they work now,
except that an S2 row takes a returning person home and any other row is a new
move to ``to_school_id``. The obligations G1-G6 count the stock: everyone whose
home school is the sender and who works at the receiver after.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook as open_xlsx

from rotation.codes import Area, Band, Category, Coded, GroupKind, Honor, Post, Stage, Status, normalize_text
from rotation.dates import add_years, parse_date_text
from rotation.domain import Group, Roster, School, StaffMember
from rotation.eligibility import Eligibility, assess_roster
from rotation.parameters import Parameters
from rotation.workbook.schema import OUT_ASSIGNMENTS, OUT_RUN, OUT_WALKING, Sheet

# Written out from the rules text on purpose, rather than imported from rotation.codes, so that a
# mistake there is not repeated here (tests/test_plan_checker.py compares the two).
_PRIMARY: tuple[Band, ...] = (Band.PRIMARY_LOWER, Band.PRIMARY_MIDDLE, Band.PRIMARY_UPPER)
STAGE_BANDS: dict[Stage, frozenset[Band]] = {
    Stage.KINDERGARTEN: frozenset({Band.KINDERGARTEN}),
    Stage.PRIMARY: frozenset(_PRIMARY),
    Stage.JUNIOR: frozenset({Band.JUNIOR}),
    Stage.SENIOR: frozenset({Band.SENIOR}),
    Stage.NINE_YEAR: frozenset({*_PRIMARY, Band.JUNIOR}),
    Stage.COMPLETE: frozenset({Band.JUNIOR, Band.SENIOR}),
}
G6_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语", "物理", "化学", "生物", "政治", "历史", "地理")
G2_CORE_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语")
# Every rule ID of domain-rules.md: the only codes an assignments row's ``rule`` may hold.
RULE_IDS: frozenset[str] = frozenset(
    {"T1", "T2", "S1", "S2", "N1", "N2", "L1"}
    | {f"E{i}" for i in range(1, 8)}
    | {f"G{i}" for i in range(1, 7)}
    | {f"C{i}" for i in range(1, 5)}
)
_MEDICAL_OR_MATERNITY: frozenset[str] = frozenset({"E4", "E5"})

C = TypeVar("C", bound=Coded)


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """One row of the ``assignments`` sheet.

    ``post``, ``subject``, ``band`` and ``honor`` repeat the roster for the reader; when given
    (read_plan fills them in) they are checked against it.
    """

    staff_id: str
    from_school_id: str
    to_school_id: str
    rule: str
    group_id: str | None
    effective_date: date | None
    earliest_return_date: date | None
    post: Post | None = None
    subject: str | None = None
    band: Band | None = None
    honor: Honor | None = None

    @property
    def rule_ids(self) -> frozenset[str]:
        """The rule IDs of the ``rule`` cell (several may be joined by ``;``)."""
        return frozenset(part.strip().upper() for part in self.rule.split(";") if part.strip())

    @property
    def is_return(self) -> bool:
        """An S2 row: back home at the end of a stint, rather than a new move."""
        return "S2" in self.rule_ids


@dataclass(frozen=True, slots=True)
class WalkRow:
    """One row of the ``walking`` sheet: a central-school teacher who also teaches at a small school."""

    staff_id: str
    home_school_id: str
    school_id: str
    subject: str


# --------------------------------------------------------------------------- the plan, resolved


@dataclass
class _Plan:
    """The roster, the plan's rows and where everyone works after, for the rule checks to share."""

    roster: Roster
    params: Parameters
    eligibility: dict[str, Eligibility]
    rows: dict[str, AssignmentRow]  # by staff_id, the first row of each known person
    walks: list[WalkRow]

    @cached_property
    def after(self) -> dict[str, str]:
        """Where each person works in the coming term."""
        where = {member.staff_id: member.school_id for member in self.roster.staff}
        for staff_id, row in self.rows.items():
            where[staff_id] = row.to_school_id
        return where

    @cached_property
    def staff_after(self) -> dict[str, list[StaffMember]]:
        """The people working at each school in the coming term."""
        by_school: dict[str, list[StaffMember]] = defaultdict(list)
        for member in self.roster.staff:
            by_school[self.after[member.staff_id]].append(member)
        return by_school

    @cached_property
    def stock(self) -> dict[tuple[str, str], list[StaffMember]]:
        """(sender, receiver) → everyone whose home is the sender and who works at the receiver after."""
        pairs: dict[tuple[str, str], list[StaffMember]] = defaultdict(list)
        for member in self.roster.staff:
            receiver = self.after[member.staff_id]
            if receiver != member.home_school_id:
                pairs[(member.home_school_id, receiver)].append(member)
        return pairs

    @cached_property
    def new_moves(self) -> list[tuple[StaffMember, AssignmentRow]]:
        """The rows that are new moves (not S2 returns), with the person moved."""
        staff = self.roster.staff_by_id
        return [(staff[staff_id], row) for staff_id, row in self.rows.items() if not row.is_return]

    def is_hard(self, rule_id: str) -> bool:
        return not self.params.is_soft(rule_id)


def _subject(member: StaffMember) -> str:
    return (member.subject or "").strip()


def _teaches(member: StaffMember, subject: str, band: Band | None = None) -> bool:
    return _subject(member) == subject and (band is None or member.band is band)


def _floor(ratio: float, count: int) -> int:
    # Fraction(str(...)) keeps 0.29 × 100 at 29, where float arithmetic gives 28.999….
    return math.floor(Fraction(str(ratio)) * count)


def _ceil(ratio: float, count: int) -> int:
    return math.ceil(Fraction(str(ratio)) * count)


# --------------------------------------------------------------------------- the checks


def check_plan(
    roster: Roster, params: Parameters, assignments: Sequence[AssignmentRow], walks: Sequence[WalkRow]
) -> list[str]:
    """Every hard rule the plan breaks, one sentence each, starting with the rule ID; [] when none."""
    problems: list[str] = []
    rows: dict[str, AssignmentRow] = {}
    for row in assignments:
        if row.staff_id not in roster.staff_by_id:
            problems.append(
                f"Contract: an assignments row names staff {row.staff_id!r}, who is not in the roster."
            )
        elif row.staff_id in rows:
            problems.append(f"Contract: staff {row.staff_id} appears in more than one assignments row.")
        else:
            rows[row.staff_id] = row
    plan = _Plan(roster, params, assess_roster(roster, params), rows, list(walks))
    for check in (
        _check_rows,
        _check_c1_subject_minimums,
        _check_c2_headcount,
        _check_c3_destinations,
        _check_c4_outflow,
        _check_g1_g2_tight_teams,
        _check_g3_reciprocity,
        _check_g4_alliance,
        _check_g5_township,
        _check_g6_high_school_pairs,
        _check_n1_rotation_share,
    ):
        problems.extend(check(plan))
    return problems


def _check_rows(plan: _Plan) -> Iterable[str]:
    """Each row on its own: S1, S2, the exemptions, the dates, the codes."""
    params = plan.params
    for staff_id, row in plan.rows.items():
        member = plan.roster.staff_by_id[staff_id]
        standing = plan.eligibility[staff_id]
        who = f"staff {staff_id}"
        for school_id in (row.from_school_id, row.to_school_id):
            if school_id not in plan.roster.schools:
                yield f"Contract: the row of {who} names school {school_id!r}, which is not in the roster."
        if row.from_school_id != member.school_id:
            yield (
                f"Contract: the row of {who} moves them from {row.from_school_id}, "
                f"but they work at {member.school_id}."
            )
        if row.to_school_id == member.school_id:
            yield f"Contract: the row of {who} moves them to {row.to_school_id}, where they already work."
        if not row.rule_ids or not row.rule_ids <= RULE_IDS:
            yield f"Contract: the row of {who} has rule {row.rule!r}, not a rule ID of domain-rules.md."
        if row.effective_date != params.effective_date:
            yield (
                f"Contract: the row of {who} takes effect on {row.effective_date}, "
                f"not on the plan's effective_date {params.effective_date}."
            )
        yield from _echoed_columns(row, member)

        if standing.status is Status.LOCKED:
            yield (
                f"S1: {who} is on exchange at {member.school_id} and their minimum stint has not ended "
                f"on {params.effective_date}, but the plan moves them to {row.to_school_id}."
            )
        elif standing.status is Status.RETURNING:
            yield from _returning_row(row, member)
        elif row.is_return:
            yield f"S2: {who} is not on exchange, yet has an S2 (return) row to {row.to_school_id}."
        else:
            if standing.status is Status.EXEMPT:
                reasons = set(standing.reasons)
                if not member.volunteer or reasons & _MEDICAL_OR_MATERNITY:
                    codes = ";".join(standing.reasons)
                    why = (
                        "is not a volunteer"
                        if not member.volunteer
                        else "has a medical or maternity exemption"
                    )
                    yield f"{codes}: {who} is exempt ({codes}) and {why}, but the plan moves them."
            expected = _earliest_return(member, row, params)
            if row.earliest_return_date != expected:
                yield (
                    f"S1: the new move of {who} ({member.post.value}) has earliest return date "
                    f"{row.earliest_return_date}, not {expected}."
                )


def _returning_row(row: AssignmentRow, member: StaffMember) -> Iterable[str]:
    who = f"staff {member.staff_id}"
    if row.to_school_id != member.home_school_id:
        yield (
            f"S2: {who} may only return home to {member.home_school_id} or stay on, "
            f"but the plan moves them to {row.to_school_id}."
        )
    elif not row.is_return:
        yield f"S2: the return home of {who} has rule {row.rule!r}; a return carries rule S2."
    if row.earliest_return_date is not None:
        yield f"S2: the return home of {who} has earliest return date {row.earliest_return_date}, not none."


def _earliest_return(member: StaffMember, row: AssignmentRow, params: Parameters) -> date:
    """S1: effective_date plus the minimum stint of the post; G6 stints last at least one year."""
    years = params.teacher_min_stint_years if member.post is Post.TEACHER else params.leader_min_stint_years
    if "G6" in row.rule_ids:
        years = max(years, 1)
    return add_years(params.effective_date, years)


def _echoed_columns(row: AssignmentRow, member: StaffMember) -> Iterable[str]:
    """The post, subject, band and honor columns, when read, must say what the roster says."""
    echoed: tuple[tuple[str, object, object], ...] = (
        ("post", row.post, member.post),
        ("subject", row.subject, _subject(member)),
        ("band", row.band, member.band),
        ("honor", row.honor, member.honor),
    )
    for name, shown, actual in echoed:
        if shown is not None and shown != actual:
            yield f"Contract: the row of staff {member.staff_id} shows {name} {shown}; the roster: {actual}."


def _check_c1_subject_minimums(plan: _Plan) -> Iterable[str]:
    """C1: the subject_minimums rows; without the sheet, no subject taught today drops to zero."""
    roster = plan.roster
    if roster.subject_minimums is not None:
        for minimum in roster.subject_minimums:
            subject, band = minimum.subject.strip(), minimum.band
            before = sum(
                _teaches(m, subject, band) for m in roster.staff_by_school.get(minimum.school_id, ())
            )
            after = sum(_teaches(m, subject, band) for m in plan.staff_after.get(minimum.school_id, ()))
            needed = min(minimum.min_teachers, before)
            if after < needed:
                what = f"{subject} ({band.value})" if band is not None else subject
                yield (
                    f"C1: school {minimum.school_id} would have {after} teachers of {what} after rotation, "
                    f"below min({minimum.min_teachers} required, {before} today) = {needed}."
                )
        return
    for school_id, people in roster.staff_by_school.items():
        for subject in sorted({_subject(m) for m in people} - {""}):
            if not any(_teaches(m, subject) for m in plan.staff_after.get(school_id, ())):
                yield f"C1: school {school_id} teaches {subject} today but would have no teacher of it after."


def _check_c2_headcount(plan: _Plan) -> Iterable[str]:
    """C2: headcount after within [before − max_net_loss, max(before, staff_quota)]."""
    for school_id, school in plan.roster.schools.items():
        before = len(plan.roster.staff_by_school.get(school_id, ()))
        after = len(plan.staff_after.get(school_id, ()))
        low = before - plan.params.max_net_loss
        high = max(before, school.staff_quota or before)
        if after < low:
            yield (
                f"C2: school {school_id} would have {after} staff after rotation, below {before} today "
                f"minus max_net_loss {plan.params.max_net_loss}."
            )
        if after > high:
            yield (
                f"C2: school {school_id} would have {after} staff after rotation, above "
                f"max({before} today, staff_quota {school.staff_quota})."
            )


def _check_c3_destinations(plan: _Plan) -> Iterable[str]:
    """C3: a new move stays inside a shared group, to a school that teaches the person's band."""
    schools, groups = plan.roster.schools, plan.roster.groups
    for member, row in plan.new_moves:
        origin, target = schools.get(member.school_id), schools.get(row.to_school_id)
        if origin is None or target is None:
            continue  # reported as a contract breach
        who = f"staff {member.staff_id}"
        if member.band is None:
            if target.stage is not origin.stage:
                yield (
                    f"C3: {who} ({member.post.value}, no band) moves from a {origin.stage.value} school "
                    f"to {target.school_id}, a {target.stage.value} school."
                )
        elif member.band not in STAGE_BANDS[target.stage]:
            yield f"C3: {who} teaches {member.band.value}, not taught at {target.school_id} ({target.stage})."
        shared = [
            g
            for g in groups.values()
            if origin.school_id in g.school_ids and target.school_id in g.school_ids
        ]
        free_agent = (
            plan.params.destination_scope == "district"
            and plan.eligibility[member.staff_id].status is Status.DUE
            and not any(origin.school_id in g.school_ids for g in groups.values())
        )
        if not shared and not free_agent:
            yield f"C3: {who} moves from {origin.school_id} to {target.school_id}, which share no group."
        if row.group_id:
            group = groups.get(row.group_id)
            if group is None or group not in shared:
                yield (
                    f"C3: the row of {who} names group {row.group_id}, which does not hold both "
                    f"{origin.school_id} and {target.school_id}."
                )


def _check_c4_outflow(plan: _Plan) -> Iterable[str]:
    """C4: new moves out of a school ≤ max(1, floor(max_outflow_ratio × headcount)); returns home are free."""
    leaving = Counter(member.school_id for member, _ in plan.new_moves)
    for school_id, count in sorted(leaving.items()):
        before = len(plan.roster.staff_by_school.get(school_id, ()))
        limit = max(1, _floor(plan.params.max_outflow_ratio, before))
        if count > limit:
            yield (
                f"C4: {count} staff leave school {school_id} by new moves, more than "
                f"max(1, floor({plan.params.max_outflow_ratio} × {before})) = {limit}."
            )


def _tight_groups(plan: _Plan) -> Iterable[tuple[Group, str, School]]:
    """(tight group, lead school ID, member school) for every member of every tight group."""
    for group in plan.roster.groups.values():
        if group.kind is GroupKind.TIGHT and group.lead is not None:
            for member_id in group.members:
                yield group, group.lead, plan.roster.schools[member_id]


def _g1_capable(member: StaffMember) -> bool:
    """G1's management team: vice principals, middle managers and key teachers."""
    return member.post in (Post.VICE_PRINCIPAL, Post.MIDDLE_MANAGER) or member.is_key_teacher


def _g2_band_needs(school: School, params: Parameters) -> dict[Band, int]:
    """G2's key teachers per band, by the bands the member's stage teaches."""
    bands = STAGE_BANDS[school.stage]
    needs = {Band.JUNIOR: params.tight_key_junior_min} if Band.JUNIOR in bands else {}
    needs.update({band: params.tight_key_primary_band_min for band in _PRIMARY if band in bands})
    return needs


def _g2_fewest_extra(
    needs: dict[Band, int], core_needed: bool, pinned: list[StaffMember], free: list[StaffMember]
) -> int | None:
    """The fewest free key teachers G2 must take, on top of those pinned to it; None if it can't be met.

    Per band b the contingent needs ``needs[b]`` key teachers; if ``core_needed``, its primary ones
    must include 语文, 数学 and 英语. Each core subject not covered by a pinned teacher is given to a
    primary band (every way, at most 3³ = 27); a band that takes c such subjects then takes
    max(c, needs[b] − pinned in b) free teachers, which it can when it has a free teacher of each of
    its subjects and that many free teachers in all. The cheapest feasible way is the answer.
    """
    have = Counter(m.band for m in pinned)
    pool: dict[Band, list[StaffMember]] = defaultdict(list)
    for m in free:
        if m.band is not None:
            pool[m.band].append(m)
    covered = {_subject(m) for m in pinned if m.band in _PRIMARY}
    uncovered = [s for s in G2_CORE_SUBJECTS if s not in covered] if core_needed else []
    primary = [b for b in _PRIMARY if b in needs]
    best: int | None = None
    for choice in itertools.product(primary, repeat=len(uncovered)):
        total = 0
        for band in set(needs) | set(choice):
            subjects = [s for s, b in zip(uncovered, choice, strict=True) if b is band]
            if not all(any(_subject(m) == s for m in pool[band]) for s in subjects):
                break
            take = max(len(subjects), needs.get(band, 0) - have[band])
            if take > len(pool[band]):
                break
            total += take
        else:
            best = total if best is None else min(best, total)
    return best


def _check_g1_g2_tight_teams(plan: _Plan) -> Iterable[str]:
    """G1 and G2: the lead's management team and key teachers at each member, as separate contingents.

    The stock from the lead to a member is split three ways: people pinned to G1 (their new move's
    rule is G1), people pinned to G2 (rule G2), and free people (locked, extended, or moved under
    another rule), who may count in either contingent but not in both. Since every key teacher is
    also eligible for the management team, the split that is best for G1 is the one that gives G2
    the fewest free key teachers that still meet G2: ``_g2_fewest_extra`` finds that number exactly,
    and G1 then holds iff the team-eligible people left over are at least ``tight_mgmt_team_min``.
    When G2 is soft (or cannot be met at all, which is reported per part), G2 takes no free people.
    """
    params = plan.params
    g1_hard, g2_hard = plan.is_hard("G1"), plan.is_hard("G2")
    yield from _g1_g2_labels(plan)
    for group, lead, school in _tight_groups(plan):
        stock = plan.stock.get((lead, school.school_id), [])
        pinned_g1 = [m for m in stock if _contingent(plan, m) == "G1"]
        pinned_g2 = [m for m in stock if _contingent(plan, m) == "G2"]
        free = [m for m in stock if _contingent(plan, m) is None]
        needs = _g2_band_needs(school, params)
        core_needed = any(band in needs for band in _PRIMARY)
        key_pinned = [m for m in pinned_g2 if m.is_key_teacher and m.band in needs]
        key_free = [m for m in free if m.is_key_teacher and m.band in needs]
        where = f"member {school.school_id} of tight group {group.group_id} (lead {lead})"

        extra = 0
        if g2_hard:
            fewest = _g2_fewest_extra(needs, core_needed, key_pinned, key_free)
            if fewest is None:
                yield from _g2_shortfalls(where, needs, core_needed, key_pinned + key_free)
            else:
                extra = fewest
        if g1_hard:
            team = [m for m in pinned_g1 + free if _g1_capable(m)]
            if len(team) - extra < params.tight_mgmt_team_min:
                because = f", after the {extra} key teachers G2 needs from the same stock" if extra else ""
                yield (
                    f"G1: {where} receives a management team of {len(team) - extra}{because}, "
                    f"fewer than tight_mgmt_team_min {params.tight_mgmt_team_min}."
                )


def _contingent(plan: _Plan, member: StaffMember) -> str | None:
    """G1 or G2 when the person's new move names exactly one of them; None when free to count in either."""
    row = plan.rows.get(member.staff_id)
    named = row.rule_ids & {"G1", "G2"} if row is not None else frozenset()
    return next(iter(named)) if len(named) == 1 else None


def _g1_g2_labels(plan: _Plan) -> Iterable[str]:
    """A new move labelled G1 or G2 goes from a tight lead to a member, and its person fits the contingent."""
    lead_member_pairs = {(lead, school.school_id) for _, lead, school in _tight_groups(plan)}
    for member, row in plan.new_moves:
        for rule in sorted(row.rule_ids & {"G1", "G2"}):
            who = f"staff {member.staff_id}"
            if (member.school_id, row.to_school_id) not in lead_member_pairs:
                yield f"{rule}: the move of {who} is labelled {rule}, but not from a tight lead to a member."
            if rule == "G1" and not _g1_capable(member):
                yield (
                    f"G1: the move of {who} is labelled G1, but they are neither a vice principal, "
                    f"a middle manager nor a key teacher."
                )
            if rule == "G2" and not member.is_key_teacher:
                yield f"G2: the move of {who} is labelled G2, but they are not a key teacher."


def _g2_shortfalls(
    where: str, needs: dict[Band, int], core_needed: bool, usable: list[StaffMember]
) -> Iterable[str]:
    """The parts of G2 that the stock cannot meet (G2 alone fails only when one part does)."""
    by_band = Counter(m.band for m in usable)
    for band, needed in needs.items():
        if by_band[band] < needed:
            yield f"G2: {where} receives {by_band[band]} {band.value} key teachers, fewer than {needed}."
    if core_needed:
        taught = {_subject(m) for m in usable if m.band in _PRIMARY}
        for subject in G2_CORE_SUBJECTS:
            if subject not in taught:
                yield f"G2: {where} receives no primary key teacher of {subject}."


def _post_class(member: StaffMember) -> str:
    if member.post.is_leader:
        return "leader"
    return str(member.post)


def _post_classes(people: list[StaffMember]) -> Counter[str]:
    """How many people of each ``post class:band`` (``blank`` for a leader without a band)."""
    return Counter(f"{_post_class(m)}:{m.band.value if m.band else 'blank'}" for m in people)


def _check_g3_reciprocity(plan: _Plan) -> Iterable[str]:
    """G3: per (post class, band), the stock member → lead equals the stock lead → member."""
    if not plan.is_hard("G3"):
        return
    for group, lead, school in _tight_groups(plan):
        sent = _post_classes(plan.stock.get((school.school_id, lead), []))
        received = _post_classes(plan.stock.get((lead, school.school_id), []))
        for part in sorted(set(sent) | set(received)):
            if sent[part] != received[part]:
                yield (
                    f"G3: member {school.school_id} of tight group {group.group_id} sends {sent[part]} "
                    f"{part} to the lead {lead} but receives {received[part]}."
                )


def _check_g4_alliance(plan: _Plan) -> Iterable[str]:
    """G4: an alliance's urban schools have alliance_min..alliance_max people at its town and rural ones."""
    if not plan.is_hard("G4"):
        return
    params, schools = plan.params, plan.roster.schools
    for group in plan.roster.groups.values():
        if group.kind is not GroupKind.ALLIANCE:
            continue
        urban = [s for s in group.school_ids if schools[s].area is Area.URBAN]
        others = [s for s in group.school_ids if schools[s].area in (Area.TOWN, Area.RURAL)]
        count = sum(len(plan.stock.get((u, o), [])) for u in urban for o in others)
        if not params.alliance_min <= count <= params.alliance_max:
            yield (
                f"G4: the urban schools of alliance {group.group_id} have {count} people at its town and "
                f"rural schools, outside [{params.alliance_min}, {params.alliance_max}]."
            )


def _rural_groups(plan: _Plan) -> list[Group]:
    return [g for g in plan.roster.groups.values() if g.kind is GroupKind.RURAL and g.lead is not None]


def _check_g5_township(plan: _Plan) -> Iterable[str]:
    """G5: the walking rows, and (when G5 is hard) the full curriculum of every small school.

    The walking rows are checked whether G5 is hard or soft: softness waives the curriculum, not the
    limits on walking. Only the rows that pass cover a subject.
    """
    walks, problems = _valid_walks(plan)
    yield from problems
    if plan.is_hard("G5"):
        yield from _g5_missing_subjects(plan, walks)


def _valid_walks(plan: _Plan) -> tuple[list[WalkRow], list[str]]:
    """The walking rows G5 allows (a central-school teacher of that subject, at few enough small
    schools), and a sentence for each one it does not."""
    valid: list[WalkRow] = []
    problems: list[str] = []
    small_of_central = {
        (g.lead, s) for g in _rural_groups(plan) for s in g.members if plan.roster.schools[s].small_school
    }
    served: dict[str, set[str]] = defaultdict(set)
    for walk in plan.walks:
        member = plan.roster.staff_by_id.get(walk.staff_id)
        if member is None:
            problems.append(
                f"Contract: a walking row names staff {walk.staff_id!r}, who is not in the roster."
            )
            continue
        who = f"walking teacher {walk.staff_id}"
        works_at = plan.after[walk.staff_id]
        ok = True
        if walk.home_school_id != works_at:
            problems.append(
                f"G5: {who} is listed at {walk.home_school_id} but works at {works_at} after rotation."
            )
            ok = False
        if (works_at, walk.school_id) not in small_of_central:
            problems.append(
                f"G5: {who} works at {works_at} after rotation, which is not the central school of a "
                f"township alliance with small school {walk.school_id}."
            )
            ok = False
        if _subject(member) != walk.subject.strip():
            problems.append(f"G5: {who} teaches {_subject(member) or 'no subject'}, not {walk.subject}.")
            ok = False
        served[walk.staff_id].add(walk.school_id)
        if ok:
            valid.append(walk)
    for staff_id, schools in sorted(served.items()):
        if len(schools) > plan.params.walk_max_schools:
            problems.append(
                f"G5: walking teacher {staff_id} serves {len(schools)} small schools, more than "
                f"walk_max_schools {plan.params.walk_max_schools}."
            )
    return valid, problems


def _g5_missing_subjects(plan: _Plan, walks: list[WalkRow]) -> Iterable[str]:
    """A small school covers each subject the central school teaches today in its bands."""
    for group in _rural_groups(plan):
        assert group.lead is not None
        central = plan.roster.staff_by_school.get(group.lead, ())
        for school_id in group.members:
            school = plan.roster.schools[school_id]
            if not school.small_school:
                continue
            bands = STAGE_BANDS[school.stage]
            required = {_subject(m) for m in central if m.band in bands} - {""}
            own = {_subject(m) for m in plan.staff_after.get(school_id, ())}
            walked = {w.subject.strip() for w in walks if w.school_id == school_id}
            for subject in sorted(required - own - walked):
                yield (
                    f"G5: small school {school_id} of township alliance {group.group_id} has neither a "
                    f"teacher of {subject} nor a walking teacher of it from {group.lead}."
                )


def _check_g6_high_school_pairs(plan: _Plan) -> Iterable[str]:
    """G6: each way, per academic subject, hs_pair_per_subject_min senior teachers with senior-3 years."""
    if not plan.is_hard("G6"):
        return
    needed = plan.params.hs_pair_per_subject_min
    for group in plan.roster.groups.values():
        if group.kind is not GroupKind.HS_PAIR or len(group.school_ids) != 2:
            continue
        first, second = group.school_ids
        for sender, receiver in ((first, second), (second, first)):
            stock = plan.stock.get((sender, receiver), [])
            for subject in G6_SUBJECTS:
                count = sum(m.senior3 and _teaches(m, subject, Band.SENIOR) for m in stock)
                if count < needed:
                    yield (
                        f"G6: high-school pair {group.group_id} has {count} senior-3 teachers of {subject} "
                        f"from {sender} at {receiver}, fewer than {needed}."
                    )


def _check_n1_rotation_share(plan: _Plan) -> Iterable[str]:
    """N1 (only when hard): urban and quality schools rotate a share of their due, enough of them key."""
    if not plan.is_hard("N1"):
        return
    params = plan.params
    moved: dict[str, list[StaffMember]] = defaultdict(list)
    for member, _ in plan.new_moves:
        moved[member.school_id].append(member)
    for school_id, school in plan.roster.schools.items():
        if school.area is not Area.URBAN and school.category is not Category.QUALITY:
            continue
        people = plan.roster.staff_by_school.get(school_id, ())
        due = sum(plan.eligibility[m.staff_id].status is Status.DUE for m in people)
        rotated_due = sum(plan.eligibility[m.staff_id].status is Status.DUE for m in moved[school_id])
        needed = _ceil(params.min_rotation_ratio, due)
        if rotated_due < needed:
            yield (
                f"N1: school {school_id} rotates {rotated_due} of its {due} due people, fewer than "
                f"ceil({params.min_rotation_ratio} × {due}) = {needed}."
            )
        leaving = len(moved[school_id])
        keys = sum(m.is_key_teacher for m in moved[school_id])
        needed_keys = _ceil(params.min_key_share, leaving)
        if keys < needed_keys:
            yield (
                f"N1: {keys} of the {leaving} people moved out of school {school_id} are key teachers, "
                f"fewer than ceil({params.min_key_share} × {leaving}) = {needed_keys}."
            )


# --------------------------------------------------------------------------- reading the plan workbook


class PlanReadError(ValueError):
    """A plan workbook that cannot be read; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_plan(path: Path) -> tuple[list[AssignmentRow], list[WalkRow]]:
    """The ``assignments`` and ``walking`` sheets of an exported plan (English or Chinese headers, codes)."""
    problems: list[str] = []
    book = open_xlsx(path, read_only=True, data_only=True)
    try:
        assignments = [
            _assignment(cells, where, problems) for cells, where in _table(book, OUT_ASSIGNMENTS, problems)
        ]
        walks = [_walk(cells) for cells, _ in _table(book, OUT_WALKING, problems)]
    finally:
        book.close()
    if problems:
        raise PlanReadError(problems)
    return assignments, walks


def _table(book: Any, sheet: Sheet, problems: list[str]) -> list[tuple[dict[str, object], str]]:
    """The non-blank rows of ``sheet`` as {column key: cell}, with an Excel-style location for each."""
    names = {normalize_text(sheet.key), normalize_text(sheet.zh)}
    found = [ws for ws in book.worksheets if normalize_text(ws.title) in names]
    if not found:
        problems.append(f"{_sheet_label(sheet)}: sheet missing")
        return []
    rows = list(found[0].iter_rows(values_only=True))
    header = _header(rows, sheet)
    if header is None:
        problems.append(f"{_sheet_label(sheet)}: no header row")
        return []
    index, keys = header
    missing = [c.key for c in sheet.columns if c.key not in keys]
    if missing:
        problems.append(f"{_sheet_label(sheet)}: columns missing: {', '.join(missing)}")
        return []
    table: list[tuple[dict[str, object], str]] = []
    for number, cells in enumerate(rows[index + 1 :], start=index + 2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        record = {key: cell for key, cell in zip(keys, cells, strict=False) if key is not None}
        table.append((record, f"{_sheet_label(sheet)}, row {number}"))
    return table


def _header(rows: list[tuple[object, ...]], sheet: Sheet) -> tuple[int, list[str | None]] | None:
    """The first row that names at least half of the sheet's columns, and the column key of each cell."""
    by_header = {normalize_text(c.key): c.key for c in sheet.columns}
    by_header.update({normalize_text(c.zh): c.key for c in sheet.columns})
    for index, cells in enumerate(rows):
        keys = [by_header.get(normalize_text(str(cell))) if cell is not None else None for cell in cells]
        if sum(k is not None for k in keys) * 2 >= len(sheet.columns):
            return index, keys
    return None


def _sheet_label(sheet: Sheet) -> str:
    return f"{sheet.key} ({sheet.zh})"


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).replace("\u3000", " ").strip()


def _date(cell: object, where: str, problems: list[str]) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    parsed = parse_date_text(text)
    if parsed is None:
        problems.append(f"{where}: not a date: {text!r}")
    return parsed


def _code(codes: type[C], cell: object, where: str, problems: list[str]) -> C | None:
    text = _text(cell)
    if not text:
        return None
    parsed = codes.parse(text)
    if parsed is None:
        problems.append(f"{where}: {text!r} is not one of {codes.choices()}")
    return parsed


def _assignment(cells: dict[str, object], where: str, problems: list[str]) -> AssignmentRow:
    return AssignmentRow(
        staff_id=_text(cells.get("staff_id")),
        from_school_id=_text(cells.get("from_school_id")),
        to_school_id=_text(cells.get("to_school_id")),
        rule=_text(cells.get("rule")),
        group_id=_text(cells.get("group_id")) or None,
        effective_date=_date(cells.get("effective_date"), f"{where}, effective_date", problems),
        earliest_return_date=_date(
            cells.get("earliest_return_date"), f"{where}, earliest_return_date", problems
        ),
        post=_code(Post, cells.get("post"), f"{where}, post", problems),
        subject=_text(cells.get("subject")),
        band=_code(Band, cells.get("band"), f"{where}, band", problems),
        honor=_code(Honor, cells.get("honor"), f"{where}, honor", problems),
    )


def _walk(cells: dict[str, object]) -> WalkRow:
    return WalkRow(
        staff_id=_text(cells.get("staff_id")),
        home_school_id=_text(cells.get("home_school_id")),
        school_id=_text(cells.get("school_id")),
        subject=_text(cells.get("subject")),
    )


def plan_parameters(path: Path, base: Parameters) -> Parameters:
    """``base`` updated with the parameters the plan's ``run`` sheet (if any) says it was solved with."""
    book = open_xlsx(path, read_only=True, data_only=True)
    problems: list[str] = []
    try:
        names = {normalize_text(OUT_RUN.key), normalize_text(OUT_RUN.zh)}
        if not any(normalize_text(ws.title) in names for ws in book.worksheets):
            return base
        table = _table(book, OUT_RUN, problems)
    finally:
        book.close()
    if problems:
        raise PlanReadError(problems)
    known = {f.name for f in fields(Parameters)}
    values = {
        key: "" if cells.get("value") is None else cells.get("value")
        for cells, _ in table
        if (key := _text(cells.get("key"))) in known
    }
    return base.updated(values, f"{path} run sheet") if values else base


def check_plan_workbook(input_path: Path, plan_path: Path, params: Parameters | None = None) -> list[str]:
    """Check an exported plan against its input workbook.

    The parameters are, unless given, the input workbook's, updated with those the plan's ``run``
    sheet lists (the CLI's ``--set`` flags and scenario file leave their trace only there).
    """
    from rotation.workbook.loader import (
        load_workbook,  # being written; imported late so the rest works without it
    )

    loaded = load_workbook(input_path)
    used = params if params is not None else plan_parameters(plan_path, loaded.params)
    assignments, walks = read_plan(plan_path)
    return check_plan(loaded.roster, used, assignments, walks)
