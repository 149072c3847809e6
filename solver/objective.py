"""The objective, level by level (domain-rules.md, "What the optimizer prefers").

Each level function returns its ``(terms, weights)``; none touches the
model's objective. solve.py either optimises the levels one after another
(lexicographic) or folds them into one weighted sum (``weighted_level``).

Interpretations, each made so that a lower level cannot buy moves a higher
principle forbids (L6: nobody moves who is neither due nor needed):

* L3 and L4 credit only willing movers, i.e. due people and volunteers; a
  non-due person moved for an obligation or for C2 still costs N2 when a key
  teacher leaves a weak, new or rural school, but earns nothing.
* The key-share balance of L3 penalises only a school's drift away from its
  proportional share beyond today's, so it steers where key teachers go
  without rewarding extra moves made only to rebalance.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from ortools.sat.python import cp_model

from rotation.codes import GroupKind
from rotation.domain import School, StaffMember
from solver.counts import Count
from solver.rules.base import RuleContext

Terms = tuple[list[cp_model.IntVar], list[int]]

L1_NAME = "L1 obligations"
# The levels in priority order, by name (a level without terms is skipped).
LEVEL_NAMES: tuple[str, ...] = (
    L1_NAME,
    "L2 due rotated",
    "L2 tenure",
    "L3 key teachers (N2)",
    "L4 preferences",
    "L5 travel",
    "L6 needless moves",
)
PREFERENCE_POINTS: tuple[int, ...] = (3, 2, 1)
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Level:
    name: str
    maximise: bool
    terms: list[cp_model.IntVar]
    weights: list[int]

    def expr(self) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.weighted_sum(self.terms, self.weights)

    def value(self, solution: list[int]) -> int:
        return sum(w * solution[v.index] for v, w in zip(self.terms, self.weights, strict=True))

    def span(self, model: cp_model.CpModel) -> int:
        """How far the level's value can move: Σ |weight| × (upper − lower) of its variables."""
        total = 0
        for var, weight in zip(self.terms, self.weights, strict=True):
            # list() first: the proto's repeated field does not take negative indices.
            domain = list(model.proto.variables[var.index].domain)
            total += abs(weight) * (domain[-1] - domain[0])
        return total


def l1_obligations(penalties: list[cp_model.IntVar]) -> Terms:
    """L1: the total shortfall (and excess) of the soft obligations, one point per person missing."""
    return penalties, [1] * len(penalties)


def l2_due_rotated(ctx: RuleContext) -> Terms:
    """L2: as many due people rotated as possible."""
    terms = [var for member in _due_movers(ctx) for _, var in ctx.variables.moves_of[member.staff_id]]
    return terms, [1] * len(terms)


def l2_tenure(ctx: RuleContext) -> Terms:
    """L2, second part: among as many due people, the longest tenures (years at the school) first."""
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for member in _due_movers(ctx):
        tenure = ctx.data.eligibility[member.staff_id].tenure_years
        for _, var in ctx.variables.moves_of[member.staff_id]:
            terms.append(var)
            weights.append(tenure)
    return terms, weights


def _due_movers(ctx: RuleContext) -> list[StaffMember]:
    data = ctx.data
    return [
        m for m in data.staff if data.eligibility[m.staff_id].is_due and m.staff_id in ctx.variables.moves_of
    ]


def l3_key_teacher_flow(ctx: RuleContext, model: cp_model.CpModel) -> Terms:
    """L3 (N2): a key teacher moving toward a weak, new or rural school scores +1, away from one −1;
    member→lead moves of a tight group are reciprocity (G3) and score nothing. Plus, per group and
    school, −1 per key teacher the school drifts further from its proportional share than today."""
    data, variables = ctx.data, ctx.variables
    schools = data.roster.schools
    reciprocal = {(m, g.lead) for g in data.groups_of(GroupKind.TIGHT) for m in g.members}
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for member in data.staff:
        if not member.is_key_teacher or member.staff_id not in variables.moves_of:
            continue
        home = schools[member.school_id]
        for destination, var in variables.moves_of[member.staff_id]:
            score = int(schools[destination].is_receiving_priority) - int(home.is_receiving_priority)
            if (member.school_id, destination) in reciprocal or (score > 0 and not _willing(ctx, member)):
                continue
            if score:
                terms.append(var)
                weights.append(score)
    for group in data.groups:
        drifts = _share_drifts(ctx, model, group.group_id, group.school_ids)
        terms.extend(drifts)
        weights.extend([-1] * len(drifts))
    return terms, weights


def l4_preferences(ctx: RuleContext) -> Terms:
    """L4: a willing mover sent to a stated preference scores 3, 2 or 1 for rank 1, 2 or 3."""
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for member in ctx.data.staff:
        if member.staff_id not in ctx.variables.moves_of or not _willing(ctx, member):
            continue
        for points, school_id in zip(PREFERENCE_POINTS, member.preferences, strict=False):
            var = ctx.variables.move.get((member.staff_id, school_id))
            if var is not None:
                terms.append(var)
                weights.append(points)
    return terms, weights


