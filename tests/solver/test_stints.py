"""S1 (minimum stint, earliest return, locked people) and S2 (return home or extension)."""

from __future__ import annotations

from datetime import date

from conftest import exempt, group, moves, params, person, roster, run, school

from rotation.codes import GroupKind, Post
from rotation.domain import Roster
from rotation.plan import Extension


def test_s1_earliest_return_by_post_and_locked_people_stay():
    # d1 (teacher) and m1 (middle manager) swap: one year for a teacher, three for a middle manager.
    # l1 (home A) started at B in March: its one-year stint has not ended, so it stays put.
    the_roster = roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            person("d1", "A", "数学"),
            person("m1", "B", "数学", post=Post.MIDDLE_MANAGER),
            person("l1", "B", "语文", home="A", exchange_start=date(2027, 3, 1)),
        ],
    )
    plan = run(the_roster)
    assert moves(plan) == {("d1", "A", "B", "T1"), ("m1", "B", "A", "T1")}
    returns = {m.staff_id: m.earliest_return_date for m in plan.moves}
    assert returns == {"d1": date(2028, 9, 1), "m1": date(2030, 9, 1)}
    assert plan.extensions == ()


def s2_roster(due_at_home: bool) -> Roster:
    # r1 (home A) has been at B for two years: the stint has ended, r1 returns unless extended.
    home_staff = [person("d1", "A", "数学")] if due_at_home else []
    return roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            *home_staff,
            exempt("fA", "A", "数学"),
            person("r1", "B", "数学", home="A", exchange_start=date(2025, 9, 1)),
            exempt("fB", "B", "数学"),
        ],
    )


def test_s2_returns_home_when_headcounts_allow():
    # r1 returning to A is balanced by d1 (due) going to B: a return row, rule S2, no return date.
    plan = run(s2_roster(due_at_home=True))
    assert moves(plan) == {("d1", "A", "B", "T1"), ("r1", "B", "A", "S2")}
    assert next(m for m in plan.moves if m.staff_id == "r1").earliest_return_date is None
    assert plan.extensions == ()


def test_s2_extension_when_the_return_would_break_headcounts():
    # Nobody at A can make room: r1 stays at B, extended.
    plan = run(s2_roster(due_at_home=False))
    assert plan.moves == ()
    assert plan.extensions == (Extension("r1", "B", "A"),)


def returning_head(post: Post) -> Roster:
    # r1 (home A) has served three years, a leader's minimum stint, at B as its head (post ``post``); B
    # has no other principal and A none today. A may grow by one and B lose one, so headcounts allow
    # the return.
    return roster(
        [school("A", quota=2), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            exempt("fA", "A", "数学"),
            person("r1", "B", None, None, post=post, home="A", exchange_start=date(2024, 9, 1)),
            exempt("fB", "B", "数学"),
        ],
    )


def test_s2_principal_whose_return_would_leave_the_host_without_one_is_extended():
    # P1 counts people on exchange where they work: B has one principal today and must keep one, and
    # nobody else can come, so r1's stay is extended.
    plan = run(returning_head(Post.PRINCIPAL), params(max_net_loss=1))
    assert plan.moves == ()
    assert plan.extensions == (Extension("r1", "B", "A"),)


def test_s2_vice_principal_goes_home_as_p1_counts_principals_only():
    plan = run(returning_head(Post.VICE_PRINCIPAL), params(max_net_loss=1))
    assert moves(plan) == {("r1", "B", "A", "S2")}
    assert plan.extensions == ()
