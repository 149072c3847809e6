"""The sample districts (rotation/sample.py): realistic, reproducible, and feasible by construction.

Feasible by construction means: the people already on exchange, counted as stock
(home school → the school they work at), meet every group obligation under the
default parameters, so that extending every ended stint and moving nobody else
is a plan. ``extend_everyone_problems`` checks that straight from the roster.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook as open_xlsx

from reports.input_workbook import write_input_workbook
from reports.xlsx import OutputExistsError
from rotation.catalogue import EXEMPTIONS
from rotation.codes import (
    ACADEMIC_SUBJECTS,
    G2_PRIMARY_CORE_SUBJECTS,
    PRIMARY_BANDS,
    Area,
    Band,
    Category,
    Gender,
    GroupKind,
    Override,
    Post,
    Stage,
    Status,
)
from rotation.domain import Pin, PinKind, Roster, StaffMember
from rotation.eligibility import assess_roster
from rotation.parameters import Parameters
from rotation.sample import _LAYOUTS, _DistrictBuilder, generate

EFFECTIVE = date(2027, 9, 1)
PARAMS = Parameters(effective_date=EFFECTIVE)
Stock = dict[tuple[str, str], list[StaffMember]]


@pytest.fixture(scope="module")
def tiny() -> Roster:
    return generate("tiny", 7, EFFECTIVE)


@pytest.fixture(scope="module")
def district() -> Roster:
    return generate("district", 2026, EFFECTIVE)


@pytest.fixture(scope="module")
def scaled() -> Roster:
    """The district's layout scaled to about 1,000 staff (the smallest point of the benchmarks' curve)."""
    return generate(1_000, 1, EFFECTIVE)


@pytest.fixture(params=["tiny", "district", "scaled"])
def roster(request: pytest.FixtureRequest, tiny: Roster, district: Roster, scaled: Roster) -> Roster:
    return {"tiny": tiny, "district": district, "scaled": scaled}[request.param]


# --- The plan "extend everyone, move nobody", checked from the roster --------------------------------


def current_stock(roster: Roster) -> Stock:
    """(home school, school worked at) → the people on exchange: the stock when nobody moves."""
    stock: Stock = defaultdict(list)
    for member in roster.staff:
        if member.on_exchange:
            stock[(member.home_school_id, member.school_id)].append(member)
    return stock


def extend_everyone_problems(roster: Roster, params: Parameters) -> list[str]:
    """Every obligation G1-G4, G6 and G7 that the current stock misses, one sentence each; [] when none."""
    stock = current_stock(roster)
    return [
        *tight_group_problems(roster, params, stock),
        *alliance_problems(roster, params, stock),
        *hs_pair_problems(roster, params, stock),
        *kindergarten_problems(roster, params, stock),
    ]


def tight_group_problems(roster: Roster, params: Parameters, stock: Stock) -> list[str]:
    problems: list[str] = []
    for group in roster.groups.values():
        if group.kind is not GroupKind.TIGHT:
            continue
        assert group.lead is not None
        for member_id in group.members:
            sent = stock[(group.lead, member_id)]
            where = f"{group.group_id} {group.lead}->{member_id}"
            # One valid split into separate contingents: key teachers in teaching posts for G2,
            # everyone else eligible (vice principals, middle managers, other key teachers) for G1.
            g2 = [m for m in sent if m.post is Post.TEACHER and m.is_key_teacher]
            g1 = [m for m in sent if m not in g2 and (m.post is not Post.TEACHER or m.is_key_teacher)]
            if len(g1) < params.tight_mgmt_team_min:
                problems.append(f"G1 {where}: team of {len(g1)}")
            problems += g2_problems(where, roster.schools[member_id].bands, g2, params)
            back = Counter(post_class_band(m) for m in stock[(member_id, group.lead)])
            if back != Counter(post_class_band(m) for m in sent):
                problems.append(f"G3 {where}: sends {sorted(back.items())}")
    return problems


def g2_problems(where: str, bands: frozenset[Band], keys: list[StaffMember], params: Parameters) -> list[str]:
    by_band = Counter(m.band for m in keys)
    needs = {band: params.tight_key_primary_band_min for band in PRIMARY_BANDS if band in bands}
    if Band.JUNIOR in bands:
        needs[Band.JUNIOR] = params.tight_key_junior_min
    problems = [f"G2 {where}: {by_band[b]} key teachers of {b}" for b, n in needs.items() if by_band[b] < n]
    primary_subjects = {m.subject for m in keys if m.band in PRIMARY_BANDS}
    if any(band in bands for band in PRIMARY_BANDS):
        missing = [s for s in G2_PRIMARY_CORE_SUBJECTS if s not in primary_subjects]
        problems += [f"G2 {where}: no primary key teacher of {s}" for s in missing]
    return problems


def post_class_band(member: StaffMember) -> tuple[str, Band | None]:
    post_class = "leader" if member.post.is_leader else member.post.value
    return post_class, member.band


def alliance_problems(roster: Roster, params: Parameters, stock: Stock) -> list[str]:
    problems: list[str] = []
    for group in roster.groups.values():
        if group.kind is GroupKind.ALLIANCE:
            urban = [s for s in group.school_ids if roster.schools[s].area is Area.URBAN]
            others = [s for s in group.school_ids if roster.schools[s].area is not Area.URBAN]
            sent = [m for u in urban for o in others for m in stock[(u, o)]]
            if not params.alliance_min <= len(sent) <= params.alliance_max:
                problems.append(f"G4 {group.group_id}: {len(sent)} people at town and rural schools")
            leaders = sum(m.post is not Post.TEACHER for m in sent)
            if leaders < params.alliance_leader_min:
                problems.append(f"G4 {group.group_id}: {leaders} leaders or middle managers")
    return problems


def kindergarten_problems(roster: Roster, params: Parameters, stock: Stock) -> list[str]:
    problems: list[str] = []
    for group in roster.groups.values():
        if group.kind is GroupKind.KINDERGARTEN:
            assert group.lead is not None
            for member_id in group.members:
                if len(stock[(group.lead, member_id)]) < params.kg_exchange_min:
                    problems.append(f"G7 {group.group_id} {group.lead}->{member_id}")
    return problems


def hs_pair_problems(roster: Roster, params: Parameters, stock: Stock) -> list[str]:
    problems: list[str] = []
    for group in roster.groups.values():
        if group.kind is not GroupKind.HS_PAIR:
            continue
        first, second = group.school_ids
        for sender, receiver in ((first, second), (second, first)):
            senior3 = Counter(
                m.subject for m in stock[(sender, receiver)] if m.band is Band.SENIOR and m.senior3
            )
            for subject in ACADEMIC_SUBJECTS:
                if senior3[subject] < params.hs_pair_per_subject_min:
                    problems.append(f"G6 {group.group_id} {sender}->{receiver}: {subject}")
    return problems


def test_the_current_exchanges_meet_every_obligation(roster: Roster) -> None:
    assert extend_everyone_problems(roster, PARAMS) == []


def test_the_check_sees_an_alliance_without_its_leaders(tiny: Roster) -> None:
    alliance = next(g for g in tiny.groups.values() if g.kind is GroupKind.ALLIANCE)
    urban = {s for s in alliance.school_ids if tiny.schools[s].area is Area.URBAN}
    leaders = [
        m
        for m in tiny.staff
        if m.on_exchange and m.home_school_id in urban and m.school_id in alliance.school_ids
        if m.post is not Post.TEACHER
    ]
    without = Roster(tiny.schools, tiny.groups, tuple(m for m in tiny.staff if m not in leaders))
    assert f"G4 {alliance.group_id}: 0 leaders or middle managers" in extend_everyone_problems(
        without, PARAMS
    )


def test_the_check_sees_a_kindergarten_member_no_one_was_sent_to(tiny: Roster) -> None:
    alliance = next(g for g in tiny.groups.values() if g.kind is GroupKind.KINDERGARTEN)
    assert alliance.lead is not None
    member = alliance.members[0]
    sent = [m for m in tiny.staff if (m.home_school_id, m.school_id) == (alliance.lead, member)]
    without = Roster(tiny.schools, tiny.groups, tuple(m for m in tiny.staff if m not in sent))
    assert extend_everyone_problems(without, PARAMS) == [f"G7 {alliance.group_id} {alliance.lead}->{member}"]


def test_the_check_sees_a_key_teacher_sent_home(tiny: Roster) -> None:
    # Without one of the lead's key teachers, the member is short of G2 and the lead owes it under G3.
    tight = next(g for g in tiny.groups.values() if g.kind is GroupKind.TIGHT)
    sent = next(
        m
        for m in tiny.staff
        if m.home_school_id == tight.lead and m.on_exchange and m.is_key_teacher and m.post is Post.TEACHER
    )
    without = Roster(tiny.schools, tiny.groups, tuple(m for m in tiny.staff if m is not sent))
    rules = {problem.split()[0] for problem in extend_everyone_problems(without, PARAMS)}
    assert rules == {"G2", "G3"}


def test_every_small_school_can_have_its_missing_subjects_walked_in(roster: Roster) -> None:
    """G5: per subject, the central school's teachers can cover the small schools that lack it."""
    for group in roster.groups.values():
        if group.kind is not GroupKind.RURAL:
            continue
        assert group.lead is not None
        central = roster.staff_by_school[group.lead]
        lacking: Counter[str] = Counter()
        for school_id in group.members:
            school = roster.schools[school_id]
            assert school.small_school
            required = {m.subject for m in central if m.band in school.bands and m.subject}
            own = {m.subject for m in roster.staff_by_school[school_id]}
            lacking.update(required - own)
        assert lacking, f"{group.group_id}: small schools that lack nothing need no walking teachers"
        walkers = Counter(m.subject for m in central if m.home_school_id == group.lead)
        for subject, schools in lacking.items():
            assert schools <= PARAMS.walk_max_schools * walkers[subject], f"{group.group_id} {subject}"


