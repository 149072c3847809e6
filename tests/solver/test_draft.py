"""Re-planning from a draft (issue 12 §5): O0 keeps the draft's decisions, a stay pin keeps one home.

The roster of test_pins.py: d1 is due at A and prefers B, B and C each have a free teacher to send
back, l1 is locked at B (on exchange from A), o1 is exempt. A plan moves d1 to B and b1 back.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FRESH, OLD, group, moves, params, person, roster, run, school
from test_pins import pin_roster

from rotation.codes import GroupKind
from rotation.domain import Pin, PinKind, Roster
from rotation.draft import Choice, Decision, Draft, change_count, draft_of_plan
from rotation.eligibility import assess_roster
from rotation.plan import Plan
from solver.settings import SolveOptions
from solver.solve import PinError, solve


def replan(the_roster: Roster, draft: Draft, pins: tuple[Pin, ...] = ()) -> Plan:
    chosen = params()
    eligibility = assess_roster(the_roster, chosen)
    options = SolveOptions(time_limit_s=10, workers=1, pins=pins, draft=draft)
    return solve(the_roster, chosen, eligibility, options)


def ids(the_roster: Roster) -> list[str]:
    return [m.staff_id for m in the_roster.staff]


def test_a_feasible_draft_is_kept_as_it_is_even_where_the_objective_prefers_another_plan() -> None:
    # The draft sends d1 to C (not its preference B): O0 comes before O5 (preferences), so it stays.
    the_roster = pin_roster()
    draft = Draft({"d1": Decision(Choice.MOVE, "C"), "c1": Decision(Choice.MOVE, "A")})
    plan = replan(the_roster, draft)
    assert moves(plan) == {("d1", "A", "C", "T1"), ("c1", "C", "A", "C2")}
    assert change_count(draft, draft_of_plan(plan), ids(the_roster)) == 0
    assert plan.levels[0].name == "O0 draft changes" and plan.levels[0].objective == 0


def test_a_stay_pin_keeps_the_person_home_and_changes_only_what_it_forces() -> None:
    the_roster = pin_roster()
    draft = draft_of_plan(run(the_roster))
    plan = replan(the_roster, draft, (Pin("d1", "", PinKind.STAY),))
    assert moves(plan) == set()
    # d1's move and the move back it made necessary (C2 at A): two decisions, O0's value.
    assert change_count(draft, draft_of_plan(plan), ids(the_roster)) == 2
    assert plan.levels[0].objective == 2


def test_a_drafted_move_the_corrected_data_rules_out_is_changed() -> None:
    # The draft moved d1, who turns out to be over 55 (E2): the move cannot stay, b1's is kept if it can.
    the_roster = pin_roster()
    draft = draft_of_plan(run(the_roster))
    corrected = roster(
        the_roster.schools.values(),
        the_roster.groups.values(),
        [m if m.staff_id != "d1" else person("d1", "A", "数学", birth_date=OLD) for m in the_roster.staff],
    )
    plan = replan(corrected, draft)
    assert "d1" not in {m.staff_id for m in plan.moves}
    assert plan.levels[0].objective == change_count(draft, draft_of_plan(plan), ids(corrected)) >= 1


def test_a_stay_pin_sends_a_returning_person_home_and_is_refused_for_a_locked_one() -> None:
    # r1's stint at B has ended: extended for G-nothing, it would go home anyway; pinned, it must.
    the_roster = roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("r1", "B", "数学", home="A", exchange_start=date(2025, 9, 1)),
            person("l1", "B", "数学", home="A", exchange_start=date(2027, 3, 1)),
            person("a1", "A", "数学", start=FRESH),
            person("b1", "B", "数学", start=FRESH),
        ],
    )
    draft = Draft({"r1": Decision(Choice.EXTEND)})
    plan = replan(the_roster, draft, (Pin("r1", "", PinKind.STAY),))
    assert ("r1", "B", "A", "S2") in moves(plan)
    with pytest.raises(PinError) as refused:
        replan(the_roster, draft, (Pin("l1", "", PinKind.STAY),))
    assert refused.value.problems[0].en.startswith("stay pin l1 refused: S1")
    with pytest.raises(PinError):
        replan(the_roster, draft, (Pin("a1", "", PinKind.STAY), Pin("a1", "B", PinKind.MUST)))
