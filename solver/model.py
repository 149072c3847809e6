"""Build the CP-SAT model of one component from the rule registry.

Order matters only in one place: the variables (solver/variables.py) come
first, because every rule counts people through ``place``; the objective
levels come last, because O1 and O3 sum the penalties the soft obligations create.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.catalogue import RuleId
from rotation.codes import Post
from rotation.destinations import p1_outside_groups
from rotation.domain import PinKind
from rotation.text import Text
from solver.components import ComponentData
from solver.counts import Count, difference
from solver.objective import Level, Penalty, draft_hint, make_levels
from solver.rules import RULES, Obligation, RuleContext
from solver.stopping import StoppableSolver
from solver.variables import Variables, make_variables


@dataclass(frozen=True)
class BuiltModel:
    """A component's model with what is needed to read and explain its solutions.

    ``decisions`` is the number of decision variables, created first and in
    the same order by every build, so a solution's first ``decisions`` values
    hint any build of the component. ``assumptions`` maps the index of each
    hard obligation's literal to the obligation; it is filled only in a
    diagnostic build, where every hard obligation (and pin) is enforced by a
    literal named after it, so that a core of assumptions names the rules,
    groups and schools in conflict. ``built_constraints`` is the number of
    constraints as built (optimising adds its level bounds after them),
    ``enforced_by_rule`` the indices of those enforcing each hard rule's
    obligations, and ``built_hint`` the hint as built (a draft's decisions,
    as variable indices and values): a copy of the model without those
    constraints is the model built without that rule (the forced-move
    probes of solver/explain.py).
    """

    model: cp_model.CpModel
    data: ComponentData
    variables: Variables
    decisions: int
    obligations: tuple[Obligation, ...]
    penalties: tuple[Penalty, ...]
    assumptions: dict[int, Obligation]
    levels: tuple[Level, ...]
    built_constraints: int
    enforced_by_rule: Mapping[str, tuple[int, ...]]
    built_hint: tuple[tuple[int, ...], tuple[int, ...]]


def build_model(
    data: ComponentData, diagnostic: bool = False, skip: frozenset[str] = frozenset()
) -> BuiltModel:
    """The component's model; ``skip`` leaves out the obligations of some rules (to test what binds)."""
    model = cp_model.CpModel()
    variables = make_variables(model, data)
    decisions = len(model.proto.variables)
    ctx = RuleContext(data, variables)
    obligations = [obligation for rule in RULES for obligation in rule(ctx)]
    obligations.extend(pin_obligations(ctx))
    obligations = [obligation for obligation in obligations if obligation.rule not in skip]
    penalties: list[Penalty] = []
    enforced: list[tuple[Obligation, list[cp_model.Constraint]]] = []
    for obligation in obligations:
        if not obligation.can_fail():
            continue
        if data.params.is_soft(obligation.rule):
            penalties.extend((obligation.rule, var) for var in _penalise(model, obligation))
        else:
            enforced.append((obligation, _enforce(model, obligation)))
    levels = make_levels(ctx, model, penalties)
    for var, value in draft_hint(ctx):
        model.add_hint(var, value)
    assumptions: dict[int, Obligation] = {}
    if diagnostic:
        # Literals come last, so every other variable has the same index as in the normal build
        # and a normal solution is a hint for the diagnostic model as it stands.
        for obligation, constraints in enforced:
            literal = model.new_bool_var(obligation.name)
            for constraint in constraints:
                constraint.only_enforce_if(literal)
            assumptions[literal.index] = obligation
    by_rule: dict[str, list[int]] = {}
    for obligation, constraints in enforced:
        by_rule.setdefault(obligation.rule, []).extend(constraint.index for constraint in constraints)
    return BuiltModel(
        model,
        data,
        variables,
        decisions,
        tuple(obligations),
        tuple(penalties),
        assumptions,
        levels,
        len(model.proto.constraints),
        {rule: tuple(indices) for rule, indices in by_rule.items()},
        _hint_as_built(model),
    )


