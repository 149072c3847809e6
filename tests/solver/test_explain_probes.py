"""The forced-move probes of solver/explain.py (issue 14 §3): copied from the solved model, not built again.

A probe must ask CP-SAT exactly what a fresh build asked before the speed-up, so that the reasons on
the unmoved_due sheet stay the same: the copy, with a rule's hard obligations dropped and O1 and O2
kept, must be the model that building without that rule and adding the same bounds gives, hint
included (a draft's, when re-planning).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rotation.draft import Draft, draft_of_plan
from rotation.eligibility import assess_roster
from rotation.workbook.loader import load_workbook
from solver.components import split_components
from solver.explain import _due_moved, _first_levels, _probe_base
from solver.model import BuiltModel, build_model
from solver.settings import SolveOptions, SolveSettings
from solver.solve import _optimise, solve


def _solved(path: Path, draft: Draft | None = None) -> tuple[BuiltModel, list[int]]:
    """The largest component of the workbook, built and optimised as solve_component does."""
    loaded = load_workbook(path)
    eligibility = assess_roster(loaded.roster, loaded.params)
    data = split_components(loaded.roster, loaded.params, eligibility, loaded.roster.pins, draft)[0]
    built = build_model(data)
    _, solution, _ = _optimise(built, SolveSettings(0, time.monotonic() + 60, lambda _: None))
    assert solution is not None
    return built, solution


def _built_afresh(
    built: BuiltModel, solution: list[int], skip: frozenset[str], kept: tuple[bool, bool]
) -> str:
    """The probe model as it was made before: a new build without ``skip``, bounded and hinted."""
    first = {level.name: level.value(solution) for level in _first_levels(built)}
    fresh = build_model(built.data, skip=skip)
    if kept[0]:
        for level in _first_levels(fresh):
            fresh.model.add(level.expr() <= first[level.name])
    if kept[1]:
        fresh.model.add(_due_moved(fresh).expr() >= _due_moved(built).value(solution))
    fresh.model.proto.solution_hint.vars.extend(range(built.decisions))
    fresh.model.proto.solution_hint.values.extend(solution[: built.decisions])
    return str(fresh.model.proto)


def _tiny_draft(tiny_path: Path) -> Draft:
    loaded = load_workbook(tiny_path)
    eligibility = assess_roster(loaded.roster, loaded.params)
    return draft_of_plan(solve(loaded.roster, loaded.params, eligibility, SolveOptions(workers=1)))


@pytest.mark.parametrize("drafted", [False, True])
@pytest.mark.parametrize("kept", [(True, True), (False, True), (True, False)])
def test_probe_copy_is_the_model_a_build_gives(
    tiny_path: Path, kept: tuple[bool, bool], drafted: bool
) -> None:
    built, solution = _solved(tiny_path, _tiny_draft(tiny_path) if drafted else None)
    assert bool(built.built_hint[0]) is drafted
    first = {level.name: level.value(solution) for level in _first_levels(built)}
    due_moved = _due_moved(built).value(solution)
    rules = sorted(built.enforced_by_rule)
    assert rules, "tiny has hard obligations to drop"
    for skip in [frozenset(), *(frozenset({rule}) for rule in rules)]:
        copied = _probe_base(built, solution, skip, first if kept[0] else {}, due_moved if kept[1] else None)
        assert str(copied.proto) == _built_afresh(built, solution, skip, kept), sorted(skip)


def test_building_reads_no_hint_into_being(tiny_path: Path) -> None:
    # Reading an absent solution_hint makes an empty one present, which changed the plan of the
    # sample district (CP-SAT searched its first level otherwise); a build without a draft has none.
    built, _ = _solved(tiny_path)
    assert built.built_hint == ((), ())
    assert not build_model(built.data).model.proto.has_solution_hint()
