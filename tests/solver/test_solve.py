"""The solve as a whole: soft switches, levels, determinism, decomposition, weighted mode, progress."""

from __future__ import annotations

from conftest import DUE, FRESH, LONG, exempt, group, moves, params, person, roster, run, school

from rotation.codes import Area, GroupKind
from rotation.domain import Roster
from rotation.eligibility import assess_roster
from rotation.plan import SolveStatus
from rotation.text import Text
from solver.settings import SolveOptions
from solver.solve import solve


def alliance_roster() -> Roster:
    # Alliance A: urban U with two free teachers, rural R with two; G4 asks for 3 urban teachers at R.
    staff = []
    for school_id in ("U", "R"):
        staff += [
            person(f"{school_id}1", school_id, "数学", start=FRESH),
            person(f"{school_id}2", school_id, "语文", start=FRESH),
            exempt(f"{school_id}f1", school_id, "数学"),
            exempt(f"{school_id}f2", school_id, "语文"),
        ]
    return roster(
        [school("U", area=Area.URBAN), school("R", area=Area.RURAL)],
        [group("A", GroupKind.ALLIANCE, ["U", "R"])],
        staff,
    )


# N1 has its own level (O3) below O1, G4's leaders their own part: both left out, so that the plan is
# G4's count alone.
ALLIANCE_PARAMS = {"max_outflow_ratio": 0.5, "min_key_share": 0, "alliance_leader_min": 0}


def test_hard_obligation_out_of_reach_is_infeasible_and_soft_switch_relaxes_it():
    # Only two urban teachers can go, three are required: hard G4 has no plan; soft G4 sends both and
    # reports a shortfall of one.
    hard = run(alliance_roster(), params(**ALLIANCE_PARAMS))
    assert hard.status is SolveStatus.INFEASIBLE
    assert hard.explanation[0].en.endswith(
        "G4 alliance A: its urban schools send between 3 and 5 people to its town and rural schools, "
        "2 could be there"
    )
    assert hard.explanation[1].en == (
        "relax with G4: --set soft=G4 or change alliance_min / alliance_max / alliance_leader_min"
    )
    assert (
        hard.explanation[1].zh
        == "可放宽：G4：--set soft=G4 或调整 alliance_min / alliance_max / alliance_leader_min"
    )
    assert "城区学校须向乡镇、农村学校交流 3 至 5 人，最多只能有 2 人" in hard.explanation[0].zh

    soft = run(alliance_roster(), params(soft=frozenset({"G4"}), **ALLIANCE_PARAMS))
    assert soft.status is SolveStatus.OPTIMAL
    assert moves(soft) == {
        ("U1", "U", "R", "G4"),
        ("U2", "U", "R", "G4"),
        ("R1", "R", "U", "C2"),
        ("R2", "R", "U", "C2"),
    }
    row = next(o for o in soft.obligations if o.rule == "G4")
    assert (row.required, row.achieved, row.soft, row.met) == (3, 2, True, False)
    assert soft.levels[0].name == "O1 obligations"
    assert soft.levels[0].objective == 1


def tenure_roster() -> Roster:
    # d1 (12 years) and d2 (8 years) are due at A; B can send only b1 back, so only one of them can go.
    # Rural schools, where N1 does not apply.
    return roster(
        [school("A", area=Area.RURAL), school("B", area=Area.RURAL)],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("d1", "A", "数学", start=LONG),
            person("d2", "A", "数学", start=DUE),
            exempt("fA1", "A", "数学"),
            exempt("fA2", "A", "数学"),
            person("b1", "B", "数学", start=FRESH),
            exempt("fB", "B", "数学"),
        ],
    )


def test_longer_tenure_moves_first():
    plan = run(tenure_roster(), params(max_outflow_ratio=0.5))
    assert moves(plan) == {("d1", "A", "B", "T1"), ("b1", "B", "A", "C2")}
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("d2", "objective: others of longer tenure moved first")
    ]


def test_levels_are_reported_in_priority_order_with_numbers():
    plan = run(tenure_roster(), params(max_outflow_ratio=0.5))
    assert plan.status is SolveStatus.OPTIMAL
    assert [level.name for level in plan.levels] == ["O2 due rotated", "O2 tenure", "O7 needless moves"]
    assert [level.objective for level in plan.levels] == [1, 12, 1]
    for level in plan.levels:
        assert level.status is SolveStatus.OPTIMAL
        assert level.best_bound == level.objective
        assert level.gap == 0
        assert level.wall_time_s >= 0


def test_weighted_mode_gives_the_lexicographic_plan():
    lexicographic = run(alliance_roster(), params(soft=frozenset({"G4"}), **ALLIANCE_PARAMS))
    weighted = run(
        alliance_roster(), params(soft=frozenset({"G4"}), objective_mode="weighted", **ALLIANCE_PARAMS)
    )
    assert moves(weighted) == moves(lexicographic)
    assert [level.name for level in weighted.levels] == ["weighted"]


def symmetric_roster(prefix: str = "") -> Roster:
    # Three schools with interchangeable free teachers: many optimal plans, one of which must come out.
    schools = [f"{prefix}{name}" for name in ("A", "B", "C")]
    staff = []
    for school_id in schools:
        staff += [person(f"{school_id}d{n}", school_id, "数学") for n in range(2)]
        staff += [person(f"{school_id}t{n}", school_id, "数学", start=FRESH) for n in range(3)]
    return roster(
        [school(s) for s in schools],
        [group(f"{prefix}R", GroupKind.RURAL, schools, lead=schools[0])],
        staff,
    )


def test_same_input_and_seed_give_the_same_plan():
    first = run(symmetric_roster(), params(max_outflow_ratio=0.5), seed=7)
    again = run(symmetric_roster(), params(max_outflow_ratio=0.5), seed=7, workers=2)
    assert first.moves == again.moves
    assert len(first.moves) == 6


def test_independent_components_solve_as_one():
    # Two groups with no school in common: solving them together gives the union of solving each.
    left, right = symmetric_roster("L"), symmetric_roster("Q")
    both = roster(
        [*left.schools.values(), *right.schools.values()],
        [*left.groups.values(), *right.groups.values()],
        [*left.staff, *right.staff],
    )
    the_params = params(max_outflow_ratio=0.5)
    together = run(both, the_params, workers=2)
    apart = [run(part, the_params) for part in (left, right)]
    assert set(together.moves) == set(apart[0].moves) | set(apart[1].moves)
    assert set(together.unmoved) == set(apart[0].unmoved) | set(apart[1].unmoved)
    for name in ("O2 due rotated", "O2 tenure"):
        levels = [next(level for level in plan.levels if level.name == name) for plan in (together, *apart)]
        assert levels[0].objective == levels[1].objective + levels[2].objective


def test_progress_lines_are_reported():
    lines: list[Text] = []
    the_roster, the_params = tenure_roster(), params(max_outflow_ratio=0.5)
    plan = solve(
        the_roster,
        the_params,
        assess_roster(the_roster, the_params),
        SolveOptions(time_limit_s=5, workers=1),
        lines.append,
    )
    assert plan.status is SolveStatus.OPTIMAL
    assert lines[0].en.startswith("component 1/1 ")
    assert lines[-1].en.startswith("done: optimal, 1 component(s)")
    assert lines[-1].zh.startswith("完成：最优，1 个部分")
