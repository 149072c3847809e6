"""Tests of the independent plan checker (tests/plan_checker.py), one tiny roster per rule.

Each rule gets a plan that breaks it (a message with the rule ID) and one that keeps it (no message
with that ID). Unless a test says otherwise every obligation is soft, so that a test of one rule is
not disturbed by the others; ``hard`` names the ones a test switches on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from plan_checker import (
    G2_CORE_SUBJECTS,
    G6_SUBJECTS,
    STAGE_BANDS,
    AssignmentRow,
    PlanReadError,
    WalkRow,
    check_plan,
    check_plan_workbook,
    plan_parameters,
    read_plan,
)

from rotation.codes import (
    ACADEMIC_SUBJECTS,
    BANDS_BY_STAGE,
    G2_PRIMARY_CORE_SUBJECTS,
    Area,
    Band,
    Category,
    Gender,
    GroupKind,
    Honor,
    Post,
    Stage,
)
from rotation.dates import add_years
from rotation.domain import Group, Roster, School, StaffMember, SubjectMinimum
from rotation.parameters import Parameters

EFFECTIVE = date(2027, 9, 1)
OBLIGATIONS = frozenset({"G1", "G2", "G3", "G4", "G5", "G6"})
LONG_AGO = date(2015, 9, 1)  # 12 years at EFFECTIVE: a teacher starting then is due (T1)
# A stint begun half a year before EFFECTIVE has not ended for any post: the person is locked (S1).
RECENT_EXCHANGE = date(2027, 3, 1)


def params(hard: str = "", /, **changes: object) -> Parameters:
    """Parameters at EFFECTIVE with every obligation soft except those named in ``hard`` (N1 too)."""
    named = frozenset(hard.split())
    changes.setdefault("effective_date", EFFECTIVE)
    return Parameters(soft=OBLIGATIONS - named, hard=named & {"N1"}, **changes)  # type: ignore[arg-type]


def school(
    school_id: str,
    stage: Stage = Stage.PRIMARY,
    area: Area = Area.URBAN,
    *,
    category: Category = Category.ORDINARY,
    staff_quota: int | None = None,
    small: bool = False,
) -> School:
    return School(school_id, f"学校{school_id}", stage, area, category, 500, staff_quota, small)


def person(
    staff_id: str,
    school_id: str,
    subject: str | None = "语文",
    band: Band | None = Band.PRIMARY_LOWER,
    *,
    post: Post = Post.TEACHER,
    honor: Honor = Honor.NONE,
    home: str | None = None,
    exchange_start: date | None = None,
    birth: date = date(1985, 3, 1),
    gender: Gender = Gender.FEMALE,
    senior3: bool = False,
    **extra: object,
) -> StaffMember:
    """A staff member; with ``home``, on exchange at ``school_id`` (locked unless ``exchange_start`` says)."""
    if home is not None and exchange_start is None:
        exchange_start = RECENT_EXCHANGE
    return StaffMember(
        staff_id=staff_id,
        name=f"教师{staff_id}",
        gender=gender,
        birth_date=birth,
        school_id=school_id,
        home_school_id=home or school_id,
        school_start_date=LONG_AGO,
        post=post,
        subject=subject,
        band=band,
        post_start_date=LONG_AGO if post.is_leader else None,
        honor=honor,
        senior3=senior3,
        exchange_start_date=exchange_start,
        **extra,  # type: ignore[arg-type]
    )


def roster(
    schools: list[School],
    groups: list[Group],
    staff: list[StaffMember],
    minimums: tuple[SubjectMinimum, ...] | None = None,
) -> Roster:
    return Roster(
        schools={s.school_id: s for s in schools},
        groups={g.group_id: g for g in groups},
        staff=tuple(staff),
        subject_minimums=minimums,
    )


def move(member: StaffMember, to: str, rule: str = "T1", group_id: str | None = None) -> AssignmentRow:
    """A new move with the right earliest return date (1 year for a teacher, 3 for anyone else)."""
    years = 1 if member.post is Post.TEACHER else 3
    return AssignmentRow(
        member.staff_id, member.school_id, to, rule, group_id, EFFECTIVE, add_years(EFFECTIVE, years)
    )


def swap(first: StaffMember, second: StaffMember) -> list[AssignmentRow]:
    return [move(first, second.school_id), move(second, first.school_id)]


def ids(messages: list[str]) -> set[str]:
    """The rule IDs (or ``Contract``) that the messages name, by their prefix."""
    return {message.split(":", 1)[0] for message in messages}


def about(rules: str, messages: list[str]) -> list[str]:
    """The messages about any of ``rules`` (space-separated IDs)."""
    return [m for m in messages if m.split(":", 1)[0] in rules.split()]


# --------------------------------------------------------------------------- a pair of primary schools

# A (urban) and B (town) form alliance U; each has five due primary teachers. C is outside any group.
A, B, C = school("A"), school("B", area=Area.TOWN), school("C")
J = school("J", Stage.JUNIOR)
SUBJECTS = ("语文", "数学", "语文", "英语", "数学")
STAFF_A = [person(f"a{i}", "A", subject) for i, subject in enumerate(SUBJECTS, 1)]
STAFF_B = [person(f"b{i}", "B", subject) for i, subject in enumerate(SUBJECTS, 1)]
STAFF_C = [person("c1", "C")]
STAFF_J = [person("j1", "J", band=Band.JUNIOR)]
ALLIANCE = Group("U", "联盟", GroupKind.ALLIANCE, ("A", "B", "J"))
PAIR = roster([A, B, C, J], [ALLIANCE], STAFF_A + STAFF_B + STAFF_C + STAFF_J)
a1, a2, a3, a4, a5 = STAFF_A
b1, b2, b3, b4, b5 = STAFF_B


def test_an_empty_plan_and_a_like_for_like_swap_keep_every_rule() -> None:
    assert check_plan(PAIR, params(), [], []) == []
    assert check_plan(PAIR, params(), swap(a1, b1), []) == []


def test_own_tables_agree_with_the_codes_module() -> None:
    # The checker writes these out from the rules text; a mismatch is a bug in one of the two.
    assert STAGE_BANDS == BANDS_BY_STAGE
    assert G6_SUBJECTS == ACADEMIC_SUBJECTS
    assert G2_CORE_SUBJECTS == G2_PRIMARY_CORE_SUBJECTS


# --------------------------------------------------------------------------- rows on their own


def test_contract_each_person_once_from_the_current_school_on_the_effective_date() -> None:
    twice = [*swap(a1, b1), move(a1, "J")]
    assert ids(check_plan(PAIR, params(), twice, [])) == {"Contract"}
    wrong_origin = AssignmentRow("a1", "B", "B", "T1", None, EFFECTIVE, date(2028, 9, 1))
    assert "Contract" in ids(check_plan(PAIR, params(), [wrong_origin, move(b1, "A")], []))
    late = AssignmentRow("a1", "A", "B", "T1", None, date(2027, 9, 2), date(2028, 9, 1))
    assert ids(check_plan(PAIR, params(), [late, move(b1, "A")], [])) == {"Contract"}
    unknown = AssignmentRow("zz", "A", "B", "T1", None, EFFECTIVE, date(2028, 9, 1))
    assert ids(check_plan(PAIR, params(), [unknown], [])) == {"Contract"}
    bad_rule = [move(a1, "B", rule="X9"), move(b1, "A")]
    assert ids(check_plan(PAIR, params(), bad_rule, [])) == {"Contract"}


def test_contract_echoed_columns_must_match_the_roster() -> None:
    shown = AssignmentRow(
        "a1", "A", "B", "T1", None, EFFECTIVE, date(2028, 9, 1), Post.TEACHER, "语文", Band.PRIMARY_UPPER
    )
    messages = check_plan(PAIR, params(), [shown, move(b1, "A")], [])
    assert ids(messages) == {"Contract"}
    assert "band" in messages[0]


def test_s1_locked_person_never_moves() -> None:
    # m1 (a middle manager from B) began a 3-year stint at A in 2025: locked until 2028.
    locked = person("m1", "A", post=Post.MIDDLE_MANAGER, home="B", exchange_start=date(2025, 9, 1))
    district = roster([A, B], [ALLIANCE], [*STAFF_A, *STAFF_B, locked])
    home = AssignmentRow("m1", "A", "B", "S2", None, EFFECTIVE, None)
    assert about("S1", check_plan(district, params(), [home], []))
    assert about("S1", check_plan(district, params(), [move(locked, "B")], []))
    assert not about("S1", check_plan(district, params(), [], []))


def test_s1_earliest_return_date_by_post() -> None:
    manager = person("m1", "A", post=Post.MIDDLE_MANAGER)
    district = roster([A, B], [ALLIANCE], [*STAFF_A, *STAFF_B, manager])
    right = [move(manager, "B"), move(b1, "A")]  # 3 years for a middle manager, 1 for a teacher
    assert right[0].earliest_return_date == date(2030, 9, 1)
    assert check_plan(district, params(), right, []) == []
    as_teacher = AssignmentRow("m1", "A", "B", "T1", None, EFFECTIVE, date(2028, 9, 1))
    assert ids(check_plan(district, params(), [as_teacher, move(b1, "A")], [])) == {"S1"}
    missing = AssignmentRow("b1", "B", "A", "T1", None, EFFECTIVE, None)
    assert ids(check_plan(district, params(), [right[0], missing], [])) == {"S1"}


def test_s1_return_date_of_a_29_february_effective_date_falls_on_28_february() -> None:
    leap = params(effective_date=date(2028, 2, 29))
    row = AssignmentRow("a1", "A", "B", "T1", None, date(2028, 2, 29), date(2029, 2, 28))
    back = AssignmentRow("b1", "B", "A", "T1", None, date(2028, 2, 29), date(2029, 2, 28))
    assert check_plan(PAIR, leap, [row, back], []) == []
    late = AssignmentRow("a1", "A", "B", "T1", None, date(2028, 2, 29), date(2029, 3, 1))
    assert ids(check_plan(PAIR, leap, [late, back], [])) == {"S1"}


# r1 (teacher, home B) began a one-year stint at A on 2026-09-01: it ends on EFFECTIVE, so r1 returns.
RETURNING = person("r1", "A", home="B", exchange_start=date(2026, 9, 1))
WITH_RETURNING = roster([A, B, C], [ALLIANCE], [*STAFF_A, *STAFF_B, *STAFF_C, RETURNING])


def test_s2_return_home_or_extension_is_allowed() -> None:
    home = AssignmentRow("r1", "A", "B", "S2", None, EFFECTIVE, None)
    assert about("S2", check_plan(WITH_RETURNING, params(), [home], [])) == []
    assert check_plan(WITH_RETURNING, params(), [], []) == []  # the extension


def test_s2_return_goes_home_without_a_return_date_and_only_for_returning_people() -> None:
    third_school = AssignmentRow("r1", "A", "C", "S2", None, EFFECTIVE, None)
    assert about("S2", check_plan(WITH_RETURNING, params(), [third_school], []))
    new_move_home = AssignmentRow("r1", "A", "B", "T1", None, EFFECTIVE, date(2028, 9, 1))
    assert about("S2", check_plan(WITH_RETURNING, params(), [new_move_home], []))
    dated = AssignmentRow("r1", "A", "B", "S2", None, EFFECTIVE, date(2028, 9, 1))
    assert about("S2", check_plan(WITH_RETURNING, params(), [dated], []))
    not_on_exchange = AssignmentRow("a1", "A", "B", "S2", None, EFFECTIVE, None)
    assert about("S2", check_plan(WITH_RETURNING, params(), [not_on_exchange, move(b1, "A")], []))


def test_exempt_people_move_only_as_volunteers_without_e4_or_e5() -> None:
    old = person("o1", "A", gender=Gender.MALE, birth=date(1970, 1, 1))  # 57: E2
    volunteer = person("o2", "A", gender=Gender.MALE, birth=date(1970, 1, 1), volunteer=True)
    nursing = person("o3", "A", volunteer=True, pregnant_or_nursing=True)  # E4 stands even for volunteers
    district = roster([A, B], [ALLIANCE], [*STAFF_A, *STAFF_B, old, volunteer, nursing])
    assert ids(check_plan(district, params(), [move(old, "B"), move(b1, "A")], [])) == {"E2"}
    assert check_plan(district, params(), [move(volunteer, "B"), move(b1, "A")], []) == []
    assert ids(check_plan(district, params(), [move(nursing, "B"), move(b1, "A")], [])) == {"E4"}


# --------------------------------------------------------------------------- C1-C4


def test_c1_without_minimums_no_subject_taught_today_drops_to_zero() -> None:
    # a4 is A's only English teacher: swapping a4 for a Chinese teacher leaves A with no English.
    assert ids(check_plan(PAIR, params(), swap(a4, b1), [])) == {"C1"}
    assert check_plan(PAIR, params(), swap(a4, b4), []) == []


def test_c1_with_minimums_only_its_rows_apply() -> None:
    # A has two Chinese teachers (a1, a3); the row asks for 3, so C1 keeps today's 2.
    minimums = (SubjectMinimum("A", "语文", None, 3),)
    district = roster([A, B], [ALLIANCE], STAFF_A + STAFF_B, minimums)
    assert about("C1", check_plan(district, params(), swap(a1, b2), []))  # 语文 at A: 2 → 1
    assert check_plan(district, params(), swap(a1, b1), []) == []
    # No row for English: A may lose its only English teacher.
    assert check_plan(district, params(), swap(a4, b1), []) == []


def test_c1_minimums_by_band() -> None:
    upper = person("a6", "A", "语文", Band.PRIMARY_UPPER)
    minimums = (SubjectMinimum("A", "语文", Band.PRIMARY_UPPER, 1),)
    district = roster([A, B], [ALLIANCE], [*STAFF_A, upper, *STAFF_B], minimums)
    assert about("C1", check_plan(district, params(), swap(upper, b1), []))
    assert not about("C1", check_plan(district, params(), swap(a1, b1), []))


def test_c2_headcount_stays_between_net_loss_and_quota() -> None:
    one_way = [move(a1, "B")]  # A: 5 → 4, B: 5 → 6
    messages = check_plan(PAIR, params(), one_way, [])
    assert ids(messages) == {"C2"}
    assert len(messages) == 2  # A below, B above
    roomy = roster([A, school("B", area=Area.TOWN, staff_quota=6), C, J], [ALLIANCE], list(PAIR.staff))
    assert check_plan(roomy, params(max_net_loss=1), one_way, []) == []


def test_c3_moves_stay_in_a_shared_group() -> None:
    assert about("C3", check_plan(PAIR, params(), swap(a1, STAFF_C[0]), []))
    named = [move(a1, "B", group_id="NOPE"), move(b1, "A", group_id="U")]
    assert ids(check_plan(PAIR, params(), named, [])) == {"C3"}


def test_c3_destination_teaches_the_band() -> None:
    # a1 teaches primary_lower, which junior school J does not; j1 teaches junior, which A does not.
    assert len(about("C3", check_plan(PAIR, params(), swap(a1, STAFF_J[0]), []))) == 2


def test_c3_blank_band_leader_moves_to_the_same_stage() -> None:
    head_a = person("p1", "A", None, None, post=Post.VICE_PRINCIPAL)
    head_b = person("p2", "B", None, None, post=Post.VICE_PRINCIPAL)
    head_j = person("p3", "J", None, None, post=Post.VICE_PRINCIPAL)
    district = roster([A, B, J], [ALLIANCE], [*STAFF_A, *STAFF_B, *STAFF_J, head_a, head_b, head_j])
    assert about("C3", check_plan(district, params(), swap(head_a, head_j), []))
    assert check_plan(district, params(), swap(head_a, head_b), []) == []


def test_c3_district_scope_frees_due_people_of_schools_in_no_group() -> None:
    # c1 works at C, in no group: with destination_scope = district it may go to A; a1 may not go to C.
    c1 = STAFF_C[0]
    assert about("C3", check_plan(PAIR, params(), swap(c1, a1), []))
    messages = check_plan(PAIR, params(destination_scope="district"), swap(c1, a1), [])
    assert len(about("C3", messages)) == 1
    assert "a1" in about("C3", messages)[0]


def test_c4_outflow_ratio_counts_new_moves_not_returns() -> None:
    # A has 5 staff: floor(0.2 × 5) = 1 may leave. Two swaps move two out of each school.
    two_each = swap(a1, b1) + swap(a2, b2)
    messages = check_plan(PAIR, params(), two_each, [])
    assert ids(messages) == {"C4"}
    assert len(messages) == 2
    assert check_plan(PAIR, params(max_outflow_ratio=0.4), two_each, []) == []
    # r1 returning home from A does not count against A's one new move (a1).
    home = AssignmentRow("r1", "A", "B", "S2", None, EFFECTIVE, None)
    with_return = [home, move(a1, "B"), move(b1, "A")]
    assert not about("C4", check_plan(WITH_RETURNING, params(max_net_loss=1), with_return, []))


# --------------------------------------------------------------------------- G1, G2, G3: a tight group

L, M = school("L"), school("M", area=Area.RURAL)
TIGHT = Group("T", "紧密型集团", GroupKind.TIGHT, ("L", "M"), lead="L")
# G1 needs 2 (vice principals, middle managers or key teachers), G2 one key teacher per primary band,
# and among them 语文, 数学 and 英语.
G12 = {"tight_mgmt_team_min": 2, "tight_key_primary_band_min": 1}


def sent(
    staff_id: str, subject: str | None = "语文", band: Band | None = Band.PRIMARY_LOWER, **kw: object
) -> StaffMember:
    """Someone from lead L on exchange at member M whose stint runs on (locked): part of the stock."""
    return person(staff_id, "M", subject, band, home="L", **kw)  # type: ignore[arg-type]


def key(staff_id: str, subject: str, band: Band) -> StaffMember:
    return sent(staff_id, subject, band, honor=Honor.CITY)


KEYS = [
    key("k1", "语文", Band.PRIMARY_LOWER),
    key("k2", "数学", Band.PRIMARY_MIDDLE),
    key("k3", "英语", Band.PRIMARY_UPPER),
]
TEAM = [sent("t1", post=Post.MIDDLE_MANAGER), sent("t2", post=Post.VICE_PRINCIPAL)]


def tight(*staff: StaffMember) -> Roster:
    return roster([L, M], [TIGHT], list(staff))


def test_g1_g2_kept_by_a_full_stock() -> None:
    assert about("G1 G2", check_plan(tight(*KEYS, *TEAM), params("G1 G2", **G12), [], [])) == []


def test_g1_management_team_too_small() -> None:
    messages = check_plan(tight(*KEYS, TEAM[0]), params("G1 G2", **G12), [], [])
    assert ids(messages) == {"G1"}
    # Soft G1: no message.
    assert check_plan(tight(*KEYS, TEAM[0]), params("G2", **G12), [], []) == []


def test_g2_every_primary_band_needs_its_key_teachers() -> None:
    messages = check_plan(tight(*KEYS[:2], *TEAM), params("G2", **G12), [], [])
    assert ids(messages) == {"G2"}
    assert any("primary_upper" in m for m in messages)
    assert any("英语" in m for m in messages)  # k3 was also the only English teacher


def test_g2_core_subjects_among_primary_key_teachers() -> None:
    no_english = [*KEYS[:2], key("k3", "音乐", Band.PRIMARY_UPPER)]
    messages = check_plan(tight(*no_english, *TEAM), params("G2", **G12), [], [])
    assert len(messages) == 1
    assert messages[0].startswith("G2:")
    assert "英语" in messages[0]


def test_g2_junior_quota_for_a_member_that_teaches_junior() -> None:
    nine_year = school("M", Stage.NINE_YEAR, Area.RURAL)
    juniors = [key(f"y{i}", "数学", Band.JUNIOR) for i in range(2)]
    district = roster([L, nine_year], [TIGHT], [*KEYS, *TEAM, *juniors])
    assert check_plan(district, params("G2", tight_key_junior_min=2, **G12), [], []) == []
    assert ids(check_plan(district, params("G2", tight_key_junior_min=3, **G12), [], [])) == {"G2"}


def test_g1_g2_contingents_are_separate() -> None:
    # Each holds alone: 4 team-eligible ≥ 2, and 3 key teachers meet G2. But G2 needs all 3 key
    # teachers, which leaves 1 for the team.
    assert check_plan(tight(*KEYS, TEAM[0]), params("G2", **G12), [], []) == []
    messages = check_plan(tight(*KEYS, TEAM[0]), params("G1 G2", **G12), [], [])
    assert ids(messages) == {"G1"}
    assert "G2" in messages[0]
    # One more key teacher (of any subject) frees a team place.
    extra = key("k4", "音乐", Band.PRIMARY_LOWER)
    assert check_plan(tight(*KEYS, extra, TEAM[0]), params("G1 G2", **G12), [], []) == []


def test_g1_g2_split_is_found_where_a_greedy_choice_fails() -> None:
    # Key teachers: lower 语文 and 数学, middle 数学 and 英语, upper 语文. G2 can be met by three
    # (lower 数学, middle 英语, upper 语文), leaving 2 key teachers + 1 middle manager = 3 for a team
    # of 3. Taking the first of each band (lower 语文, middle 数学) would need a fourth for 英语.
    stock = [
        key("k1", "语文", Band.PRIMARY_LOWER),
        key("k2", "数学", Band.PRIMARY_LOWER),
        key("k3", "数学", Band.PRIMARY_MIDDLE),
        key("k4", "英语", Band.PRIMARY_MIDDLE),
        key("k5", "语文", Band.PRIMARY_UPPER),
        TEAM[0],
    ]
    team_of_3 = {**G12, "tight_mgmt_team_min": 3}
    assert check_plan(tight(*stock), params("G1 G2", **team_of_3), [], []) == []
    team_of_4 = {**G12, "tight_mgmt_team_min": 4}
    assert ids(check_plan(tight(*stock), params("G1 G2", **team_of_4), [], [])) == {"G1"}


def test_g1_g2_rule_code_of_a_new_move_pins_the_contingent() -> None:
    # k1 (the only lower key teacher) moves from L to M under rule G1: it cannot count for G2.
    k1 = person("k1", "L", "语文", Band.PRIMARY_LOWER, honor=Honor.CITY)
    district = tight(k1, *KEYS[1:], *TEAM)
    as_team = [move(k1, "M", rule="G1", group_id="T")]
    messages = check_plan(district, params("G1 G2", **G12), as_team, [])
    assert about("G2", messages)
    as_key = [move(k1, "M", rule="G2", group_id="T")]
    assert about("G1 G2", check_plan(district, params("G1 G2", **G12), as_key, [])) == []


def test_g1_g2_labels_must_fit_the_person_and_the_direction() -> None:
    plain = person("n1", "L", "美术")
    district = tight(*KEYS, *TEAM, plain)
    g2_label = check_plan(district, params(**G12), [move(plain, "M", rule="G2", group_id="T")], [])
    assert about("G2", g2_label)
    g1_label = check_plan(district, params(**G12), [move(plain, "M", rule="G1", group_id="T")], [])
    assert about("G1", g1_label)
    backwards = person("n2", "M", "语文", post=Post.MIDDLE_MANAGER)
    district = tight(*KEYS, *TEAM, backwards)
    reverse = check_plan(district, params(**G12), [move(backwards, "L", rule="G1", group_id="T")], [])
    assert about("G1", reverse)


def test_g3_reciprocity_per_post_class_and_band() -> None:
    out = sent("s1", post=Post.MIDDLE_MANAGER)
    back = person("s2", "L", post=Post.MIDDLE_MANAGER, home="M")
    assert check_plan(tight(out, back), params("G3"), [], []) == []
    other_band = person("s2", "L", band=Band.PRIMARY_UPPER, post=Post.MIDDLE_MANAGER, home="M")
    messages = check_plan(tight(out, other_band), params("G3"), [], [])
    assert ids(messages) == {"G3"}
    assert len(messages) == 2  # primary_lower: 0 back for 1 out; primary_upper: 1 back for 0 out
    teacher_back = person("s2", "L", home="M")
    assert ids(check_plan(tight(out, teacher_back), params("G3"), [], [])) == {"G3"}
    assert check_plan(tight(out, teacher_back), params(), [], []) == []  # G3 soft


def test_g3_counts_new_moves_both_ways() -> None:
    out = person("s1", "L")
    back = person("s2", "M")
    assert check_plan(tight(out, back), params("G3"), swap(out, back), []) == []
    assert about("G3", check_plan(tight(out, back), params("G3"), [move(out, "M")], []))


# --------------------------------------------------------------------------- G4, G5, G6


def test_g4_alliance_between_min_and_max_at_town_and_rural_schools() -> None:
    urban, town, rural = school("X"), school("Y", area=Area.TOWN), school("Z", area=Area.RURAL)
    alliance = Group("AL", "联盟", GroupKind.ALLIANCE, ("X", "Y", "Z"))
    out = [person("u1", "Y", home="X"), person("u2", "Z", home="X"), person("u3", "Z", home="X")]
    g4 = params("G4", alliance_min=1, alliance_max=2)
    for count, fine in ((0, False), (1, True), (2, True), (3, False)):
        district = roster([urban, town, rural], [alliance], out[:count])
        assert (about("G4", check_plan(district, g4, [], [])) == []) is fine, count


# C (central, primary) teaches 语文 and 音乐 in primary bands, and 物理 in junior (not a primary band).
# S is a small primary school with only a 语文 teacher: it needs 音乐, its own or walked from C.
CENTRAL, SMALL, SMALL2 = (
    school("C", area=Area.TOWN),
    school("S", area=Area.RURAL, small=True),
    school("S2", area=Area.RURAL, small=True),
)
TOWNSHIP = Group("R", "乡镇一体化", GroupKind.RURAL, ("C", "S", "S2"), lead="C")
CENTRAL_STAFF = [person("c1", "C", "语文"), person("c2", "C", "音乐"), person("c3", "C", "物理", Band.JUNIOR)]
SMALL_STAFF = [person("s1", "S", "语文"), person("s2", "S2", "语文"), person("s3", "S2", "音乐")]
TOWNSHIP_ROSTER = roster([CENTRAL, SMALL, SMALL2], [TOWNSHIP], CENTRAL_STAFF + SMALL_STAFF)
MUSIC_WALK = WalkRow("c2", "C", "S", "音乐")


def test_g5_small_school_curriculum_by_own_or_walking_teacher() -> None:
    messages = check_plan(TOWNSHIP_ROSTER, params("G5"), [], [])
    assert ids(messages) == {"G5"}
    assert len(messages) == 1
    assert "音乐" in messages[0]
    assert check_plan(TOWNSHIP_ROSTER, params("G5"), [], [MUSIC_WALK]) == []
    assert check_plan(TOWNSHIP_ROSTER, params(), [], []) == []  # G5 soft


def test_g5_walking_teacher_of_that_subject_at_the_central_school() -> None:
    wrong_subject = WalkRow("c1", "C", "S", "音乐")  # c1 teaches 语文
    assert about("G5", check_plan(TOWNSHIP_ROSTER, params("G5"), [], [wrong_subject]))
    from_small = WalkRow("s3", "S2", "S", "音乐")  # not from the central school
    assert about("G5", check_plan(TOWNSHIP_ROSTER, params("G5"), [], [from_small]))
    to_central = WalkRow("c2", "C", "C", "音乐")  # C is not a small school
    assert about("G5", check_plan(TOWNSHIP_ROSTER, params(), [], [MUSIC_WALK, to_central]))


def test_g5_walking_teacher_keeps_the_home_post() -> None:
    # c2 moves to S2 this summer: it no longer works at the central school.
    moved_away = [move(CENTRAL_STAFF[1], "S2", group_id="R"), move(SMALL_STAFF[2], "C", group_id="R")]
    messages = check_plan(TOWNSHIP_ROSTER, params("G5"), moved_away, [MUSIC_WALK])
    assert ids(messages) == {"G5"}


def test_g5_walk_max_schools_even_when_soft() -> None:
    both = [MUSIC_WALK, WalkRow("c2", "C", "S2", "音乐")]
    assert check_plan(TOWNSHIP_ROSTER, params("G5"), [], both) == []
    messages = check_plan(TOWNSHIP_ROSTER, params(walk_max_schools=1), [], both)
    assert ids(messages) == {"G5"}
    assert "walk_max_schools" in messages[0]


def test_c1_walking_teachers_do_not_count() -> None:
    # S's only 语文 teacher moves to C; a walking 语文 teacher from C does not keep C1.
    walk = WalkRow("s1", "C", "S", "语文")
    messages = check_plan(TOWNSHIP_ROSTER, params(), swap(SMALL_STAFF[0], CENTRAL_STAFF[1]), [walk])
    assert any("school S teaches 语文" in m for m in about("C1", messages))
    assert about("G5", messages) == []  # the walking row itself is fine


def test_g6_each_academic_subject_each_way_with_senior3_experience() -> None:
    p, q = school("P", Stage.SENIOR), school("Q", Stage.SENIOR)
    pair = Group("H", "高中结对", GroupKind.HS_PAIR, ("P", "Q"))

    def exchange(sender: str, receiver: str, senior3: bool = True) -> list[StaffMember]:
        return [
            person(f"{sender}{i}", receiver, subject, Band.SENIOR, home=sender, senior3=senior3)
            for i, subject in enumerate(G6_SUBJECTS)
        ]

    full = roster([p, q], [pair], exchange("P", "Q") + exchange("Q", "P"))
    assert check_plan(full, params("G6"), [], []) == []
    one_way = roster([p, q], [pair], exchange("P", "Q"))
    messages = check_plan(one_way, params("G6"), [], [])
    assert ids(messages) == {"G6"}
    assert len(messages) == len(G6_SUBJECTS)
    inexperienced = roster([p, q], [pair], exchange("P", "Q") + exchange("Q", "P", senior3=False))
    assert len(check_plan(inexperienced, params("G6"), [], [])) == len(G6_SUBJECTS)


# --------------------------------------------------------------------------- N1


def test_n1_only_when_hard() -> None:
    # A is urban with 5 due people: ceil(0.1 × 5) = 1 must rotate.
    assert check_plan(PAIR, params(), [], []) == []
    messages = check_plan(PAIR, params("N1"), [], [])
    assert ids(messages) == {"N1"}
    assert "A" in messages[0]


def test_n1_rotation_share_and_key_share() -> None:
    # Swapping a1 rotates one of A's due people, but none of them is a key teacher: ceil(0.2 × 1) = 1.
    messages = check_plan(PAIR, params("N1"), swap(a1, b1), [])
    assert ids(messages) == {"N1"}
    assert "key" in messages[0]
    star = person("a9", "A", "语文", honor=Honor.DISTRICT)
    district = roster([A, B], [ALLIANCE], [*STAFF_A, star, *STAFF_B])
    assert check_plan(district, params("N1"), swap(star, b1), []) == []


# --------------------------------------------------------------------------- reading the workbook

# The output headers of workbook-format.md, typed out from the contract (not from rotation.workbook.schema).
HEADERS = {
    "en": {
        "assignments": [
            "staff_id", "name", "from_school_id", "to_school_id", "post", "subject", "band", "honor",
            "rule", "group_id", "effective_date", "earliest_return_date",
        ],
        "walking": ["staff_id", "name", "home_school_id", "school_id", "subject"],
        "run": ["key", "value"],
    },
    "zh": {
        "调动名单": [
            "工号", "姓名", "原学校代码", "交流学校代码", "岗位", "任教学科", "任教学段", "荣誉级别",
            "依据", "集团代码", "生效日期", "最早返回日期",
        ],
        "走教安排": ["工号", "姓名", "所在学校代码", "走教学校代码", "学科"],
        "运行信息": ["项目", "值"],
    },
}  # fmt: skip
START, RETURN = datetime(2027, 9, 1), datetime(2028, 9, 1)


def write_plan(
    path: Path,
    lang: str,
    moves: Sequence[Sequence[object]],
    walks: Sequence[Sequence[object]] = (),
    run: Sequence[Sequence[object]] = (),
) -> Path:
    """A plan workbook with the contract's sheet names and headers in ``lang`` (no run sheet unless given)."""
    assignments, walking, run_sheet = HEADERS[lang]
    book = Workbook()
    book.remove(book.active)
    for name, rows in ((assignments, moves), (walking, walks), (run_sheet, run)):
        if name == run_sheet and not run:
            continue
        sheet = book.create_sheet(name)
        sheet.append(HEADERS[lang][name])
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def contract_plan(path: Path, lang: str) -> Path:
    """One move (code cells in ``lang``), a blank row, one return, one walking row."""
    zh = lang == "zh"
    teacher, lower, district = (
        ("教师", "小学低段", "区级") if zh else ("teacher", "primary_lower", "district")
    )
    moves: list[list[object]] = [
        ["007", "张三", "A", "B", teacher, "语文", lower, district, "T1", "U", START, RETURN],
        [],
        ["r1", "李四", "A", "B", teacher, "数学", None, None, "S2", None, START, None],
    ]
    return write_plan(path, lang, moves, [["c2", "王五", "C", "S", "音乐"]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_read_plan_in_both_languages(tmp_path: Path, lang: str) -> None:
    assignments, walks = read_plan(contract_plan(tmp_path / f"plan_{lang}.xlsx", lang))
    assert assignments == [
        AssignmentRow(
            "007", "A", "B", "T1", "U", date(2027, 9, 1), date(2028, 9, 1),
            Post.TEACHER, "语文", Band.PRIMARY_LOWER, Honor.DISTRICT,
        ),
        AssignmentRow("r1", "A", "B", "S2", None, date(2027, 9, 1), None, Post.TEACHER, "数学", None, None),
    ]  # fmt: skip
    assert walks == [WalkRow("c2", "C", "S", "音乐")]


def test_read_plan_refuses_a_bad_code_and_a_missing_sheet(tmp_path: Path) -> None:
    path = contract_plan(tmp_path / "plan.xlsx", "en")
    book = load_workbook(path)
    book["assignments"]["G2"] = "dean"
    del book["walking"]
    book.save(path)
    with pytest.raises(PlanReadError) as error:
        read_plan(path)
    assert len(error.value.problems) == 2
    assert any("row 2" in problem and "dean" in problem for problem in error.value.problems)


def test_plan_parameters_come_from_the_run_sheet(tmp_path: Path) -> None:
    run = [("status", "optimal"), ("objective", 12.5), ("soft", "G4,G6"), ("max_net_loss", 1)]
    path = write_plan(tmp_path / "plan.xlsx", "zh", [], run=run)
    used = plan_parameters(path, params())
    assert used.soft == frozenset({"G4", "G6"})
    assert used.max_net_loss == 1
    assert used.objective_mode == "lexicographic"  # the run sheet's "objective" row is the solve's value
    assert plan_parameters(contract_plan(tmp_path / "bare.xlsx", "en"), params()) == params()


def test_check_plan_workbook_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("rotation.workbook.loader")
    staff_header = ["staff_id", "name", "gender", "birth_date", "school_id", "school_start_date"]
    teaching = ["teacher", "语文", "primary_lower"]
    staff: list[list[object]] = [
        [staff_id, f"教师{staff_id}", "F", "1985-03-01", school_id, "2015-09-01", *teaching]
        for staff_id, school_id in (("a1", "A"), ("a2", "A"), ("b1", "B"), ("b2", "B"))
    ]
    sheets: dict[str, list[list[object]]] = {
        "schools": [
            ["school_id", "name", "stage", "area", "students"],
            ["A", "甲校", "primary", "urban", 500],
            ["B", "乙校", "primary", "town", 300],
        ],
        "groups": [
            ["group_id", "group_name", "kind", "school_id", "role"],
            ["U", "联盟", "alliance", "A", "lead"],
            ["U", "联盟", "alliance", "B", "member"],
        ],
        "staff": [[*staff_header, "post", "subject", "band"], *staff],
        "parameters": [["key", "value"], ["effective_date", "2027-09-01"], ["soft", "G4"]],
    }
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    input_path = tmp_path / "input.xlsx"
    book.save(input_path)

    def plan_row(staff_id: str, origin: str, target: str) -> list[object]:
        return [
            staff_id,
            "x",
            origin,
            target,
            "teacher",
            "语文",
            "primary_lower",
            "none",
            "T1",
            "U",
            START,
            RETURN,
        ]

    one_swap = [plan_row("a1", "A", "B"), plan_row("b1", "B", "A")]
    plan_path = write_plan(tmp_path / "plan.xlsx", "en", one_swap)
    assert check_plan_workbook(input_path, plan_path) == []
    # Two out of a school of two breaks C4: max(1, floor(0.2 × 2)) = 1. G4 is soft.
    two_swaps = [*one_swap, plan_row("a2", "A", "B"), plan_row("b2", "B", "A")]
    plan_path = write_plan(tmp_path / "plan.xlsx", "en", two_swaps)
    assert ids(check_plan_workbook(input_path, plan_path)) == {"C4"}
