"""P1's district exchange: the principals the components marked away, paired across the district.

With principal_scope = district a principal may go to any school of the same
stage, which would make one component of every same-stage school and a slow
solve. Instead each component decides, with every rule of its schools in
view, which of its principals leave for a school outside their groups
(``Variables.away``), counting a replacement from outside in their school's
principals and headcount but in nothing a subject or an honour decides. Once
every component is solved, this module sends each of them to the school of
another, stage by stage: a circulation in which a school receives a
principal exactly when its own leaves (P1), between schools that share no
group, so that no group obligation counts the move. Among those
circulations it takes, level by level as the objective orders them, the
most due principals (then the longest tenures), the least N1 shortfall, the
best N2 direction, preferences, the shortest travel and the fewest needless
moves. A marked principal left without a partner stays home, and every rule
the component kept still holds: one fewer leaves the school and nobody
arrives (docs/decisions.md). Principals no component marked may join as
partners where the plan can spare them (``_free_partners``: their school
below its C4 cap, and neither C1, G5 nor a hard N1 target short without
them), since a component never marks a principal whose leaving it sees no
gain in, such as the one partner a single due principal of a stage needs.

The circulation's constraint matrix is a network matrix (each arc leaves
one principal's row and one school's balance and enters another school's),
so every vertex of its polytope, and of each face on which a level is held
at its optimum, is integral: each level is a linear program, solved by
HiGHS's simplex, and the solution is checked to be exactly integral and
feasible before it is used.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

import highspy
import numpy as np
import numpy.typing as npt

from rotation.catalogue import RuleId
from rotation.codes import GroupKind, Stage
from rotation.destinations import p1_exchange_candidates
from rotation.domain import Pin, PinKind, Roster, StaffMember
from rotation.draft import Choice, Decision, Draft
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.plan import LevelResult, Move, ObligationOutcome, Plan, SolveStatus, Unmoved
from rotation.text import Text
from solver.components import ComponentData
from solver.mip import _new_highs
from solver.objective import LEVEL_NAMES, PREFERENCE_POINTS, distance_km
from solver.requirements import c4_outflow_cap, g5_required_subjects, move_rule, n1_school, p2_host_post
from solver.rules.school import c1_rows, c1_teaches
from solver.rules.stints import s1_earliest_return

_Floats = npt.NDArray[np.float64]
# Integral within this, or the solution is refused (it never is: the matrix is a network matrix).
_EXACT = 1e-6


@dataclass(frozen=True, slots=True)
class _Arc:
    """Principal ``staff_id`` goes from ``origin`` to ``destination``, whose own principal leaves."""

    staff_id: str
    origin: str
    destination: str


@dataclass(frozen=True, slots=True)
class _Level:
    """One level of the exchange: its name in LEVEL_NAMES, its direction and one weight per arc."""

    name: str
    maximise: bool
    weights: _Floats


def exchange_principals(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    pins: tuple[Pin, ...],
    draft: Draft | None = None,
) -> Plan:
    """The plan with the exchange made: the principals it pairs moved, the others back among the unmoved.

    The N1 rows of the schools concerned are counted again from the moves,
    and the levels take what the exchange adds (or takes back: a due
    principal a component counted as rotated who found no partner).
    Infeasible only when must-pins ask for a swap that cannot be made.
    """
    if not plan.status.has_plan or params.principal_scope != "district":
        return replace(plan, exchange=())
    started = time.monotonic()
    marked = [roster.staff_by_id[staff_id] for staff_id in sorted(plan.exchange)]
    members = sorted([*marked, *_free_partners(roster, params, eligibility, plan)], key=lambda m: m.staff_id)
    if not members:
        return replace(plan, exchange=())
    by_stage: dict[Stage, list[StaffMember]] = defaultdict(list)
    for member in members:
        by_stage[roster.schools[member.school_id].stage].append(member)
    n1_gain = _n1_gain(roster, params, eligibility, plan, members)
    chosen: list[_Arc] = []
    for stage in sorted(by_stage, key=lambda s: s.value):
        nodes = by_stage[stage]
        arcs = _arcs(roster, nodes, pins)
        ids = {m.staff_id for m in nodes}
        forced = {(p.staff_id, p.to_school_id) for p in pins if p.kind is PinKind.MUST and p.staff_id in ids}
        lower = np.array([1.0 if (a.staff_id, a.destination) in forced else 0.0 for a in arcs])
        solution = None
        if forced <= {(a.staff_id, a.destination) for a in arcs}:
            levels = _draft_level(arcs, draft) + _levels(roster, eligibility, arcs, n1_gain)
            solution = _lexicographic(arcs, nodes, lower, levels)
        if solution is None:
            return _infeasible(roster, plan, nodes, pins, time.monotonic() - started)
        chosen.extend(arc for arc, taken in zip(arcs, solution, strict=True) if taken)
    return _apply(roster, params, eligibility, plan, members, chosen, time.monotonic() - started)


def _free_partners(
    roster: Roster, params: Parameters, eligibility: Mapping[str, Eligibility], plan: Plan
) -> list[StaffMember]:
    """Principals no component marked whom the plan can spare for the exchange, one a school at most.

    Exchangeable (P1), not moved by the plan, at a school without a marked
    principal, below its C4 cap, and whose leaving (with whoever comes
    instead counted as teaching nothing) leaves no C1 row short, no G5
    subject of a small school uncovered and, while N1 is hard, no N1 key
    share short.
    """
    exchange = p1_exchange_candidates(roster, params, eligibility)
    moved = {move.staff_id for move in plan.moves}
    taken = {roster.staff_by_id[staff_id].school_id for staff_id in plan.exchange}
    leaving = _leaving(roster, plan.moves)
    where = {member.staff_id: member.school_id for member in roster.staff}
    where.update({move.staff_id: move.to_school_id for move in plan.moves})
    after: dict[str, list[StaffMember]] = defaultdict(list)
    for member in roster.staff:
        after[where[member.staff_id]].append(member)
    c1 = defaultdict(list)
    for row in c1_rows(roster, roster.schools):
        c1[row.school_id].append(row)
    covered = _g5_cover(roster, params, eligibility, plan, after)
    hard_n1 = not params.is_soft(RuleId.N1)
    found: list[StaffMember] = []
    for staff_id in sorted(exchange - moved - set(plan.exchange)):
        member = roster.staff_by_id[staff_id]
        here = member.school_id
        if here in taken:
            continue
        if len(leaving.get(here, ())) >= c4_outflow_cap(len(roster.staff_by_school[here]), params):
            continue
        if any(
            c1_teaches(member, row.subject, row.band)
            and sum(1 for m in after[here] if c1_teaches(m, row.subject, row.band)) <= row.required
            for row in c1[here]
        ):
            continue
        if member.subject is not None and covered.get((here, member.subject), 2) <= 1:
            continue
        if hard_n1 and n1_school(roster.schools[here]):
            gone = [*leaving.get(here, ()), member]
            keys, required = _recount_key(gone, params)
            if keys < required:
                continue
        taken.add(here)
        found.append(member)
    return found


def _g5_cover(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    after: dict[str, list[StaffMember]],
) -> dict[tuple[str, str], int]:
    """G5: for each small school and subject it must offer, how many cover it after the plan (its own
    teachers of the subject and the walks to it)."""
    whole = ComponentData(0, 1, roster, params, eligibility, tuple(sorted(roster.schools)), ())
    walks: dict[tuple[str, str], int] = defaultdict(int)
    for walk in plan.walks:
        walks[walk.school_id, walk.subject] += 1
    covered: dict[tuple[str, str], int] = {}
    for group in roster.groups.values():
        if group.kind is not GroupKind.RURAL or group.lead is None:
            continue
        for small in group.members:
            if not roster.schools[small].small_school:
                continue
            for subject in g5_required_subjects(whole, group.lead, small):
                own = sum(1 for m in after[small] if m.subject == subject)
                covered[small, subject] = own + walks[small, subject]
    return covered


def _arcs(roster: Roster, members: list[StaffMember], pins: tuple[Pin, ...]) -> list[_Arc]:
    """Every allowed arc among the principals of one stage: to another's school, sharing no group with
    one's own (p1_outside_groups), and not forbidden by a never-pin; none from a principal pinned to
    stay."""
    never = {(p.staff_id, p.to_school_id) for p in pins if p.kind is PinKind.NEVER}
    staying = {p.staff_id for p in pins if p.kind is PinKind.STAY}
    schools = [m.school_id for m in members]
    arcs: list[_Arc] = []
    for member in members:
        if member.staff_id in staying:
            continue
        here = member.school_id
        near = {here} | {s for group in roster.groups_by_school[here] for s in group.school_ids}
        arcs.extend(
            _Arc(member.staff_id, here, school_id)
            for school_id in schools
            if school_id not in near and (member.staff_id, school_id) not in never
        )
    return arcs


def _draft_level(arcs: list[_Arc], draft: Draft | None) -> list[_Level]:
    """O0 when re-planning from a draft: each arc the draft made is kept (+1), any other is a change (−1)."""
    if draft is None:
        return []
    weights = [
        1.0 if draft.of(arc.staff_id) == Decision(Choice.MOVE, arc.destination) else -1.0 for arc in arcs
    ]
    return [_Level(_named(RuleId.O0)[0], True, np.array(weights, dtype=np.float64))]


def _levels(
    roster: Roster,
    eligibility: Mapping[str, Eligibility],
    arcs: list[_Arc],
    n1_gain: dict[str, int],
) -> list[_Level]:
    """The objective's levels as weights per arc, in their order (solver/objective.py says why each).

    O1 is untouched: the moves count in no group's obligation. O3 weighs what
    going (rather than staying) saves the N1 shortfall of the principal's
    school; O4 scores a key principal's direction (toward a weak, new or rural
    school +1, away −1, a gain only for a willing one); O5 and O6 as for
    every move; O7 counts those neither due nor volunteering.
    """
    schools = roster.schools
    rows: dict[str, list[float]] = defaultdict(list)
    for arc in arcs:
        member = roster.staff_by_id[arc.staff_id]
        standing = eligibility[arc.staff_id]
        willing = standing.is_due or member.volunteer
        origin, destination = schools[arc.origin], schools[arc.destination]
        direction = int(destination.is_receiving_priority) - int(origin.is_receiving_priority)
        points: dict[str, int] = {}
        for school_id, score in zip(member.preferences, PREFERENCE_POINTS, strict=False):
            points.setdefault(school_id, score)
        rows["O2 due"].append(float(standing.is_due))
        rows["O2 tenure"].append(float(standing.tenure_years if standing.is_due else 0))
        rows["O3"].append(float(n1_gain.get(arc.staff_id, 0)))
        keyed = member.is_key_teacher and (direction < 0 or willing)
        rows["O4"].append(float(direction if keyed else 0))
        rows["O5"].append(float(points.get(arc.destination, 0) if willing else 0))
        rows["O6"].append(float(distance_km(origin, destination)))
        rows["O7"].append(float(not willing))
    due, tenure = _named(RuleId.O2)
    named = [
        (due, True, "O2 due"),
        (tenure, True, "O2 tenure"),
        (_named(RuleId.O3)[0], True, "O3"),
        (_named(RuleId.O4)[0], True, "O4"),
        (_named(RuleId.O5)[0], True, "O5"),
        (_named(RuleId.O6)[0], False, "O6"),
        (_named(RuleId.O7)[0], False, "O7"),
    ]
    return [_Level(name, maximise, np.array(rows[key], dtype=np.float64)) for name, maximise, key in named]


def _named(code: RuleId) -> list[str]:
    """The names of the objective's levels of catalogue code ``code`` (O2 has two), in order."""
    return [name for name in LEVEL_NAMES if name.startswith(f"{code} ")]


