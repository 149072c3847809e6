"""The greedy peer (solver/greedy.py): valid when it says so, never better than CP-SAT, deterministic."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import DUE, FRESH, LONG, exempt, group, params, person, roster, run, school

from rotation.catalogue import RuleId
from rotation.codes import Area, Band, GroupKind, Honor, HostPost, Post, Stage
from rotation.domain import Roster, SubjectMinimum
from rotation.eligibility import assess_roster
from rotation.parameters import Parameters
from rotation.plan import Plan, SolveStatus
from rotation.workbook.loader import load_workbook
from solver.greedy import solve_greedy
from solver.requirements import s2_counted_where_they_are
from solver.settings import SolveOptions
from solver.solve import solve

# The independent checker lives in tests/, which pytest puts on the path only for tests collected there.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from plan_checker import AssignmentRow, WalkRow, check_plan

TINY = Path(__file__).resolve().parents[2] / "data" / "tiny.xlsx"


def greedy(the_roster: Roster, the_params: Parameters) -> Plan:
    return solve_greedy(the_roster, the_params, assess_roster(the_roster, the_params))


def problems(the_roster: Roster, the_params: Parameters, plan: Plan) -> list[str]:
    """The independent checker's verdict on the plan's rows, built straight from Plan.moves / Plan.walks."""
    rows = [
        AssignmentRow(
            m.staff_id,
            m.from_school_id,
            m.to_school_id,
            m.rule,
            m.group_id,
            the_params.effective_date,
            m.earliest_return_date,
            host_post=m.host_post.value if m.host_post is not None else "",
        )
        for m in plan.moves
    ]
    walks = [WalkRow(w.staff_id, w.home_school_id, w.school_id, w.subject) for w in plan.walks]
    return check_plan(the_roster, the_params, rows, walks)


def due_rotated(the_roster: Roster, the_params: Parameters, plan: Plan) -> int:
    eligibility = assess_roster(the_roster, the_params)
    return sum(1 for m in plan.moves if m.rule != "S2" and eligibility[m.staff_id].is_due)


def ranked(the_roster: Roster, the_params: Parameters, plan: Plan) -> tuple[int, int]:
    """The plan's place in the objective's first levels, lower is better: the stays no obligation needs
    (O1, S2), then the due people rotated (O2), negated."""
    needless = sum(
        1
        for e in plan.extensions
        if not s2_counted_where_they_are(the_roster, the_roster.staff_by_id[e.staff_id])
    )
    return needless, -due_rotated(the_roster, the_params, plan)


def signature(plan: Plan) -> tuple[object, ...]:
    return (plan.status, plan.moves, plan.extensions, plan.walks, plan.obligations, plan.unmoved)


def cycle_roster() -> Roster:
    # Three schools of one group, each with one due 数学 teacher and an exempt 数学 teacher who stays
    # (so C1 never binds). Headcount 2 each: C2 (max_net_loss 0) lets nobody leave without someone
    # coming in, and C4 lets at most one leave each school.
    staff = [person("A1", "A", start=LONG), person("B1", "B"), person("C1", "C")]
    staff += [exempt(f"{s}f", s, "数学") for s in ("A", "B", "C")]
    return roster(
        [school(s) for s in ("A", "B", "C")],
        [group("R", GroupKind.RURAL, ["A", "B", "C"], lead="A")],
        staff,
    )


def alliance_roster() -> Roster:
    # Alliance A: G4 wants 3 urban people at the rural school, one of them a leader or middle manager
    # (Um). Nobody is due; the greedy must fill G4 with swaps (C2), as CP-SAT does.
    staff = [person("Um", "U", "数学", start=FRESH, post=Post.MIDDLE_MANAGER)]
    for school_id in ("U", "R"):
        staff += [person(f"{school_id}{i}", school_id, "数学", start=FRESH) for i in range(1, 5)]
        staff += [exempt(f"{school_id}f1", school_id, "数学"), exempt(f"{school_id}f2", school_id, "语文")]
    return roster(
        [school("U", area=Area.URBAN), school("R", area=Area.RURAL)],
        [group("A", GroupKind.ALLIANCE, ["U", "R"])],
        staff,
    )


def tight_roster() -> Roster:
    # Tight group T, lead L and member M, both junior schools. G2 needs one junior key teacher at M,
    # G1 a team of one more; G3 then needs a teacher and a middle manager back from M.
    junior = Band.JUNIOR
    staff = [
        person("K1", "L", start=FRESH, honor=Honor.DISTRICT, band=junior),
        person("MM1", "L", start=FRESH, post=Post.MIDDLE_MANAGER, band=junior),
        exempt("Lf1", "L", "数学", Band.JUNIOR),
        exempt("Lf2", "L", "数学", Band.JUNIOR),
        person("M1", "M", start=FRESH, band=junior),
        person("MM2", "M", start=FRESH, post=Post.MIDDLE_MANAGER, band=junior),
        exempt("Mf1", "M", "数学", Band.JUNIOR),
        exempt("Mf2", "M", "数学", Band.JUNIOR),
    ]
    return roster(
        [school("L", stage=Stage.JUNIOR), school("M", stage=Stage.JUNIOR)],
        [group("T", GroupKind.TIGHT, ["L", "M"], lead="L")],
        staff,
    )


TIGHT_PARAMS = {"tight_mgmt_team_min": 1, "tight_key_junior_min": 1, "max_outflow_ratio": 0.5}


@pytest.fixture(scope="module")
def tiny() -> tuple[Roster, Parameters]:
    loaded = load_workbook(TINY)
    return loaded.roster, loaded.params


def test_tiny_plan_passes_the_checker_and_rotates_no_more_than_cp_sat(
    tiny: tuple[Roster, Parameters],
) -> None:
    the_roster, the_params = tiny
    plan = greedy(the_roster, the_params)
    assert plan.status is SolveStatus.FEASIBLE
    assert problems(the_roster, the_params, plan) == []
    optimum = solve(
        the_roster,
        the_params,
        assess_roster(the_roster, the_params),
        SolveOptions(time_limit_s=20, workers=1),
    )
    assert optimum.status is SolveStatus.OPTIMAL
    assert due_rotated(the_roster, the_params, plan) > 0
    # Never ahead of the optimum in the order of the levels (both plans meet every hard obligation).
    assert ranked(the_roster, the_params, plan) >= ranked(the_roster, the_params, optimum)
    # The one level: due people rotated, nothing proven.
    (level,) = plan.levels
    assert (level.name, level.objective, level.best_bound, level.gap) == (
        "greedy",
        due_rotated(the_roster, the_params, plan),
        0.0,
        1.0,
    )
    # Every due person left in place has a reason that names a rule.
    eligibility = assess_roster(the_roster, the_params)
    moved = {m.staff_id for m in plan.moves}
    due_left = {s for s, e in eligibility.items() if e.is_due and s not in moved}
    assert {u.staff_id for u in plan.unmoved} == due_left
    codes = {"C1", "C2", "C3", "C4", "G3", "G4", "G5", "G6", "P1"}
    assert all(u.reason.en[:2] in codes for u in plan.unmoved)


def test_deterministic(tiny: tuple[Roster, Parameters]) -> None:
    the_roster, the_params = tiny
    assert signature(greedy(the_roster, the_params)) == signature(greedy(the_roster, the_params))


@pytest.mark.parametrize(
    ("make", "values"),
    [(cycle_roster, {}), (alliance_roster, {"max_outflow_ratio": 0.5}), (tight_roster, TIGHT_PARAMS)],
)
def test_hand_rosters_feasible_checked_and_bounded_by_cp_sat(
    make: Callable[[], Roster], values: dict[str, object]
) -> None:
    the_roster: Roster = make()
    the_params = params(**values)
    plan = greedy(the_roster, the_params)
    assert plan.status is SolveStatus.FEASIBLE, plan.explanation
    assert problems(the_roster, the_params, plan) == []
    assert all(o.met for o in plan.obligations if not o.soft)
    optimum = run(the_roster, the_params)
    assert optimum.status is SolveStatus.OPTIMAL
    assert ranked(the_roster, the_params, plan) >= ranked(the_roster, the_params, optimum)


def test_alliance_filled_by_swaps() -> None:
    # G4's leader first (the middle manager Um), then teachers up to alliance_min, each with a rural
    # teacher coming back (C2).
    plan = greedy(alliance_roster(), params(max_outflow_ratio=0.5))
    sent = {(m.staff_id, m.rule, m.host_post) for m in plan.moves if m.from_school_id == "U"}
    assert sent == {
        ("Um", RuleId.G4, HostPost.MIDDLE_MANAGER),
        ("U1", RuleId.G4, HostPost.TEACHER),
        ("U2", RuleId.G4, HostPost.TEACHER),
    }
    rows = {o.part: (o.required, o.achieved, o.maximum, o.met) for o in plan.obligations if o.rule == "G4"}
    assert rows == {"": (3, 3, 5, True), "leader": (1, 1, None, True)}


def test_tight_contingents_and_reciprocity() -> None:
    plan = greedy(tight_roster(), params(**TIGHT_PARAMS))
    moved = {(m.staff_id, m.to_school_id, m.rule) for m in plan.moves}
    # G2 takes the key teacher, G1 the middle manager; each comes with a match back of its post class (G3).
    assert moved == {("K1", "M", "G2"), ("MM1", "M", "G1"), ("M1", "L", "G3"), ("MM2", "L", "G3")}
    g3 = {o.part: (o.required, o.achieved) for o in plan.obligations if o.rule == "G3"}
    assert g3 == {"middle_manager:junior": (1, 1), "teacher:junior": (1, 1)}


def test_first_fit_is_myopic_where_cp_sat_closes_a_cycle() -> None:
    # A1 (longest tenure) goes first, to B, the first destination; C2 needs someone back into A, and
    # the only one who may come is B1: a swap A1<->B1. C1 is left: A and B are full again, their only
    # movers have moved, and C4 lets no second person leave either, so C1 stays (C2 at C: nobody can
    # come in). CP-SAT sees the whole picture and rotates all three in a cycle A->B->C->A.
    the_roster, the_params = cycle_roster(), params()
    plan = greedy(the_roster, the_params)
    assert {(m.staff_id, m.to_school_id) for m in plan.moves} == {("A1", "B"), ("B1", "A")}
    assert [(u.staff_id, u.reason.en[:2]) for u in plan.unmoved] == [("C1", "C2")]
    optimum = run(the_roster, the_params)
    assert due_rotated(the_roster, the_params, optimum) == 3
    assert due_rotated(the_roster, the_params, optimum) > due_rotated(the_roster, the_params, plan) == 2


def test_obligation_out_of_reach_is_infeasible_and_named() -> None:
    # Only two urban teachers (U1, U2 movable) for G4's three: the greedy sends both and reports the miss.
    staff = []
    for school_id in ("U", "R"):
        staff += [
            person(f"{school_id}1", school_id, "数学", start=FRESH),
            person(f"{school_id}2", school_id, "语文", start=FRESH),
            exempt(f"{school_id}f1", school_id, "数学"),
            exempt(f"{school_id}f2", school_id, "语文"),
        ]
    the_roster = roster(
        [school("U", area=Area.URBAN), school("R", area=Area.RURAL)],
        [group("A", GroupKind.ALLIANCE, ["U", "R"])],
        staff,
    )
    plan = greedy(the_roster, params(max_outflow_ratio=0.5))
    assert plan.status is SolveStatus.INFEASIBLE
    assert "G4 A: 2 of 3..5" in plan.explanation[0].en
    row = next(o for o in plan.obligations if o.rule == "G4")
    assert (row.achieved, row.met) == (2, False)
    # Soft, the same shortfall is reported but the plan stands.
    soft = greedy(the_roster, params(max_outflow_ratio=0.5, soft=frozenset({"G4"})))
    assert soft.status is SolveStatus.FEASIBLE
    assert problems(the_roster, params(max_outflow_ratio=0.5, soft=frozenset({"G4"})), soft) == []


def test_due_person_without_destination_gets_c3() -> None:
    the_roster = roster(
        [school("X"), school("Y", stage=Stage.SENIOR)],
        [group("R", GroupKind.RURAL, ["X", "Y"], lead="X")],
        [person("X1", "X", start=DUE), exempt("Xf", "X", "数学"), exempt("Yf", "Y", "数学", Band.SENIOR)],
    )
    plan = greedy(the_roster, params())
    assert [(u.staff_id, u.reason.en[:2]) for u in plan.unmoved] == [("X1", "C3")]


def principals_roster(partner_exempt: bool) -> Roster:
    # Township group R: primary schools A and B, each with one principal. pA is due (T2, 12 years in
    # post); pB is not due, and exempt (E2) when ``partner_exempt``. Fillers keep headcounts and C1.
    born = date(1960, 1, 1) if partner_exempt else date(1980, 1, 1)
    return roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("pA", "A", None, None, start=LONG, post=Post.PRINCIPAL),
            person("pB", "B", None, None, start=FRESH, post=Post.PRINCIPAL, birth_date=born),
            *(exempt(f"f{s}{i}", s, "数学") for s in ("A", "B") for i in range(4)),
        ],
    )


@pytest.mark.parametrize("partner_exempt", [False, True])
def test_a_principal_moves_only_in_a_swap(partner_exempt: bool) -> None:
    # P1: A must keep a principal, B may not have two. pA goes to B only if pB comes to A, coded P1 (a
    # principal not due who moves to keep the swap whole). With pB exempt, nobody can replace pA.
    the_roster, the_params = principals_roster(partner_exempt), params()
    plan = greedy(the_roster, the_params)
    assert plan.status is SolveStatus.FEASIBLE
    assert problems(the_roster, the_params, plan) == []
    if partner_exempt:
        assert plan.moves == ()
        assert [(u.staff_id, u.reason.en[:2]) for u in plan.unmoved] == [("pA", "P1")]
    else:
        assert {(m.staff_id, m.to_school_id, m.rule, m.host_post) for m in plan.moves} == {
            ("pA", "B", RuleId.T2, HostPost.PRINCIPAL),
            ("pB", "A", RuleId.P1, HostPost.PRINCIPAL),
        }


def test_kindergarten_alliance_gets_its_exchange() -> None:
    # G7: lead kindergarten K1 sends kg_exchange_min (1) to member K2; K2 sends one back for C2. The
    # first fit is k1, coded G7; the member's teacher going to the lead is a balancing move (C2).
    kg = Band.KINDERGARTEN
    the_roster = roster(
        [school("K1", stage=Stage.KINDERGARTEN), school("K2", stage=Stage.KINDERGARTEN)],
        [group("K", GroupKind.KINDERGARTEN, ["K1", "K2"], lead="K1")],
        [
            person("k1", "K1", "保教", kg, start=FRESH),
            person("k2", "K2", "保教", kg, start=FRESH),
            *(exempt(f"f{s}{i}", s, "保教", kg) for s in ("K1", "K2") for i in range(4)),
        ],
    )
    the_params = params()
    plan = greedy(the_roster, the_params)
    assert plan.status is SolveStatus.FEASIBLE
    assert {(m.staff_id, m.to_school_id, m.rule) for m in plan.moves} == {
        ("k1", "K2", RuleId.G7),
        ("k2", "K1", RuleId.C2),
    }
    row = next(o for o in plan.obligations if o.rule == "G7")
    assert (row.group_id, row.school_id, row.required, row.achieved) == ("K", "K2", 1, 1)
    assert problems(the_roster, the_params, plan) == []


def test_no_sideways_move_inside_an_alliance() -> None:
    # C3: alliance A exists for urban ↔ town/rural moves. Due d at rural R1 may go to urban U9, never
    # to rural R2, which first fit (school id order) would try first.
    the_roster = roster(
        [school("R1", area=Area.RURAL), school("R2", area=Area.RURAL), school("U9", area=Area.URBAN)],
        [group("A", GroupKind.ALLIANCE, ["R1", "R2", "U9"])],
        [
            person("d", "R1", "数学", start=LONG),
            person("u", "U9", "数学", start=FRESH),
            person("r", "R2", "数学", start=FRESH),
            *(exempt(f"f{s}{i}", s, "数学") for s in ("R1", "R2", "U9") for i in range(4)),
        ],
    )
    the_params = params(alliance_min=0, alliance_leader_min=0)
    plan = greedy(the_roster, the_params)
    assert {(m.staff_id, m.to_school_id) for m in plan.moves} == {("d", "U9"), ("u", "R1")}
    assert problems(the_roster, the_params, plan) == []


def test_the_last_way_to_cover_a_small_school_subject_is_kept() -> None:
    # Township alliance V: central C teaches 信息技术 (w, not due); small schools S1 and S2 have no
    # teacher of it, so w walks to both (walk_max_schools 2). Small S3 has its own, t3, who is due and
    # could leave for C (C has room, max_net_loss 1; C1 guards only 数学 here). Without t3 nobody could
    # teach 信息技术 at S3 (w has no room left), so t3 stays (G5), as CP-SAT keeps t3 too.
    it = "信息技术"
    staff = [person("w", "C", it, start=FRESH), person("t3", "S3", it, start=LONG)]
    staff += [exempt(f"f{s}", s, "数学") for s in ("C", "S1", "S2", "S3")]
    the_roster = roster(
        [school("C", quota=3), *(school(s, small=True) for s in ("S1", "S2", "S3"))],
        [group("V", GroupKind.RURAL, ["C", "S1", "S2", "S3"], lead="C")],
        staff,
        minimums=tuple(SubjectMinimum(s, "数学", None, 1) for s in ("C", "S1", "S2", "S3")),
    )
    the_params = params(max_net_loss=1, max_outflow_ratio=1.0)
    plan = greedy(the_roster, the_params)
    assert plan.status is SolveStatus.FEASIBLE, plan.explanation
    assert plan.moves == ()
    assert {(w.staff_id, w.school_id) for w in plan.walks} == {("w", "S1"), ("w", "S2")}
    assert [(u.staff_id, u.reason.en[:2]) for u in plan.unmoved] == [("t3", "G5")]
    assert problems(the_roster, the_params, plan) == []
    assert run(the_roster, the_params).moves == ()
