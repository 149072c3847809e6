"""Tests of the independent plan checker (tests/plan_checker.py): hand-made workbooks, one rule at a time.

Each rule gets a small input workbook and a plan workbook that breaks it (a message with the rule ID)
and one that keeps it (no message with that ID). Unless a test says otherwise every obligation is soft
in the plan's ``run`` sheet, so that a test of one rule is not disturbed by the others; ``hard`` names
the ones a test switches on. The rule tests go through the files, as a planner's workbooks do: the
checker's reader and its checks are tested together.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from plan_checker import (
    G2_CORE_SUBJECTS,
    G6_SUBJECTS,
    STAGE_BANDS,
    AssignmentRow,
    Params,
    Person,
    PlanReadError,
    WalkRow,
    assess,
    check_plan,
    check_plan_workbook,
    plan_parameters,
    read_input,
    read_plan,
)

TESTS = Path(__file__).resolve().parent
EFFECTIVE = date(2027, 9, 1)
OBLIGATIONS = ("G1", "G2", "G3", "G4", "G5", "G6", "G7")
LONG_AGO = date(2015, 9, 1)  # 12 years at EFFECTIVE: a teacher starting then is due (T1)
RECENTLY = date(2024, 9, 1)  # 3 years at EFFECTIVE: not due
# A stint begun half a year before EFFECTIVE has not ended for any post: the person is locked (S1).
RECENT_EXCHANGE = date(2027, 3, 1)

Row = dict[str, object]

# --------------------------------------------------------------------------- building workbooks

# The input columns of workbook-format.md, typed out from the contract.
INPUT_COLUMNS = {
    "schools": ["school_id", "name", "stage", "area", "category", "students", "staff_quota", "small_school"],
    "groups": ["group_id", "group_name", "kind", "school_id", "role"],
    "staff": [
        "staff_id", "name", "id_number", "gender", "birth_date", "school_id", "home_school_id",
        "school_start_date", "post", "post_start_date", "subject", "band", "honor", "senior3",
        "pregnant_or_nursing", "child_birth_date", "medical_exemption", "project_lead_approved",
        "other_schools_3y", "rural_years", "exchange_start_date", "volunteer", "override",
    ],
    "history": ["staff_id", "school_name", "area", "start_date", "end_date"],
    "subject_minimums": ["school_id", "subject", "band", "min_teachers"],
    "parameters": ["key", "value"],
}  # fmt: skip
PLAN_COLUMNS = {
    "assignments": [
        "staff_id", "name", "from_school_id", "to_school_id", "post", "subject", "band", "honor",
        "rule", "group_id", "effective_date", "earliest_return_date", "host_post",
    ],
    "eligibility": ["staff_id", "name", "school_id", "status", "reasons", "tenure_years", "age"],
    "unmoved_due": ["staff_id", "name", "school_id", "reason"],
    "schools": ["school_id", "headcount_before", "out", "in", "headcount_after", "key_before", "key_after"],
    "obligations": ["rule", "group_id", "school_id", "part", "required", "achieved", "met"],
    "walking": ["staff_id", "name", "home_school_id", "school_id", "subject"],
    "run": ["key", "value"],
}  # fmt: skip


def school(school_id: str, stage: str = "primary", area: str = "urban", **extra: object) -> Row:
    return {"school_id": school_id, "name": f"学校{school_id}", "stage": stage, "area": area,
            "students": 500, **extra}  # fmt: skip


def group(group_id: str, kind: str, lead: str | None, *members: str) -> list[Row]:
    """Membership rows: the lead first (role lead), then the members."""
    rows = [] if lead is None else [{"school_id": lead, "role": "lead"}]
    rows += [{"school_id": m, "role": "member"} for m in members]
    return [{"group_id": group_id, "group_name": f"集团{group_id}", "kind": kind, **r} for r in rows]


def person(
    staff_id: str,
    school_id: str,
    subject: str | None = "语文",
    band: str | None = "primary_lower",
    *,
    post: str = "teacher",
    home: str | None = None,
    start: date = LONG_AGO,
    **extra: object,
) -> Row:
    """A woman born in 1985 at ``school_id`` since ``start``; with ``home``, on exchange there (locked
    unless ``exchange_start_date`` says otherwise)."""
    row: Row = {
        "staff_id": staff_id, "name": f"教师{staff_id}", "gender": "F", "birth_date": date(1985, 3, 1),
        "school_id": school_id, "home_school_id": home or school_id, "school_start_date": start,
        "post": post, "subject": subject, "band": band,
    }  # fmt: skip
    if post in ("principal", "vice_principal"):
        row["post_start_date"] = start
    if home is not None:
        row["exchange_start_date"] = RECENT_EXCHANGE
    row.update(extra)
    return row


@dataclass
class Case:
    """An input workbook's rows: schools, group memberships, staff, and the optional sheets."""

    schools: list[Row]
    groups: list[Row]
    staff: list[Row]
    history: list[Row] = field(default_factory=list)
    minimums: list[Row] | None = None

    def plus(self, *staff: Row, minimums: list[Row] | None = None) -> Case:
        return Case(self.schools, self.groups, [*self.staff, *staff], self.history, minimums or self.minimums)


