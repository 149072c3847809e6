"""The objective, level by level (domain-rules.md, "What the optimizer prefers").

Each level function returns its ``(terms, weights)``; none touches the
model's objective. solve.py either optimises the levels one after another
(lexicographic) or folds them into one weighted sum (``weighted_level``).
The levels are named after the catalogue's O1–O7 (rotation/catalogue.py);
O2 has two parts, due people rotated then their tenure.

Interpretations, each made so that a lower level cannot buy moves a higher
principle forbids (O7: nobody moves who is neither due nor needed):

* O1 holds the soft obligations G1–G7; the soft N1 targets are O3, below
  O2, so that they never cost a due person's rotation.
* "An S2 stay is extended only where an obligation needs it": a returning
  person who counts in no obligation where they are (G1, G2, G4, G6, G7:
  solver.requirements.s2_counted_where_they_are) is extended only where a
  hard rule needs it: the fewest such stays is O1's second part, right after
  the obligations' shortfall. As a tie-break of O7 it did not hold: every
  return moves one person off the host and onto the home school, C2
  (max_net_loss, staff_quota) then wants a move the other way, and every
  level above O7 kept stays extended to free that balance for its own ends
  (44 of the 59 returning people of data/tiny.xlsx). A stay that counts in
  an obligation is O7's: kept where any level gains by it (see
  docs/decisions.md).
* O4 and O5 credit only willing movers, i.e. due people and volunteers; a
  non-due person moved for an obligation or for C2 still costs N2 when a key
  teacher leaves a weak, new or rural school, but earns nothing.
* The key-share balance of O4 penalises only a school's drift away from its
  proportional share beyond today's, so it steers where key teachers go
  without rewarding extra moves made only to rebalance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from ortools.sat.python import cp_model

from rotation.catalogue import RuleId
from rotation.codes import GroupKind
from rotation.destinations import p1_outside_groups
from rotation.domain import School, StaffMember
from rotation.draft import Choice
from solver.counts import Count, difference
from solver.requirements import g3_post_class, s2_counted_where_they_are
from solver.rules.base import RuleContext

Terms = tuple[list[cp_model.IntVar], list[int]]
# A soft obligation's penalty variable, with the rule it belongs to.
Penalty = tuple[str, cp_model.IntVar]

DRAFT_LEVEL = f"{RuleId.O0} draft changes"
OBLIGATIONS_LEVEL = f"{RuleId.O1} obligations"
EXTENSIONS_LEVEL = f"{RuleId.O1} needless extensions (S2)"
# The levels in priority order, by name (a level without terms is skipped: O0 has terms only when
# re-planning from a draft).
LEVEL_NAMES: tuple[str, ...] = (
    DRAFT_LEVEL,
    OBLIGATIONS_LEVEL,
    EXTENSIONS_LEVEL,
    f"{RuleId.O2} due rotated",
    f"{RuleId.O2} tenure",
    f"{RuleId.O3} rotation targets (N1)",
    f"{RuleId.O4} key teachers (N2, G3 subjects)",
    f"{RuleId.O5} preferences",
    f"{RuleId.O6} travel",
    f"{RuleId.O7} needless moves",
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


def o0_draft_changes(ctx: RuleContext, model: cp_model.CpModel) -> Terms:
    """O0, only when re-planning from a published draft: how many of its decisions the plan changes.

    Per person one change when the decision differs (a move added, dropped or redirected; a return
    turned into an extension or back), and one per walk added or dropped. A drafted move is kept by
    its variable, or, for a principal drafted to a school outside their groups, by being marked for
    the district exchange (which then seeks the drafted partner, solver/principals.py); a drafted
    decision the rules now rule out is one change whatever the plan does. The changes that cannot be
    avoided make a constant, so the level's value is the number of changes.
    """
    draft = ctx.data.draft
    if draft is None:
        return [], []
    variables, roster = ctx.variables, ctx.data.roster
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    constant = 0
    for member in ctx.data.staff:
        who, decision = member.staff_id, draft.of(member.staff_id)
        if who in variables.extend:
            terms.append(variables.extend[who])
            if decision.choice is Choice.RETURN:
                weights.append(1)
            else:  # drafted to stay on at the host
                constant += 1
                weights.append(-1)
            continue
        leaving = variables.departures(who)
        if decision.choice is not Choice.MOVE or decision.school_id is None:
            terms.extend(leaving)
            weights.extend([1] * len(leaving))
            continue
        constant += 1
        kept = variables.move.get((who, decision.school_id))
        if kept is None and p1_outside_groups(roster, member.school_id, decision.school_id):
            kept = variables.away.get(who)
        if kept is not None:
            terms.append(kept)
            weights.append(-1)
    here = {m.staff_id for m in ctx.data.staff}
    for key, walk in sorted(variables.walk.items()):
        drafted = key in draft.walks
        constant += drafted
        terms.append(walk)
        weights.append(-1 if drafted else 1)
    constant += sum(1 for who, small in draft.walks if who in here and (who, small) not in variables.walk)
    if constant:
        terms.append(model.new_constant(constant))
        weights.append(1)
    return terms, weights


def draft_hint(ctx: RuleContext) -> list[tuple[cp_model.IntVar, int]]:
    """The draft's decisions as a hint for the solver: each move, stay, return, extension and walk."""
    draft = ctx.data.draft
    if draft is None:
        return []
    variables, roster = ctx.variables, ctx.data.roster
    hint: list[tuple[cp_model.IntVar, int]] = []
    for (who, destination), var in variables.move.items():
        decision = draft.of(who)
        hint.append((var, int(decision.choice is Choice.MOVE and decision.school_id == destination)))
    for who, var in variables.away.items():
        decision = draft.of(who)
        outside = decision.choice is Choice.MOVE and decision.school_id is not None
        here = roster.staff_by_id[who].school_id
        hint.append((var, int(outside and p1_outside_groups(roster, here, decision.school_id or ""))))
    for who, var in variables.extend.items():
        hint.append((var, int(draft.of(who).choice is not Choice.RETURN)))
    for key, var in variables.walk.items():
        hint.append((var, int(key in draft.walks)))
    return hint