def test_people_on_exchange_are_placed_where_the_rules_allow(roster: Roster) -> None:
    """Home and host share a group, the host teaches the person's band, and stints are as S1 says."""
    statuses = assess_roster(roster, PARAMS)
    for member in roster.staff:
        if not member.on_exchange:
            continue
        host = roster.schools[member.school_id]
        shared = set(roster.groups_by_school[member.home_school_id]) & set(
            roster.groups_by_school[host.school_id]
        )
        assert shared, member.staff_id
        assert member.band in host.bands, member.staff_id
        assert member.exchange_start_date is not None
        assert 1 <= EFFECTIVE.year - member.exchange_start_date.year <= 3
        assert statuses[member.staff_id].status in (Status.LOCKED, Status.RETURNING)


def test_some_on_exchange_are_locked_and_some_returning(roster: Roster) -> None:
    statuses = Counter(e.status for e in assess_roster(roster, PARAMS).values())
    assert statuses[Status.LOCKED] > 0
    assert statuses[Status.RETURNING] > 0


def test_about_forty_percent_of_the_rest_are_due(roster: Roster) -> None:
    statuses = assess_roster(roster, PARAMS)
    settled = [m for m in roster.staff if not m.on_exchange]
    due = sum(statuses[m.staff_id].status is Status.DUE for m in settled)
    assert 0.35 <= due / len(settled) <= 0.45