def _hint_as_built(model: cp_model.CpModel) -> tuple[tuple[int, ...], tuple[int, ...]]:
    # Reading the proto's solution_hint makes it present, and an empty hint, once present, changes
    # CP-SAT's search of the first level: only a hint the build set is read.
    if not model.proto.has_solution_hint():
        return (), ()
    return tuple(model.proto.solution_hint.vars), tuple(model.proto.solution_hint.values)


def make_solver(
    seed: int, time_limit_s: float, presolve: bool = False, work_limit: float | None = None
) -> cp_model.CpSolver:
    """A CP-SAT solver with one search thread, and presolve only when asked.

    A single thread makes the search, and so the plan, depend only on the
    model and the seed, never on thread timing; parallelism comes from solving
    components side by side. Presolve is off for optimising because its
    rewriting of the headcount (C2) equalities leaves an LP bound that cannot
    close the tie-break levels (on a generated district: minutes unproven with
    it, well under a second proven without it). Cores of assumptions are the
    other way round: without presolve the enforced constraints stay out of the
    LP and proving a conflict takes seconds instead of milliseconds.
    ``work_limit`` bounds CP-SAT's deterministic time, which unlike the
    clock gives the same answer on every run. The solver stops on
    solver.stopping.request_stop() (a signal).
    """
    solver = StoppableSolver()
    # CP-SAT's own Ctrl-C handler, shared by the solves running side by side, aborts the process
    # (std::bad_function_call); SIGINT is the command's to handle (solver.stopping stops the solves).
    solver.parameters.catch_sigint_signal = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.cp_model_presolve = presolve
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    if work_limit is not None:
        solver.parameters.max_deterministic_time = max(work_limit, 0.001)
    return solver


def pin_obligations(ctx: RuleContext) -> list[Obligation]:
    """Pins as obligations: a must-pin needs its move, a never-pin forbids it.

    A must-pin without a variable is refused before building (solve.check_pins);
    a never-pin without one forbids what C3, S1, S2 or E already forbid. A
    principal pinned to a school outside their groups goes by the district
    exchange (P1): their part marks them away, and the part of the school
    they are pinned to marks its own principal away, so that the exchange can
    make the swap (solver/principals.py); a never-pin of that kind is the
    exchange's to keep.
    """
    found: list[Obligation] = []
    variables = ctx.variables
    for pin in sorted(ctx.data.pins, key=lambda p: (p.staff_id, p.to_school_id, p.kind.value)):
        if pin.kind is PinKind.STAY:
            found.extend(_stay_pin(ctx, pin.staff_id))
            continue
        must = pin.kind is PinKind.MUST
        verb = Text("must move", "必须调往") if must else Text("must not move", "不得调往")
        kind = Text(pin.kind.value, "必须" if must else "禁止")
        said = Text(
            f"pin: {pin.staff_id} {verb.en} to {pin.to_school_id}",
            f"指定调动：{pin.staff_id} {verb.zh} {pin.to_school_id}",
        )
        relax = Text(
            f"pin: drop the {kind.en} pin of {pin.staff_id} to {pin.to_school_id}",
            f"指定调动：删除 {pin.staff_id} 调往 {pin.to_school_id} 的“{kind.zh}”指定",
        )
        member = ctx.data.roster.staff_by_id[pin.staff_id]
        exchange = (
            must
            and member.post is Post.PRINCIPAL
            and p1_outside_groups(ctx.data.roster, member.school_id, pin.to_school_id)
        )
        var = variables.move.get((pin.staff_id, pin.to_school_id))
        counts: list[tuple[Count, Text]] = []
        if var is not None:
            counts.append((Count(0, [var]), said))
        if exchange and member.school_id in ctx.data.school_set:
            away = variables.away.get(pin.staff_id)
            counts.append((Count(0, [away] if away is not None else []), said))
        if exchange and pin.to_school_id in ctx.data.school_set:
            replaced = Text(
                f"pin: {pin.staff_id} must move to {pin.to_school_id}, whose principal must then be "
                "exchanged (P1)",
                f"指定调动：{pin.staff_id} 必须调往 {pin.to_school_id}，该校校长须交流调出（P1）",
            )
            counts.append((variables.replacements[pin.to_school_id], replaced))
        for achieved, description in counts:
            found.append(
                Obligation(
                    rule=RuleId.PIN,
                    group_id=None,
                    school_id=pin.to_school_id,
                    part=f"{pin.staff_id}:{pin.kind.value}",
                    achieved=achieved,
                    required=Count(1) if must else None,
                    maximum=None if must else Count(0),
                    description=description,
                    brief=description,
                    relax=relax,
                    reported=False,
                )
            )
    return found


