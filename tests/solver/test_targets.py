"""N1 (rotation ratio and key share at urban, town and quality schools) and N2 (key teachers' direction)."""

from __future__ import annotations

import pytest
from conftest import FRESH, exempt, group, moves, outcome, params, person, roster, run, school

from rotation.codes import Area, Category, GroupKind, Honor
from rotation.domain import Roster
from rotation.plan import SolveStatus


def n1_roster(area: Area = Area.URBAN) -> Roster:
    # U (urban unless ``area`` says otherwise): d1 due (数学), k1 a key teacher not due (语文). Rural S, where
    # N1 does not apply: s1 (数学) and s2 (语文), free to come.
    return roster(
        [school("U", area=area), school("S", area=Area.RURAL)],
        [group("R", GroupKind.RURAL, ["U", "S"], lead="U")],
        [
            person("d1", "U", "数学"),
            person("k1", "U", "语文", start=FRESH, honor=Honor.DISTRICT),
            exempt("fU1", "U", "音乐"),
            exempt("fU2", "U", "体育"),
            person("s1", "S", "数学", start=FRESH),
            person("s2", "S", "语文", start=FRESH),
            exempt("fS1", "S", "音乐"),
            exempt("fS2", "S", "体育"),
        ],
    )


def test_n1_key_share_sends_a_key_teacher_along():
    # d1 alone would leave the key share (⌈0.2 × 1⌉ = 1) short; with k1 too, ⌈0.2 × 2⌉ = 1 is met.
    # C1 keeps 数学 and 语文 at both schools, so s1 and s2 come back.
    plan = run(n1_roster(), params(max_outflow_ratio=0.5))
    assert moves(plan) == {
        ("d1", "U", "S", "T1"),
        ("k1", "U", "S", "N1"),
        ("s1", "S", "U", "C2"),
        ("s2", "S", "U", "C2"),
    }
    # The rotation count is of due people: k1 is not due, so only d1 counts (⌈0.1 × 1⌉ = 1).
    assert outcome(plan, "N1", "", "U") == (1, 1)
    assert outcome(plan, "N1", "key", "U") == (1, 1)
    assert next(level.objective for level in plan.levels if level.name.startswith("O3")) == 0


def test_n1_applies_at_town_schools():
    # A town school (城镇学校) is held to N1 like an urban one: k1 goes along with d1 for the key share.
    plan = run(n1_roster(Area.TOWN), params(max_outflow_ratio=0.5))
    assert moves(plan) == {
        ("d1", "U", "S", "T1"),
        ("k1", "U", "S", "N1"),
        ("s1", "S", "U", "C2"),
        ("s2", "S", "U", "C2"),
    }
    assert outcome(plan, "N1", "key", "U") == (1, 1)


def test_n1_does_not_apply_at_rural_schools():
    # The same school, rural: no N1 row, so k1 (not due) stays and only d1 and s1 swap.
    plan = run(n1_roster(Area.RURAL), params(max_outflow_ratio=0.5))
    assert moves(plan) == {("d1", "U", "S", "T1"), ("s1", "S", "U", "C2")}
    assert not [o for o in plan.obligations if o.rule == "N1"]


def test_n1_without_key_share_only_the_due_teacher_goes():
    plan = run(n1_roster(), params(max_outflow_ratio=0.5, min_key_share=0))
    assert moves(plan) == {("d1", "U", "S", "T1"), ("s1", "S", "U", "C2")}
    assert outcome(plan, "N1", "key", "U") == (0, 0)


def due_at_urban_school(due: int, grouped: bool = True) -> Roster:
    """Urban U with ``due`` due 数学 teachers; town S (grouped with U if ``grouped``) has room for one."""
    staff = [person(f"d{i}", "U", "数学") for i in range(due)]
    staff += [exempt("fU", "U", "数学"), exempt("fS", "S", "数学")]
    groups = [group("R", GroupKind.RURAL, ["U", "S"], lead="U")] if grouped else []
    return roster([school("U", area=Area.URBAN), school("S", quota=2)], groups, staff)


@pytest.mark.parametrize(("due", "needed"), [(9, 1), (10, 1), (11, 2)])
def test_n1_rotation_count_rounds_up(due: int, needed: int) -> None:
    # ⌈0.1 × 9⌉ = 1, ⌈0.1 × 10⌉ = 1 exactly, ⌈0.1 × 11⌉ = 2: the day before, of and after 10.
    plan = run(due_at_urban_school(due), params(min_rotation_ratio=0.1, max_outflow_ratio=1.0))
    assert outcome(plan, "N1", "", "U")[0] == needed


def test_n1_where_no_due_person_can_leave_is_short_when_soft_and_infeasible_when_hard() -> None:
    # U is in no group: under destination_scope = group nobody may leave it (C3).
    the_roster = due_at_urban_school(3, grouped=False)
    soft = run(the_roster)
    assert soft.status is SolveStatus.OPTIMAL
    assert outcome(soft, "N1", "", "U") == (1, 0)
    assert soft.levels[0].name == "O3 rotation targets (N1)" and soft.levels[0].objective == 1
    hard = run(the_roster, params(hard=frozenset({"N1"})))
    assert hard.status is SolveStatus.INFEASIBLE
    assert "N1 at U: 1 of its 3 due people rotate, 0 of them could" in hard.explanation[0].en
    # Letting due people of ungrouped schools go anywhere makes it possible (U has no key teacher to send).
    wider = run(
        the_roster,
        params(
            hard=frozenset({"N1"}),
            destination_scope="district",
            max_outflow_ratio=1.0,
            max_net_loss=1,
            min_key_share=0,
        ),
    )
    assert wider.status is SolveStatus.OPTIMAL
    assert outcome(wider, "N1", "", "U") == (1, 1)


def n2_roster(home: Category, options: tuple[Category, Category]) -> Roster:
    # Key teacher k1 is due at H; X and Y (of the given categories) could each take k1 and send one back.
    schools = [school("H", category=home), school("X", category=options[0]), school("Y", category=options[1])]
    return roster(
        schools,
        [group("R", GroupKind.RURAL, ["H", "X", "Y"], lead="H")],
        [
            person("k1", "H", "数学", honor=Honor.CITY),
            exempt("fH", "H", "数学"),
            person("x1", "X", "数学", start=FRESH),
            exempt("fX", "X", "数学"),
            person("y1", "Y", "数学", start=FRESH),
            exempt("fY", "Y", "数学"),
        ],
    )


def test_n2_key_teacher_goes_toward_a_weak_school():
    # X is ordinary, Y weak: going to Y scores +1 (N2), going to X nothing.
    plan = run(n2_roster(Category.ORDINARY, (Category.ORDINARY, Category.WEAK)))
    assert moves(plan) == {("k1", "H", "Y", "T1"), ("y1", "Y", "H", "C2")}


def test_n2_key_teacher_does_not_leave_weak_schools_for_others():
    # From a weak school, X (ordinary) would score −1 and Y (weak) 0.
    plan = run(n2_roster(Category.WEAK, (Category.ORDINARY, Category.WEAK)))
    assert moves(plan) == {("k1", "H", "Y", "T1"), ("y1", "Y", "H", "C2")}
