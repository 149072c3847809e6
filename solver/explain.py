"""Why: the rules in conflict when there is no plan, and why each unmoved due person stays.

No plan: a diagnostic build enforces every hard obligation, school
constraint and pin by an assumption literal named after it; CP-SAT's
``sufficient_assumptions_for_infeasibility`` names a set of them that cannot
hold together (shrunk while time allows), which maps straight back to rule
IDs, groups and schools.

Unmoved due people: the cheap reasons first (no destination, C4 cap
reached), then, when few are left, each is forced to move in a copy of the
model; relaxing one rule family at a time shows which rule binds. Each copy
is taken from the component's model (its constraints as built, less a
family's) rather than built again: the same model a build would give, at a
fraction of the cost. solve() runs these tests once every component is
planned, beside P1's district exchange, on the model built once more.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from rotation.catalogue import RELAX_ORDER
from rotation.destinations import c3_no_destination
from rotation.domain import PinKind, Roster
from rotation.plan import Unmoved
from rotation.text import Text
from solver.components import ComponentData
from solver.counts import Count
from solver.model import BuiltModel, build_model, make_solver
from solver.objective import EXTENSIONS_LEVEL, OBLIGATIONS_LEVEL, Level
from solver.requirements import c4_outflow_cap
from solver.rules.base import Obligation
from solver.rules.school import c4_brief

# Forcing a move is tested one person at a time, so only when few are left to explain. The tests are
# bounded in CP-SAT's deterministic time (per test and per component), so the reasons come out the same
# on every run; the clock only stops them when the whole solve runs out of time.
MAX_FORCED_TESTS = 25
FORCED_TEST_WORK = 0.5
FORCED_TESTS_WORK = 1.0
# Shrinking a core costs one solve per literal: only small cores are shrunk.
MAX_CORE_TO_SHRINK = 30
CORE_SOLVE_WORK = 1.0

ORDER_REASON = Text("objective: others of longer tenure moved first", "优化目标：任教年限更长的人员优先交流")
NEVER_PINNED = Text(
    "pin: every destination is forbidden by a never pin", "指定调动：所有可去学校均被“禁止”指定排除"
)
NO_ROOM = Text("C2: no room at any destination", "C2：所有可去学校均无空余编制")
SOFT_SHORTER = Text(
    "objective: moving them would leave a soft obligation further short or keep a returning person "
    "from going home (O1)",
    "优化目标：调动此人会使软指标缺口更大或使期满人员不能返回（O1）",
)
FEWER_DUE = Text(
    "objective: moving them would lower the number of due people rotated",
    "优化目标：调动此人会减少应交流人员的交流人数",
)


def explain_infeasible(data: ComponentData, seed: int, deadline: float) -> tuple[Text, ...]:
    """Lines naming the rules, groups and schools that conflict, and what relaxes each."""
    diagnostic = build_model(data, diagnostic=True)
    core = _core(diagnostic.model, sorted(diagnostic.assumptions), seed, deadline)
    if not core:
        where = data.where()
        return (
            Text(
                f"{where.en}: no plan satisfies the hard rules, and the conflict "
                "could not be isolated within the time limit; try --set soft=G1,G2,G3,G4,G5,G6,G7",
                f"{where.zh}：没有满足全部硬性规则的方案，且在时限内未能找出相互冲突的规则；"
                "可尝试 --set soft=G1,G2,G3,G4,G5,G6,G7",
            ),
        )
    conflicting = [diagnostic.assumptions[index] for index in core]
    relax = list(dict.fromkeys(obligation.relax for obligation in conflicting))
    where = data.where()
    return (
        Text(
            f"{where.en} has no plan: " + "; ".join(o.description.en for o in conflicting),
            f"{where.zh}没有可行方案：" + "；".join(o.description.zh for o in conflicting),
        ),
        Text("relax with " + "; ".join(r.en for r in relax), "可放宽：" + "；".join(r.zh for r in relax)),
    )


def unmoved_reasons(
    built: BuiltModel, solution: list[int], seed: int, deadline: float
) -> tuple[Unmoved, ...]:
    """A reason for every due person the plan leaves in place, claiming only rules that bind.

    No destination: C3 (or never-pins). Home school at its C4 cap: C4. Then,
    when few are left, a forced-move test (``forced_move_reasons``). The rest
    get the C2 limit a lone move would break, or the objective's order.
    """
    reasons, tested = first_reasons(built, solution)
    if tested:
        reasons.update(forced_move_reasons(built, solution, tested, seed, deadline))
    return unmoved_rows(built.data.roster, reasons)


def unmoved_rows(roster: Roster, reasons: Mapping[str, Text]) -> tuple[Unmoved, ...]:
    """The unmoved_due rows of the people and reasons, by staff id."""
    return tuple(
        Unmoved(who, roster.staff_by_id[who].school_id, reason) for who, reason in sorted(reasons.items())
    )


def first_reasons(built: BuiltModel, solution: list[int]) -> tuple[dict[str, Text], list[str]]:
    """Every unmoved due person's reason short of forced-move tests, and who is to be tested.

    Those to test (all whom the cheap reasons leave, when they are few) have the reason they keep
    when their tests settle nothing; ``forced_move_reasons`` gives those that replace it.
    """
    data, variables = built.data, built.variables
    roster, params = data.roster, data.params
    never = {(p.staff_id, p.to_school_id) for p in data.pins if p.kind is PinKind.NEVER}
    reasons: dict[str, Text] = {}
    pending = []
    for member in data.staff:
        who = member.staff_id
        if not data.eligibility[who].is_due or variables.moved(who).value(solution):
            continue
        options = variables.moves_of.get(who, [])
        cap = c4_outflow_cap(len(data.staff_now[member.school_id]), params)
        exchanged = who in variables.away
        if not options and not exchanged:
            reasons[who] = c3_no_destination(member, roster, params)
        elif options and not exchanged and all((who, destination) in never for destination, _ in options):
            reasons[who] = NEVER_PINNED
        elif variables.moves_out[member.school_id].value(solution) >= cap:
            reasons[who] = c4_brief(member.school_id, cap)
        else:
            pending.append(member)
    for member in pending:
        reasons[member.staff_id] = _limit_reason(built, solution, member.staff_id)
    tested = [member.staff_id for member in pending] if len(pending) <= MAX_FORCED_TESTS else []
    return reasons, tested


def forced_move_reasons(
    built: BuiltModel, solution: list[int], staff_ids: list[str], seed: int, deadline: float
) -> dict[str, Text]:
    """Force each person to move, keeping O1 (soft shortfall, extensions) and the due people moved (O2).

    Feasible: only the tenure order kept them. Infeasible: relax one rule
    family at a time; the first whose absence lets them move binds, and the
    reason names its instance nearest the person. Nothing is said when no
    single rule explains it or time runs out (the caller then falls back).
    """
    data = built.data
    first = {level.name: level.value(solution) for level in _first_levels(built)}
    due_moved = _due_moved(built).value(solution)
    binding = {o.rule for o in built.obligations if o.can_fail() and not data.params.is_soft(o.rule)}
    families = [rule for rule in RELAX_ORDER if rule in binding]

    bases: dict[tuple[frozenset[str], tuple[bool, bool]], cp_model.CpModel] = {}
    trial = cp_model.CpModel()
    work_left = [FORCED_TESTS_WORK]

    def can_move(
        staff_id: str, skip: frozenset[str] = frozenset(), kept: tuple[bool, bool] = (True, True)
    ) -> bool | None:
        if work_left[0] <= 0:
            return None
        base = bases.get((skip, kept))
        if base is None:
            levels = first if kept[0] else {}
            base = _probe_base(built, solution, skip, levels, due_moved if kept[1] else None)
            bases[skip, kept] = base
        trial.proto.copy_from(base.proto)
        trial.add(built.variables.moved(staff_id).expr() >= 1)
        solver = make_solver(
            seed, deadline - time.monotonic(), work_limit=min(FORCED_TEST_WORK, work_left[0])
        )
        status = solver.solve(trial)
        work_left[0] -= solver.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        return False if status == cp_model.INFEASIBLE else None

    reasons: dict[str, Text] = {}
    for staff_id in staff_ids:
        if time.monotonic() >= deadline:
            break
        verdict = can_move(staff_id)
        if verdict:
            reasons[staff_id] = ORDER_REASON
        if verdict is not False:
            continue
        for rule in families:
            verdict = can_move(staff_id, skip=frozenset({rule}))
            if verdict:
                reasons[staff_id] = _binding_brief(built, solution, staff_id, rule)
            if verdict is not False:
                break
        else:
            if can_move(staff_id, kept=(False, True)):
                reasons[staff_id] = SOFT_SHORTER
            elif can_move(staff_id, kept=(True, False)):
                reasons[staff_id] = FEWER_DUE
    return reasons


def _probe_base(
    built: BuiltModel,
    solution: list[int],
    skip: frozenset[str],
    first: dict[str, int],
    due_moved: int | None,
) -> cp_model.CpModel:
    """The component's model as built, without the hard obligations of the ``skip`` rules, its O1
    levels kept at most at ``first`` and its due people moved at least ``due_moved`` (None: free),
    hinted with the plan: the model a build with ``skip`` would give, copied from the solved one."""
    source = built.model.proto
    dropped = {index for rule in skip for index in built.enforced_by_rule.get(rule, ())}
    base = cp_model.CpModel()
    base.proto.copy_from(source)
    base.proto.clear_objective()
    base.proto.clear_solution_hint()
    base.proto.constraints.clear()
    base.proto.constraints.extend(
        [source.constraints[index] for index in range(built.built_constraints) if index not in dropped]
    )
    for level in _first_levels(built):
        if level.name in first:
            base.add(level.expr() <= first[level.name])
    if due_moved is not None:
        base.add(_due_moved(built).expr() >= due_moved)
    # A draft's hint as built, then the plan: starting from it, a forced move that is possible is found
    # at once.
    base.proto.solution_hint.vars.extend(built.built_hint[0])
    base.proto.solution_hint.values.extend(built.built_hint[1])
    base.proto.solution_hint.vars.extend(range(built.decisions))
    base.proto.solution_hint.values.extend(solution[: built.decisions])
    return base


def _binding_brief(built: BuiltModel, solution: list[int], staff_id: str, rule: str) -> Text:
    """The instance of ``rule`` nearest the person: at the home school, of their subject, at a destination."""
    member = built.data.roster.staff_by_id[staff_id]
    destinations = {destination for destination, _ in built.variables.moves_of.get(staff_id, ())}
    instances = [o for o in built.obligations if o.rule == rule and o.can_fail()]
    full = all(_headroom(o, solution)[1] <= 0 for o in instances if o.school_id in destinations)
    if rule == "C2" and destinations and full:
        return NO_ROOM

    own = {var.index for var in built.variables.departures(staff_id)}

    def nearness(obligation: Obligation) -> tuple[bool, bool, bool]:
        counts = (obligation.achieved, obligation.required, obligation.maximum)
        involves = any(var.index in own for count in counts if count is not None for var in count.variables)
        return (
            not involves,
            obligation.school_id != member.school_id,
            obligation.school_id not in destinations,
        )

    return min(instances, key=nearness).brief


def _limit_reason(built: BuiltModel, solution: list[int], staff_id: str) -> Text:
    """Without a forced-move test: the C2 limit that a lone move would break, else the objective's order."""
    c2 = {o.school_id: o for o in built.obligations if o.rule == "C2"}
    member = built.data.roster.staff_by_id[staff_id]
    options = built.variables.moves_of.get(staff_id, ())
    # A principal the district exchange may take needs no room: a principal comes the other way.
    if staff_id not in built.variables.away and all(_headroom(c2[d], solution)[1] <= 0 for d, _ in options):
        return NO_ROOM
    if _headroom(c2[member.school_id], solution)[0] <= 0:
        return Text(
            f"C2: {member.school_id} cannot lose staff without someone arriving",
            f"C2：{member.school_id} 没有人员调入就不能减少人员",
        )
    return ORDER_REASON


