"""The decision variables of one component, and where each person works next term.

* ``move[p, d]``: movable person p is newly sent to destination d (C3 decides
  which pairs exist; S1-locked, S2-returning and exempt people have none).
* ``extend[p]``: a returning person stays at the host (S2); 0 means home.
* ``team_tag`` / ``key_tag``: the person at a tight-group member counts in the
  lead's management team (G1) or key-teacher contingent (G2), never both.
* ``walk[t, k]``: central-school teacher t also teaches at small school k (G5).
* ``away[p]``: principal p is exchanged with a principal of a school outside
  p's groups (P1, principal_scope = district). The component does not know
  who comes instead, so a replacement counts in the school's principals (P1)
  and headcount (C2) but in nothing a subject or an honour decides (C1, G5,
  the key-teacher balance); solver/principals.py pairs the principals marked
  away across the district once every component is solved.

``place[p][s]`` is the count (0 or 1) of p working at s next term; everything
the rules count is a sum of these, so locked people and extensions count in
the stock exactly like new moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.codes import GroupKind, Status
from rotation.domain import StaffMember
from solver.components import ComponentData
from solver.counts import Count, difference
from solver.requirements import g1_counts_in_team, g2_counts_as_key, g5_required_subjects, g5_walkers


@dataclass(frozen=True)
class Variables:
    move: dict[tuple[str, str], cp_model.IntVar]
    moves_of: dict[str, list[tuple[str, cp_model.IntVar]]]
    extend: dict[str, cp_model.IntVar]
    place: dict[str, dict[str, Count]]
    possible: dict[str, list[StaffMember]]
    headcount: dict[str, Count]
    moves_out: dict[str, Count]
    team_tag: dict[tuple[str, str], cp_model.IntVar]
    key_tag: dict[tuple[str, str], cp_model.IntVar]
    walk: dict[tuple[str, str], cp_model.IntVar]
    away: dict[str, cp_model.IntVar]
    replacements: dict[str, Count]

    def departures(self, staff_id: str) -> list[cp_model.IntVar]:
        """Every way the person may leave: a move to a destination, or the principals' exchange."""
        found = [var for _, var in self.moves_of.get(staff_id, ())]
        if staff_id in self.away:
            found.append(self.away[staff_id])
        return found

    def moved(self, staff_id: str) -> Count:
        """1 when the person is newly moved anywhere (the principals' exchange included)."""
        return Count(0, self.departures(staff_id))


def make_variables(model: cp_model.CpModel, data: ComponentData) -> Variables:
    """Create every decision variable of the component, in staff-id then school-id order."""
    move: dict[tuple[str, str], cp_model.IntVar] = {}
    moves_of: dict[str, list[tuple[str, cp_model.IntVar]]] = {}
    extend: dict[str, cp_model.IntVar] = {}
    place: dict[str, dict[str, Count]] = {}
    moves_out = {school_id: Count() for school_id in data.school_ids}
    away: dict[str, cp_model.IntVar] = {}
    away_from: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for member in data.staff:
        who, here = member.staff_id, member.school_id
        standing = data.eligibility[who]
        if standing.status is Status.RETURNING:
            stays = model.new_bool_var(f"S2_extend[{who}@{here}]")
            extend[who] = stays
            home = Count(1)
            home.add(stays, -1)
            place[who] = {here: Count(0, [stays]), member.home_school_id: home}
        elif standing.movable and (data.destinations[who] or who in data.exchange):
            options = [(d, model.new_bool_var(f"move[{who}:{here}->{d}]")) for d in data.destinations[who]]
            leaving = [var for _, var in options]
            if who in data.exchange:
                away[who] = model.new_bool_var(f"P1_away[{who}@{here}]")
                away_from[here].append(away[who])
                leaving.append(away[who])
            if len(leaving) > 1:
                model.add_at_most_one(leaving)
            if options:
                moves_of[who] = options
            stay = Count(1)
            for destination, var in options:
                move[who, destination] = var
            for var in leaving:
                stay.add(var, -1)
                moves_out[here].add(var)
            place[who] = {here: stay, **{d: Count(0, [var]) for d, var in options}}
        else:
            place[who] = {here: Count(1)}

    possible: dict[str, list[StaffMember]] = {school_id: [] for school_id in data.school_ids}
    headcount = {school_id: Count() for school_id in data.school_ids}
    for member in data.staff:
        for school_id, count in place[member.staff_id].items():
            possible[school_id].append(member)
            headcount[school_id].extend(count)
    # One principal a school at most is exchanged, so the exchange's pairing (and N1 then) stays exact.
    replacements = {school_id: Count(0, away_from.get(school_id, ())) for school_id in data.school_ids}
    for school_id, count in replacements.items():
        if len(count.variables) > 1:
            model.add_at_most_one(count.variables)
        headcount[school_id].extend(count)

    team_tag, key_tag = _contingent_tags(model, data, place)
    walk = _walks(model, data, place)
    return Variables(
        move,
        moves_of,
        extend,
        place,
        possible,
        headcount,
        moves_out,
        team_tag,
        key_tag,
        walk,
        away,
        replacements,
    )