def test_every_exemption_occurs(roster: Roster) -> None:
    reasons = Counter(code for e in assess_roster(roster, PARAMS).values() for code in e.reasons)
    assert [code for code in EXEMPTIONS if reasons[code] == 0] == []


# --- What the v2 rules need to be exercised (issue 11) ------------------------------------------------


def test_every_school_has_one_principal_at_home(roster: Roster) -> None:
    principals = Counter(m.school_id for m in roster.staff if m.post is Post.PRINCIPAL and not m.on_exchange)
    assert {school_id: principals[school_id] for school_id in roster.schools} == dict.fromkeys(
        roster.schools, 1
    )


def test_due_principals_have_principals_of_the_same_stage_to_swap_with(roster: Roster) -> None:
    """P1: a principal moves only when another arrives, so a due one needs peers of the same stage."""
    statuses = assess_roster(roster, PARAMS)
    principals = [m for m in roster.staff if m.post is Post.PRINCIPAL]
    by_stage = Counter(roster.schools[m.school_id].stage for m in principals)
    due = [m for m in principals if statuses[m.staff_id].is_due]
    assert len(due) >= 4
    # A district's only junior or complete school has no peer: its due principal stays (P1). Most have one.
    with_peers = [m for m in due if by_stage[roster.schools[m.school_id].stage] >= 2]
    assert len(with_peers) >= 0.75 * len(due)
    due_by_stage = Counter(roster.schools[m.school_id].stage for m in due)
    assert max(due_by_stage.values()) >= 2  # two due principals of one stage: a swap of two due people