def _headroom(obligation: Obligation, solution: list[int]) -> tuple[int, int]:
    """How far an obligation's count is above its minimum and below its maximum in the plan."""
    achieved = obligation.achieved.value(solution)
    above = achieved - obligation.required.value(solution) if obligation.required is not None else achieved
    below = obligation.maximum.value(solution) - achieved if obligation.maximum is not None else 1
    return above, below


def _first_levels(built: BuiltModel) -> list[Level]:
    """O1's two parts: the soft obligations' shortfall, then the extended stays (S2)."""
    return [level for level in built.levels if level.name in (OBLIGATIONS_LEVEL, EXTENSIONS_LEVEL)]


def _due_moved(built: BuiltModel) -> Count:
    moved = Count()
    for member in built.data.staff:
        if built.data.eligibility[member.staff_id].is_due:
            moved.extend(built.variables.moved(member.staff_id))
    return moved


def _core(model: cp_model.CpModel, literals: list[int], seed: int, deadline: float) -> list[int]:
    """A small set of the ``literals`` that cannot all hold (empty when none is found in time).

    CP-SAT's core is sufficient, not minimal: while time allows, each literal
    is dropped in turn and stays out when the rest still conflict.
    """
    status, core = _solve_with(model, literals, seed, deadline)
    if status != cp_model.INFEASIBLE or len(core) > MAX_CORE_TO_SHRINK:
        return core
    position = 0
    while position < len(core) and time.monotonic() < deadline:
        trial = core[:position] + core[position + 1 :]
        status, smaller = _solve_with(model, trial, seed, deadline, CORE_SOLVE_WORK)
        if status == cp_model.INFEASIBLE and smaller:
            core = [index for index in trial if index in set(smaller)]
        else:
            position += 1
    return core


def _solve_with(
    model: cp_model.CpModel, literals: list[int], seed: int, deadline: float, work_limit: float | None = None
) -> tuple[cp_model.CpSolverStatus, list[int]]:
    """Solve for feasibility assuming ``literals``; the status and, when infeasible, a core (in order)."""
    model.clear_assumptions()
    model.add_assumptions([model.get_bool_var_from_proto_index(index) for index in literals])
    solver = make_solver(seed, deadline - time.monotonic(), presolve=True, work_limit=work_limit)
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return status, []
    found = set(solver.sufficient_assumptions_for_infeasibility())
    return status, [index for index in literals if index in found]