def _lexicographic(
    arcs: list[_Arc], members: list[StaffMember], lower: _Floats, levels: list[_Level]
) -> list[bool] | None:
    """The arcs taken by the lexicographic optimum, or None when the must-pins (``lower``) cannot hold.

    Rows: each principal leaves at most once; each school receives exactly as
    many as it sends. Each level's optimum is then held by an equality row.
    """
    index = {member.school_id: position for position, member in enumerate(members)}
    who = {member.staff_id: position for position, member in enumerate(members)}
    count = len(members)
    columns = len(arcs)
    rows: list[list[tuple[int, float]]] = [[] for _ in range(2 * count)]
    for column, arc in enumerate(arcs):
        rows[who[arc.staff_id]].append((column, 1.0))
        rows[count + index[arc.destination]].append((column, 1.0))
        rows[count + index[arc.origin]].append((column, -1.0))
    highs = _new_highs()  # without the banner HiGHS prints on its first construction
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("solver", "simplex")
    if columns:
        highs.addVars(columns, lower, np.ones(columns))
    for position, row in enumerate(rows):
        upper = 1.0 if position < count else 0.0
        _add_row(highs, row, 0.0, upper)
    taken = lower.copy()
    for level in levels:
        if not columns:
            break
        sign = -1.0 if level.maximise else 1.0
        highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), sign * level.weights)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        taken = np.array(highs.getSolution().col_value, dtype=np.float64)
        value = float(np.rint(level.weights @ taken))
        _add_row(highs, [(c, w) for c, w in enumerate(level.weights) if w], value, value)
    rounded = np.rint(taken)
    _check_exact(rounded, taken, rows, count, lower)
    return [bool(value) for value in rounded]