def test_kindergarten_alliances_lead_three_to_five_staffed_kindergartens(roster: Roster) -> None:
    alliances = [g for g in roster.groups.values() if g.kind is GroupKind.KINDERGARTEN]
    assert alliances
    for group in alliances:
        assert group.lead is not None
        assert 3 <= len(group.members) <= 5, group.group_id
        assert {roster.schools[s].stage for s in group.school_ids} == {Stage.KINDERGARTEN}
        assert roster.schools[group.lead].category is Category.QUALITY
        for school_id in group.school_ids:
            assert len(roster.staff_by_school[school_id]) >= 8, school_id


def test_the_district_has_several_kindergarten_alliances_and_the_tiny_one(
    tiny: Roster, district: Roster
) -> None:
    count = Counter(g.kind for r in (tiny, district) for g in r.groups.values())
    assert sum(g.kind is GroupKind.KINDERGARTEN for g in tiny.groups.values()) == 1
    assert count[GroupKind.KINDERGARTEN] - 1 >= 3


def test_every_alliances_urban_schools_have_a_movable_leader(roster: Roster) -> None:
    """G4's leader part can be met by a new move: a vice principal or middle manager, not exempt, at home."""
    statuses = assess_roster(roster, PARAMS)
    for group in roster.groups.values():
        if group.kind is not GroupKind.ALLIANCE:
            continue
        for school_id in (s for s in group.school_ids if roster.schools[s].area is Area.URBAN):
            movable = [
                m
                for m in roster.staff_by_school[school_id]
                if m.post in (Post.VICE_PRINCIPAL, Post.MIDDLE_MANAGER)
                and not m.on_exchange
                and statuses[m.staff_id].status in (Status.DUE, Status.NOT_DUE)
            ]
            assert movable, f"{group.group_id} {school_id}"


def test_paired_high_schools_have_senior3_teachers_of_every_subject_and_others_without(
    roster: Roster,
) -> None:
    """G6 can be met by new moves of senior-3 teachers; others, due too, must not be the ones sent."""
    statuses = assess_roster(roster, PARAMS)
    for group in roster.groups.values():
        if group.kind is not GroupKind.HS_PAIR:
            continue
        for school_id in group.school_ids:
            at_home = [
                m
                for m in roster.staff_by_school[school_id]
                if m.band is Band.SENIOR and not m.on_exchange and statuses[m.staff_id].movable
            ]
            senior3 = Counter(m.subject for m in at_home if m.senior3)
            assert all(senior3[subject] >= 1 for subject in ACADEMIC_SUBJECTS), school_id
            without = [m for m in at_home if not m.senior3 and m.subject in ACADEMIC_SUBJECTS]
            assert any(statuses[m.staff_id].is_due for m in without), school_id


def infant_age(member: StaffMember) -> timedelta | None:
    return None if member.child_birth_date is None else EFFECTIVE - member.child_birth_date


def test_mothers_of_infants_with_the_flag_left_blank_are_exempt(roster: Roster) -> None:
    statuses = assess_roster(roster, PARAMS)
    unflagged = [m for m in roster.staff if infant_age(m) is not None and not m.pregnant_or_nursing]
    assert unflagged
    for member in unflagged:
        assert member.gender is Gender.FEMALE
        assert (age := infant_age(member)) is not None and age < timedelta(days=365)
        assert "E4" in statuses[member.staff_id].reasons


def test_a_flag_still_ticked_for_a_child_already_one_no_longer_exempts(roster: Roster) -> None:
    statuses = assess_roster(roster, PARAMS)
    lapsed = [
        m
        for m in roster.staff
        if m.pregnant_or_nursing and (age := infant_age(m)) is not None and age > timedelta(days=366)
    ]
    assert lapsed
    assert all("E4" not in statuses[m.staff_id].reasons for m in lapsed)


def test_a_volunteer_the_bureau_exempted_is_not_movable(roster: Roster) -> None:
    statuses = assess_roster(roster, PARAMS)
    exempted = [m for m in roster.staff if m.volunteer and m.override is Override.EXEMPT]
    assert exempted
    for member in exempted:
        assert statuses[member.staff_id].status is Status.EXEMPT
        assert not statuses[member.staff_id].movable


