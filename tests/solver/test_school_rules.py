"""C1 subject minimums, C2 headcount, C3 destinations and directions, C4 outflow: each binding and not.

Schools are town/ordinary unless a test says otherwise, so N1 and N2 stay out
of the way; groups of kind ``rural`` without small schools carry no obligation.
"""

from __future__ import annotations

from conftest import DUE, FRESH, LONG, exempt, group, moves, params, person, roster, run, school

from rotation.codes import Area, Band, GroupKind, Stage
from rotation.destinations import c3_why_not
from rotation.domain import Roster, SubjectMinimum
from rotation.eligibility import assess_roster
from rotation.plan import SolveStatus


def c1_roster(minimums: tuple[SubjectMinimum, ...] | None = None) -> object:
    # A's only 数学 teacher p1 is due; B can only send back b1, who teaches 英语 (B's only one).
    return roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("p1", "A", "数学"),
            person("a2", "A", "语文", start=FRESH),
            person("b1", "B", "英语", start=FRESH),
        ],
        minimums=minimums,
    )


def test_c1_without_sheet_keeps_every_subject_taught():
    # Swapping p1 and b1 would leave A without 数学 and B without 英语: nobody moves.
    plan = run(c1_roster())
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [("p1", "C1: last 数学 teacher at A")]


def test_c1_sheet_rows_are_the_only_minimums():
    # The sheet only asks A to keep its 语文 teacher: A may lose 数学 and B 英语, so p1 and b1 swap.
    plan = run(c1_roster((SubjectMinimum("A", "语文", None, 1),)))
    assert moves(plan) == {("p1", "A", "B", "T1"), ("b1", "B", "A", "C2")}
    assert plan.unmoved == ()


def test_c1_sheet_never_asks_for_more_than_today():
    # A has one 数学 teacher and the sheet asks for 3: the plan keeps the one, it is not infeasible.
    plan = run(c1_roster((SubjectMinimum("A", "数学", None, 3),)))
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [("p1", "C1: last 数学 teacher at A")]


def c2_roster(quota: int | None = None) -> object:
    # p1 is due at A; B's only teacher is exempt, so nobody can come back to A.
    return roster(
        [school("A"), school("B", quota=quota)],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [person("p1", "A", "数学"), exempt("a2", "A", "数学"), exempt("b1", "B", "数学")],
    )


def test_c2_binding_keeps_headcounts():
    # Headcounts may neither fall (max_net_loss 0) nor rise (no quota): p1 cannot go alone.
    plan = run(c2_roster())
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [("p1", "C2: no room at any destination")]


def test_c2_loosened_lets_a_school_shrink_and_another_grow():
    # A may lose one, B may grow to its quota of 2: p1 moves alone.
    plan = run(c2_roster(quota=2), params(max_net_loss=1))
    assert moves(plan) == {("p1", "A", "B", "T1")}
    assert plan.unmoved == ()


def c3_roster() -> object:
    # A and C (primary) share a group with B (junior); D (primary) is in no group.
    return roster(
        [school("A"), school("B", Stage.JUNIOR), school("C", quota=2), school("D")],
        [group("R", GroupKind.RURAL, ["A", "B", "C"], lead="A")],
        [
            person("p1", "A", "数学"),
            person("b1", "B", "数学", Band.JUNIOR),
            person("q1", "C", "数学"),
            person("d1", "D", "数学"),
            exempt("d2", "D", "数学"),
        ],
    )


def test_c3_moves_stay_in_shared_groups_and_taught_bands():
    # p1 and q1 swap inside R; b1 (junior) has no junior school to go to; D is in no group.
    plan = run(c3_roster())
    assert moves(plan) == {("p1", "A", "C", "T1"), ("q1", "C", "A", "T1")}
    assert sorted((u.staff_id, u.reason.en) for u in plan.unmoved) == [
        ("b1", "C3: no school in a shared group teaches junior"),
        ("d1", "C3: school in no group (destination_scope=group)"),
    ]


def test_c3_district_scope_frees_due_people_of_ungrouped_schools():
    # With district scope d1 may go to any primary school; only C has room (quota 2), D may shrink by one.
    plan = run(c3_roster(), params(destination_scope="district", max_net_loss=1))
    assert moves(plan) == {("p1", "A", "C", "T1"), ("q1", "C", "A", "T1"), ("d1", "D", "C", "T1")}
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("b1", "C3: no school in a shared group teaches junior")
    ]


def member_to_member(kind: GroupKind) -> Roster:
    # Lead L and members M1, M2 (junior schools) of a group of ``kind``. d1 is due at M1 and would rather
    # go to M2; m2 (at M2) and l1 (at L) are free to come back.
    junior = Band.JUNIOR
    return roster(
        [school("L", Stage.JUNIOR), school("M1", Stage.JUNIOR), school("M2", Stage.JUNIOR)],
        [group("G", kind, ["L", "M1", "M2"], lead="L")],
        [
            person("d1", "M1", "数学", junior, preferences=("M2",)),
            person("m2", "M2", "数学", junior, start=FRESH),
            person("l1", "L", "数学", junior, start=FRESH),
            *(exempt(f"f{s}", s, "数学", junior) for s in ("L", "M1", "M2")),
        ],
    )


TIGHT_OFF = {"tight_mgmt_team_min": 0, "tight_key_junior_min": 0}


