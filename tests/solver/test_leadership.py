"""P1: every school keeps its head; principals move only in swaps and chains, inside a shared group or,
with principal_scope = district, by the district exchange (solver/principals.py).

Principals start on DUE (8 years in post: due under T2) or FRESH (3 years: neither due nor E1); one born
on OLD is exempt (E2). Every school here is town/ordinary in a township integration alliance without
small schools, so no group obligation or N1 row gets in the way unless a test says so.
"""

from __future__ import annotations

from conftest import DUE, FRESH, OLD, exempt, group, moves, params, person, roster, run, school

from rotation.codes import Area, Band, GroupKind, Post, Stage
from rotation.destinations import c3_why_not
from rotation.domain import Roster, StaffMember
from rotation.eligibility import assess_roster
from rotation.plan import SolveStatus


def principal(staff_id: str, school_id: str, due: bool = True, old: bool = False) -> StaffMember:
    start = DUE if due else FRESH
    if old:
        return person(staff_id, school_id, None, None, start=start, post=Post.PRINCIPAL, birth_date=OLD)
    return person(staff_id, school_id, None, None, start=start, post=Post.PRINCIPAL)


def swap_roster(partner_movable: bool) -> Roster:
    # A and B share alliance R. pA is due at A; pB (B's principal) is not due, and exempt (E2) unless
    # ``partner_movable``. b1, free at B, could balance A's headcount instead of a principal.
    return roster(
        [school("A"), school("B")],
        [group("R", GroupKind.RURAL, ["A", "B"], lead="A")],
        [
            principal("pA", "A"),
            principal("pB", "B", due=False, old=not partner_movable),
            person("b1", "B", "数学", start=FRESH),
            exempt("fB", "B", "数学"),
        ],
    )


def test_p1_a_principal_leaves_only_when_another_arrives():
    # pA may go only if B's principal comes the other way (P1 at both schools): the swap, pB with code P1
    # (a principal who is not due, moved to keep the swap whole). b1 stays: a teacher does not replace
    # a principal.
    plan = run(swap_roster(partner_movable=True))
    assert moves(plan) == {("pA", "A", "B", "T2"), ("pB", "B", "A", "P1")}
    assert plan.unmoved == ()


def test_p1_without_a_principal_to_come_back_the_due_principal_stays():
    # pB is exempt: pA cannot leave A, although b1 could keep A's headcount. Forcing pA to move and
    # relaxing rule families one at a time shows P1 binding, at pA's own school.
    plan = run(swap_roster(partner_movable=False))
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("pA", "P1: A needs a principal: one leaves only when another arrives")
    ]
    assert plan.unmoved[0].reason.zh == "P1：A 需要校长：有校长调入才能调出"


def kindergarten_roster(member_principal_movable: bool) -> Roster:
    # Kindergarten alliance K: lead KL's only movable person is its principal kL; member KM's principal kM
    # is exempt unless ``member_principal_movable``. G7 wants one from KL at KM. KM may grow by one
    # (quota 3), so that headcounts (C2) never stand in the way with max_net_loss = 1.
    kg = Band.KINDERGARTEN
    return roster(
        [school("KL", Stage.KINDERGARTEN), school("KM", Stage.KINDERGARTEN, quota=3)],
        [group("K", GroupKind.KINDERGARTEN, ["KL", "KM"], lead="KL")],
        [
            principal("kL", "KL", due=False),
            exempt("fL", "KL", "学前教育", kg),
            principal("kM", "KM", due=False, old=not member_principal_movable),
            exempt("fM", "KM", "学前教育", kg),
        ],
    )


def test_p1_lets_g7_send_the_lead_principal_in_a_swap():
    # Only the principal can go from KL to KM (G7 counts any post); P1 then sends KM's principal back.
    plan = run(kindergarten_roster(member_principal_movable=True), params(max_net_loss=1))
    assert moves(plan) == {("kL", "KL", "KM", "G7"), ("kM", "KM", "KL", "P1")}


def test_p1_school_that_would_lose_its_principal_is_named_when_infeasible():
    # KM's principal cannot leave, so KL's cannot go: G7 and P1 conflict, and the explanation names the
    # school that would lose its principal with no one to replace it, in both languages.
    plan = run(kindergarten_roster(member_principal_movable=False), params(max_net_loss=1))
    assert plan.status is SolveStatus.INFEASIBLE
    assert "G7 alliance K member KM: needs 1" in plan.explanation[0].en
    assert "P1：KL 需要校长" in plan.explanation[0].zh
    assert "P1: KL needs its principal: it keeps exactly 1" in plan.explanation[0].en
    assert "soft=G7" in plan.explanation[1].en


