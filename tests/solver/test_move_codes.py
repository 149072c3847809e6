"""The code of each move and the post it serves (solver/requirements.py: move_rule, p2_host_post).

domain-rules.md, "More settled details": the first match wins among the G1, G2, G6 or G7 contingent
the move counts in; G3 (member → lead); G4 (urban → town/rural); T1/T2 for a due person; N1 for a key
teacher not due; P1 for a principal not due; V for a volunteer not due; C2 otherwise. Both planners
(CP-SAT's solution.py and the greedy) read these functions, so they are tested here once, on a roster
with a group of every kind, and then through a solve.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FRESH, LONG, group, params, person, roster, run, school

from rotation.catalogue import RuleId
from rotation.codes import Area, Band, GroupKind, Honor, HostPost, Post, Stage
from rotation.domain import Roster, StaffMember
from rotation.eligibility import assess_roster
from solver.requirements import move_rule, p2_host_post
from solver.rules.stints import s2_outcome

SENIOR, JUNIOR, KG = Band.SENIOR, Band.JUNIOR, Band.KINDERGARTEN


def district() -> Roster:
    """One group of each kind: tight T (L → M), alliance A (urban U, rural R), township V (C, S),
    high-school pair P (H1, H2), kindergarten alliance K (K1 → K2). Schools are town schools unless
    said otherwise."""
    people = [
        # tight group T: lead L, member M (junior schools)
        person("vp", "L", None, None, start=FRESH, post=Post.VICE_PRINCIPAL),
        person("mm", "L", "数学", JUNIOR, start=FRESH, post=Post.MIDDLE_MANAGER),
        person("key", "L", "数学", JUNIOR, start=FRESH, honor=Honor.DISTRICT),
        person("key_due", "L", "语文", JUNIOR, start=LONG, honor=Honor.CITY),
        person("plain", "L", "英语", JUNIOR, start=LONG),
        person("back", "M", "数学", JUNIOR, start=LONG),
        # alliance A: urban U, rural R (primary)
        person("u_due", "U", "数学", start=LONG),
        person("r_due", "R", "数学", start=LONG),
        person("u_key", "U", "语文", start=FRESH, honor=Honor.DISTRICT),
        # township alliance V: central C, small S (primary)
        person("c_due", "C", "数学", start=LONG),
        person("c_key", "C", "语文", start=FRESH, honor=Honor.DISTRICT),
        person("c_prin", "C", None, None, start=FRESH, post=Post.PRINCIPAL),
        person("c_prin_due", "C", None, None, start=LONG, post=Post.PRINCIPAL),
        person("c_vol", "C", "英语", start=FRESH, volunteer=True),
        person("c_free", "C", "科学", start=FRESH),
        # high-school pair P
        person("h_math", "H1", "数学", SENIOR, start=FRESH, senior3=True),
        person("h_pe", "H1", "体育", SENIOR, start=LONG, senior3=True),
        person("h_no3", "H1", "物理", SENIOR, start=FRESH),
        # kindergarten alliance K
        person("kg", "K1", "保教", KG, start=FRESH),
        person("kg_back", "K2", "保教", KG, start=FRESH),
    ]
    return roster(
        [
            school("L", stage=Stage.JUNIOR),
            school("M", stage=Stage.JUNIOR),
            school("U", area=Area.URBAN),
            school("R", area=Area.RURAL),
            school("C", area=Area.RURAL),
            school("S", area=Area.RURAL, small=True),
            school("H1", stage=Stage.SENIOR),
            school("H2", stage=Stage.SENIOR),
            school("K1", stage=Stage.KINDERGARTEN),
            school("K2", stage=Stage.KINDERGARTEN),
        ],
        [
            group("T", GroupKind.TIGHT, ["L", "M"], lead="L"),
            group("A", GroupKind.ALLIANCE, ["U", "R"]),
            group("V", GroupKind.RURAL, ["C", "S"], lead="C"),
            group("P", GroupKind.HS_PAIR, ["H1", "H2"]),
            group("K", GroupKind.KINDERGARTEN, ["K1", "K2"], lead="K1"),
        ],
        people,
    )


DISTRICT = district()
STANDING = assess_roster(DISTRICT, params())


def code(staff_id: str, to: str, contingent: RuleId | None = None) -> tuple[RuleId, str | None]:
    member = DISTRICT.staff_by_id[staff_id]
    return move_rule(DISTRICT, member, to, STANDING[staff_id], contingent)


@pytest.mark.parametrize(
    ("staff_id", "to", "contingent", "expected"),
    [
        # The contingent the plan counts the person in (G1 or G2) …
        ("key", "M", RuleId.G1, (RuleId.G1, "T")),
        ("key", "M", RuleId.G2, (RuleId.G2, "T")),
        # … and one the plan does not count still names the one they can count in: G2 before G1.
        ("key", "M", None, (RuleId.G2, "T")),
        ("vp", "M", None, (RuleId.G1, "T")),
        ("mm", "M", None, (RuleId.G1, "T")),
        # First match: a due key teacher sent to the member counts in G2, not T1.
        ("key_due", "M", None, (RuleId.G2, "T")),
        # Not team material (neither leader, manager nor key): the contingents pass, T1 names it.
        ("plain", "M", None, (RuleId.T1, "T")),
        # G6: a senior-3 teacher of an academic subject between the paired schools …
        ("h_math", "H2", None, (RuleId.G6, "P")),
        # … never a PE teacher (not an academic subject) nor one without senior-3 experience.
        ("h_pe", "H2", None, (RuleId.T1, "P")),
        ("h_no3", "H2", None, (RuleId.C2, "P")),
        # G7: lead kindergarten → member, any post.
        ("kg", "K2", None, (RuleId.G7, "K")),
        ("kg_back", "K1", None, (RuleId.C2, "K")),
        # G3: member → lead of a tight group, due or not.
        ("back", "L", None, (RuleId.G3, "T")),
        # G4: urban → town/rural in an alliance, before T1; the way back is the person's own code.
        ("u_due", "R", None, (RuleId.G4, "A")),
        ("r_due", "U", None, (RuleId.T1, "A")),
        # Not due: N1 for a key teacher of an N1 school (urban or town) …
        ("u_key", "R", None, (RuleId.G4, "A")),  # … unless an earlier code matches
        ("c_key", "S", None, (RuleId.C2, "V")),  # C is rural and ordinary: no N1 there
        # T2 for a due principal; P1 for a principal who is not due; V for a volunteer; else C2.
        ("c_prin_due", "S", None, (RuleId.T2, "V")),
        ("c_prin", "S", None, (RuleId.P1, "V")),
        ("c_vol", "S", None, (RuleId.V, "V")),
        ("c_free", "S", None, (RuleId.C2, "V")),
        ("c_due", "S", None, (RuleId.T1, "V")),
    ],
)
def test_first_matching_code(
    staff_id: str, to: str, contingent: RuleId | None, expected: tuple[RuleId, str | None]
) -> None:
    assert code(staff_id, to, contingent) == expected


def test_a_key_teacher_of_a_town_or_quality_school_not_due_is_coded_n1() -> None:
    # The same key teacher at a town central school (N1 applies to 城镇 schools) moving to its small
    # school: not due, key, from an N1 school.
    the_roster = district()
    town = {**the_roster.schools, "C": school("C", area=Area.TOWN)}
    the_roster = Roster(town, the_roster.groups, the_roster.staff)
    member = the_roster.staff_by_id["c_key"]
    standing = assess_roster(the_roster, params())["c_key"]
    assert move_rule(the_roster, member, "S", standing, None) == (RuleId.N1, "V")


def host(staff_id: str, to: str) -> HostPost:
    return p2_host_post(DISTRICT, DISTRICT.staff_by_id[staff_id], to)


@pytest.mark.parametrize(
    ("staff_id", "to", "expected"),
    [
        # P2: sent by the lead of a tight group to a member, one post up …
        ("vp", "M", HostPost.EXECUTIVE_PRINCIPAL),
        ("mm", "M", HostPost.VICE_PRINCIPAL),
        ("key", "M", HostPost.MIDDLE_MANAGER),
        # … except a teacher who is not a key teacher, and anyone going the other way or elsewhere.
        ("plain", "M", HostPost.TEACHER),
        ("back", "L", HostPost.TEACHER),
        ("c_prin", "S", HostPost.PRINCIPAL),
        ("u_key", "R", HostPost.TEACHER),
    ],
)
def test_host_post(staff_id: str, to: str, expected: HostPost) -> None:
    assert host(staff_id, to) is expected


def test_a_return_home_has_no_rule_date_nor_host_post() -> None:
    member: StaffMember = person("x", "M", home="L", exchange_start=date(2023, 9, 1))
    back = s2_outcome(member, extended=False, group_id="T")
    assert (back.rule, back.earliest_return_date, back.host_post) == (RuleId.S2, None, None)  # type: ignore[union-attr]


def test_a_solved_plan_carries_codes_and_host_posts() -> None:
    # Tight group T of junior schools: G1 asks for a team of one, G2 for one junior key teacher; lead L
    # has a vice principal and a key teacher, member M two teachers to send back (G3 by post class).
    the_roster = roster(
        [school("L", stage=Stage.JUNIOR), school("M", stage=Stage.JUNIOR)],
        [group("T", GroupKind.TIGHT, ["L", "M"], lead="L")],
        [
            person("vp", "L", None, None, start=FRESH, post=Post.VICE_PRINCIPAL, post_start_date=LONG),
            person("key", "L", "数学", JUNIOR, start=FRESH, honor=Honor.DISTRICT),
            person("mvp", "M", None, None, start=FRESH, post=Post.VICE_PRINCIPAL, post_start_date=LONG),
            person("m1", "M", "数学", JUNIOR, start=FRESH),
            *(person(f"f{s}", s, "数学", JUNIOR, start=FRESH, birth_date=date(1960, 1, 1)) for s in "LM"),
        ],
    )
    # The vice principal is the team (G1), the key teacher G2's; each is matched back by post class.
    plan = run(the_roster, params(tight_mgmt_team_min=1, tight_key_junior_min=1, max_outflow_ratio=1.0))
    assert {(m.staff_id, m.rule, m.host_post) for m in plan.moves} == {
        ("vp", RuleId.G1, HostPost.EXECUTIVE_PRINCIPAL),
        ("key", RuleId.G2, HostPost.MIDDLE_MANAGER),
        ("mvp", RuleId.G3, HostPost.VICE_PRINCIPAL),
        ("m1", RuleId.G3, HostPost.TEACHER),
    }