def o1_obligations(penalties: list[Penalty]) -> Terms:
    """O1: the total shortfall (and excess) of the soft obligations G1–G7, one point per person."""
    terms = [var for rule, var in penalties if rule != RuleId.N1]
    return terms, [1] * len(terms)


def o1_extensions(ctx: RuleContext) -> Terms:
    """O1, second part: the fewest stays extended (S2) of people who count in no obligation where they
    are, so that such a person goes home unless a hard rule needs them there."""
    terms = [ctx.variables.extend[key] for key in _extensions(ctx, counted=False)]
    return terms, [1] * len(terms)


def o2_due_rotated(ctx: RuleContext) -> Terms:
    """O2: as many due people rotated as possible."""
    terms = [var for member in _due_movers(ctx) for var in ctx.variables.departures(member.staff_id)]
    return terms, [1] * len(terms)


def o2_tenure(ctx: RuleContext) -> Terms:
    """O2, second part: among as many due people, the longest tenures (years at the school) first."""
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for member in _due_movers(ctx):
        tenure = ctx.data.eligibility[member.staff_id].tenure_years
        for var in ctx.variables.departures(member.staff_id):
            terms.append(var)
            weights.append(tenure)
    return terms, weights


def _due_movers(ctx: RuleContext) -> list[StaffMember]:
    data = ctx.data
    return [
        m for m in data.staff if data.eligibility[m.staff_id].is_due and ctx.variables.departures(m.staff_id)
    ]


def o3_rotation_targets(penalties: list[Penalty]) -> Terms:
    """O3: the shortfall of the N1 targets while they are soft, one point per person missing."""
    terms = [var for rule, var in penalties if rule == RuleId.N1]
    return terms, [1] * len(terms)


def o4_key_teachers(ctx: RuleContext, model: cp_model.CpModel) -> Terms:
    """O4 (N2 and G3's subjects), maximised.

    A key teacher moving toward a weak, new or rural school scores +1, away
    from one −1; member→lead moves of a tight group are reciprocity (G3) and
    score nothing. Per group and school, −1 per key teacher the school drifts
    further from its proportional share than today. Per tight pair, −1 per
    person received whose subject the member does not send back
    (``_g3_unmatched``).
    """
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
    unmatched = _g3_unmatched(ctx, model)
    terms.extend(unmatched)
    weights.extend([-1] * len(unmatched))
    return terms, weights