def _add_row(highs: highspy.Highs, row: list[tuple[int, float]], lower: float, upper: float) -> None:
    columns = np.array([column for column, _ in row], dtype=np.int32)
    values = np.array([value for _, value in row], dtype=np.float64)
    highs.addRow(lower, upper, len(row), columns, values)


def _check_exact(
    rounded: _Floats, found: _Floats, rows: list[list[tuple[int, float]]], count: int, lower: _Floats
) -> None:
    """Refuse a solution that is not integral or breaks a row exactly (a network matrix never gives one)."""
    broken = bool(np.any(np.abs(rounded - found) > _EXACT)) or bool(np.any(rounded < lower))
    for position, row in enumerate(rows):
        total = sum(rounded[column] * value for column, value in row)
        broken = broken or (total > 1 if position < count else total != 0)
    if broken:
        raise RuntimeError("the principals' exchange: HiGHS returned a solution that is not exact")


def _n1_gain(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    members: list[StaffMember],
) -> dict[str, int]:
    """O3, while N1 is soft: by how much a principal's going rather than staying lowers the N1
    shortfall of their school (at most one leaves a school by the exchange)."""
    if not params.is_soft(RuleId.N1):
        return {}
    rows = _n1_rows(plan)
    leaving = _leaving(roster, plan.moves)
    gain: dict[str, int] = {}
    for member in members:
        school_id = member.school_id
        stay = leaving.get(school_id, [])
        gone = [*stay, member]
        gain[member.staff_id] = sum(
            _shortfall(_recount(row, stay, eligibility, params))
            - _shortfall(_recount(row, gone, eligibility, params))
            for row in rows.get(school_id, ())
        )
    return gain


