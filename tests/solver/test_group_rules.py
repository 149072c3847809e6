"""Group obligations G1-G7, each where it binds and where it does not, and G6's senior-3 condition.

Tight groups use junior schools where G2's primary parts would get in the
way, and zero minimums for the parts a test does not exercise.
"""

from __future__ import annotations

from datetime import date

from conftest import DUE, FRESH, LONG, exempt, group, moves, outcome, params, person, roster, run, school

from rotation.codes import Area, Band, GroupKind, Honor, Post, Stage
from rotation.domain import Roster
from rotation.plan import SolveStatus, Walk

JUNIOR = Band.JUNIOR


def g1_roster() -> Roster:
    # Lead L and member M (junior schools), nobody due: vice principals and middle managers could form a team.
    def staff(suffix: str, school_id: str) -> list:
        return [
            person(f"vp{suffix}", school_id, None, None, start=FRESH, post=Post.VICE_PRINCIPAL),
            person(f"mm{suffix}", school_id, "数学", JUNIOR, start=FRESH, post=Post.MIDDLE_MANAGER),
            person(f"t{suffix}", school_id, "语文", JUNIOR, start=FRESH),
            exempt(f"f{suffix}", school_id, "数学", JUNIOR),
        ]

    return roster(
        [school("L", Stage.JUNIOR), school("M", Stage.JUNIOR)],
        [group("T", GroupKind.TIGHT, ["L", "M"], lead="L")],
        staff("1", "L") + staff("2", "M"),
    )


G1_PARAMS = {"tight_key_junior_min": 0, "max_outflow_ratio": 0.5}


def test_g1_sends_a_management_team():
    # A team of 2 must come from L: its vice principal and middle manager (the teacher is no key teacher).
    # G3 then asks M to send back a leader and a junior middle manager.
    plan = run(g1_roster(), params(tight_mgmt_team_min=2, **G1_PARAMS))
    assert moves(plan) == {
        ("vp1", "L", "M", "G1"),
        ("mm1", "L", "M", "G1"),
        ("vp2", "M", "L", "G3"),
        ("mm2", "M", "L", "G3"),
    }
    assert outcome(plan, "G1", "team") == (2, 2)
    assert outcome(plan, "G3", "leader:") == (1, 1)
    assert outcome(plan, "G3", "middle_manager:junior") == (1, 1)
    assert outcome(plan, "G3", "teacher:junior") == (0, 0)


def test_g1_without_a_team_nobody_moves():
    plan = run(g1_roster(), params(tight_mgmt_team_min=0, **G1_PARAMS))
    assert plan.moves == ()
    assert outcome(plan, "G1", "team") == (0, 0)


def g2_roster(lead_keys: int = 3) -> Roster:
    # Lead L has a key teacher per primary band, of 语文, 数学, 英语; member M a free teacher per band.
    keys = [
        person("k1", "L", "语文", Band.PRIMARY_LOWER, start=FRESH, honor=Honor.DISTRICT),
        person("k2", "L", "数学", Band.PRIMARY_MIDDLE, start=FRESH, honor=Honor.CITY),
        person("k3", "L", "英语", Band.PRIMARY_UPPER, start=FRESH, honor=Honor.PROVINCE),
    ][:lead_keys]
    fillers = [
        exempt(f"f{school_id}{n}", school_id, subject, band)
        for school_id in ("L", "M")
        for n, (subject, band) in enumerate(
            [("语文", Band.PRIMARY_LOWER), ("数学", Band.PRIMARY_MIDDLE), ("英语", Band.PRIMARY_UPPER)]
        )
    ]
    members = [
        person("r1", "M", "数学", Band.PRIMARY_LOWER, start=FRESH),
        person("r2", "M", "英语", Band.PRIMARY_MIDDLE, start=FRESH),
        person("r3", "M", "语文", Band.PRIMARY_UPPER, start=FRESH),
    ]
    return roster(
        [school("L"), school("M")],
        [group("T", GroupKind.TIGHT, ["L", "M"], lead="L")],
        keys + members + fillers,
    )


def test_g2_sends_key_teachers_per_band_and_core_subject():
    # One key teacher per primary band covers every band part and 语文, 数学, 英语; G3 brings one teacher
    # of each band back.
    plan = run(
        g2_roster(), params(tight_mgmt_team_min=0, tight_key_primary_band_min=1, max_outflow_ratio=0.5)
    )
    assert moves(plan) == {
        ("k1", "L", "M", "G2"),
        ("k2", "L", "M", "G2"),
        ("k3", "L", "M", "G2"),
        ("r1", "M", "L", "G3"),
        ("r2", "M", "L", "G3"),
        ("r3", "M", "L", "G3"),
    }
    for part in ("primary_lower", "primary_middle", "primary_upper", "语文", "数学", "英语"):
        assert outcome(plan, "G2", part) == (1, 1)