def write_book(path: Path, sheets: dict[str, tuple[list[str], Iterable[Row]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    book.save(path)
    return path


def write_input(path: Path, case: Case, parameters: Sequence[tuple[str, object]] = ()) -> Path:
    def years(rows: list[Row]) -> list[Row]:
        return [{k: ("yes" if v is True else v) for k, v in row.items()} for row in rows]

    sheets = {
        "schools": (INPUT_COLUMNS["schools"], years(case.schools)),
        "groups": (INPUT_COLUMNS["groups"], case.groups),
        "staff": (INPUT_COLUMNS["staff"], years(case.staff)),
        "parameters": (["key", "value"], [{"key": "effective_date", "value": EFFECTIVE}]
                       + [{"key": k, "value": v} for k, v in parameters]),
    }  # fmt: skip
    if case.history:
        sheets["history"] = (INPUT_COLUMNS["history"], case.history)
    if case.minimums is not None:
        sheets["subject_minimums"] = (INPUT_COLUMNS["subject_minimums"], case.minimums)
    return write_book(path, sheets)


def move(
    who: Row,
    to: str,
    rule: str = "T1",
    group_id: str | None = None,
    *,
    host: str | None = None,
    back: date | str | None = "default",
) -> Row:
    """A new move with the right earliest return date (1 year for a teacher, 3 for anyone else) and
    the host post of someone serving in their own post, unless told."""
    years = 1 if who["post"] == "teacher" else 3
    return {
        "staff_id": who["staff_id"], "name": who["name"], "from_school_id": who["school_id"],
        "to_school_id": to, "post": who["post"], "subject": who.get("subject"), "band": who.get("band"),
        "honor": who.get("honor"), "rule": rule, "group_id": group_id, "effective_date": EFFECTIVE,
        "earliest_return_date": date(EFFECTIVE.year + years, 9, 1) if back == "default" else back,
        "host_post": host or who["post"],
    }  # fmt: skip


def home(who: Row) -> Row:
    """The S2 return of someone on exchange."""
    return {**move(who, str(who["home_school_id"]), "S2", back=None), "host_post": None}


def run_rows(hard: str = "", **params: object) -> list[Row]:
    named = set(hard.split())
    soft = [g for g in OBLIGATIONS if g not in named]
    rows = [("effective_date", EFFECTIVE), ("status", "optimal"), ("soft", ",".join(soft)),
            ("hard", "N1" if "N1" in named else ""), *params.items()]  # fmt: skip
    return [{"key": k, "value": v} for k, v in rows]


def write_plan(
    path: Path,
    moves: Iterable[Row],
    walks: Iterable[Row] = (),
    run: Iterable[Row] = (),
    **report: Iterable[Row],
) -> Path:
    sheets = {
        "assignments": (PLAN_COLUMNS["assignments"], moves),
        "walking": (PLAN_COLUMNS["walking"], walks),
        "run": (PLAN_COLUMNS["run"], run),
    }
    sheets.update({name: (PLAN_COLUMNS[name], rows) for name, rows in report.items()})
    return write_book(path, sheets)


Check = Callable[..., list[str]]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """check(case, moves, walks=(), hard="", report_sheets..., **params): the checker's messages."""
    counter = itertools.count()

    def run(
        case: Case,
        moves: Iterable[Row] = (),
        walks: Iterable[Row] = (),
        hard: str = "",
        *,
        eligibility: Iterable[Row] | None = None,
        unmoved_due: Iterable[Row] | None = None,
        schools: Iterable[Row] | None = None,
        obligations: Iterable[Row] | None = None,
        **params: object,
    ) -> list[str]:
        n = next(counter)
        report = {"eligibility": eligibility, "unmoved_due": unmoved_due, "schools": schools,
                  "obligations": obligations}  # fmt: skip
        plan = write_plan(
            tmp_path / f"plan{n}.xlsx",
            moves,
            walks,
            run_rows(hard, **params),
            **{k: v for k, v in report.items() if v is not None},
        )
        return check_plan_workbook(write_input(tmp_path / f"in{n}.xlsx", case), plan)

    return run


def ids(messages: list[str]) -> set[str]:
    """The rule IDs (or ``Contract``) that the messages name, by their prefix."""
    return {message.split(":", 1)[0] for message in messages}


def about(rules: str, messages: list[str]) -> list[str]:
    """The messages about any of ``rules`` (space-separated IDs)."""
    return [m for m in messages if m.split(":", 1)[0] in rules.split()]


def coded(codes: str, messages: list[str]) -> list[str]:
    """The messages about a move's code that is any of ``codes``."""
    return [m for m in about(codes, messages) if "is coded" in m]


# --------------------------------------------------------------------------- the checker stands alone


def test_the_checker_imports_nothing_from_the_project() -> None:
    tree = ast.parse((TESTS / "plan_checker.py").read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0] if node.level == 0 else ".")
    assert imported & {"rotation", "solver", "reports", "."} == set()
    assert "__import__" not in (TESTS / "plan_checker.py").read_text(encoding="utf-8")


def test_own_tables_agree_with_the_codes_module() -> None:
    # The checker writes these out from the contract; a mismatch is a bug in one of the two.
    from plan_checker import BANDS, GROUP_KINDS, HONORS, HOST_POSTS, POSTS, STAGES, STATUSES

    from rotation import codes

    assert STAGE_BANDS == codes.BANDS_BY_STAGE
    assert G6_SUBJECTS == codes.ACADEMIC_SUBJECTS
    assert G2_CORE_SUBJECTS == codes.G2_PRIMARY_CORE_SUBJECTS
    for ours, theirs in (
        (STAGES, codes.Stage),
        (GROUP_KINDS, codes.GroupKind),
        (POSTS, codes.Post),
        (BANDS, codes.Band),
        (HONORS, codes.Honor),
        (STATUSES, codes.Status),
        (HOST_POSTS, getattr(codes, "HostPost", None)),
    ):
        if theirs is not None:
            assert ours == {member.value: member.zh for member in theirs}


# --------------------------------------------------------------------------- a pair of primary schools

# A (urban) leads alliance U with B (town); each has five due primary teachers. C (urban) is in no group.
SUBJECTS = ("语文", "数学", "语文", "英语", "数学")
STAFF_A = [person(f"a{i}", "A", subject) for i, subject in enumerate(SUBJECTS, 1)]
STAFF_B = [person(f"b{i}", "B", subject) for i, subject in enumerate(SUBJECTS, 1)]
c1 = person("c1", "C")
PAIR = Case(
    [school("A"), school("B", area="town"), school("C")], group("U", "alliance", "A", "B"),
    [*STAFF_A, *STAFF_B, c1],
)  # fmt: skip
a1, a2, a3, a4, a5 = STAFF_A
b1, b2, b3, b4, b5 = STAFF_B
# A like-for-like swap: a1 goes urban → town in the alliance (G4 first), b1 comes back as a due teacher.
SWAP = [move(a1, "B", "G4", "U"), move(b1, "A", "T1", "U")]


def test_an_empty_plan_and_a_like_for_like_swap_keep_every_rule(check: Check) -> None:
    assert check(PAIR) == []
    assert check(PAIR, SWAP) == []


# --------------------------------------------------------------------------- rows on their own


def test_contract_each_person_once_from_the_current_school_on_the_effective_date(check: Check) -> None:
    assert ids(check(PAIR, [*SWAP, move(a1, "C")])) >= {"Contract"}
    assert "Contract" in ids(check(PAIR, [{**SWAP[0], "from_school_id": "C"}, SWAP[1]]))
    late = {**SWAP[0], "effective_date": date(2027, 9, 2)}
    assert ids(check(PAIR, [late, SWAP[1]])) == {"Contract"}
    unknown = {**SWAP[0], "staff_id": "zz"}
    assert "Contract" in ids(check(PAIR, [unknown]))


def test_contract_one_known_code_per_move(check: Check) -> None:
    for rule in ("X9", "G4;T1", "E2"):
        assert ids(check(PAIR, [{**SWAP[0], "rule": rule}, SWAP[1]])) == {"Contract"}, rule


def test_contract_echoed_columns_must_match_the_input(check: Check) -> None:
    messages = check(PAIR, [{**SWAP[0], "band": "primary_upper"}, SWAP[1]])
    assert ids(messages) == {"Contract"}
    assert "band" in messages[0]


def test_extra_columns_after_the_contract_are_ignored(tmp_path: Path) -> None:
    columns = [*PLAN_COLUMNS["assignments"], "from_school_name", "交流学校名称"]
    rows = [{**row, "from_school_name": "甲", "交流学校名称": "乙"} for row in SWAP]
    plan = write_book(tmp_path / "plan.xlsx", {"assignments": (columns, rows), "walking": (["staff_id",
                      "name", "home_school_id", "school_id", "subject"], []), "run": (["key", "value"],
                      run_rows())})  # fmt: skip
    assert check_plan_workbook(write_input(tmp_path / "in.xlsx", PAIR), plan) == []


# --------------------------------------------------------------------------- S1, S2, the exemptions


def test_s1_locked_person_never_moves(check: Check) -> None:
    # m1 (a middle manager from B) began a 3-year stint at A in 2025: locked until 2028.
    m1 = person("m1", "A", post="middle_manager", home="B", exchange_start_date=date(2025, 9, 1))
    case = PAIR.plus(m1)
    assert about("S1", check(case, [home(m1)]))
    assert about("S1", check(case, [move(m1, "B", "G3")]))
    assert not about("S1", check(case))


def test_s1_ends_with_the_stint_of_the_post(check: Check) -> None:
    # A teacher's one-year stint begun on 2026-09-01 ends on EFFECTIVE: returning, may go home.
    teacher = person("r1", "A", home="B", exchange_start_date=date(2026, 9, 1))
    assert not about("S1 S2", check(PAIR.plus(teacher), [home(teacher)]))
    # A middle manager's three-year stint begun then is still running: locked.
    manager = person("r1", "A", post="middle_manager", home="B", exchange_start_date=date(2026, 9, 1))
    assert about("S1", check(PAIR.plus(manager), [home(manager)]))


def test_s1_earliest_return_date_by_post(check: Check) -> None:
    m1 = person("m1", "A", post="middle_manager", start=RECENTLY)
    right = [move(m1, "C", "C2"), move(c1, "A")]
    assert right[0]["earliest_return_date"] == date(2030, 9, 1)
    assert about("S1", check(PAIR.plus(m1), right)) == []
    as_teacher = {**right[0], "earliest_return_date": date(2028, 9, 1)}
    assert about("S1", check(PAIR.plus(m1), [as_teacher, right[1]]))
    missing = {**SWAP[1], "earliest_return_date": None}
    assert ids(check(PAIR, [SWAP[0], missing])) == {"S1"}


# r1 (teacher, home B) began a one-year stint at A on 2026-09-01: it ends on EFFECTIVE, so r1 returns.
r1 = person("r1", "A", home="B", exchange_start_date=date(2026, 9, 1))
WITH_RETURNING = PAIR.plus(r1)


def test_s2_return_home_or_extension_is_allowed(check: Check) -> None:
    assert about("S2", check(WITH_RETURNING, [home(r1)])) == []
    assert check(WITH_RETURNING) == []  # the extension


def test_s2_return_goes_home_without_a_return_date_and_only_for_returning_people(check: Check) -> None:
    assert about("S2", check(WITH_RETURNING, [{**home(r1), "to_school_id": "C"}]))
    assert about("S2", check(WITH_RETURNING, [move(r1, "B", "T1")]))
    assert about("S2", check(WITH_RETURNING, [{**home(r1), "earliest_return_date": date(2028, 9, 1)}]))
    not_on_exchange = {**move(a1, "B", "S2"), "earliest_return_date": None}
    assert about("S2", check(WITH_RETURNING, [not_on_exchange, SWAP[1]]))


def test_exempt_people_move_only_as_volunteers_without_e4_e5_or_e7(check: Check) -> None:
    old = dict(gender="M", birth_date=date(1970, 1, 1), start=RECENTLY)  # 57: E2
    o1 = person("o1", "B", **old)  # type: ignore[arg-type]
    o2 = person("o2", "B", volunteer=True, **old)  # type: ignore[arg-type]
    o3 = person("o3", "B", volunteer=True, pregnant_or_nursing=True, start=RECENTLY)  # E4 is final
    o4 = person("o4", "B", volunteer=True, override="exempt", start=RECENTLY)  # E7 is final
    case = PAIR.plus(o1, o2, o3, o4)
    assert ids(check(case, [move(o1, "A", "C2"), move(a1, "B", "G4")])) == {"E2"}
    assert check(case, [move(o2, "A", "V"), move(a1, "B", "G4")]) == []
    assert ids(check(case, [move(o3, "A", "V"), move(a1, "B", "G4")])) == {"E4"}
    assert ids(check(case, [move(o4, "A", "V"), move(a1, "B", "G4")])) == {"E7"}


def test_e4_a_mother_of_an_infant_is_exempt_with_the_flag_blank(check: Check) -> None:
    mother = person("n1", "B", child_birth_date=date(2027, 6, 1))  # three months old, flag blank
    assert ids(check(PAIR.plus(mother), [move(mother, "A"), move(a1, "B", "G4")])) == {"E4"}
    older = person("n1", "B", child_birth_date=date(2026, 9, 1), pregnant_or_nursing=True)  # one today
    assert check(PAIR.plus(older), [move(older, "A"), move(a1, "B", "G4")]) == []


# --------------------------------------------------------------------------- eligibility, rule by rule


def member(**fields: object) -> Person:
    base: dict[str, object] = dict(
        staff_id="x", name="x", gender="F", birth_date=date(1985, 3, 1), school_id="A",
        home_school_id="A", school_start_date=LONG_AGO, post="teacher", subject="语文",
        band="primary_lower",
    )  # fmt: skip
    base.update(fields)
    if "school_id" in fields and "home_school_id" not in fields:
        base["home_school_id"] = fields["school_id"]
    return Person(**base)  # type: ignore[arg-type]


def standing(person: Person, area: str = "urban", **params: object) -> tuple[str, tuple[str, ...]]:
    from plan_checker import School

    found = assess(person, School("A", "甲", "primary", area), Params(effective_date=EFFECTIVE, **params))  # type: ignore[arg-type]
    return found.status, found.reasons


def test_t1_reached_on_the_anniversary() -> None:
    assert standing(member(school_start_date=date(2021, 9, 1))) == ("due", ("T1",))
    assert standing(member(school_start_date=date(2021, 9, 2))) == ("not_due", ())
    assert standing(member(school_start_date=date(2021, 9, 2)), teacher_tenure_years=5)[0] == "due"


def test_t2_two_terms_or_the_tenure_from_the_later_start() -> None:
    leader = dict(post="principal", subject="", band=None)
    # In post since 2015 but at this school since 2022: 5 years count, not 12.
    late_school = member(post_start_date=LONG_AGO, school_start_date=date(2022, 9, 1), **leader)
    assert standing(late_school) == ("not_due", ())
    assert standing(member(post_start_date=date(2021, 9, 1), **leader)) == ("due", ("T2",))
    # Two terms of 2 years (4) come before the tenure of 6.
    assert standing(member(post_start_date=date(2023, 9, 1), **leader), leader_term_years=2)[0] == "due"


def test_e1_counts_from_post_start_alone() -> None:
    leader = dict(post="vice_principal", subject="", band=None)
    assert standing(member(post_start_date=date(2024, 9, 2), **leader)) == ("exempt", ("E1",))
    assert standing(member(post_start_date=date(2024, 9, 1), **leader)) == ("not_due", ())


def test_e2_strictly_over_the_age() -> None:
    assert standing(member(birth_date=date(1977, 8, 31))) == ("exempt", ("E2",))  # 50 the day before
    assert standing(member(birth_date=date(1977, 9, 1)))[0] == "due"  # 50 today: not over 50
    assert standing(member(gender="M", birth_date=date(1977, 8, 31)))[0] == "due"  # men: 55


def test_e3_and_e5() -> None:
    assert standing(member(project_lead_approved=True)) == ("exempt", ("E3",))
    assert standing(member(medical_exemption=True)) == ("exempt", ("E5",))


@pytest.mark.parametrize(
    ("gender", "flag", "child", "exempt"),
    [
        ("F", True, None, True),  # the flag alone
        ("F", False, date(2027, 6, 1), True),  # nursing, flag left blank
        ("F", False, date(2027, 12, 1), True),  # expected birth
        ("F", False, date(2026, 9, 2), True),  # one year old tomorrow
        ("F", True, date(2026, 9, 1), False),  # one year old today, flag or not
        ("M", False, date(2027, 6, 1), False),  # a father's child date alone
        ("M", True, date(2027, 6, 1), True),
    ],
)
def test_e4_flag_or_child_birth_date(gender: str, flag: bool, child: date | None, exempt: bool) -> None:
    found = standing(member(gender=gender, pregnant_or_nursing=flag, child_birth_date=child))
    assert (found == ("exempt", ("E4",))) is exempt


def test_e6_other_schools_and_rural_years() -> None:
    assert standing(member(other_schools_3y=2)) == ("exempt", ("E6",))
    assert standing(member(other_schools_3y=1))[0] == "due"
    assert standing(member(rural_years=6.0)) == ("exempt", ("E6",))
    assert standing(member(rural_years=6.0), area="town")[0] == "due"  # town is not urban


def test_e6_from_history_rows_adding_up_per_school() -> None:
    from plan_checker import Stint

    split = (Stint("一小", "rural", date(2005, 9, 1), date(2007, 3, 1)),
             Stint("一小", "rural", date(2010, 3, 1), date(2011, 9, 1)),
             Stint("二小", "town", date(2011, 9, 1), date(2014, 9, 1)))  # fmt: skip
    assert standing(member(history=split)) == ("exempt", ("E6",))  # 3 years at each of two schools
    assert standing(member(history=split[:2]))[0] == "due"
    assert standing(member(history=split), e6_years_each=4)[0] == "due"


def test_e7_final_and_override_due_over_e1_e2_e3_e6_not_e4_e5() -> None:
    assert standing(member(override="exempt", volunteer=True)) == ("exempt", ("E7",))
    assert not assess(member(override="exempt", volunteer=True), None, Params(EFFECTIVE)).movable
    assert assess(member(project_lead_approved=True, volunteer=True), None, Params(EFFECTIVE)).movable
    forced = member(
        override="due", birth_date=date(1960, 1, 1), project_lead_approved=True, other_schools_3y=3
    )
    assert standing(forced) == ("due", ("T1",))
    assert standing(member(override="due", medical_exemption=True)) == ("exempt", ("E5",))
    assert standing(member(birth_date=date(1960, 1, 1), medical_exemption=True)) == ("exempt", ("E2", "E5"))


# --------------------------------------------------------------------------- the eligibility sheet


def eligibility_rows(case: Case, **shown: tuple[str, str]) -> list[Row]:
    """The sheet as the rules give it (12 years' tenure, age 42), with some rows shown otherwise."""
    rows = []
    for p in case.staff:
        status, reasons = shown.get(str(p["staff_id"]), ("due", "T1"))
        age = 42 if p["birth_date"] == date(1985, 3, 1) else None  # blank: not compared
        rows.append({"staff_id": p["staff_id"], "name": p["name"], "school_id": p["school_id"],
                     "status": status, "reasons": reasons, "tenure_years": 12, "age": age})  # fmt: skip
    return rows


def test_eligibility_sheet_agrees_with_the_rules(check: Check) -> None:
    assert check(PAIR, eligibility=eligibility_rows(PAIR)) == []
    wrong = check(PAIR, eligibility=eligibility_rows(PAIR, a1=("not_due", "")))
    assert ids(wrong) == {"T1"}
    assert "a1" in wrong[0]


def test_eligibility_sheet_masks_e4_and_e5_as_e_star(check: Check) -> None:
    sick = person("s1", "A", medical_exemption=True, birth_date=date(1960, 1, 1))  # E2;E5
    case = PAIR.plus(sick)
    assert check(case, eligibility=eligibility_rows(case, s1=("exempt", "E*"))) == []
    assert check(case, eligibility=eligibility_rows(case, s1=("exempt", "E5;E2"))) == []  # shown in full
    partly = check(case, eligibility=eligibility_rows(case, s1=("exempt", "E2")))
    assert ids(partly) == {"E5"}
    masked_wrongly = check(PAIR, eligibility=eligibility_rows(PAIR, a1=("exempt", "E*")))
    assert ids(masked_wrongly) == {"T1"}


def test_eligibility_sheet_names_the_mother_whose_flag_was_left_blank(check: Check) -> None:
    mother = person("n1", "A", child_birth_date=date(2027, 6, 1))
    case = PAIR.plus(mother)
    assert ids(check(case, eligibility=eligibility_rows(case))) == {"E4"}
    assert check(case, eligibility=eligibility_rows(case, n1=("暂不纳入", "E*"))) == []


def test_eligibility_sheet_in_chinese_with_locked_people_and_years(check: Check) -> None:
    m1 = person("m1", "A", post="middle_manager", home="B", exchange_start_date=date(2025, 9, 1))
    case = PAIR.plus(m1)
    rows = eligibility_rows(case, m1=("交流中", "S1"), a1=("应交流", "T1"))
    assert check(case, eligibility=rows) == []
    rows[0]["age"] = 43
    assert ids(check(case, eligibility=rows)) == {"Contract"}
    missing = check(case, eligibility=rows[1:])
    assert any("no row" in m for m in missing)


def test_unmoved_due_lists_exactly_the_due_people_who_stay(check: Check) -> None:
    staying = [p for p in PAIR.staff if p["staff_id"] not in ("a1", "b1")]
    listed = [{"staff_id": p["staff_id"], "school_id": p["school_id"], "reason": "C4"} for p in staying]
    assert check(PAIR, SWAP, unmoved_due=listed) == []
    assert ids(check(PAIR, SWAP, unmoved_due=listed[1:])) == {"Contract"}
    assert ids(check(PAIR, SWAP, unmoved_due=[*listed, {"staff_id": "a1", "school_id": "A"}])) == {"Contract"}


def test_schools_sheet_headcounts_and_key_teachers(check: Check) -> None:
    rows = [{"school_id": s, "headcount_before": 5, "headcount_after": 5, "key_before": 0, "key_after": 0}
            for s in ("A", "B")]  # fmt: skip
    assert check(PAIR, SWAP, schools=rows) == []
    rows[0]["headcount_after"] = 4
    assert ids(check(PAIR, SWAP, schools=rows)) == {"Contract"}


def obligation(rule: str, group_id: str | None, school_id: str | None, part: str | None,
               required: int, achieved: int, met: str) -> Row:  # fmt: skip
    return {"rule": rule, "group_id": group_id, "school_id": school_id, "part": part,
            "required": required, "achieved": achieved, "met": met}  # fmt: skip


def test_obligations_sheet_agrees_with_the_plan_in_either_language(check: Check) -> None:
    # The swap sends a1 from urban A to town B (G4: 1 of [3, 5]) and rotates one due person from each.
    rows = [
        obligation("G4", "U", None, None, 3, 1, "否"),
        obligation("N1", None, "A", None, 1, 1, "是"),
        obligation("N1", None, "A", "骨干", 1, 0, "否"),
        obligation("N1", None, "B", "key", 1, 0, "no"),
        obligation("G1", "U", "B", "管理团队", 3, 7, "是"),  # G1 is a split of the solver's: not recounted
    ]
    assert check(PAIR, SWAP, obligations=rows) == []
    miscounted = [obligation("G4", "U", None, None, 3, 2, "否")]
    assert ids(check(PAIR, SWAP, obligations=miscounted)) == {"Contract"}
    claimed = [obligation("N1", None, "A", "骨干", 1, 0, "是")]
    assert ids(check(PAIR, SWAP, obligations=claimed)) == {"Contract"}
    over_the_top = [obligation("G4", "U", None, None, 0, 1, "yes")]  # G4's maximum is part of it
    assert ids(check(PAIR, SWAP, obligations=over_the_top, alliance_min=0, alliance_max=0)) == {"Contract"}


def test_obligations_sheet_recounts_g3_g6_and_g7(check: Check) -> None:
    maths = person("p1", "Q", "数学", "senior", home="P", senior3=True)
    rows = [
        obligation("G6", "H", "Q", "数学:P->Q", 1, 1, "是"),
        obligation("G6", "H", "P", "数学:Q->P", 1, 0, "否"),
    ]
    assert check(HS.plus(maths), obligations=rows) == []
    assert ids(check(HS.plus(maths), obligations=[{**rows[1], "achieved": 1, "met": "是"}])) == {"Contract"}
    kg = Case(
        [school("K", "kindergarten"), school("K1", "kindergarten", "rural")],
        group("KG", "kindergarten", "K", "K1"),
        [person("g1", "K1", band="kindergarten", home="K")],
    )
    assert check(kg, obligations=[obligation("G7", "KG", "K1", None, 1, 1, "是")]) == []
    assert check(kg, obligations=[obligation("G7", "KG", "K1", None, 1, 2, "是")]) != []
    back = person("s2", "L", post="middle_manager", home="M")
    g3 = [obligation("G3", "T", "M", "中层干部:小学低段", 1, 1, "是")]
    assert check(tight(sent("s1", post="middle_manager"), back), obligations=g3) == []
    assert check(tight(sent("s1", post="middle_manager")), obligations=g3) != []


# --------------------------------------------------------------------------- P1, P2

# pa, pb: due principals (in post since 2015) of A and B; pj of junior school J; px of D, in no group.
pa = person("pa", "A", None, None, post="principal")
pb = person("pb", "B", None, None, post="principal")
pj = person("pj", "J", None, None, post="principal")
pd = person("pd", "D", None, None, post="principal")
HEADS = Case([*PAIR.schools, school("J", "junior"), school("D")], PAIR.groups, [*PAIR.staff, pa, pb, pj, pd])


def test_p1_principals_swap_within_the_stage_district_wide(check: Check) -> None:
    # pa goes urban → town inside alliance U: it counts in G4 (principals count too), its code.
    assert check(HEADS, [move(pa, "B", "G4"), move(pb, "A", "T2")]) == []
    # A and D share no group: under principal_scope = district the swap is still allowed.
    assert check(HEADS, [move(pa, "D", "T2"), move(pd, "A", "T2")]) == []


def test_p1_every_school_keeps_its_principal(check: Check) -> None:
    messages = about("P1", check(HEADS, [move(pa, "B", "T2")]))
    assert len(messages) == 2
    assert "school A" in messages[0] and "pa leaving" in messages[0]
    assert "school B" in messages[1]


def test_p1_a_school_without_a_principal_may_receive_one(check: Check) -> None:
    # C has none: receiving pa is fine for C; only A, which loses its head, is named.
    messages = about("P1", check(HEADS, [move(pa, "C", "T2")]))
    assert len(messages) == 1 and "school A" in messages[0]
    two = about("P1", check(HEADS, [move(pa, "C", "T2"), move(pd, "C", "T2")]))
    assert any("school C" in m for m in two)


def test_p1_same_stage_and_principal_scope(check: Check) -> None:
    messages = about("P1", check(HEADS, [move(pa, "J", "T2"), move(pj, "A", "T2")]))
    assert len(messages) == 2 and all("same stage" in m for m in messages)
    assert about("P1", check(HEADS, [move(pa, "D", "T2"), move(pd, "A", "T2")], principal_scope="group"))
    assert check(HEADS, [move(pa, "B", "G4"), move(pb, "A", "T2")], principal_scope="group") == []


# A tight group: lead L (urban), member M (rural). vl, ml, kl: a vice principal, a middle manager and a
# key teacher of L, all due; tl a plain teacher of L; mm a teacher of M.
vl = person("vl", "L", None, None, post="vice_principal")
ml = person("ml", "L", "数学", post="middle_manager")
kl = person("kl", "L", "英语", honor="city")
tl = person("tl", "L", "音乐")
mm = person("mm", "M", "音乐")
TIGHT_GROUP = group("T", "tight", "L", "M")
TEAM_CASE = Case([school("L"), school("M", area="rural")], TIGHT_GROUP, [vl, ml, kl, tl, mm])


def test_p2_host_posts_of_a_tight_lead_sending_to_a_member(check: Check) -> None:
    right = [
        move(vl, "M", "G1", "T", host="executive_principal"),
        move(ml, "M", "G1", "T", host="vice_principal"),
        move(kl, "M", "G1", "T", host="middle_manager"),
        move(tl, "M", "T1", "T"),
        move(mm, "L", "G3", "T"),
    ]
    assert about("P2", check(TEAM_CASE, right)) == []
    for index, wrong in ((0, "vice_principal"), (1, "middle_manager"), (2, "teacher")):
        rows = [*right]
        rows[index] = {**rows[index], "host_post": wrong}
        assert len(about("P2", check(TEAM_CASE, rows))) == 1, index
    promoted = [*right[:4], {**right[4], "host_post": "middle_manager"}]  # member → lead: own post
    assert about("P2", check(TEAM_CASE, promoted))


def test_p2_in_chinese_blank_on_returns_and_a_missing_column(check: Check, tmp_path: Path) -> None:
    chinese = [{**move(vl, "M", "G1", "T"), "host_post": "执行校长"}]
    assert about("P2", check(TEAM_CASE, chinese)) == []
    assert about("P2", check(WITH_RETURNING, [{**home(r1), "host_post": "教师"}]))
    plan = write_book(tmp_path / "v1.xlsx", {
        "assignments": (PLAN_COLUMNS["assignments"][:-1], SWAP),
        "walking": (PLAN_COLUMNS["walking"], []), "run": (PLAN_COLUMNS["run"], run_rows())})  # fmt: skip
    messages = check_plan_workbook(write_input(tmp_path / "in.xlsx", PAIR), plan)
    assert messages == ["P2: the assignments sheet has no host_post (挂职岗位) column."]


# --------------------------------------------------------------------------- C1-C4


def test_c1_without_minimums_no_subject_taught_today_drops_to_zero(check: Check) -> None:
    # a4 is A's only English teacher: swapping a4 for a Chinese teacher leaves A with no English.
    assert ids(check(PAIR, [move(a4, "B", "G4", "U"), move(b1, "A", "T1", "U")])) == {"C1"}
    assert check(PAIR, [move(a4, "B", "G4", "U"), move(b4, "A", "T1", "U")]) == []


def test_c1_with_minimums_only_its_rows_apply(check: Check) -> None:
    # A has two Chinese teachers (a1, a3); the row asks for 3, so C1 keeps today's 2.
    case = PAIR.plus(minimums=[{"school_id": "A", "subject": "语文", "min_teachers": 3}])
    assert about("C1", check(case, [move(a1, "B", "G4", "U"), move(b2, "A", "T1", "U")]))
    assert check(case, SWAP) == []
    # No row for English: A may lose its only English teacher.
    assert check(case, [move(a4, "B", "G4", "U"), move(b1, "A", "T1", "U")]) == []


def test_c1_minimums_by_band(check: Check) -> None:
    upper = person("a6", "A", "语文", "primary_upper")
    case = PAIR.plus(
        upper, minimums=[{"school_id": "A", "subject": "语文", "band": "小学高段", "min_teachers": 1}]
    )
    assert about("C1", check(case, [move(upper, "B", "G4", "U"), move(b1, "A", "T1", "U")]))
    assert not about("C1", check(case, SWAP))


def test_c2_headcount_stays_between_net_loss_and_quota(check: Check) -> None:
    one_way = [SWAP[0]]  # A: 5 → 4, B: 5 → 6
    messages = about("C2", check(PAIR, one_way))
    assert len(messages) == 2  # A below, B above
    roomy = Case([school("A"), school("B", area="town", staff_quota=6), school("C")], PAIR.groups, PAIR.staff)
    assert check(roomy, one_way, max_net_loss=1) == []


def test_c3_moves_stay_in_a_shared_group(check: Check) -> None:
    assert about("C3", check(PAIR, [move(a1, "C", "T1"), move(c1, "A", "T1")]))
    named = [{**SWAP[0], "group_id": "NOPE"}, SWAP[1]]
    assert ids(check(PAIR, named)) == {"C3"}


def test_c3_district_scope_frees_due_people_of_schools_in_no_group(check: Check) -> None:
    # c1 works at C, in no group: with destination_scope = district it may go to A; a1 may not go to C.
    swap = [move(c1, "A", "T1"), move(a1, "C", "T1")]
    messages = about("C3", check(PAIR, swap, destination_scope="district"))
    assert len(messages) == 1 and "a1" in messages[0]


ALLIANCE_V = group("V", "alliance", "A", "J")


def test_c3_destination_teaches_the_band(check: Check) -> None:
    # Alliance V pairs A (urban, primary) with J (town, junior): the direction holds, the bands do not.
    case = Case([*PAIR.schools, school("J", "junior", "town")], [*PAIR.groups, *ALLIANCE_V],
                [*PAIR.staff, person("j1", "J", band="junior")])  # fmt: skip
    j1 = case.staff[-1]
    messages = about("C3", check(case, [move(a1, "J", "G4", "V"), move(j1, "A", "T1", "V")]))
    assert len(messages) == 2  # primary_lower not taught at J; junior not taught at A


def test_c3_blank_band_leader_moves_to_the_same_stage(check: Check) -> None:
    case = Case([*PAIR.schools, school("J", "junior", "town")], [*PAIR.groups, *ALLIANCE_V], PAIR.staff)
    va, vb, vj = (person(f"v{s}", s.upper(), None, None, post="vice_principal") for s in "abj")
    case = case.plus(va, vb, vj)
    assert about("C3", check(case, [move(va, "J", "G4", "V"), move(vj, "A", "T2", "V")]))
    assert about("C3", check(case, [move(va, "B", "G4", "U"), move(vb, "A", "T2", "U")])) == []


# Directions: tight L → M1, M2; alliance X (urban), Y (town), Z (rural), X2 (urban);
# kindergarten lead K → K1, K2; township central R → R1, R2.
DIRECTIONS = Case(
    [school("L"), school("M1", area="rural"), school("M2", area="rural"), school("X"),
     school("Y", area="town"), school("Z", area="rural"), school("X2"),
     school("K", "kindergarten"), school("K1", "kindergarten", "rural"),
     school("K2", "kindergarten", "rural"),
     school("R", area="town"), school("R1", area="rural"), school("R2", area="rural")],
    [*group("T", "tight", "L", "M1", "M2"), *group("AL", "alliance", "X", "Y", "Z", "X2"),
     *group("KG", "kindergarten", "K", "K1", "K2"), *group("RR", "rural", "R", "R1", "R2")],
    [person(f"{s.lower()}1", s, band="kindergarten" if s.startswith("K") else "primary_lower")
     for s in ("L", "M1", "M2", "X", "Y", "Z", "X2", "K", "K1", "K2", "R", "R1", "R2")],
)  # fmt: skip
STAFF = {p["staff_id"]: p for p in DIRECTIONS.staff}


@pytest.mark.parametrize(
    ("sender", "receiver", "allowed"),
    [
        ("l1", "M1", True), ("m11", "L", True), ("m11", "M2", False),  # tight: lead ↔ member only
        ("x1", "Y", True), ("z1", "X", True), ("y1", "Z", False), ("x1", "X2", False),  # alliance
        ("k1", "K1", True), ("k11", "K", True), ("k11", "K2", False),  # kindergarten: like tight
        ("r11", "R2", True), ("r1", "R1", True),  # township alliance: any two of its schools
    ],
)  # fmt: skip
def test_c3_directions_per_group_kind(check: Check, sender: str, receiver: str, allowed: bool) -> None:
    who = STAFF[sender]
    messages = about("C3", check(DIRECTIONS, [move(who, receiver)]))
    assert (messages == []) is allowed, messages


def test_c3_named_group_must_hold_both_schools(check: Check) -> None:
    assert about("C3", check(DIRECTIONS, [move(STAFF["x1"], "Y", "G4", "T")]))
    assert not about("C3", check(DIRECTIONS, [move(STAFF["x1"], "Y", "G4", "AL")]))


# A high-school pair: P and Q (senior). Every teacher or middle manager moved between them has senior-3.
HS = Case([school("P", "senior"), school("Q", "senior", "town")], group("H", "hs_pair", "P", "Q"), [])


def test_g6_senior3_condition_on_every_move_between_paired_schools(check: Check) -> None:
    plain = person("p1", "P", "数学", "senior")
    music = person("p2", "P", "音乐", "senior")
    manager = person("p3", "P", "历史", "senior", post="middle_manager")
    vice = person("p4", "P", None, None, post="vice_principal")
    seasoned = person("p5", "P", "数学", "senior", senior3=True)
    case = HS.plus(plain, music, manager, vice, seasoned)
    for who in (plain, music, manager):
        messages = about("G6", check(case, [move(who, "Q")]))  # G6 soft: the condition still holds
        assert len(messages) == 1 and "senior-3" in messages[0], who["staff_id"]
    assert about("G6", check(case, [move(vice, "Q", "T2")])) == []
    assert about("G6", check(case, [move(seasoned, "Q", "G6", "H")])) == []


def test_c4_outflow_ratio_counts_new_moves_not_returns(check: Check) -> None:
    # A has 5 staff: floor(0.2 × 5) = 1 may leave. Two swaps move two out of each school.
    two_each = [*SWAP, move(a2, "B", "G4", "U"), move(b2, "A", "T1", "U")]
    messages = check(PAIR, two_each)
    assert ids(messages) == {"C4"} and len(messages) == 2
    assert check(PAIR, two_each, max_outflow_ratio=0.4) == []
    # r1 returning home from A does not count against A's one new move (a1).
    assert not about("C4", check(WITH_RETURNING, [home(r1), *SWAP], max_net_loss=1))


# --------------------------------------------------------------------------- move codes


def test_codes_contingents_come_first(check: Check) -> None:
    # kl (key teacher, due) L → M counts in G1 or G2, so T1 is not its code; ml (not key) only in G1.
    assert about("T1", check(TEAM_CASE, [move(kl, "M", "T1", "T", host="middle_manager")]))
    for code in ("G1", "G2"):
        assert not about(code, check(TEAM_CASE, [move(kl, "M", code, "T", host="middle_manager")]))
    assert about("G2", check(TEAM_CASE, [move(ml, "M", "G2", "T", host="vice_principal")]))
    assert about("G1", check(TEAM_CASE, [move(tl, "M", "G1", "T")]))  # not in the team


def test_codes_g3_member_to_lead_and_g4_urban_to_town(check: Check) -> None:
    assert about("T1", check(TEAM_CASE, [move(mm, "L", "T1", "T")]))
    assert not about("G3", check(TEAM_CASE, [move(mm, "L", "G3", "T")]))
    assert about("T1", check(PAIR, [move(a1, "B", "T1", "U"), SWAP[1]]))
    assert about("G4", check(PAIR, [SWAP[0], move(b1, "A", "G4", "U")]))  # town → urban is not G4


def test_codes_g6_only_on_an_academic_subject(check: Check) -> None:
    pe = person("p1", "P", "体育", "senior", senior3=True)
    maths = person("p2", "P", "数学", "senior", senior3=True)
    case = HS.plus(pe, maths)
    messages = about("G6", check(case, [move(pe, "Q", "G6", "H")]))
    assert len(messages) == 1 and "not an academic subject" in messages[0]
    assert about("T1", check(case, [move(maths, "Q", "T1", "H")]))  # counts in G6 first
    assert about("G6 T1", check(case, [move(pe, "Q", "T1", "H")])) == []


def test_codes_g7_kindergarten_lead_to_member(check: Check) -> None:
    k1 = STAFF["k1"]
    assert about("G7 T1", check(DIRECTIONS, [move(k1, "K1", "G7", "KG")])) == []
    assert about("T1", check(DIRECTIONS, [move(k1, "K1", "T1", "KG")]))
    assert about("G7", check(DIRECTIONS, [move(STAFF["k11"], "K", "G7", "KG")]))  # member → lead


def test_codes_of_people_not_due(check: Check) -> None:
    fresh = dict(start=RECENTLY)
    volunteer = person("v1", "B", volunteer=True, **fresh)  # type: ignore[arg-type]
    plain = person("v2", "B", **fresh)  # type: ignore[arg-type]
    key = person("v3", "B", honor="district", **fresh)  # type: ignore[arg-type]
    case = PAIR.plus(volunteer, plain, key)
    assert coded("V C2", check(case, [move(volunteer, "A", "V")])) == []
    assert coded("C2", check(case, [move(volunteer, "A", "C2")]))
    assert coded("V", check(case, [move(plain, "A", "V")]))
    assert coded("C2", check(case, [move(plain, "A", "C2")])) == []
    assert coded("N1", check(case, [move(key, "A", "N1")])) == []  # B is a town school: N1 applies
    assert coded("T1", check(case, [move(plain, "A", "T1")]))


def test_codes_p1_for_a_principal_not_due(check: Check) -> None:
    new_heads = dict(post="principal", start=date(2022, 9, 1))  # 5 years in post: not due, not E1
    qa = person("qa", "A", None, None, **new_heads)  # type: ignore[arg-type]
    qb = person("qb", "B", None, None, **new_heads)  # type: ignore[arg-type]
    case = PAIR.plus(qa, qb)
    assert check(case, [move(qa, "B", "G4"), move(qb, "A", "P1")]) == []
    assert coded("C2", check(case, [move(qa, "B", "G4"), move(qb, "A", "C2")]))


# --------------------------------------------------------------------------- G1, G2, G3: a tight group

# L leads M; people from L on exchange at M (locked) are the stock. G1 needs 2 (vice principals,
# middle managers or key teachers), G2 one key teacher per primary band and among them 语文, 数学, 英语.
G12 = {"tight_mgmt_team_min": 2, "tight_key_primary_band_min": 1}


def sent(
    staff_id: str, subject: str | None = "语文", band: str | None = "primary_lower", **kw: object
) -> Row:
    """Someone from lead L on exchange at member M whose stint runs on (locked): part of the stock."""
    return person(staff_id, "M", subject, band, home="L", **kw)  # type: ignore[arg-type]


def key(staff_id: str, subject: str, band: str) -> Row:
    return sent(staff_id, subject, band, honor="city")


KEYS = [
    key("k1", "语文", "primary_lower"),
    key("k2", "数学", "primary_middle"),
    key("k3", "英语", "primary_upper"),
]
TEAM = [sent("t1", post="middle_manager"), sent("t2", None, None, post="vice_principal")]


def tight(*staff: Row, member_stage: str = "primary") -> Case:
    return Case([school("L"), school("M", member_stage, "rural")], TIGHT_GROUP, list(staff))


def test_g1_g2_kept_by_a_full_stock(check: Check) -> None:
    assert about("G1 G2", check(tight(*KEYS, *TEAM), hard="G1 G2", **G12)) == []


def test_g1_management_team_too_small(check: Check) -> None:
    assert ids(check(tight(*KEYS, TEAM[0]), hard="G1 G2", **G12)) == {"G1"}
    assert check(tight(*KEYS, TEAM[0]), hard="G2", **G12) == []  # soft G1: no message


def test_g2_every_primary_band_needs_its_key_teachers(check: Check) -> None:
    messages = check(tight(*KEYS[:2], *TEAM), hard="G2", **G12)
    assert ids(messages) == {"G2"}
    assert any("primary_upper" in m for m in messages)
    assert any("英语" in m for m in messages)  # k3 was also the only English teacher


def test_g2_core_subjects_among_primary_key_teachers(check: Check) -> None:
    no_english = [*KEYS[:2], key("k3", "音乐", "primary_upper")]
    messages = check(tight(*no_english, *TEAM), hard="G2", **G12)
    assert len(messages) == 1 and messages[0].startswith("G2:") and "英语" in messages[0]


def test_g2_junior_quota_for_a_member_that_teaches_junior(check: Check) -> None:
    juniors = [key(f"y{i}", "数学", "junior") for i in range(2)]
    case = tight(*KEYS, *TEAM, *juniors, member_stage="nine_year")
    assert check(case, hard="G2", tight_key_junior_min=2, **G12) == []
    assert ids(check(case, hard="G2", tight_key_junior_min=3, **G12)) == {"G2"}


def test_g1_g2_contingents_are_separate(check: Check) -> None:
    # Each holds alone: 4 team-eligible ≥ 2, and 3 key teachers meet G2. But G2 needs all 3 key
    # teachers, which leaves 1 for the team.
    assert check(tight(*KEYS, TEAM[0]), hard="G2", **G12) == []
    messages = check(tight(*KEYS, TEAM[0]), hard="G1 G2", **G12)
    assert ids(messages) == {"G1"} and "G2" in messages[0]
    extra = key("k4", "音乐", "primary_lower")  # one more key teacher (any subject) frees a team place
    assert check(tight(*KEYS, extra, TEAM[0]), hard="G1 G2", **G12) == []


def test_g1_g2_split_is_found_where_a_greedy_choice_fails(check: Check) -> None:
    # Key teachers: lower 语文 and 数学, middle 数学 and 英语, upper 语文. G2 can be met by three
    # (lower 数学, middle 英语, upper 语文), leaving 2 key teachers + 1 middle manager = 3 for a team
    # of 3. Taking the first of each band (lower 语文, middle 数学) would need a fourth for 英语.
    stock = [key("k1", "语文", "primary_lower"), key("k2", "数学", "primary_lower"),
             key("k3", "数学", "primary_middle"), key("k4", "英语", "primary_middle"),
             key("k5", "语文", "primary_upper"), TEAM[0]]  # fmt: skip
    assert check(tight(*stock), hard="G1 G2", **{**G12, "tight_mgmt_team_min": 3}) == []
    assert ids(check(tight(*stock), hard="G1 G2", **{**G12, "tight_mgmt_team_min": 4})) == {"G1"}


def test_g1_g2_rule_code_of_a_new_move_pins_the_contingent(check: Check) -> None:
    # k1 (the only lower key teacher) moves from L to M under rule G1: it cannot count for G2.
    k1 = person("k1", "L", "语文", "primary_lower", honor="city")
    case = tight(k1, *KEYS[1:], *TEAM)
    assert about("G2", check(case, [move(k1, "M", "G1", "T", host="middle_manager")], hard="G1 G2", **G12))
    assert (
        about("G1 G2", check(case, [move(k1, "M", "G2", "T", host="middle_manager")], hard="G1 G2", **G12))
        == []
    )


def test_g3_reciprocity_per_post_class_and_band(check: Check) -> None:
    out = sent("s1", post="middle_manager")
    back = person("s2", "L", post="middle_manager", home="M")
    assert check(tight(out, back), hard="G3") == []
    other_band = person("s2", "L", band="primary_upper", post="middle_manager", home="M")
    messages = check(tight(out, other_band), hard="G3")
    assert ids(messages) == {"G3"} and len(messages) == 2  # lower: 0 back for 1 out; upper: 1 for 0
    teacher_back = person("s2", "L", home="M")
    assert ids(check(tight(out, teacher_back), hard="G3")) == {"G3"}
    assert check(tight(out, teacher_back)) == []  # G3 soft


def test_g3_counts_new_moves_both_ways(check: Check) -> None:
    out, back = person("s1", "L"), person("s2", "M")
    assert check(tight(out, back), [move(out, "M", "T1", "T"), move(back, "L", "G3", "T")], hard="G3") == []
    assert about("G3", check(tight(out, back), [move(out, "M", "T1", "T")], hard="G3"))


# --------------------------------------------------------------------------- G4, G5, G6, G7


def alliance(*staff: Row) -> Case:
    return Case([school("X"), school("Y", area="town"), school("Z", area="rural")],
                group("AL", "alliance", "X", "Y", "Z"), list(staff))  # fmt: skip


def test_g4_alliance_between_min_and_max_at_town_and_rural_schools(check: Check) -> None:
    out = [person("u1", "Y", home="X", post="middle_manager"), person("u2", "Z", home="X"),
           person("u3", "Z", home="X")]  # fmt: skip
    for count, fine in ((0, False), (1, True), (2, True), (3, False)):
        messages = about("G4", check(alliance(*out[:count]), hard="G4", alliance_min=1, alliance_max=2))
        assert (messages == []) is fine, count


def test_g4_leaders_or_middle_managers_among_them(check: Check) -> None:
    teachers = [person("u1", "Y", home="X"), person("u2", "Z", home="X"), person("u3", "Z", home="X")]
    messages = about("G4", check(alliance(*teachers), hard="G4"))
    assert len(messages) == 1 and "alliance_leader_min" in messages[0]
    assert check(alliance(*teachers), hard="G4", alliance_leader_min=0) == []
    with_head = [*teachers[:2], person("u3", "Z", None, None, home="X", post="principal")]  # principals count
    assert check(alliance(*with_head), hard="G4") == []


# R (central, town, primary) teaches 语文 and 音乐 in primary bands, and 物理 in junior (not a primary
# band). S is a small primary school with only a 语文 teacher: it needs 音乐, its own or walked from R.
CENTRAL = [person("c1", "R", "语文"), person("c2", "R", "音乐"), person("c3", "R", "物理", "junior")]
SMALL = [person("s1", "S", "语文"), person("s2", "S2", "语文"), person("s3", "S2", "音乐")]
TOWNSHIP = Case(
    [school("R", "nine_year", "town"), school("S", area="rural", small_school=True),
     school("S2", area="rural", small_school=True)],
    group("RG", "rural", "R", "S", "S2"), CENTRAL + SMALL,
)  # fmt: skip


def walk(staff_id: str, school_id: str, subject: str, home_school_id: str = "R") -> Row:
    return {
        "staff_id": staff_id,
        "home_school_id": home_school_id,
        "school_id": school_id,
        "subject": subject,
    }


MUSIC_WALK = walk("c2", "S", "音乐")


def test_g5_small_school_curriculum_by_own_or_walking_teacher(check: Check) -> None:
    messages = check(TOWNSHIP, hard="G5")
    assert ids(messages) == {"G5"} and len(messages) == 1 and "音乐" in messages[0]
    assert check(TOWNSHIP, walks=[MUSIC_WALK], hard="G5") == []
    assert check(TOWNSHIP) == []  # G5 soft


def test_g5_walking_teacher_of_that_subject_and_band_at_the_central_school(check: Check) -> None:
    assert about("G5", check(TOWNSHIP, walks=[walk("c1", "S", "音乐")], hard="G5"))  # c1 teaches 语文
    assert about("G5", check(TOWNSHIP, walks=[walk("s3", "S", "音乐", "S2")], hard="G5"))  # not central
    assert about("G5", check(TOWNSHIP, walks=[MUSIC_WALK, walk("c2", "R", "音乐")]))  # R is not small
    assert about("G5", check(TOWNSHIP, walks=[MUSIC_WALK, walk("c3", "S", "物理")]))  # junior band


def test_g5_walking_teacher_is_a_teacher_or_manager_without_e4_or_e5(check: Check) -> None:
    nursing = person("c4", "R", "美术", child_birth_date=date(2027, 6, 1))
    vice = person("c5", "R", "美术", post="vice_principal")
    case = TOWNSHIP.plus(nursing, vice)
    assert about("G5", check(case, walks=[walk("c4", "S", "美术")]))
    assert about("G5", check(case, walks=[walk("c5", "S", "美术")]))


def test_g5_walking_teacher_keeps_the_home_post(check: Check) -> None:
    # c2 moves to S2 this summer: it no longer works at the central school.
    c2, s3 = CENTRAL[1], SMALL[2]
    moved_away = [move(c2, "S2", "T1", "RG"), move(s3, "R", "T1", "RG")]
    assert ids(check(TOWNSHIP, moved_away, [MUSIC_WALK], hard="G5")) == {"G5"}


def test_g5_walk_max_schools_even_when_soft(check: Check) -> None:
    both = [MUSIC_WALK, walk("c2", "S2", "音乐")]
    assert check(TOWNSHIP, walks=both, hard="G5") == []
    messages = check(TOWNSHIP, walks=both, walk_max_schools=1)
    assert ids(messages) == {"G5"} and "walk_max_schools" in messages[0]


def test_c1_walking_teachers_do_not_count(check: Check) -> None:
    # S's only 语文 teacher moves to R; a walking 语文 teacher from R does not keep C1.
    s1, c2 = SMALL[0], CENTRAL[1]
    messages = check(
        TOWNSHIP, [move(s1, "R", "T1", "RG"), move(c2, "S", "T1", "RG")], [walk("c1", "S", "语文")]
    )
    assert any("school S teaches 语文" in m for m in about("C1", messages))
    assert about("G5", messages) == []


def test_g6_each_academic_subject_each_way_with_senior3_experience(check: Check) -> None:
    def exchange(sender: str, receiver: str, senior3: bool = True) -> list[Row]:
        return [person(f"{sender}{i}", receiver, subject, "senior", home=sender, senior3=senior3)
                for i, subject in enumerate(G6_SUBJECTS)]  # fmt: skip

    assert check(HS.plus(*exchange("P", "Q"), *exchange("Q", "P")), hard="G6") == []
    messages = check(HS.plus(*exchange("P", "Q")), hard="G6")
    assert ids(messages) == {"G6"} and len(messages) == len(G6_SUBJECTS)
    inexperienced = HS.plus(*exchange("P", "Q"), *exchange("Q", "P", senior3=False))
    assert len(check(inexperienced, hard="G6")) == len(G6_SUBJECTS)


def test_g7_each_member_kindergarten_receives_from_the_lead(check: Check) -> None:
    case = Case([school("K", "kindergarten"), school("K1", "kindergarten", "rural"),
                 school("K2", "kindergarten", "rural")], group("KG", "kindergarten", "K", "K1", "K2"),
                [person("g1", "K1", band="kindergarten", home="K")])  # fmt: skip
    messages = check(case, hard="G7")
    assert ids(messages) == {"G7"} and len(messages) == 1 and "K2" in messages[0]
    assert check(case) == []  # soft
    assert len(check(case, hard="G7", kg_exchange_min=2)) == 2
    g2, g3 = person("g2", "K", band="kindergarten"), person("g3", "K2", band="kindergarten")
    assert check(case.plus(g2, g3), [move(g2, "K2", "G7", "KG"), move(g3, "K", "T1", "KG")], hard="G7") == []


# --------------------------------------------------------------------------- N1


N1_PAIR = Case(PAIR.schools[:2], PAIR.groups, STAFF_A + STAFF_B)


def test_n1_only_when_hard_at_urban_town_and_quality_schools(check: Check) -> None:
    # A (urban) and B (town) have 5 due people each: ceil(0.1 × 5) = 1 must rotate from each.
    assert check(N1_PAIR) == []
    messages = check(N1_PAIR, hard="N1")
    assert ids(messages) == {"N1"} and len(messages) == 2
    rural = Case([school("A", area="rural"), school("B", area="rural", category="quality")],
                 PAIR.groups, STAFF_A + STAFF_B)  # fmt: skip
    messages = check(rural, hard="N1")
    assert len(messages) == 1 and "school B" in messages[0]


def test_n1_rotation_share_and_key_share(check: Check) -> None:
    # The swap rotates one due person from A and one from B, but none is a key teacher: ceil(0.2 × 1) = 1.
    messages = check(N1_PAIR, SWAP, hard="N1")
    assert ids(messages) == {"N1"} and len(messages) == 2 and all("key" in m for m in messages)
    star_a, star_b = person("a9", "A", honor="district"), person("b9", "B", honor="district")
    stars = [move(star_a, "B", "G4", "U"), move(star_b, "A", "T1", "U")]
    assert check(N1_PAIR.plus(star_a, star_b), stars, hard="N1") == []


# --------------------------------------------------------------------------- reading the workbooks

ZH_SHEETS = {"schools": "学校", "groups": "集团", "staff": "教职工", "parameters": "参数"}
ZH_HEADERS = {
    "school_id": "学校代码", "name": "姓名", "stage": "学段", "area": "城乡类型", "students": "在校生数",
    "group_id": "集团代码", "group_name": "集团名称", "kind": "类型", "role": "角色", "staff_id": "工号",
    "gender": "性别", "birth_date": "出生日期", "school_start_date": "到校时间", "post": "岗位",
    "subject": "任教学科", "band": "任教学段", "id_number": "身份证号", "volunteer": "自愿交流",
    "key": "参数", "value": "值",
}  # fmt: skip


def test_read_input_in_chinese_with_a_title_row_id_numbers_and_text_dates(tmp_path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    rows = {
        "schools": [["school_id", "name", "stage", "area", "students"], ["A", "甲校", "小学", "城区", 500],
                    ["B", "乙校", "小学", "镇区", 300]],
        "groups": [["group_id", "group_name", "kind", "school_id", "role"],
                   ["U", "联盟", "城乡联盟", "A", "牵头"],
                   ["U", "联盟", "城乡联盟", "B", "成员"]],
        "staff": [["staff_id", "name", "id_number", "gender", "birth_date", "school_id", "school_start_date",
                   "post", "subject", "band", "volunteer", "extra column"],
                  ["007", "张三", "41130319850301002X", None, None, "A", "2015年9月", "教师", "语文",
                   "小学低段",
                   "√", "ignored"],
                  ["008", "李四", None, "男", "1980.03.01", "B", "2015/9/1", "中层干部", "数学", "小学高段",
                   None, None]],
        "parameters": [["key", "value"], ["effective_date", "2027-09-01"], ["soft", "G4"]],
    }  # fmt: skip
    for name, table in rows.items():
        sheet = book.create_sheet(f"  {ZH_SHEETS[name]}\u3000")
        if name == "staff":
            sheet.append(["2027 年教职工名册"])  # a title row above the header
            sheet.append([])
        headers = {**ZH_HEADERS, "name": "学校名称"} if name == "schools" else ZH_HEADERS
        for i, cells in enumerate(table):
            sheet.append([headers.get(c, c) if i == 0 else c for c in cells])
    book.save(tmp_path / "in.xlsx")
    district = read_input(tmp_path / "in.xlsx")
    assert district.groups["U"].lead == "A" and district.groups["U"].kind == "alliance"
    zhang, li = district.staff
    assert (zhang.staff_id, zhang.gender, zhang.birth_date, zhang.school_start_date, zhang.volunteer) == (
        "007", "F", date(1985, 3, 1), date(2015, 9, 1), True,
    )  # fmt: skip
    assert (li.gender, li.birth_date, li.post, li.band, li.volunteer) == (
        "M", date(1980, 3, 1), "middle_manager", "primary_upper", False,
    )  # fmt: skip
    assert district.parameters["soft"] == "G4"


def test_read_input_refuses_a_bad_code_with_its_place(tmp_path: Path) -> None:
    bad = PAIR.plus(person("z1", "A", band="college"))
    with pytest.raises(PlanReadError) as error:
        read_input(write_input(tmp_path / "in.xlsx", bad))
    assert any("row 13" in p and "college" in p for p in error.value.problems)


def stint(school_name: str, area: str, start: str, end: str | None) -> Row:
    return {"staff_id": "e1", "school_name": school_name, "area": area, "start_date": start, "end_date": end}


def test_history_sheet_gives_e6(check: Check) -> None:
    # e1 worked 3 years at each of two other schools (one as two rows, one ending blank: up to the start).
    e1 = person("e1", "B", start=date(2016, 9, 1))
    history = [
        stint("一小", "rural", "2008-09", "2010-03"),
        stint("一小", "rural", "2011-03", "2012-09"),
        stint("二小", "town", "2013-09", None),
        stint("学校B", "town", "2000-09", "2008-09"),
    ]  # fmt: skip
    case = Case(PAIR.schools, PAIR.groups, [*PAIR.staff, e1], history)
    assert ids(check(case, [move(e1, "A"), move(a1, "B", "G4", "U")])) == {"E6"}
    fewer = Case(PAIR.schools, PAIR.groups, [*PAIR.staff, e1], history[:2] + history[3:])  # current school
    assert check(fewer, [move(e1, "A"), move(a1, "B", "G4", "U")]) == []


def contract_plan(path: Path, lang: str) -> Path:
    """One move (code cells in ``lang``), a blank row, one return, one walking row."""
    zh = lang == "zh"
    teacher, lower, district, host = ("教师", "小学低段", "区级", "中层干部") if zh else (
        "teacher", "primary_lower", "district", "middle_manager")  # fmt: skip
    moves: list[Row] = [
        {"staff_id": "007", "from_school_id": "A", "to_school_id": "B", "post": teacher, "subject": "语文",
         "band": lower, "honor": district, "rule": "T1", "group_id": "U",
         "effective_date": datetime(2027, 9, 1),
         "earliest_return_date": datetime(2028, 9, 1), "host_post": host},
        {},
        {"staff_id": "r1", "from_school_id": "A", "to_school_id": "B", "post": teacher, "subject": "数学",
         "rule": "S2", "effective_date": datetime(2027, 9, 1)},
    ]  # fmt: skip
    names = {"assignments": "调动名单", "walking": "走教安排"} if zh else {}
    headers = {
        "staff_id": "工号", "name": "姓名", "from_school_id": "原学校代码", "to_school_id": "交流学校代码",
        "post": "岗位", "subject": "任教学科", "band": "任教学段", "honor": "荣誉级别", "rule": "依据",
        "group_id": "集团代码", "effective_date": "生效日期", "earliest_return_date": "最早返回日期",
        "host_post": "挂职岗位", "home_school_id": "所在学校代码",
    }  # fmt: skip
    book = Workbook()
    book.remove(book.active)
    walks = [{"staff_id": "c2", "name": "王五", "home_school_id": "C", "school_id": "S", "subject": "音乐"}]
    for sheet, rows in (("assignments", moves), ("walking", walks)):
        ws = book.create_sheet(names.get(sheet, sheet))
        columns = PLAN_COLUMNS[sheet]
        if zh:
            zh_walking = {"school_id": "走教学校代码", "subject": "学科"} if sheet == "walking" else {}
            ws.append([zh_walking.get(c) or headers.get(c, c) for c in columns])
        else:
            ws.append(columns)
        for row in rows:
            ws.append([row.get(c) for c in columns])
    book.save(path)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_read_plan_in_both_languages(tmp_path: Path, lang: str) -> None:
    assignments, walks = read_plan(contract_plan(tmp_path / f"plan_{lang}.xlsx", lang))
    assert assignments == [
        AssignmentRow("007", "A", "B", "T1", "U", date(2027, 9, 1), date(2028, 9, 1), "teacher", "语文",
                      "primary_lower", "district", "middle_manager"),
        AssignmentRow("r1", "A", "B", "S2", None, date(2027, 9, 1), None, "teacher", "数学", None, None, ""),
    ]  # fmt: skip
    assert walks == [WalkRow("c2", "C", "S", "音乐")]


def test_read_plan_refuses_a_bad_code_and_a_missing_sheet(tmp_path: Path) -> None:
    path = contract_plan(tmp_path / "plan.xlsx", "en")
    book = load_workbook(path)
    book["assignments"]["E2"] = "dean"
    del book["walking"]
    book.save(path)
    with pytest.raises(PlanReadError) as error:
        read_plan(path)
    assert len(error.value.problems) == 2
    assert any("row 2" in problem and "dean" in problem for problem in error.value.problems)


def test_plan_parameters_come_from_the_run_sheet_with_v2_defaults(tmp_path: Path) -> None:
    run = [{"key": k, "value": v} for k, v in (("status", "最优"), ("objective", 12.5), ("soft", "G4;G6"),
           ("max_net_loss", 1), ("principal_scope", "集团"), ("max_outflow_ratio", "25%"))]  # fmt: skip
    used = plan_parameters(write_plan(tmp_path / "plan.xlsx", [], run=run), Params(EFFECTIVE))
    assert (used.soft, used.max_net_loss, used.principal_scope) == (frozenset({"G4", "G6"}), 1, "group")
    assert used.max_outflow_ratio == 0.25
    assert (used.alliance_leader_min, used.kg_exchange_min) == (1, 1)
    assert not used.is_hard("G4") and used.is_hard("G7") and not used.is_hard("N1")
    assert plan_parameters(contract_plan(tmp_path / "bare.xlsx", "en"), Params(EFFECTIVE)) == Params(
        EFFECTIVE
    )


def test_the_project_s_own_objects_are_read_field_by_field(tmp_path: Path) -> None:
    # Callers hand over the project's Roster and Parameters; the checker reads them attribute by
    # attribute and gives the verdict it gives on the workbook.
    from rotation.parameters import Parameters
    from rotation.workbook.loader import load_workbook as load_input

    loaded = load_input(TESTS / "data" / "tiny-v1.xlsx")
    plan = TESTS / "data" / "tiny-plan-v1.xlsx"
    rows, walks = read_plan(plan)
    from_objects = check_plan(loaded.roster, loaded.params, rows, walks)
    from_files = check_plan_workbook(TESTS / "data" / "tiny-v1.xlsx", plan)
    assert sorted(from_objects) == sorted(m for m in from_files if "host_post" not in m)
    given = check_plan_workbook(TESTS / "data" / "tiny-v1.xlsx", plan, Parameters(effective_date=EFFECTIVE))
    assert sorted(given) == sorted(from_files)


# --------------------------------------------------------------------------- the v1 plan of the tiny sample


def test_the_v1_plan_of_the_tiny_sample_breaks_the_v2_rules() -> None:
    """Issue 11: the plan solved before v2 (tests/data/tiny-plan-v1.xlsx) is refused, by rule."""
    messages = check_plan_workbook(TESTS / "data" / "tiny-v1.xlsx", TESTS / "data" / "tiny-plan-v1.xlsx")
    # 0006 loses its principal 000155 to 0008, which ends with two.
    p1 = about("P1", messages)
    assert len(p1) == 2
    assert "school 0006" in p1[0] and "000155 leaving" in p1[0] and "school 0008" in p1[1]
    # Nine teachers or middle managers without senior-3 experience moved between the paired high schools.
    senior3 = [m for m in about("G6", messages) if "without senior-3" in m]
    inexperienced = {"000203", "000215", "000222", "000244", "000257", "000273", "000280", "000294", "000300"}
    assert {m.split()[2] for m in senior3} == inexperienced
    # Five town and five rural teachers swapped sideways inside alliance LM001 (and two members of the
    # tight group JT001 swapped with each other, member ↔ member).
    lateral = [m for m in about("C3", messages) if "LM001 (alliance)" in m]
    assert len(lateral) == 10
    assert {m.split()[2] for m in about("C3", messages) if "JT001 (tight)" in m} == {"000052", "000081"}
    # Two PE teachers coded G6.
    codes = [m for m in about("G6", messages) if "not an academic subject" in m]
    assert {m.split()[5] for m in codes} == {"000289", "000306"} and all("体育" in m for m in codes)
    # The v1 plan has no host_post column; no exempted volunteer is moved in it.
    assert "P2: the assignments sheet has no host_post (挂职岗位) column." in messages
    assert about("E4 E5 E7", messages) == []
    assert len(messages) == 2 + 9 + 12 + 2 + 1
