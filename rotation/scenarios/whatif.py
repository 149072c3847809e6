"""What-if runs: ``compare`` sets a baseline and a scenario of the same workbook side by side.

The KPIs of each run (rotation.figures), the people whose outcome changed and why, and per-school
flows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rotation.figures import (
    EXTENDED,
    MASKED_REASON,
    ChangedPerson,
    Comparison,
    Outcome,
    SchoolDelta,
    compute_kpis,
    visible,
)
from rotation.scenarios.solved import SolvedRun
from rotation.text import Text


def outcomes(run: SolvedRun, include_sensitive: bool = False) -> dict[str, Outcome]:
    moves = {move.staff_id: move for move in run.plan.moves}
    extended = {extension.staff_id for extension in run.plan.extensions}
    result: dict[str, Outcome] = {}
    for member in run.roster.staff:
        standing = run.eligibility[member.staff_id]
        move = moves.get(member.staff_id)
        rule = move.rule if move is not None else (EXTENDED if member.staff_id in extended else None)
        status, reasons = visible(standing.status, standing.reasons, include_sensitive)
        result[member.staff_id] = Outcome(
            status=status,
            reasons=reasons,
            destination=move.to_school_id if move is not None else None,
            rule=rule,
        )
    return result


def compare(
    baseline: SolvedRun, scenario: SolvedRun, include_sensitive: bool = False, stable: bool = False
) -> Comparison:
    """The scenario against the baseline; both must be solves of the same workbook.

    ``stable``: the scenario was solved with the baseline as its draft (whatif --stable), and each
    difference says first whether the parameters changed the person's eligibility or the plan had to
    change their decision.
    """
    before = outcomes(baseline, include_sensitive)
    after = outcomes(scenario, include_sensitive)
    changed = []
    for member in baseline.roster.staff:
        old, new = before[member.staff_id], after[member.staff_id]
        # A different rule for the same destination (T1 instead of G2) changes nobody's summer.
        if (old.status, old.reasons, old.destination) == (new.status, new.reasons, new.destination):
            continue
        # E5 is the same in every run of one workbook, so an E* row that changes could only be E4's
        # (a child turning one as the date moves): it stays E* in both runs, and is not listed.
        if MASKED_REASON in (*old.reasons, *new.reasons):
            continue
        changed.append(
            ChangedPerson(
                member.staff_id, member.name, member.school_id, old, new, _difference(old, new, stable)
            )
        )
    old_params, new_params = dict(baseline.params.items()), dict(scenario.params.items())
    return Comparison(
        baseline=compute_kpis(baseline.roster, baseline.eligibility, baseline.plan),
        scenario=compute_kpis(scenario.roster, scenario.eligibility, scenario.plan),
        changed=tuple(changed),
        schools=tuple(_school_deltas(baseline, scenario)),
        parameter_changes=tuple(
            (name, old_params[name], new_params[name])
            for name in old_params
            if old_params[name] != new_params[name]
        ),
    )


# Under whatif --stable, what made a person's outcome differ: the parameters changed their standing,
# or the plan had to change their decision (to keep the rules under the new parameters).
ELIGIBILITY_CHANGED = Text("eligibility changed", "资格变化")
PLAN_CHANGED = Text("the plan had to change", "方案需调整")


def _difference(old: Outcome, new: Outcome, stable: bool = False) -> Text:
    eligibility = (old.status, old.reasons) != (new.status, new.reasons)

    def said(lang: str) -> str:
        if eligibility:
            return f"{old.reasons_label(lang)} → {new.reasons_label(lang)}"
        if old.rule == new.rule:
            return f"{old.rule_label(lang)}: {old.destination or '-'} → {new.destination or '-'}"
        return f"{old.rule_label(lang) or '-'} → {new.rule_label(lang) or '-'}"

    if not stable:
        return Text(said("en"), said("zh"))
    cause = ELIGIBILITY_CHANGED if eligibility else PLAN_CHANGED
    return Text(f"{cause.en}: {said('en')}", f"{cause.zh}：{said('zh')}")


def _school_deltas(baseline: SolvedRun, scenario: SolvedRun) -> Iterator[SchoolDelta]:
    out_before = Counter(m.from_school_id for m in baseline.plan.moves)
    in_before = Counter(m.to_school_id for m in baseline.plan.moves)
    out_after = Counter(m.from_school_id for m in scenario.plan.moves)
    in_after = Counter(m.to_school_id for m in scenario.plan.moves)
    for school_id, staff in baseline.roster.staff_by_school.items():
        now = len(staff)
        yield SchoolDelta(
            school_id,
            out_before[school_id],
            out_after[school_id],
            in_before[school_id],
            in_after[school_id],
            now,
            now - out_before[school_id] + in_before[school_id],
            now - out_after[school_id] + in_after[school_id],
        )