def l5_travel(ctx: RuleContext) -> Terms:
    """L5: the kilometres (great-circle, rounded) of every move between schools with coordinates."""
    schools = ctx.data.roster.schools
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for (staff_id, destination), var in ctx.variables.move.items():
        km = distance_km(schools[ctx.data.roster.staff_by_id[staff_id].school_id], schools[destination])
        if km:
            terms.append(var)
            weights.append(km)
    return terms, weights


def l6_needless_moves(ctx: RuleContext) -> Terms:
    """L6: moves of people neither due nor volunteering, walking assignments, and extensions (S2)."""
    variables = ctx.variables
    terms: list[cp_model.IntVar] = []
    for member in ctx.data.staff:
        if member.staff_id in variables.moves_of and not _willing(ctx, member):
            terms.extend(var for _, var in variables.moves_of[member.staff_id])
    terms.extend(variables.walk[key] for key in sorted(variables.walk))
    terms.extend(variables.extend[key] for key in sorted(variables.extend))
    return terms, [1] * len(terms)


def make_levels(
    ctx: RuleContext, model: cp_model.CpModel, penalties: list[cp_model.IntVar]
) -> tuple[Level, ...]:
    """The levels in priority order, L2 in two parts (some may have no terms)."""
    parts = (
        (False, l1_obligations(penalties)),
        (True, l2_due_rotated(ctx)),
        (True, l2_tenure(ctx)),
        (True, l3_key_teacher_flow(ctx, model)),
        (True, l4_preferences(ctx)),
        (False, l5_travel(ctx)),
        (False, l6_needless_moves(ctx)),
    )
    return tuple(
        Level(name, maximise, terms, weights)
        for name, (maximise, (terms, weights)) in zip(LEVEL_NAMES, parts, strict=True)
    )


def weighted_level(levels: tuple[Level, ...], model: cp_model.CpModel, limit: int = 2**53) -> Level:
    """All levels as one minimisation whose weights keep the priority order.

    Level i weighs 1 + Σ_{j>i} weight_j × span_j, which is exactly
    lexicographic. When that would exceed ``limit`` (objective values must stay
    exact in a double), the largest spans are halved until it fits: the order
    then holds unless a lower level actually swings by more than its capped
    span, which takes thousands of moves at the sizes of a district.
    """
    present = [level for level in levels if level.terms]
    spans = [max(1, level.span(model)) for level in present]
    while True:
        factors = [0] * len(present)
        covered = 0
        for i in reversed(range(len(present))):
            factors[i] = covered + 1
            covered += factors[i] * spans[i]
        if covered <= limit:
            break
        widest = max(range(len(spans)), key=lambda i: spans[i])
        spans[widest] = max(1, spans[widest] // 2)
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for level, factor in zip(present, factors, strict=True):
        sign = -1 if level.maximise else 1
        terms.extend(level.terms)
        weights.extend(sign * factor * weight for weight in level.weights)
    return Level("weighted", False, terms, weights)


def distance_km(origin: School, destination: School) -> int:
    """Great-circle distance in whole kilometres; 0 when either school lacks coordinates."""
    if None in (origin.latitude, origin.longitude, destination.latitude, destination.longitude):
        return 0
    assert origin.latitude is not None and origin.longitude is not None
    assert destination.latitude is not None and destination.longitude is not None
    lat1, lat2 = radians(origin.latitude), radians(destination.latitude)
    dlat = lat2 - lat1
    dlon = radians(destination.longitude - origin.longitude)
    h = sin(dlat / 2) ** 2 + cos(lat1) * cos(lat2) * sin(dlon / 2) ** 2
    return round(2 * EARTH_RADIUS_KM * asin(sqrt(h)))


def _willing(ctx: RuleContext, member: StaffMember) -> bool:
    """Due, or volunteering: a mover whose move is wanted for its own sake."""
    return ctx.data.eligibility[member.staff_id].is_due or member.volunteer


def _share_drifts(
    ctx: RuleContext, model: cp_model.CpModel, group_id: str, school_ids: tuple[str, ...]
) -> list[cp_model.IntVar]:
    """Per school of a group: how many key teachers further from its proportional share than today.

    The share is the group's key teachers today spread by headcount, rounded
    to whole people; drift ≥ |after − share| − |today − share|, drift ≥ 0.
    """
    data, variables = ctx.data, ctx.variables
    if len(school_ids) < 2:
        return []
    keys_now = {s: sum(1 for m in data.staff_now[s] if m.is_key_teacher) for s in school_ids}
    heads_now = {s: len(data.staff_now[s]) for s in school_ids}
    all_keys, all_heads = sum(keys_now.values()), sum(heads_now.values())
    if not all_heads:
        return []
    drifts: list[cp_model.IntVar] = []
    for school_id in school_ids:
        keys_after = Count()
        for member in variables.possible[school_id]:
            if member.is_key_teacher:
                keys_after.extend(variables.place[member.staff_id][school_id])
        if keys_after.is_constant:
            continue
        share = (2 * all_keys * heads_now[school_id] + all_heads) // (2 * all_heads)
        allowed = abs(keys_now[school_id] - share)
        drift = model.new_int_var(0, keys_after.upper + share, f"N2_balance[{group_id}/{school_id}]")
        model.add(drift >= keys_after.expr() - share - allowed)
        model.add(drift >= share - allowed - keys_after.expr())
        drifts.append(drift)
    return drifts