def test_every_group_kind_and_some_ungrouped_schools(district: Roster) -> None:
    kinds = Counter(group.kind for group in district.groups.values())
    assert set(kinds) == set(GroupKind)
    assert any(not groups for groups in district.groups_by_school.values())
    assert 130 <= len(district.schools) <= 170
    assert 5_000 <= len(district.staff) <= 7_500
    assert 0.15 <= sum(m.is_key_teacher for m in district.staff) / len(district.staff) <= 0.2


def test_school_limits_hold_today(roster: Roster) -> None:
    """C1 minimums at or below today's counts; staff quotas a little above today's headcount (C2)."""
    assert roster.subject_minimums
    for minimum in roster.subject_minimums:
        today = sum(
            m.subject == minimum.subject and minimum.band in (None, m.band)
            for m in roster.staff_by_school[minimum.school_id]
        )
        assert 1 <= minimum.min_teachers <= today
    for school_id, school in roster.schools.items():
        assert school.staff_quota is not None
        assert school.staff_quota > len(roster.staff_by_school[school_id])


def test_preferences_name_other_schools_of_the_persons_groups(roster: Roster) -> None:
    wishes = [m for m in roster.staff if m.preferences]
    assert wishes
    for member in wishes:
        reachable = {s for g in roster.groups_by_school[member.school_id] for s in g.school_ids}
        assert set(member.preferences) <= reachable - {member.school_id}


def test_the_same_seed_gives_the_same_roster_and_another_seed_another() -> None:
    assert generate("tiny", 7, EFFECTIVE) == generate("tiny", 7, EFFECTIVE)
    assert generate("tiny", 8, EFFECTIVE).staff != generate("tiny", 7, EFFECTIVE).staff


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="huge"):
        generate("huge", 1, EFFECTIVE)  # type: ignore[arg-type]


# --- A district of a given staff count (the benchmarks' scaling curve) ----------------------------------


@pytest.mark.parametrize(("staff", "seed"), [(1_000, 1), (1_000, 3), (3_000, 1), (3_000, 2)])
def test_a_scaled_district_has_about_the_staff_asked_for(staff: int, seed: int) -> None:
    roster = generate(staff, seed, EFFECTIVE)
    assert abs(len(roster.staff) - staff) <= 0.15 * staff
    assert {group.kind for group in roster.groups.values()} == set(GroupKind)
    assert extend_everyone_problems(roster, PARAMS) == []


def test_a_scaled_district_is_the_same_for_the_same_seed_and_another_for_another() -> None:
    assert generate(1_000, 4, EFFECTIVE) == generate(1_000, 4, EFFECTIVE)
    assert generate(1_000, 5, EFFECTIVE).staff != generate(1_000, 4, EFFECTIVE).staff


def test_a_larger_staff_count_gives_a_larger_district() -> None:
    small, larger = generate(1_500, 1, EFFECTIVE), generate(6_000, 1, EFFECTIVE)
    assert len(larger.schools) > 3 * len(small.schools)
    assert len(larger.groups) > 2 * len(small.groups)


@pytest.mark.parametrize("staff", [999, 200_001])
def test_a_staff_count_out_of_range_is_refused(staff: int) -> None:
    with pytest.raises(ValueError, match=str(staff)):
        generate(staff, 1, EFFECTIVE)


def test_the_large_layout_plans_about_a_hundred_thousand_staff() -> None:
    """Laid out only (the schools and their sizes, nobody staffed yet): the 100,000 is never built here."""
    builder = _DistrictBuilder(_LAYOUTS["large"], 100, EFFECTIVE)
    builder.lay_out()
    assert 90_000 <= builder.planned_staff() <= 110_000


def test_a_scaled_districts_cp_sat_plan_passes_the_independent_checker(scaled: Roster) -> None:
    checker = pytest.importorskip("plan_checker")
    solve = pytest.importorskip("solver.solve")
    statuses = assess_roster(scaled, PARAMS)
    plan = solve.solve(scaled, PARAMS, statuses, solve.SolveOptions(time_limit_s=60, workers=2, seed=0))
    assert plan.status.value == "optimal"
    rows = [
        checker.AssignmentRow(
            m.staff_id,
            m.from_school_id,
            m.to_school_id,
            m.rule,
            m.group_id,
            EFFECTIVE,
            m.earliest_return_date,
        )
        for m in plan.moves
    ]
    walks = [checker.WalkRow(w.staff_id, w.home_school_id, w.school_id, w.subject) for w in plan.walks]
    assert checker.check_plan(scaled, PARAMS, rows, walks) == []
    due_moved = {m.staff_id for m in plan.moves if m.rule != "S2" and statuses[m.staff_id].is_due}
    assert len(due_moved) > 0.2 * sum(entry.is_due for entry in statuses.values())