def _stay_pin(ctx: RuleContext, staff_id: str) -> list[Obligation]:
    """A stay pin (留任): the person is not moved at all, nor exchanged (P1); one returning from an
    exchange goes home (S2). Nothing to forbid for someone no plan could move."""
    variables = ctx.variables
    member = ctx.data.roster.staff_by_id[staff_id]
    if staff_id in variables.extend:
        achieved = Count(0, [variables.extend[staff_id]])
        home = member.home_school_id
        said = Text(f"pin: {staff_id} stays home (returns to {home})", f"指定留任：{staff_id} 返回 {home}")
    else:
        achieved = variables.moved(staff_id)
        said = Text(
            f"pin: {staff_id} stays at {member.school_id}", f"指定留任：{staff_id} 留在 {member.school_id}"
        )
    if achieved.is_constant:
        return []
    relax = Text(f"pin: drop the stay pin of {staff_id}", f"指定调动：删除 {staff_id} 的“留任”指定")
    return [
        Obligation(
            rule=RuleId.PIN,
            group_id=None,
            school_id=member.school_id,
            part=f"{staff_id}:stay",
            achieved=achieved,
            required=None,
            maximum=Count(0),
            description=said,
            brief=said,
            relax=relax,
            reported=False,
        )
    ]


def _enforce(model: cp_model.CpModel, obligation: Obligation) -> list[cp_model.Constraint]:
    """scale·achieved ≥ required and achieved ≤ maximum, as one equality when they coincide (G3)."""
    constraints: list[cp_model.Constraint] = []
    achieved = obligation.achieved
    if obligation.required is not None:
        gap = difference(achieved, obligation.required, obligation.scale)
        if obligation.maximum is obligation.required and obligation.scale == 1:
            constraints.append(model.add(gap.expr() == 0))
        else:
            constraints.append(model.add(gap.expr() >= 0))
    if obligation.maximum is not None and obligation.maximum is not obligation.required:
        constraints.append(model.add(difference(achieved, obligation.maximum).expr() <= 0))
    return constraints


def _penalise(model: cp_model.CpModel, obligation: Obligation) -> list[cp_model.IntVar]:
    """Soft: a shortfall (and an excess) variable, in people, that O1 (O3 for N1) minimises."""
    penalties: list[cp_model.IntVar] = []
    achieved, scale = obligation.achieved, obligation.scale
    if obligation.required is not None:
        worst = max(0, -(-(obligation.required.upper - scale * achieved.lower) // scale))
        shortfall = model.new_int_var(0, worst, f"{obligation.name}_shortfall")
        model.add(difference(achieved, obligation.required, scale).expr() + scale * shortfall >= 0)
        penalties.append(shortfall)
    if obligation.maximum is not None:
        worst = max(0, achieved.upper - obligation.maximum.lower)
        excess = model.new_int_var(0, worst, f"{obligation.name}_excess")
        over = difference(achieved, obligation.maximum)
        over.add(excess, -1)
        model.add(over.expr() <= 0)
        penalties.append(excess)
    return penalties