def test_g2_lead_without_enough_key_teachers_is_infeasible_and_explained():
    # Two key teachers per band are needed and the lead has one in all: no plan, and the explanation
    # names G2, the group and how to relax it.
    plan = run(g2_roster(lead_keys=1), params(tight_mgmt_team_min=0, max_outflow_ratio=0.5))
    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.moves == ()
    assert "G2 group T member M: needs 2" in plan.explanation[0].en
    assert "soft=G2" in plan.explanation[1].en


def g3_roster(member_sends: Post) -> Roster:
    # d1 is due at lead L; member M can send back only a person of post ``member_sends``.
    return roster(
        [school("L", Stage.JUNIOR), school("M", Stage.JUNIOR)],
        [group("T", GroupKind.TIGHT, ["L", "M"], lead="L")],
        [
            person("d1", "L", "数学", JUNIOR),
            exempt("fL", "L", "数学", JUNIOR),
            person("m1", "M", "物理", JUNIOR, start=FRESH, post=member_sends),
            exempt("fM", "M", "物理", JUNIOR),
        ],
    )


G3_PARAMS = {"tight_mgmt_team_min": 0, "tight_key_junior_min": 0}


def test_g3_needs_a_matching_return():
    # A junior teacher going to M must be matched by a junior teacher coming back; M only has a middle
    # manager to send, so d1 stays, and G3 is the reason.
    plan = run(g3_roster(Post.MIDDLE_MANAGER), params(**G3_PARAMS))
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("d1", "G3 group T: a move between L and M needs a matching one back (teacher:junior)")
    ]


def test_g3_matching_return_lets_the_due_teacher_go():
    plan = run(g3_roster(Post.TEACHER), params(**G3_PARAMS))
    assert moves(plan) == {("d1", "L", "M", "T1"), ("m1", "M", "L", "G3")}
    assert outcome(plan, "G3", "teacher:junior") == (1, 1)


def g4_roster() -> Roster:
    # Urban U and rural R of alliance A, two due teachers each (u1 and r1 with the longer tenure).
    def staff(prefix: str, school_id: str) -> list:
        return [
            person(f"{prefix}1", school_id, "数学", start=LONG),
            person(f"{prefix}2", school_id, "语文", start=DUE),
            exempt(f"{prefix}f1", school_id, "数学"),
            exempt(f"{prefix}f2", school_id, "语文"),
            exempt(f"{prefix}f3", school_id, "英语"),
        ]

    return roster(
        [school("U", area=Area.URBAN), school("R", area=Area.RURAL)],
        [group("A", GroupKind.ALLIANCE, ["U", "R"])],
        staff("u", "U") + staff("r", "R"),
    )


# N1 asks nothing here, so that only G4 shapes the plan.
G4_PARAMS = {"max_outflow_ratio": 0.5, "min_rotation_ratio": 0, "min_key_share": 0, "alliance_leader_min": 0}


def test_g4_alliance_maximum_binds():
    # At most one urban teacher may go to R, so one pair rotates: the longer tenures, u1 and r1. Either
    # of the others could have gone instead, so their reason is the tenure order, not G4.
    plan = run(g4_roster(), params(alliance_min=1, alliance_max=1, **G4_PARAMS))
    assert moves(plan) == {("u1", "U", "R", "G4"), ("r1", "R", "U", "T1")}
    assert outcome(plan, "G4") == (1, 1)
    reason = "objective: others of longer tenure moved first"
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [("r2", reason), ("u2", reason)]


def test_g4_wider_range_lets_everyone_rotate():
    plan = run(g4_roster(), params(alliance_min=1, alliance_max=5, **G4_PARAMS))
    assert moves(plan) == {
        ("u1", "U", "R", "G4"),
        ("u2", "U", "R", "G4"),
        ("r1", "R", "U", "T1"),
        ("r2", "R", "U", "T1"),
    }
    assert outcome(plan, "G4") == (1, 2)


def g4_leader_roster(urban_leader: bool = True) -> Roster:
    # Alliance A: urban U and rural R. At U, u1 volunteers and would go to R; mm is a middle manager
    # (a teacher unless not ``urban_leader``), neither due. R may grow by two (quota) and U lose two, so no
    # one need come back.
    post = Post.MIDDLE_MANAGER if urban_leader else Post.TEACHER
    return roster(
        [school("U", area=Area.URBAN), school("R", area=Area.RURAL, quota=5)],
        [group("A", GroupKind.ALLIANCE, ["U", "R"])],
        [
            person("u1", "U", "数学", start=FRESH, volunteer=True, preferences=("R",)),
            person("mm", "U", "语文", start=FRESH, post=post),
            exempt("fU1", "U", "数学"),
            exempt("fU2", "U", "语文"),
            exempt("fR", "R", "数学"),
        ],
    )


