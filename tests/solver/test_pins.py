"""Pins: a must-pin forces its move, a never-pin forbids it, an impossible must-pin is refused."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import DUE, FRESH, OLD, group, moves, person, roster, run, school

from rotation.codes import GroupKind, Post
from rotation.domain import Pin, PinKind, Roster, StaffMember
from solver.solve import PinError


def pin_roster() -> Roster:
    # d1 is due at A and prefers B; B and C each have a free teacher to send back. D is in no group.
    return roster(
        [school("A"), school("B"), school("C"), school("D")],
        [group("R", GroupKind.RURAL, ["A", "B", "C"], lead="A")],
        [
            person("d1", "A", "数学", preferences=("B",)),
            person("b1", "B", "数学", start=FRESH),
            person("c1", "C", "数学", start=FRESH),
            person("d2", "D", "数学"),
            person("l1", "B", "数学", home="A", exchange_start=date(2027, 3, 1)),
            person("o1", "C", "数学", birth_date=OLD),
        ],
    )


def test_without_pins_the_preference_decides():
    assert moves(run(pin_roster())) == {("d1", "A", "B", "T1"), ("b1", "B", "A", "C2")}


def test_must_pin_forces_the_move():
    plan = run(pin_roster(), pins=(Pin("d1", "C", PinKind.MUST),))
    assert moves(plan) == {("d1", "A", "C", "T1"), ("c1", "C", "A", "C2")}


def test_never_pin_forbids_the_move():
    plan = run(pin_roster(), pins=(Pin("d1", "B", PinKind.NEVER),))
    assert moves(plan) == {("d1", "A", "C", "T1"), ("c1", "C", "A", "C2")}


def test_impossible_must_pins_are_refused_naming_the_rule():
    pins = (
        Pin("l1", "C", PinKind.MUST),
        Pin("d2", "A", PinKind.MUST),
        Pin("o1", "A", PinKind.MUST),
        Pin("b1", "B", PinKind.MUST),
    )
    with pytest.raises(PinError) as refused:
        run(pin_roster(), pins=pins)
    assert [problem.en for problem in refused.value.problems] == [
        "must pin l1 -> C refused: S1: l1 is on exchange at B and locked until the minimum stint ends",
        "must pin d2 -> A refused: C3: D is in no group (destination_scope=group)",
        "must pin o1 -> A refused: E2: o1 is exempt",
        "must pin b1 -> B refused: C3: b1 already works at B",
    ]
    assert refused.value.problems[0].zh.startswith("指定调动（必须）l1 -> C 不予接受：S1")


def principals_roster() -> Roster:
    # Alliances R1 (A, B) and R2 (C, D) share no school; all are primary. pA and pC are due principals,
    # pD is D's principal, not due; B's principal is exempt.
    def head(staff_id: str, school_id: str, start: date = DUE, **extra: object) -> StaffMember:
        return person(staff_id, school_id, None, None, start=start, post=Post.PRINCIPAL, **extra)

    return roster(
        [school("A"), school("B"), school("C"), school("D")],
        [
            group("R1", GroupKind.RURAL, ["A", "B"], lead="A"),
            group("R2", GroupKind.RURAL, ["C", "D"], lead="C"),
        ],
        [head("pA", "A"), head("pB", "B", birth_date=OLD), head("pC", "C"), head("pD", "D", start=FRESH)],
    )


def test_without_pins_the_two_due_principals_are_exchanged():
    assert moves(run(principals_roster())) == {("pA", "A", "C", "T2"), ("pC", "C", "A", "T2")}


def test_must_pin_of_a_principal_outside_their_groups_goes_by_the_exchange():
    # pA must go to D, so D's own principal pD must leave (P1): the exchange swaps them. pC is left
    # without a partner: A, the only school outside C's group that could take him, has pD.
    plan = run(principals_roster(), pins=(Pin("pA", "D", PinKind.MUST),))
    assert moves(plan) == {("pA", "A", "D", "T2"), ("pD", "D", "A", "P1")}
    assert [u.staff_id for u in plan.unmoved] == ["pC"]