def _contingent_tags(
    model: cp_model.CpModel, data: ComponentData, place: dict[str, dict[str, Count]]
) -> tuple[dict[tuple[str, str], cp_model.IntVar], dict[tuple[str, str], cp_model.IntVar]]:
    """G1/G2 tags: a person sent from the lead counts in one contingent only (t1 + t2 ≤ at)."""
    team_tag: dict[tuple[str, str], cp_model.IntVar] = {}
    key_tag: dict[tuple[str, str], cp_model.IntVar] = {}
    for group in data.groups_of(GroupKind.TIGHT):
        assert group.lead is not None
        for member_school in sorted(group.members):
            school = data.roster.schools[member_school]
            for member in data.staff_by_home[group.lead]:
                who = member.staff_id
                at_member = place[who].get(member_school)
                if at_member is None or (who, member_school) in team_tag or (who, member_school) in key_tag:
                    continue
                tags = Count()
                if g1_counts_in_team(member):
                    team_tag[who, member_school] = model.new_bool_var(f"G1_team[{who}@{member_school}]")
                    tags.add(team_tag[who, member_school])
                if g2_counts_as_key(member, school):
                    key_tag[who, member_school] = model.new_bool_var(f"G2_key[{who}@{member_school}]")
                    tags.add(key_tag[who, member_school])
                if not tags.is_constant:
                    model.add(difference(tags, at_member).expr() <= 0)
    return team_tag, key_tag


def _walks(
    model: cp_model.CpModel, data: ComponentData, place: dict[str, dict[str, Count]]
) -> dict[tuple[str, str], cp_model.IntVar]:
    """G5 walks: only a teacher who stays at the central school walks, to at most walk_max_schools."""
    walk: dict[tuple[str, str], cp_model.IntVar] = {}
    walks_of: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for group in data.groups_of(GroupKind.RURAL):
        central = group.lead
        assert central is not None
        for small in sorted(group.members):
            if not data.roster.schools[small].small_school:
                continue
            subjects = g5_required_subjects(data, central, small)
            for teacher in g5_walkers(data, central, small, subjects):
                who = teacher.staff_id
                at_central = place[who].get(central)
                if at_central is None or at_central.upper == 0 or (who, small) in walk:
                    continue
                var = model.new_bool_var(f"G5_walk[{who}:{central}->{small}]")
                walk[who, small] = var
                walks_of[who].append(var)
                model.add(difference(Count(0, [var]), at_central).expr() <= 0)
    for who in sorted(walks_of):
        if len(walks_of[who]) > data.params.walk_max_schools:
            model.add_linear_constraint(sum(walks_of[who]), 0, data.params.walk_max_schools)
    return walk