G4_LEADER_PARAMS = {"alliance_min": 1, "max_net_loss": 2, "max_outflow_ratio": 0.5, "min_key_share": 0}


def test_g4_sends_a_leader_or_middle_manager():
    # u1 goes for the preference (a volunteer), which meets the count; the leader part needs one more,
    # mm, the only middle manager: two rows, the count (part blank) and its leaders.
    plan = run(g4_leader_roster(), params(**G4_LEADER_PARAMS))
    assert moves(plan) == {("u1", "U", "R", "G4"), ("mm", "U", "R", "G4")}
    assert outcome(plan, "G4") == (1, 2)
    assert outcome(plan, "G4", "leader") == (1, 1)


def test_g4_without_the_leader_part_only_the_volunteer_goes():
    plan = run(g4_leader_roster(), params(alliance_leader_min=0, **G4_LEADER_PARAMS))
    assert moves(plan) == {("u1", "U", "R", "G4")}
    assert outcome(plan, "G4", "leader") == (0, 0)


def test_g4_leader_part_out_of_reach_is_infeasible_and_soft_g4_relaxes_it():
    plan = run(g4_leader_roster(urban_leader=False), params(**G4_LEADER_PARAMS))
    assert plan.status is SolveStatus.INFEASIBLE
    assert (
        "G4 alliance A: at least 1 of those its urban schools send are principals, vice principals or "
        "middle managers, 0 could be there"
    ) in plan.explanation[0].en
    soft = run(g4_leader_roster(urban_leader=False), params(soft=frozenset({"G4"}), **G4_LEADER_PARAMS))
    assert soft.status is SolveStatus.OPTIMAL
    assert moves(soft) == {("u1", "U", "R", "G4")}
    assert outcome(soft, "G4", "leader") == (1, 0)


def g5_roster(small_schools: tuple[str, ...] = ("K",), own_maths: bool = False) -> Roster:
    # Central C teaches 数学 (w1) and 语文; each small school has its own 语文 teacher only.
    staff = [person("w1", "C", "数学", start=FRESH), exempt("c2", "C", "语文")]
    for small in small_schools:
        staff.append(exempt(f"{small}1", small, "语文"))
        if own_maths:
            staff.append(exempt(f"{small}2", small, "数学"))
    return roster(
        [school("C")] + [school(s, area=Area.RURAL, small=True) for s in small_schools],
        [group("R", GroupKind.RURAL, ["C", *small_schools], lead="C")],
        staff,
    )


def test_g5_walking_teacher_covers_a_missing_subject():
    plan = run(g5_roster())
    assert plan.moves == ()
    assert plan.walks == (Walk("w1", "C", "K", "数学"),)
    assert outcome(plan, "G5", "数学", "K") == (1, 1)
    assert outcome(plan, "G5", "语文", "K") == (1, 1)


def test_g5_no_walk_where_the_school_has_its_own_teacher():
    plan = run(g5_roster(own_maths=True))
    assert plan.walks == ()
    assert outcome(plan, "G5", "数学", "K") == (1, 1)


def test_g5_walk_max_schools_limits_one_teacher():
    # Two small schools lack 数学 and there is one walker: fine for two schools, infeasible for one.
    plan = run(g5_roster(("K", "Q")))
    assert plan.walks == (Walk("w1", "C", "K", "数学"), Walk("w1", "C", "Q", "数学"))
    plan = run(g5_roster(("K", "Q")), params(walk_max_schools=1))
    assert plan.status is SolveStatus.INFEASIBLE
    assert "G5 group R small school" in plan.explanation[0].en
    assert "raise walk_max_schools" in plan.explanation[1].en


def g6_roster(second_senior3: bool = True) -> Roster:
    # H1 and H2 already exchange a locked senior-3 teacher of every academic subject but 数学;
    # m1 and m2 are their free senior-3 数学 teachers.
    subjects = ["语文", "英语", "物理", "化学", "生物", "政治", "历史", "地理"]
    locked = [
        person(
            f"{home}{subject}",
            host,
            subject,
            Band.SENIOR,
            start=FRESH,
            home=home,
            exchange_start=date(2027, 3, 1),
            senior3=True,
        )
        for home, host in (("H1", "H2"), ("H2", "H1"))
        for subject in subjects
    ]
    return roster(
        [school("H1", Stage.SENIOR), school("H2", Stage.SENIOR)],
        [group("P", GroupKind.HS_PAIR, ["H1", "H2"])],
        [
            *locked,
            person("m1", "H1", "数学", Band.SENIOR, start=FRESH, senior3=True),
            person("m2", "H2", "数学", Band.SENIOR, start=FRESH, senior3=second_senior3),
        ],
    )