def _n1_rows(plan: Plan) -> dict[str, list[ObligationOutcome]]:
    rows: dict[str, list[ObligationOutcome]] = defaultdict(list)
    for row in plan.obligations:
        if row.rule == RuleId.N1 and row.school_id is not None:
            rows[row.school_id].append(row)
    return rows


def _leaving(roster: Roster, moves: tuple[Move, ...] | list[Move]) -> dict[str, list[StaffMember]]:
    """Who leaves each school by a new move (S2 returns are not new moves)."""
    found: dict[str, list[StaffMember]] = defaultdict(list)
    for move in moves:
        if move.rule != RuleId.S2:
            found[move.from_school_id].append(roster.staff_by_id[move.staff_id])
    return found


def _recount(
    row: ObligationOutcome,
    gone: list[StaffMember],
    eligibility: Mapping[str, Eligibility],
    params: Parameters,
) -> ObligationOutcome:
    """An N1 row counted again for the people ``gone`` from its school by new moves."""
    if row.part == "key":
        achieved, required = _recount_key(gone, params)
        return replace(row, required=required, achieved=achieved)
    return replace(row, achieved=sum(1 for m in gone if eligibility[m.staff_id].is_due))


def _recount_key(gone: list[StaffMember], params: Parameters) -> tuple[int, int]:
    """N1's key share of the people ``gone``: key teachers among them, and ⌈min_key_share × gone⌉."""
    share = Fraction(str(params.min_key_share))
    required = -(-(share.numerator * len(gone)) // share.denominator)
    return sum(1 for m in gone if m.is_key_teacher), required


def _shortfall(row: ObligationOutcome) -> int:
    return max(0, row.required - row.achieved)


def _apply(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    members: list[StaffMember],
    chosen: list[_Arc],
    seconds: float,
) -> Plan:
    """The plan with the chosen arcs as moves, the marked principals left over among the unmoved (the
    partners who went out of it), N1 rows recounted and levels adjusted."""
    moves = list(plan.moves)
    for arc in chosen:
        member = roster.staff_by_id[arc.staff_id]
        rule, group_id = move_rule(roster, member, arc.destination, eligibility[arc.staff_id], None)
        moves.append(
            Move(
                arc.staff_id,
                arc.origin,
                arc.destination,
                rule,
                group_id,
                s1_earliest_return(member, params, rule),
                p2_host_post(roster, member, arc.destination),
            )
        )
    went = {arc.staff_id for arc in chosen}
    marked = set(plan.exchange)
    stayed = [m for m in members if m.staff_id in marked and m.staff_id not in went]
    partners = [m for m in members if m.staff_id not in marked and m.staff_id in went]
    unmoved = [u for u in plan.unmoved if u.staff_id not in went]
    for member in stayed:
        if eligibility[member.staff_id].is_due:
            unmoved.append(Unmoved(member.staff_id, member.school_id, _no_partner(member)))
    schools = {m.school_id for m in members}
    leaving = _leaving(roster, moves)
    obligations = []
    old_shortfall = new_shortfall = 0
    for row in plan.obligations:
        if row.rule == RuleId.N1 and row.school_id in schools:
            recounted = _recount(row, leaving.get(row.school_id, []), eligibility, params)
            if row.soft:
                old_shortfall += _shortfall(row)
                new_shortfall += _shortfall(recounted)
            row = recounted
        obligations.append(row)
    delta = _level_changes(roster, eligibility, chosen, stayed, partners)
    delta[_named(RuleId.O3)[0]] += new_shortfall - old_shortfall
    return replace(
        plan,
        moves=tuple(sorted(moves, key=lambda m: (m.staff_id, m.to_school_id))),
        unmoved=tuple(sorted(unmoved, key=lambda u: u.staff_id)),
        obligations=tuple(obligations),
        levels=_adjusted(plan.levels, delta, seconds),
        phases=(*plan.phases, ("exchange", seconds)),
        exchange=(),
    )


def _level_changes(
    roster: Roster,
    eligibility: Mapping[str, Eligibility],
    chosen: list[_Arc],
    stayed: list[StaffMember],
    partners: list[StaffMember],
) -> dict[str, float]:
    """What the exchange changes in each level the components reported: the arcs' O4–O6 scores; the
    O2 and O7 a component counted as a move, of each marked principal who stays; the O2 and O7 of
    each partner no component marked."""
    levels = _levels(roster, eligibility, chosen, {})
    delta: dict[str, float] = defaultdict(float)
    for level in levels:
        if level.name in _named(RuleId.O4) + _named(RuleId.O5) + _named(RuleId.O6):
            delta[level.name] += float(level.weights.sum())
    due, tenure = _named(RuleId.O2)
    needless = _named(RuleId.O7)[0]
    for sign, people in ((-1, stayed), (1, partners)):
        for member in people:
            standing = eligibility[member.staff_id]
            if standing.is_due:
                delta[due] += sign
                delta[tenure] += sign * standing.tenure_years
            elif not member.volunteer:
                delta[needless] += sign
    return delta


def _adjusted(
    levels: tuple[LevelResult, ...], delta: dict[str, float], seconds: float
) -> tuple[LevelResult, ...]:
    """The levels with the exchange's changes; a weighted solve's one level is left as it was, and a level
    the components had no term in is added when the exchange gives it a value (its optimum is exact)."""
    names = {level.name for level in levels}
    if not names & set(LEVEL_NAMES):
        return levels
    found = []
    for name in LEVEL_NAMES:
        change = delta.get(name, 0.0)
        level = next((level for level in levels if level.name == name), None)
        if level is None:
            if change:
                found.append(LevelResult(name, SolveStatus.OPTIMAL, change, change, 0.0, seconds))
            continue
        objective, bound = level.objective + change, level.best_bound + change
        gap = abs(objective - bound) / max(1.0, abs(objective)) if level.status.has_plan else level.gap
        found.append(replace(level, objective=objective, best_bound=bound, gap=gap))
    found.extend(level for level in levels if level.name not in LEVEL_NAMES)
    return tuple(found)


def _no_partner(member: StaffMember) -> Text:
    """Why a due principal marked for the exchange stays: no principal outside their groups to swap with."""
    here = member.school_id
    return Text(
        f"P1: {here} needs a principal: no principal of a school of the same stage outside its groups "
        "could swap with this one",
        f"P1：{here} 需要校长：组外同学段学校没有可与之互换的校长",
    )


def _infeasible(
    roster: Roster, plan: Plan, members: list[StaffMember], pins: tuple[Pin, ...], seconds: float
) -> Plan:
    """No exchange honours the must-pins of these principals: name each pinned swap that cannot be made."""
    involved = {m.staff_id for m in members}
    lines: list[Text] = []
    relax: list[Text] = []
    for pin in sorted(pins, key=lambda p: (p.staff_id, p.to_school_id)):
        if pin.kind is not PinKind.MUST or pin.staff_id not in involved:
            continue
        here = roster.staff_by_id[pin.staff_id].school_id
        lines.append(
            Text(
                f"P1: {here} needs a principal: {pin.staff_id} is pinned to {pin.to_school_id}, and no "
                f"principal of a school of the same stage outside its groups is free to take the place",
                f"P1：{here} 需要校长：{pin.staff_id} 被指定调往 {pin.to_school_id}，组外同学段学校没有"
                "可接任的校长",
            )
        )
        relax.append(
            Text(
                f"pin: drop the must pin of {pin.staff_id} to {pin.to_school_id}",
                f"指定调动：删除 {pin.staff_id} 调往 {pin.to_school_id} 的“必须”指定",
            )
        )
    explanation = (
        Text("; ".join(line.en for line in lines), "；".join(line.zh for line in lines)),
        Text("relax with " + "; ".join(r.en for r in relax), "可放宽：" + "；".join(r.zh for r in relax)),
    )
    return Plan(
        SolveStatus.INFEASIBLE,
        (),
        (),
        (),
        (),
        (),
        plan.levels,
        plan.wall_time_s,
        explanation,
        (*plan.phases, ("exchange", seconds)),
    )