# --- Independent checks and the workbook round trip ----------------------------------------------------


def test_the_independent_plan_checker_accepts_extending_everyone(roster: Roster) -> None:
    checker = pytest.importorskip("plan_checker")
    statuses = assess_roster(roster, PARAMS)
    walks = []
    for group in roster.groups.values():
        if group.kind is not GroupKind.RURAL or group.lead is None:
            continue
        # G5's walkers: the central school's own teachers and middle managers, none exempt for health.
        walkers = [
            m
            for m in roster.staff_by_school[group.lead]
            if m.home_school_id == group.lead
            and m.post in (Post.TEACHER, Post.MIDDLE_MANAGER)
            and not statuses[m.staff_id].is_sensitive
        ]
        load: Counter[str] = Counter()
        for school_id in group.members:
            bands = roster.schools[school_id].bands
            required = {
                m.subject for m in roster.staff_by_school[group.lead] if m.band in bands and m.subject
            }
            own = {m.subject for m in roster.staff_by_school[school_id]}
            for subject in sorted(required - own):
                walker = next(
                    m for m in walkers if m.subject == subject and load[m.staff_id] < PARAMS.walk_max_schools
                )
                load[walker.staff_id] += 1
                walks.append(checker.WalkRow(walker.staff_id, group.lead, school_id, subject))
    assert checker.check_plan(roster, PARAMS, [], walks) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_input_workbook_reads_back_to_the_same_roster(tmp_path: Path, tiny: Roster, lang: str) -> None:
    loader = pytest.importorskip("rotation.workbook.loader")
    teacher = next(m for m in tiny.staff if not m.on_exchange and m.preferences)
    pinned = replace(tiny, pins=(Pin(teacher.staff_id, teacher.preferences[0], PinKind.MUST),))
    parameters = {"effective_date": EFFECTIVE, "soft": frozenset({"G4", "G6"}), "max_outflow_ratio": 0.25}
    path = tmp_path / "tiny.xlsx"
    write_input_workbook(path, pinned, lang, parameters=parameters)
    loaded = loader.load_workbook(path)
    assert loaded.roster.schools == tiny.schools
    assert loaded.roster.groups == tiny.groups
    assert loaded.roster.staff == tiny.staff
    assert loaded.roster.subject_minimums == tiny.subject_minimums
    assert loaded.roster.pins == pinned.pins
    assert (loaded.params.effective_date, loaded.params.soft, loaded.params.max_outflow_ratio) == (
        EFFECTIVE,
        frozenset({"G4", "G6"}),
        0.25,
    )
    assert loaded.warnings == ()


def test_the_input_workbook_keeps_ids_as_text_dates_as_dates_and_codes_in_its_language(
    tmp_path: Path, tiny: Roster
) -> None:
    path = tmp_path / "tiny.xlsx"
    write_input_workbook(path, tiny, "zh")
    staff = open_xlsx(path, read_only=True)["教职工"]
    rows = staff.iter_rows(values_only=True)
    header = next(rows)
    row = dict(zip(header, next(rows), strict=True))
    assert row["工号"] == tiny.staff[0].staff_id == "000001"
    assert row["学校代码"] == tiny.staff[0].school_id == "0001"
    assert isinstance(row["出生日期"], datetime)
    assert row["出生日期"].date() == tiny.staff[0].birth_date
    assert row["岗位"] == tiny.staff[0].post.zh


def test_a_written_sample_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    write_input_workbook(path, generate("tiny", 7, EFFECTIVE))
    with pytest.raises(OutputExistsError):
        write_input_workbook(path, generate("tiny", 8, EFFECTIVE))
    write_input_workbook(path, generate("tiny", 8, EFFECTIVE), lang="en", force=True)
    assert open_xlsx(path, read_only=True).sheetnames[:3] == ["schools", "groups", "staff"]