def test_g6_pair_exchanges_each_academic_subject_both_ways():
    # The locked teachers already count (stock); only 数学 needs new moves, one each way, for a year.
    plan = run(g6_roster())
    assert moves(plan) == {("m1", "H1", "H2", "G6"), ("m2", "H2", "H1", "G6")}
    assert {m.earliest_return_date for m in plan.moves} == {date(2028, 9, 1)}
    assert outcome(plan, "G6", "数学:H1->H2") == (1, 1)
    assert outcome(plan, "G6", "数学:H2->H1") == (1, 1)
    assert outcome(plan, "G6", "语文:H1->H2") == (1, 1)


def test_g6_without_a_senior3_teacher_is_infeasible():
    plan = run(g6_roster(second_senior3=False))
    assert plan.status is SolveStatus.INFEASIBLE
    assert "G6 pair P: H2 sends H1 1 senior-3 数学 teacher(s), 0 could be there" in plan.explanation[0].en


def senior3_roster(senior3: bool) -> Roster:
    # H1 and H2 are a high-school pair and also share a township alliance. t1, due at H1, teaches 音乐
    # (not an academic subject, so G6 does not count it) and has senior-3 experience only if ``senior3``;
    # h2 at H2 is free to come back.
    return roster(
        [school("H1", Stage.SENIOR), school("H2", Stage.SENIOR)],
        [group("P", GroupKind.HS_PAIR, ["H1", "H2"]), group("R", GroupKind.RURAL, ["H1", "H2"], lead="H1")],
        [
            person("t1", "H1", "音乐", Band.SENIOR, senior3=senior3),
            person("h2", "H2", "音乐", Band.SENIOR, start=FRESH, senior3=True),
            exempt("f1", "H1", "音乐", Band.SENIOR),
            exempt("f2", "H2", "音乐", Band.SENIOR),
        ],
    )


def test_g6_every_move_between_paired_schools_needs_senior3():
    # t1 has no senior-3 experience: no move between H1 and H2, even through the other group they share,
    # and the reason says so.
    plan = run(senior3_roster(senior3=False), params(hs_pair_per_subject_min=0))
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("t1", "G6: t1 has no senior-3 experience, which every move between paired schools H1 and H2 needs")
    ]


def test_g6_senior3_teacher_may_move_between_paired_schools():
    # With senior-3 experience t1 goes (code T1: 音乐 is not a G6 subject) and h2 comes back.
    plan = run(senior3_roster(senior3=True), params(hs_pair_per_subject_min=0))
    assert moves(plan) == {("t1", "H1", "H2", "T1"), ("h2", "H2", "H1", "C2")}


def g7_roster(lead_free: bool = True) -> Roster:
    # Kindergarten alliance K: lead KL has a teacher k1 (free, or exempt unless ``lead_free``), member KM a
    # free teacher m1 to send back. G7 wants one from KL at KM.
    kg = Band.KINDERGARTEN
    k1 = person("k1", "KL", "学前教育", kg, start=FRESH) if lead_free else exempt("k1", "KL", "学前教育", kg)
    return roster(
        [school("KL", Stage.KINDERGARTEN), school("KM", Stage.KINDERGARTEN)],
        [group("K", GroupKind.KINDERGARTEN, ["KL", "KM"], lead="KL")],
        [
            k1,
            exempt("fL", "KL", "学前教育", kg),
            person("m1", "KM", "学前教育", kg, start=FRESH),
            exempt("fM", "KM", "学前教育", kg),
        ],
    )


def test_g7_lead_kindergarten_sends_staff_to_each_member():
    # Nobody is due: G7 alone sends k1, and m1 comes back to the lead for C2 (members may send to it).
    plan = run(g7_roster())
    assert moves(plan) == {("k1", "KL", "KM", "G7"), ("m1", "KM", "KL", "C2")}
    assert outcome(plan, "G7", "", "KM") == (1, 1)


def test_g7_without_its_minimum_nobody_moves():
    plan = run(g7_roster(), params(kg_exchange_min=0))
    assert plan.moves == ()
    assert outcome(plan, "G7", "", "KM") == (0, 0)


def test_g7_member_no_one_can_reach_is_infeasible_and_explained():
    plan = run(g7_roster(lead_free=False))
    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.explanation[0].en.endswith(
        "G7 alliance K member KM: needs 1 manager(s) or teacher(s) from lead KL, 0 could be there; nobody at "
        "KL may move to KM"
    )
    assert "共建园 KM：需要领航园 KL 派出管理人员或教师 1 人" in plan.explanation[0].zh
    assert "soft=G7" in plan.explanation[1].en