def two_groups(partner_due: bool = True) -> Roster:
    # Two alliances that share no school: R1 (A, B) and R2 (C, D), all primary. pA is due at A, pC at C
    # (not due unless ``partner_due``); the other principals are exempt, so no swap inside a group. B
    # and D may grow by one (quota 2), so that only P1 keeps a principal inside a group from leaving.
    return roster(
        [school("A"), school("B", quota=2), school("C"), school("D", quota=2)],
        [
            group("R1", GroupKind.RURAL, ["A", "B"], lead="A"),
            group("R2", GroupKind.RURAL, ["C", "D"], lead="C"),
        ],
        [
            principal("pA", "A"),
            principal("pB", "B", old=True),
            principal("pC", "C", due=partner_due),
            principal("pD", "D", old=True),
        ],
    )


def test_p1_district_scope_exchanges_principals_across_groups():
    # principal_scope = district (default): pA and pC swap, though A and C share no group; the move is
    # in no group. Both count as due people rotated (O2), after the exchange.
    plan = run(two_groups())
    assert moves(plan) == {("pA", "A", "C", "T2"), ("pC", "C", "A", "T2")}
    assert {m.group_id for m in plan.moves} == {None}
    assert plan.unmoved == ()
    due_rotated = next(level for level in plan.levels if level.name.startswith("O2 due"))
    assert (due_rotated.objective, due_rotated.best_bound) == (2, 2)


def test_p1_group_scope_keeps_principals_inside_their_groups():
    # principal_scope = group: no school of either group has a principal free to swap, so both stay,
    # though their schools could lose one (max_net_loss = 1) and B and D take one.
    plan = run(two_groups(), params(principal_scope="group", max_net_loss=1))
    assert plan.moves == ()
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        ("pA", "P1: A needs a principal: one leaves only when another arrives"),
        ("pC", "P1: C needs a principal: one leaves only when another arrives"),
    ]


def test_p1_exchange_takes_a_principal_who_is_not_due_as_partner():
    # pC is not due, so C's part never offers him; the exchange still takes him as pA's partner (he may
    # leave C: below its C4 cap, no subject to keep), with code P1.
    plan = run(two_groups(partner_due=False))
    assert moves(plan) == {("pA", "A", "C", "T2"), ("pC", "C", "A", "P1")}
    assert plan.unmoved == ()


def test_p1_exchange_partner_must_be_spared_by_c4():
    # C's C4 cap is 1 (two staff). t1, a due teacher of C, uses it, going to D with t2 coming back;
    # pC (not due) is then not free to leave C as well, so pA finds no partner and stays, with the
    # exchange's reason.
    the_roster = two_groups(partner_due=False)
    the_roster = roster(
        the_roster.schools.values(),
        the_roster.groups.values(),
        [*the_roster.staff, person("t1", "C", "数学"), person("t2", "D", "数学", start=FRESH)],
    )
    plan = run(the_roster)
    assert moves(plan) == {("t1", "C", "D", "T1"), ("t2", "D", "C", "C2")}
    assert [(u.staff_id, u.reason.en) for u in plan.unmoved] == [
        (
            "pA",
            "P1: A needs a principal: no principal of a school of the same stage outside its groups could "
            "swap with this one",
        )
    ]


def test_p1_principals_move_only_within_their_stage():
    # A junior school J outside any group: the district scope lets pA go to any primary school, not to J.
    the_roster = roster(
        [school("A"), school("C"), school("J", Stage.JUNIOR)],
        [],
        [principal("pA", "A"), principal("pJ", "J")],
    )
    the_params = params()
    pa = the_roster.staff_by_id["pA"]
    standing = assess_roster(the_roster, the_params)["pA"]
    assert c3_why_not(pa, "C", the_roster, the_params, standing) is None
    refused = c3_why_not(pa, "J", the_roster, the_params, standing)
    assert refused is not None
    assert refused.en == "P1: J is not a primary school; a principal moves within the stage"
    grouped = params(principal_scope="group")
    refused = c3_why_not(pa, "C", the_roster, grouped, standing)
    assert refused is not None and refused.en == "P1: A and C share no group (principal_scope=group)"


def test_p1_principal_ignores_the_direction_of_an_alliance():
    # Town T and rural R of an urban–rural alliance are on the same side, so a teacher may not move
    # between them (C3), but principals follow P1: pT (due) and pR swap.
    the_roster = roster(
        [school("U", area=Area.URBAN), school("T"), school("R", area=Area.RURAL)],
        [group("A", GroupKind.ALLIANCE, ["U", "T", "R"])],
        [principal("pU", "U", old=True), principal("pT", "T"), principal("pR", "R", due=False)],
    )
    plan = run(the_roster, params(alliance_min=0, alliance_leader_min=0))
    assert moves(plan) == {("pT", "T", "R", "T2"), ("pR", "R", "T", "P1")}
