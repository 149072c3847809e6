"""The greedy peer: the rotation a bureau would work out by hand in a spreadsheet, rule by rule.

``solve_greedy`` has the signature and result type of ``solver.solve.solve`` so
that the two can be compared on the same instance. It builds no model: it
walks the roster once, in a fixed order, and keeps a move only when no hard
rule gets worse (no school constraint breaks that held before it, no school
loses or gains a principal, no tight group drifts further from reciprocity,
no small school is left with a subject nobody could teach there).
It proves nothing, so its only level has bound 0 and gap 1.

Where a person may go is rotation/destinations.py's, as for CP-SAT: C3 with
its groups' directions and G6's senior-3 condition, and P1's scope for a
principal (the whole district or a shared group, same stage).

1. S2: a returning person stays on when counted in an obligation's stock
   (G1, G2, G4, G6, G7 at the host); otherwise goes home, unless the return
   alone breaks a hard rule (with the default ``max_net_loss = 0`` every lone
   return breaks C2 at the host; a returning principal's, P1), in which case
   the return is paired with another returning person going the other way or
   with a due replacement sent from home to the host, else the stay is
   extended.
2. G5's walking teachers, first fit (not due first), who then stay at the
   central school. Due people, longest tenure first (then staff id), each to
   the first destination (school id order) that keeps every hard rule. A move that
   breaks C2 or G3 on its own is made only together with a partner coming
   back the other way (a swap), found first-fit: due people first, longest
   tenure first, then the other movable people by staff id. A principal
   moves only in a swap with the principal of the destination (P1).
3. Obligations, each filled by moving the first eligible people the same way:
   per tight pair G2 then G1 (G2's key teachers are scarcer: any key teacher
   also counts for G1, not the reverse), then G4's leaders and its minimum,
   G6, G7, and last G5 again for what moves left uncovered.
4. What is still short is reported; the plan is FEASIBLE only when every
   hard obligation is met, else INFEASIBLE with the missed ones named (the
   rows are kept so that a planner can see how far the greedy got). Each
   move's code and host post are solver/requirements.py's, as for CP-SAT.

Only solver-free statements of the rules are reused (solver/requirements.py:
who counts in which obligation, C4's cap, G5's subjects and walkers, move
codes; rotation/destinations.py: C3 and P1).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from rotation.catalogue import RuleId
from rotation.codes import (
    ACADEMIC_SUBJECTS,
    G2_PRIMARY_CORE_SUBJECTS,
    PRIMARY_BANDS,
    Band,
    GroupKind,
    Post,
    Status,
)
from rotation.destinations import c3_destinations, c3_no_destination, c3_why_not
from rotation.domain import Group, PinKind, Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.plan import Extension, LevelResult, Move, ObligationOutcome, Plan, SolveStatus, Unmoved, Walk
from rotation.text import Text
from solver.components import ComponentData
from solver.explain import NEVER_PINNED
from solver.requirements import (
    c4_outflow_cap,
    g1_counts_in_team,
    g2_counts_as_key,
    g3_post_class,
    g4_counts_as_leader,
    g4_sides,
    g5_required_subjects,
    g5_walkers,
    g6_counts,
    move_rule,
    n1_school,
    p2_host_post,
    s2_counted_where_they_are,
    shared_groups,
)
from solver.rules.school import c1_brief, c2_brief, c4_brief
from solver.rules.stints import s1_earliest_return, s2_outcome
from solver.settings import Progress, SolveOptions
from solver.solve import check_pins

# A hard rule the greedy keeps move by move: ("C1", school, subject, band), ("C2", school),
# ("C4", school), ("G3", lead, member, post class, band), ("G4", alliance), ("G5", small school,
# subject), ("P1", school). Bands are their values ("" for none) so that every key is a tuple of
# strings.
Key = tuple[str, ...]
LEVEL_NAME = "greedy"


@dataclass(frozen=True)
class _TightPair:
    group_id: str
    lead: str
    member: str


class _State:
    """Where everyone works next term, with the counters every kept rule reads, updated move by move."""

    def __init__(self, data: ComponentData, never: frozenset[tuple[str, str]]) -> None:
        self.data = data
        self.roster = data.roster
        self.params = data.params
        self.never = never
        self.where: dict[str, str] = {m.staff_id: m.school_id for m in data.staff}
        self.moved_to: dict[str, str] = {}  # new moves only
        self.returned: set[str] = set()
        self.decided: set[str] = set()  # returning people whose S2 outcome is settled
        self.contingent: dict[tuple[str, str], RuleId] = {}  # (staff, member school) -> G1 | G2
        self.walks: dict[str, list[tuple[str, str]]] = {}  # staff -> [(small school, subject)]
        self.headcount: Counter[str] = Counter()
        self.subjects: Counter[tuple[str, str, str]] = Counter()  # (school, subject, band or "")
        self.outflow: Counter[str] = Counter()
        self.stock: Counter[tuple[str, str]] = Counter()  # (home, works at), away from home only
        self.g3_stock: Counter[tuple[str, str, str, str]] = Counter()  # (home, at, post class, band)
        self.principals: Counter[str] = Counter()  # P1: principals working at each school
        self.leaders_stock: Counter[tuple[str, str]] = Counter()  # G4's leaders: (home, at), away only
        for member in data.staff:
            self._count(member, member.school_id, 1)
        self.principals_now = Counter(self.principals)
        # C3 and P1 as rotation/destinations.py states them, over the whole district: the greedy has no
        # components, so a principal's destinations are P1's whole scope (ComponentData keeps a
        # component's principals inside their groups and exchanges the rest across components).
        self.destinations: dict[str, tuple[str, ...]] = {
            m.staff_id: c3_destinations(m, self.roster, self.params, data.eligibility[m.staff_id])
            for m in data.staff
            if data.eligibility[m.staff_id].movable
        }
        self.allowed = frozenset((who, d) for who, options in self.destinations.items() for d in options)
        self.g3_hard = not self.params.is_soft("G3")
        self.g4_hard = not self.params.is_soft("G4")
        self._index_rules()

    # ------------------------------------------------------------------ static indexes

    def _index_rules(self) -> None:
        data, roster = self.data, self.roster
        self.c1_required: dict[Key, int] = {}
        self.c1_rows: dict[tuple[str, str], list[Key]] = {}
        sheet = roster.subject_minimums
        rows: list[tuple[str, str, Band | None, int]]
        if sheet is None:
            rows = [
                (s, subject, None, 1)
                for s in data.school_ids
                for subject in sorted({m.subject for m in data.staff_now[s] if m.subject})
            ]
        else:
            rows = [
                (r.school_id, r.subject, r.band, r.min_teachers)
                for r in sheet
                if r.school_id in data.school_set
            ]
        for school_id, subject, band, minimum in rows:
            before = sum(
                1
                for m in data.staff_now[school_id]
                if m.subject == subject and (band is None or m.band is band)
            )
            key = ("C1", school_id, subject, band.value if band else "")
            self.c1_required[key] = min(minimum, before)
            self.c1_rows.setdefault((school_id, subject), []).append(key)
        self.c2_window: dict[str, tuple[int, int]] = {}
        self.c4_cap: dict[str, int] = {}
        for school_id in data.school_ids:
            before = len(data.staff_now[school_id])
            quota = roster.schools[school_id].staff_quota
            self.c2_window[school_id] = (
                max(0, before - self.params.max_net_loss),
                max(before, quota if quota is not None else before),
            )
            self.c4_cap[school_id] = c4_outflow_cap(before, self.params)
        self.tight: list[_TightPair] = []
        for group in data.groups_of(GroupKind.TIGHT):
            assert group.lead is not None
            self.tight.extend(_TightPair(group.group_id, group.lead, m) for m in sorted(group.members))
        self.tight_of: dict[str, list[_TightPair]] = {}
        for pair in self.tight:
            self.tight_of.setdefault(pair.lead, []).append(pair)
            self.tight_of.setdefault(pair.member, []).append(pair)
        self.alliances: list[tuple[Group, list[str], list[str]]] = [
            (g, *g4_sides(roster.schools, g)) for g in data.groups_of(GroupKind.ALLIANCE)
        ]
        self.alliances_of_urban: dict[str, list[str]] = {}
        for group, urban, _ in self.alliances:
            for school_id in urban:
                self.alliances_of_urban.setdefault(school_id, []).append(group.group_id)
        # G5, kept while hard: a small school's required subject stays coverable, by a teacher of its
        # own or by a central-school teacher who could walk there and still works at the central school.
        self.g5_walkers: dict[Key, tuple[str, list[str]]] = {}
        self.g5_keys_of: dict[str, list[Key]] = {}
        if not self.params.is_soft("G5"):
            for group in data.groups_of(GroupKind.RURAL):
                central = group.lead
                assert central is not None
                for small in sorted(group.members):
                    if not roster.schools[small].small_school:
                        continue
                    for subject in g5_required_subjects(data, central, small):
                        g5: Key = ("G5", small, subject)
                        walkers = g5_walkers(data, central, small, (subject,))
                        self.g5_walkers[g5] = (central, [m.staff_id for m in walkers])
                        for walker in walkers:
                            self.g5_keys_of.setdefault(walker.staff_id, []).append(g5)

    # ------------------------------------------------------------------ counters

    def _count(self, member: StaffMember, at: str, sign: int) -> None:
        self.headcount[at] += sign
        if member.post is Post.PRINCIPAL:
            self.principals[at] += sign
        if member.subject:
            self.subjects[at, member.subject, member.band.value if member.band else ""] += sign
            self.subjects[at, member.subject, "*"] += sign
        if at != member.home_school_id:
            self.stock[member.home_school_id, at] += sign
            self.g3_stock[member.home_school_id, at, *_g3_part(member)] += sign
            if g4_counts_as_leader(member):
                self.leaders_stock[member.home_school_id, at] += sign

    def shift(self, member: StaffMember, to: str, new_move: bool) -> None:
        self._count(member, self.where[member.staff_id], -1)
        self._count(member, to, 1)
        self.where[member.staff_id] = to
        if new_move:
            self.moved_to[member.staff_id] = to
            self.outflow[member.school_id] += 1

    def _unshift(self, member: StaffMember) -> None:
        """Undo a tentative move or return: back where the person works now."""
        if member.staff_id in self.moved_to:
            del self.moved_to[member.staff_id]
            self.outflow[member.school_id] -= 1
        self._count(member, self.where[member.staff_id], -1)
        self._count(member, member.school_id, 1)
        self.where[member.staff_id] = member.school_id

    # ------------------------------------------------------------------ the kept rules

    def breach(self, key: Key) -> int:
        """How far the plan so far is outside the rule ``key`` (0 when it holds)."""
        kind = key[0]
        if kind == "C1":
            have = self.subjects[key[1], key[2], key[3] or "*"]
            return max(0, self.c1_required[key] - have)
        if kind == "C2":
            low, high = self.c2_window[key[1]]
            count = self.headcount[key[1]]
            return max(0, low - count) + max(0, count - high)
        if kind == "C4":
            return max(0, self.outflow[key[1]] - self.c4_cap[key[1]])
        if kind == "G3":
            _, lead, member, post_class, band = key
            return abs(
                self.g3_stock[lead, member, post_class, band] - self.g3_stock[member, lead, post_class, band]
            )
        if kind == "G4":
            return max(0, self.g4_stock(key[1]) - self.params.alliance_max)
        if kind == "P1":
            before, after = self.principals_now[key[1]], self.principals[key[1]]
            return abs(after - before) if before else max(0, after - 1)
        if kind == "G5":
            return 0 if self.g5_coverable(key) else 1
        raise AssertionError(key)

    def g5_coverable(self, key: Key) -> bool:
        """G5: the small school keeps a teacher of the subject, or one walks there, or a teacher of the
        central school who could walk there still works there with room for another school."""
        _, small, subject = key
        if self.subjects[small, subject, "*"]:
            return True
        central, walkers = self.g5_walkers[key]
        room = self.params.walk_max_schools
        return any(
            self.where[w] == central
            and ((small, subject) in self.walks.get(w, ()) or len(self.walks.get(w, ())) < room)
            for w in walkers
        )

    def g4_stock(self, group_id: str, stock: Counter[tuple[str, str]] | None = None) -> int:
        """G4: the alliance's urban people at its town and rural schools (its leaders, from
        ``leaders_stock``)."""
        counted = self.stock if stock is None else stock
        for group, urban, others in self.alliances:
            if group.group_id == group_id:
                return sum(counted[u, o] for u in urban for o in others)
        return 0

    def keys_of(self, member: StaffMember, to: str, new_move: bool) -> list[Key]:
        """The kept rules that moving ``member`` from where they are to ``to`` can change (a principal's
        P1 first: the rule named when the move is refused)."""
        here = self.where[member.staff_id]
        keys: list[Key] = [("P1", here), ("P1", to)] if member.post is Post.PRINCIPAL else []
        keys += [("C2", here), ("C2", to)]
        if member.subject:
            for school_id in (here, to):
                for key in self.c1_rows.get((school_id, member.subject), ()):
                    if not key[3] or (member.band is not None and key[3] == member.band.value):
                        keys.append(key)
        if new_move:
            keys.append(("C4", member.school_id))
        home = member.home_school_id
        if self.g3_hard:
            for pair in self.tight_of.get(home, ()):
                other = pair.member if home == pair.lead else pair.lead
                if other in (here, to):
                    keys.append(("G3", pair.lead, pair.member, *_g3_part(member)))
        if self.g4_hard:
            keys.extend(("G4", group_id) for group_id in self.alliances_of_urban.get(home, ()))
        keys.extend(self.g5_keys_of.get(member.staff_id, ()))
        if member.subject:
            own: list[Key] = [("G5", here, member.subject), ("G5", to, member.subject)]
            keys.extend(key for key in own if key in self.g5_walkers)
        return keys

    def try_step(self, step: Sequence[tuple[StaffMember, str, bool]]) -> Key | None:
        """Make the moves of ``step`` (person, to, new move?) if no kept rule gets worse; else the first
        rule that would, and nothing changes."""
        keys = list(dict.fromkeys(k for member, to, new in step for k in self.keys_of(member, to, new)))
        before = [self.breach(k) for k in keys]
        for member, to, new in step:
            self.shift(member, to, new)
        worse = next((k for k, b in zip(keys, before, strict=True) if self.breach(k) > b), None)
        if worse is not None:
            for member, _, _ in reversed(step):
                self._unshift(member)
        return worse

    # ------------------------------------------------------------------ who may move

    def free(self, member: StaffMember) -> bool:
        """Not moved yet, movable, at the school they work at now, and not walking to a small school."""
        return (
            member.staff_id not in self.moved_to
            and self.data.eligibility[member.staff_id].movable
            and self.where[member.staff_id] == member.school_id
            and member.staff_id not in self.walks
        )

    def is_due(self, member: StaffMember) -> bool:
        return self.data.eligibility[member.staff_id].is_due

    def may_go(self, member: StaffMember, to: str) -> bool:
        return (
            self.free(member)
            and (member.staff_id, to) in self.allowed
            and (member.staff_id, to) not in self.never
        )

    def move(
        self, member: StaffMember, to: str, partners: Callable[[str, str], Iterable[StaffMember]]
    ) -> Key | None:
        """Move ``member`` to ``to`` alone, or with the first partner from ``to`` back to their school
        that makes the pair keep every rule; None when done, else the rule the lone move breaks.

        A principal moves only in a swap with a principal of ``to`` (P1: every school keeps its head).
        """
        here = member.school_id
        blocked = self.try_step([(member, to, True)])
        if blocked is None:
            return None
        if blocked[0] not in ("C2", "G3", "P1"):
            return blocked  # a partner coming back cannot undo C1, C4 or G4's maximum at the sender
        if self.outflow[to] >= self.c4_cap[to]:
            return blocked  # nobody more may leave ``to`` (C4): spare trying every partner there
        if member.post is Post.PRINCIPAL:
            # Only a principal can keep both schools' heads (P1); there is one or two a school.
            candidates: Iterable[StaffMember] = (
                p for p in self.data.staff_now[to] if p.post is Post.PRINCIPAL
            )
        else:
            candidates = partners(to, here)
        for partner in candidates:
            if (
                partner.staff_id != member.staff_id
                and self.may_go(partner, here)
                and self.try_step([(member, to, True), (partner, here, True)]) is None
            ):
                return None
        return blocked


def _g3_part(member: StaffMember) -> tuple[str, str]:
    return g3_post_class(member), member.band.value if member.band else ""


def _priority(eligibility: Mapping[str, Eligibility]) -> Callable[[StaffMember], tuple[bool, int, str]]:
    """First-fit order: due people first, longest tenure first, then staff id."""

    def key(member: StaffMember) -> tuple[bool, int, str]:
        standing = eligibility[member.staff_id]
        return (not standing.is_due, -standing.tenure_years, member.staff_id)

    return key


def solve_greedy(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> Plan:
    """The hand-made plan (module docstring), as a Plan comparable with ``solver.solve.solve``'s.

    Deterministic: every choice is taken in a fixed order of ids. ``options``
    contributes its pins only (must pins are made first, never pins are
    avoided); there is no time limit to honour. Raises PinError like ``solver.solve.solve``.
    """
    started = time.monotonic()
    pins = roster.pins + (options.pins if options is not None else ())
    # The same refusals as the CP-SAT solve: a must-pin that a hard rule forbids is an error, not skipped.
    check_pins(roster, params, eligibility, pins)
    data = ComponentData(
        index=0,
        count=1,
        roster=roster,
        params=params,
        eligibility=eligibility,
        school_ids=tuple(sorted(roster.schools)),
        pins=pins,
    )
    never = frozenset((p.staff_id, p.to_school_id) for p in pins if p.kind is PinKind.NEVER)
    # A stay pin forbids every destination (a returning person is settled as the greedy settles returns).
    never |= {(p.staff_id, s) for p in pins if p.kind is PinKind.STAY for s in roster.schools}
    state = _State(data, never)
    order = _priority(eligibility)
    say = progress or (lambda _line: None)

    def staying_at(school_id: str, back_to: str) -> list[StaffMember]:
        """Swap partners: people working at ``school_id`` now who may go to ``back_to``, first-fit order."""
        return sorted((m for m in data.staff_now[school_id] if state.may_go(m, back_to)), key=order)

    for pin in sorted(pins, key=lambda p: (p.staff_id, p.to_school_id)):
        member = roster.staff_by_id.get(pin.staff_id)
        if (
            pin.kind is PinKind.MUST
            and member is not None
            and state.free(member)
            and c3_why_not(member, pin.to_school_id, roster, params, eligibility[pin.staff_id]) is None
        ):
            state.shift(member, pin.to_school_id, True)  # a must pin is the planner's, made as given

    _settle_returns(state, staying_at)
    returns, extensions = len(state.returned), len(state.decided) - len(state.returned)
    say(
        Text(
            f"greedy: {returns} return(s), {extensions} extension(s)",
            f"逐一安排：期满返回 {returns} 人，延长 {extensions} 人",
        )
    )
    # Walking teachers first, as a bureau keeps them: the central school's only teacher of a subject a
    # small school lacks is not the one to rotate away.
    _fill_g5(state)
    reasons = _rotate_due(state, staying_at, order)
    rotated = sum(eligibility[s].is_due for s in state.moved_to)
    say(Text(f"greedy: {rotated} due people rotated", f"逐一安排：应交流人员交流 {rotated} 人"))
    _fill_tight(state, staying_at, order)
    _fill_g4(state, staying_at, order)
    _fill_g6(state, staying_at, order)
    _fill_g7(state, staying_at, order)
    _fill_g5(state)
    return _plan(state, reasons, time.monotonic() - started, say)


# ---------------------------------------------------------------------- 1. S2


def _settle_returns(state: _State, partners: Partners) -> None:
    """S2: extend where the person is in an obligation's stock, else return home when that keeps the
    rules: on its own, or with a returning person going the other way, or with a due replacement sent
    from the home school to the host (first-fit, longest tenure first: the hand procedure's "send
    someone due in their place"; nobody is moved who is not due just to let a return happen); else
    extend."""
    data = state.data
    returning = [m for m in data.staff if data.eligibility[m.staff_id].status is Status.RETURNING]
    for member in returning:
        if member.staff_id in state.decided:
            continue
        state.decided.add(member.staff_id)
        if s2_counted_where_they_are(state.roster, member):
            continue
        home, host = member.home_school_id, member.school_id
        going_home = (member, home, False)
        if state.try_step([going_home]) is None:
            state.returned.add(member.staff_id)
            continue
        for other in returning:
            if (
                other.staff_id not in state.decided
                and (other.school_id, other.home_school_id) == (home, host)
                and not s2_counted_where_they_are(state.roster, other)
                and state.try_step([going_home, (other, host, False)]) is None
            ):
                state.decided.add(other.staff_id)
                state.returned.update((member.staff_id, other.staff_id))
                break
        else:
            for replacement in partners(home, host):
                if (
                    data.eligibility[replacement.staff_id].is_due
                    and state.try_step([going_home, (replacement, host, True)]) is None
                ):
                    state.returned.add(member.staff_id)
                    break


# ---------------------------------------------------------------------- 2. due people

Partners = Callable[[str, str], Iterable[StaffMember]]
Order = Callable[[StaffMember], tuple[bool, int, str]]


def _rotate_due(state: _State, partners: Partners, order: Order) -> dict[str, Text]:
    """Each due person to the first destination that keeps the rules; the first blocking rule of the
    others (the one their first destination breaks)."""
    data = state.data
    reasons: dict[str, Text] = {}
    due = sorted((m for m in data.staff if data.eligibility[m.staff_id].is_due), key=order)
    for member in due:
        if member.staff_id in state.walks:
            schools = "、".join(small for small, _ in state.walks[member.staff_id])
            reasons[member.staff_id] = Text(
                f"G5: walks from the central school to {schools}, so stays there",
                f"G5：从中心学校走教至 {schools}，因此留在中心学校",
            )
            continue
        if not state.free(member):
            continue  # moved already, as someone's swap partner or by a pin
        allowed = state.destinations.get(member.staff_id, ())
        destinations = [d for d in allowed if state.may_go(member, d)]
        if not destinations:
            reasons[member.staff_id] = (
                c3_no_destination(member, state.roster, state.params) if not allowed else NEVER_PINNED
            )
            continue
        first_blocked: Key | None = None
        for destination in destinations:
            blocked = state.move(member, destination, partners)
            if blocked is None:
                first_blocked = None
                break
            first_blocked = first_blocked or blocked
        if first_blocked is not None:
            reasons[member.staff_id] = _brief(state, first_blocked)
    return reasons


def _brief(state: _State, key: Key) -> Text:
    """The reason a due person stays, in the words CP-SAT's explanations use, naming the rule first."""
    kind = key[0]
    if kind == "C1":
        band = Band.parse(key[3]) if key[3] else None
        what = Text(f"{key[2]} ({key[3]})", f"{key[2]}（{band.zh}）") if band else Text(key[2], key[2])
        return c1_brief(key[1], what, state.c1_required[key])
    if kind == "C2":
        low, high = state.c2_window[key[1]]
        brief = c2_brief(key[1], low, high)
        return Text(f"{brief.en} (no swap partner found)", f"{brief.zh}（未找到互换人员）")
    if kind == "C4":
        return c4_brief(key[1], state.c4_cap[key[1]])
    if kind == "G3":
        group = next(p.group_id for p in state.tight if (p.lead, p.member) == (key[1], key[2]))
        return Text(
            f"G3 group {group}: a move between {key[1]} and {key[2]} needs a matching one back "
            f"({key[3]}:{key[4]}), none found",
            f"G3 集团 {group}：{key[1]} 与 {key[2]} 之间的调动需要对等的人员交流"
            f"（{key[3]}:{key[4]}），未找到",
        )
    if kind == "G5":
        return Text(
            f"G5: small school {key[1]} would have no teacher of {key[2]}, of its own or walking",
            f"G5：小规模学校 {key[1]} 将没有{key[2]}教师（本校或走教）",
        )
    if kind == "P1":
        return Text(
            f"P1: {key[1]} must keep its principal, and no principal could be swapped in",
            f"P1：{key[1]} 须保有校长，且找不到可互换的校长",
        )
    low, high = state.params.alliance_min, state.params.alliance_max
    return Text(
        f"G4 alliance {key[1]}: urban schools send between {low} and {high}",
        f"G4 联盟 {key[1]}：城区学校交流 {low} 至 {high} 人",
    )


# ---------------------------------------------------------------------- 3. obligations


def _senders(
    state: _State, school_id: str, fits: Callable[[StaffMember], bool], order: Order
) -> list[StaffMember]:
    return sorted((m for m in state.data.staff_now[school_id] if state.free(m) and fits(m)), key=order)


def _send_one(
    state: _State,
    sender: str,
    receivers: Sequence[str],
    fits: Callable[[StaffMember], bool],
    partners: Partners,
    order: Order,
) -> StaffMember | None:
    """Move the first person of ``sender`` who fits to the first receiver that keeps the rules."""
    for member in _senders(state, sender, fits, order):
        for receiver in receivers:
            if state.may_go(member, receiver) and state.move(member, receiver, partners) is None:
                return member
    return None


def _fill_tight(state: _State, partners: Partners, order: Order) -> None:
    """G2 then G1 for every (lead, member) pair: people already there first, then new moves."""
    params, schools = state.params, state.roster.schools
    for pair in state.tight:
        school = schools[pair.member]

        def stock(pair: _TightPair = pair) -> list[StaffMember]:
            return [m for m in state.data.staff_by_home[pair.lead] if state.where[m.staff_id] == pair.member]

        def take(fits: Callable[[StaffMember], bool], contingent: RuleId, pair: _TightPair = pair) -> bool:
            """One more person for ``contingent``: from the stock not yet counted, else a new move."""
            for member in stock():
                if (member.staff_id, pair.member) not in state.contingent and fits(member):
                    state.contingent[member.staff_id, pair.member] = contingent
                    return True
            moved = _send_one(state, pair.lead, (pair.member,), fits, partners, order)
            if moved is None:
                return False
            state.contingent[moved.staff_id, pair.member] = contingent
            return True

        def counted(contingent: RuleId, fits: Callable[[StaffMember], bool], pair: _TightPair = pair) -> int:
            return sum(
                1
                for m in stock()
                if state.contingent.get((m.staff_id, pair.member)) == contingent and fits(m)
            )

        for band, required, subject in _g2_parts(school.bands, params):

            def fits(
                m: StaffMember,
                band: frozenset[Band] = band,
                subject: str | None = subject,
                school: School = school,
            ) -> bool:
                return g2_counts_as_key(m, school) and m.band in band and subject in (None, m.subject)

            while counted(RuleId.G2, fits) < required and take(fits, RuleId.G2):
                pass

        # VPs and middle managers first, so that key teachers are left for the other members' G2.
        def team(m: StaffMember) -> bool:
            return g1_counts_in_team(m)

        def team_first(m: StaffMember) -> bool:
            return g1_counts_in_team(m) and not m.is_key_teacher

        while counted(RuleId.G1, team) < params.tight_mgmt_team_min and (
            take(team_first, RuleId.G1) or take(team, RuleId.G1)
        ):
            pass


def _g2_parts(bands: frozenset[Band], params: Parameters) -> list[tuple[frozenset[Band], int, str | None]]:
    """G2's parts as (bands counted, required, subject or None), in the order they are filled."""
    parts: list[tuple[frozenset[Band], int, str | None]] = []
    if Band.JUNIOR in bands:
        parts.append((frozenset({Band.JUNIOR}), params.tight_key_junior_min, None))
    primary = frozenset(PRIMARY_BANDS) & bands
    parts.extend(
        (frozenset({band}), params.tight_key_primary_band_min, None)
        for band in PRIMARY_BANDS
        if band in bands
    )
    if primary:
        parts.extend((primary, 1, subject) for subject in G2_PRIMARY_CORE_SUBJECTS)
    return parts


def _g2_part_name(bands: frozenset[Band], subject: str | None) -> str:
    return subject if subject is not None else next(iter(bands)).value


def _fill_g4(state: _State, partners: Partners, order: Order) -> None:
    """G4's minimums: first its leaders (principals, vice principals, middle managers: a principal only
    in a swap, P1), then anyone, from the alliance's urban schools to its first town or rural school
    that keeps the rules."""
    params = state.params
    for group, urban, others in state.alliances:
        for sender in urban:
            while state.g4_stock(group.group_id, state.leaders_stock) < params.alliance_leader_min:
                if _send_one(state, sender, others, g4_counts_as_leader, partners, order) is None:
                    break
        for sender in urban:
            while state.g4_stock(group.group_id) < params.alliance_min:
                if _send_one(state, sender, others, lambda _m: True, partners, order) is None:
                    break


def _fill_g7(state: _State, partners: Partners, order: Order) -> None:
    """G7: the lead kindergarten sends each member kg_exchange_min people of any post, first fit."""
    for group in state.data.groups_of(GroupKind.KINDERGARTEN):
        assert group.lead is not None
        for member_school in sorted(group.members):
            while state.stock[group.lead, member_school] < state.params.kg_exchange_min:
                if _send_one(state, group.lead, (member_school,), lambda _m: True, partners, order) is None:
                    break


def _fill_g6(state: _State, partners: Partners, order: Order) -> None:
    """G6: per subject and direction, the first senior-3 teachers of the subject to the paired school."""
    required = state.params.hs_pair_per_subject_min
    for group in state.data.groups_of(GroupKind.HS_PAIR):
        first, second = group.school_ids
        for subject in ACADEMIC_SUBJECTS:
            for sender, receiver in ((first, second), (second, first)):

                def fits(m: StaffMember, subject: str = subject) -> bool:
                    return g6_counts(m, subject)

                while _g6_stock(state, sender, receiver, subject) < required:
                    if _send_one(state, sender, (receiver,), fits, partners, order) is None:
                        break


def _g6_stock(state: _State, sender: str, receiver: str, subject: str) -> int:
    return sum(
        1
        for m in state.data.staff_by_home[sender]
        if state.where[m.staff_id] == receiver and g6_counts(m, subject)
    )


def _fill_g5(state: _State) -> None:
    """G5: each subject a small school lacks next term gets the first central-school walker with room,
    those who are not due first (a due one may still rotate)."""
    data = state.data
    for group in data.groups_of(GroupKind.RURAL):
        central = group.lead
        assert central is not None
        for small in sorted(group.members):
            if not state.roster.schools[small].small_school:
                continue
            for subject in g5_required_subjects(data, central, small):
                if _g5_covered(state, small, subject):
                    continue
                walkers = g5_walkers(data, central, small, (subject,))
                for walker in sorted(walkers, key=lambda m: (state.is_due(m), m.staff_id)):
                    served = state.walks.get(walker.staff_id, [])
                    if (
                        state.where[walker.staff_id] == central
                        and len(served) < state.params.walk_max_schools
                        and all(school_id != small for school_id, _ in served)
                    ):
                        state.walks[walker.staff_id] = [*served, (small, subject)]
                        break


def _g5_covered(state: _State, small: str, subject: str) -> int:
    own = state.subjects[small, subject, "*"]
    walking = sum(1 for served in state.walks.values() for s, subj in served if (s, subj) == (small, subject))
    return own + walking


# ---------------------------------------------------------------------- 4. the plan


def _plan(state: _State, reasons: dict[str, Text], wall: float, say: Progress) -> Plan:
    data, roster, params = state.data, state.roster, state.params
    moves: list[Move] = []
    for staff_id, to in state.moved_to.items():
        member = roster.staff_by_id[staff_id]
        contingent = state.contingent.get((staff_id, to))
        rule, group_id = move_rule(roster, member, to, data.eligibility[staff_id], contingent)
        moves.append(
            Move(
                staff_id,
                member.school_id,
                to,
                rule,
                group_id,
                s1_earliest_return(member, params, rule),
                p2_host_post(roster, member, to),
            )
        )
    extensions: list[Extension] = []
    for staff_id in sorted(state.decided):
        member = roster.staff_by_id[staff_id]
        shared = shared_groups(roster, member.school_id, member.home_school_id)
        outcome = s2_outcome(member, staff_id not in state.returned, shared[0].group_id if shared else None)
        if isinstance(outcome, Move):
            moves.append(outcome)
        else:
            extensions.append(outcome)
    walks = [
        Walk(staff_id, roster.staff_by_id[staff_id].home_school_id, small, subject)
        for staff_id, served in sorted(state.walks.items())
        for small, subject in served
    ]
    obligations = sorted(
        _outcomes(state), key=lambda o: (o.rule, o.group_id or "", o.school_id or "", o.part)
    )
    missed = [o for o in obligations if not o.soft and not o.met]
    broken = [
        key
        for key in [
            *state.c1_required,
            *(("C2", s) for s in data.school_ids),
            *(("C4", s) for s in data.school_ids),
            *(("P1", s) for s in data.school_ids),
        ]
        if state.breach(key)
    ]
    status = SolveStatus.FEASIBLE if not missed and not broken else SolveStatus.INFEASIBLE
    explanation: tuple[Text, ...] = ()
    if status is SolveStatus.INFEASIBLE:
        missing = [_missed_text(o) for o in missed]
        explanation = (
            Text(
                "the greedy found no plan keeping every hard rule (which does not prove there is none): "
                + "; ".join([*missing, *(f"{'/'.join(k)} broken" for k in broken)]),
                "逐一安排法未找到满足全部硬性规则的方案（这不证明不存在）："
                + "；".join([*missing, *(f"{'/'.join(k)} 未满足" for k in broken)]),
            ),
        )
    due_rotated = sum(1 for staff_id in state.moved_to if data.eligibility[staff_id].is_due)
    unmoved = tuple(
        Unmoved(
            m.staff_id,
            m.school_id,
            reasons.get(m.staff_id, NOT_REACHED),
        )
        for m in data.staff
        if data.eligibility[m.staff_id].is_due and m.staff_id not in state.moved_to
    )
    level = LevelResult(LEVEL_NAME, status, float(due_rotated), 0.0, 1.0, wall)
    say(
        Text(
            f"done: greedy {status}, {due_rotated} due rotated, "
            f"{len(missed)} hard obligation(s) missed, {wall:.1f}s",
            f"完成：逐一安排 {status.label('zh')}，应交流人员交流 {due_rotated} 人，"
            f"未完成硬指标 {len(missed)} 项，{wall:.1f} 秒",
        )
    )
    return Plan(
        status,
        tuple(sorted(moves, key=lambda m: (m.staff_id, m.to_school_id))),
        tuple(sorted(extensions, key=lambda e: e.staff_id)),
        tuple(sorted(walks, key=lambda w: (w.staff_id, w.school_id))),
        tuple(obligations),
        unmoved,
        (level,),
        wall,
        explanation,
    )


NOT_REACHED = Text(
    "greedy: not reached (its destinations were taken by earlier moves)",
    "逐一安排法：未能安排（可去学校已被先前的调动占用）",
)


def _missed_text(o: ObligationOutcome) -> str:
    where = "/".join(x for x in (o.group_id, o.school_id, o.part) if x)
    limit = f"{o.required}..{o.maximum}" if o.maximum is not None else f"{o.required}"
    return f"{o.rule} {where}: {o.achieved} of {limit}"


def _outcomes(state: _State) -> list[ObligationOutcome]:
    """Every obligation row, as the CP-SAT plan reports them (required, achieved, soft, maximum)."""
    data, params = state.data, state.params
    rows: list[ObligationOutcome] = []

    def soft(rule: str) -> bool:
        return params.is_soft(rule)

    for pair in state.tight:
        school = state.roster.schools[pair.member]
        stock = [m for m in data.staff_by_home[pair.lead] if state.where[m.staff_id] == pair.member]
        tagged = {
            c: [m for m in stock if state.contingent.get((m.staff_id, pair.member)) == c]
            for c in ("G1", "G2")
        }
        rows.append(
            ObligationOutcome(
                "G1",
                pair.group_id,
                pair.member,
                "team",
                params.tight_mgmt_team_min,
                len(tagged["G1"]),
                soft("G1"),
            )
        )
        for bands, required, subject in _g2_parts(school.bands, params):
            achieved = sum(1 for m in tagged["G2"] if m.band in bands and subject in (None, m.subject))
            rows.append(
                ObligationOutcome(
                    "G2",
                    pair.group_id,
                    pair.member,
                    _g2_part_name(bands, subject),
                    required,
                    achieved,
                    soft("G2"),
                )
            )
        # The parts someone fills either way (an empty part is trivially met, CP-SAT may list it).
        parts = {
            (c, b) for (h, at, c, b), n in state.g3_stock.items() if n and {h, at} == {pair.lead, pair.member}
        }
        for post_class, band in sorted(parts):
            received = state.g3_stock[pair.lead, pair.member, post_class, band]
            returned = state.g3_stock[pair.member, pair.lead, post_class, band]
            rows.append(
                ObligationOutcome(
                    "G3",
                    pair.group_id,
                    pair.member,
                    f"{post_class}:{band}",
                    received,
                    returned,
                    soft("G3"),
                    received,
                )
            )
    for group, _, _ in state.alliances:
        rows.append(
            ObligationOutcome(
                "G4",
                group.group_id,
                None,
                "",
                params.alliance_min,
                state.g4_stock(group.group_id),
                soft("G4"),
                params.alliance_max,
            )
        )
        rows.append(
            ObligationOutcome(
                RuleId.G4,
                group.group_id,
                None,
                "leader",
                params.alliance_leader_min,
                state.g4_stock(group.group_id, state.leaders_stock),
                soft(RuleId.G4),
            )
        )
    for group in data.groups_of(GroupKind.KINDERGARTEN):
        assert group.lead is not None
        for member_school in sorted(group.members):
            rows.append(
                ObligationOutcome(
                    RuleId.G7,
                    group.group_id,
                    member_school,
                    "",
                    params.kg_exchange_min,
                    state.stock[group.lead, member_school],
                    soft(RuleId.G7),
                )
            )
    for group in data.groups_of(GroupKind.RURAL):
        central = group.lead
        assert central is not None
        for small in sorted(group.members):
            if state.roster.schools[small].small_school:
                for subject in g5_required_subjects(data, central, small):
                    covered = _g5_covered(state, small, subject)
                    rows.append(
                        ObligationOutcome("G5", group.group_id, small, subject, 1, covered, soft("G5"))
                    )
    for group in data.groups_of(GroupKind.HS_PAIR):
        first, second = group.school_ids
        for subject in ACADEMIC_SUBJECTS:
            for sender, receiver in ((first, second), (second, first)):
                rows.append(
                    ObligationOutcome(
                        "G6",
                        group.group_id,
                        receiver,
                        f"{subject}:{sender}->{receiver}",
                        params.hs_pair_per_subject_min,
                        _g6_stock(state, sender, receiver, subject),
                        soft("G6"),
                    )
                )
    rows.extend(_n1_outcomes(state))
    return rows


def _n1_outcomes(state: _State) -> list[ObligationOutcome]:
    """N1 at each urban, town or quality school: due people rotated wherever someone is due, and the
    key share of those moved out where someone could leave (as solver/rules/targets.py words them)."""
    data, params = state.data, state.params
    rotation = Fraction(str(params.min_rotation_ratio))
    share = Fraction(str(params.min_key_share))
    soft = params.is_soft("N1")
    rows: list[ObligationOutcome] = []
    for school_id in data.school_ids:
        people = data.staff_now[school_id]
        if not n1_school(state.roster.schools[school_id]):
            continue
        out = [m for m in people if m.staff_id in state.moved_to]
        due = sum(1 for m in people if data.eligibility[m.staff_id].is_due)
        if due:
            rotated = sum(1 for m in out if data.eligibility[m.staff_id].is_due)
            rows.append(ObligationOutcome("N1", None, school_id, "", ceil(rotation * due), rotated, soft))
        if not any(state.destinations.get(m.staff_id) for m in people):
            continue
        keys = sum(1 for m in out if m.is_key_teacher)
        rows.append(ObligationOutcome("N1", None, school_id, "key", ceil(share * len(out)), keys, soft))
    return rows


__all__ = ["solve_greedy"]