def test_c3_tight_group_moves_only_between_lead_and_member():
    # M1 → M2 goes against the tight group's direction: d1 goes to the lead instead, and G3 sends a
    # teacher back (l1), though M2 was d1's preference.
    the_roster = member_to_member(GroupKind.TIGHT)
    plan = run(the_roster, params(**TIGHT_OFF))
    assert moves(plan) == {("d1", "M1", "L", "G3"), ("l1", "L", "M1", "C2")}
    the_params = params(**TIGHT_OFF)
    standing = assess_roster(the_roster, the_params)["d1"]
    why = c3_why_not(the_roster.staff_by_id["d1"], "M2", the_roster, the_params, standing)
    assert why is not None
    assert why.en == (
        "C3: M1 and M2 are both members of tight group G, which exists for moves between its lead L and a "
        "member"
    )
    assert why.zh == "C3：M1 与 M2 均为紧密型集团 G 的成员学校，只能在牵头学校 L 与成员学校之间交流"


def test_c3_township_alliance_allows_any_two_of_its_schools():
    # The same schools in a township integration alliance: d1 goes to M2, as preferred.
    plan = run(member_to_member(GroupKind.RURAL))
    assert moves(plan) == {("d1", "M1", "M2", "T1"), ("m2", "M2", "M1", "C2")}


def same_side(kind: GroupKind) -> Roster:
    # Urban U, town T and rural R in one group of ``kind``. d1 is due at T and would rather go to R;
    # u1 and r1 are free to come back.
    return roster(
        [school("U", area=Area.URBAN), school("T"), school("R", area=Area.RURAL)],
        [group("G", kind, ["U", "T", "R"], lead="U")],
        [
            person("d1", "T", "数学", preferences=("R",)),
            person("u1", "U", "数学", start=FRESH),
            person("r1", "R", "数学", start=FRESH),
            *(exempt(f"f{s}", s, "数学") for s in ("U", "T", "R")),
        ],
    )


# No G4 count or leader and no N1 target, so that only C3 decides.
ALLIANCE_OFF = {"alliance_min": 0, "alliance_leader_min": 0, "min_rotation_ratio": 0, "min_key_share": 0}


def test_c3_alliance_moves_only_between_urban_and_town_or_rural():
    # T → R is between two schools of the same side: d1 goes up to the urban school (上挂学习) and the
    # urban school sends u1 down (支教, counted by G4).
    the_roster = same_side(GroupKind.ALLIANCE)
    plan = run(the_roster, params(**ALLIANCE_OFF))
    assert moves(plan) == {("d1", "T", "U", "T1"), ("u1", "U", "T", "G4")}
    the_params = params(**ALLIANCE_OFF)
    standing = assess_roster(the_roster, the_params)["d1"]
    why = c3_why_not(the_roster.staff_by_id["d1"], "R", the_roster, the_params, standing)
    assert why is not None
    assert why.en == (
        "C3: T and R are both town or rural schools of alliance G, which exists for moves between its urban "
        "and its town or rural schools"
    )


def test_c3_same_schools_in_a_township_alliance_move_sideways():
    plan = run(same_side(GroupKind.RURAL), params(**ALLIANCE_OFF))
    assert moves(plan) == {("d1", "T", "R", "T1"), ("r1", "R", "T", "C2")}


def test_c3_no_destination_says_the_direction_is_why():
    # A member of a tight group whose lead does not teach its band: the other member does, but against
    # the direction, and the reason says so.
    the_roster = roster(
        [school("L", Stage.SENIOR), school("M1", Stage.JUNIOR), school("M2", Stage.JUNIOR)],
        [group("G", GroupKind.TIGHT, ["L", "M1", "M2"], lead="L")],
        [person("d1", "M1", "数学", Band.JUNIOR), person("m2", "M2", "数学", Band.JUNIOR, start=FRESH)],
    )
    plan = run(the_roster, params(**TIGHT_OFF))
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        (
            "d1",
            "C3: M1 and M2 are both members of tight group G, which exists for moves between its lead L "
            "and a member",
        )
    ]


def c4_roster() -> object:
    # A: five staff, two due (d1 with the longer tenure); B: five staff, b1 and b2 free to come to A.
    return roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("d1", "A", "数学", start=LONG),
            person("d2", "A", "语文", start=DUE),
            exempt("a3", "A", "数学"),
            exempt("a4", "A", "语文"),
            exempt("a5", "A", "英语"),
            person("b1", "B", "数学", start=FRESH),
            person("b2", "B", "语文", start=FRESH),
            exempt("b3", "B", "数学"),
            exempt("b4", "B", "语文"),
            exempt("b5", "B", "英语"),
        ],
    )


def test_c4_ratio_caps_the_moves_out():
    # 0.2 × 5 = 1 move out of each school: d1 (12 years) goes before d2 (8 years), one of b1/b2 comes back.
    plan = run(c4_roster(), params(max_outflow_ratio=0.2))
    assert {m.staff_id for m in plan.moves if m.from_school_id == "A"} == {"d1"}
    assert len([m for m in plan.moves if m.from_school_id == "B"]) == 1
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [("d2", "C4: outflow cap of A (1) reached")]


def test_c4_higher_ratio_lets_both_due_people_go():
    # 0.5 × 5 = 2: both due teachers go, both free teachers of B come back.
    plan = run(c4_roster(), params(max_outflow_ratio=0.5))
    assert moves(plan) == {
        ("d1", "A", "B", "T1"),
        ("d2", "A", "B", "T1"),
        ("b1", "B", "A", "C2"),
        ("b2", "B", "A", "C2"),
    }
    assert plan.unmoved == ()