def o5_preferences(ctx: RuleContext) -> Terms:
    """O5: a willing mover sent to a stated preference scores 3, 2 or 1 for rank 1, 2 or 3."""
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


def o6_travel(ctx: RuleContext) -> Terms:
    """O6: the kilometres (great-circle, rounded) of every move between schools with coordinates."""
    schools = ctx.data.roster.schools
    terms: list[cp_model.IntVar] = []
    weights: list[int] = []
    for (staff_id, destination), var in ctx.variables.move.items():
        km = distance_km(schools[ctx.data.roster.staff_by_id[staff_id].school_id], schools[destination])
        if km:
            terms.append(var)
            weights.append(km)
    return terms, weights


def o7_needless_moves(ctx: RuleContext) -> Terms:
    """O7: moves of people neither due nor volunteering, walking assignments, and the stays (S2) of
    people who count in an obligation where they are (the others' are O1's)."""
    variables = ctx.variables
    terms: list[cp_model.IntVar] = []
    for member in ctx.data.staff:
        if not _willing(ctx, member):
            terms.extend(variables.departures(member.staff_id))
    terms.extend(variables.walk[key] for key in sorted(variables.walk))
    terms.extend(variables.extend[key] for key in _extensions(ctx, counted=True))
    return terms, [1] * len(terms)


def make_levels(ctx: RuleContext, model: cp_model.CpModel, penalties: list[Penalty]) -> tuple[Level, ...]:
    """The levels in priority order, O1 and O2 in two parts each (some may have no terms)."""
    parts = (
        (False, o0_draft_changes(ctx, model)),
        (False, o1_obligations(penalties)),
        (False, o1_extensions(ctx)),
        (True, o2_due_rotated(ctx)),
        (True, o2_tenure(ctx)),
        (False, o3_rotation_targets(penalties)),
        (True, o4_key_teachers(ctx, model)),
        (True, o5_preferences(ctx)),
        (False, o6_travel(ctx)),
        (False, o7_needless_moves(ctx)),
    )
    return tuple(
        Level(name, maximise, terms, weights)
        for name, (maximise, (terms, weights)) in zip(LEVEL_NAMES, parts, strict=True)
    )


def maximised(name: str) -> bool:
    """Whether the level of that name is maximised (O2, O4, O5); the others are minimised."""
    return name.split(" ", 1)[0] in (RuleId.O2, RuleId.O4, RuleId.O5)


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


def _extensions(ctx: RuleContext, counted: bool) -> list[str]:
    """The returning people, by id, who do (``counted``) or do not count in an obligation where they are."""
    roster = ctx.data.roster
    return [
        staff_id
        for staff_id in sorted(ctx.variables.extend)
        if s2_counted_where_they_are(roster, roster.staff_by_id[staff_id]) is counted
    ]


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


def _g3_unmatched(ctx: RuleContext, model: cp_model.CpModel) -> list[cp_model.IntVar]:
    """G3's "matching subjects where it can": per tight pair, post class, band and subject, how many
    of the people the member receives from the lead no one of that subject sent back matches.

    unmatched ≥ received − sent back and ≥ 0, over the stock both ways as G3 counts it; people
    without a subject (leaders) have nothing to match.
    """
    data, variables = ctx.data, ctx.variables
    found: list[cp_model.IntVar] = []
    for group in data.groups_of(GroupKind.TIGHT):
        assert group.lead is not None
        for member_school in sorted(group.members):
            flows: dict[tuple[str, str, str], tuple[Count, Count]] = defaultdict(lambda: (Count(), Count()))
            for sender, receiver, side in ((group.lead, member_school, 0), (member_school, group.lead, 1)):
                for member in data.staff_now[sender]:
                    move = variables.move.get((member.staff_id, receiver))
                    if move is not None and member.subject:
                        band = member.band.value if member.band else ""
                        flows[g3_post_class(member), band, member.subject][side].add(move)
            for (post_class, band, subject), (received, returned) in sorted(flows.items()):
                if received.is_constant:
                    continue
                unmatched = model.new_int_var(
                    0,
                    received.upper,
                    f"G3_unmatched[{group.group_id}/{member_school}/{post_class}:{band}:{subject}]",
                )
                gap = difference(received, returned)
                gap.add(unmatched, -1)
                model.add(gap.expr() <= 0)
                found.append(unmatched)
    return found
