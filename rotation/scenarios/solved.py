"""One solved run: a roster solved under one set of parameters, and the loading and solving that make it.

The solver is imported inside ``load_and_solve``, so that importing this module (as the CLI does)
does not load OR-Tools.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rotation.domain import Roster
from rotation.draft import Draft
from rotation.eligibility import Eligibility, assess_roster
from rotation.parameters import Parameters, resolve_parameters
from rotation.plan import Plan
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook


@dataclass(frozen=True)
class SolvedRun:
    """A roster solved under one set of parameters; ``source`` is the workbook it was loaded from, if any
    (its file name, hash and the loader's warnings go to the run sheet)."""

    roster: Roster
    params: Parameters
    eligibility: Mapping[str, Eligibility]
    plan: Plan
    source: LoadedWorkbook | None = None


def load_and_solve(
    path: Path,
    overrides: Mapping[str, object] = {},
    scenario_file: Path | None = None,
    *,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    progress: Callable[[Text], None] | None = None,
    draft: Draft | None = None,
    data: bytes | None = None,
) -> SolvedRun:
    """Load the workbook with ``scenario_file`` and ``overrides`` over its own parameters, and solve it
    (from ``draft`` when given: as few of its decisions changed as the rules allow, O0). ``data`` is the
    workbook's content when it came as bytes (``path`` then only names it).

    Raises WorkbookError or ParameterError for bad input, PinError for a refused pin.
    """
    from rotation.workbook.loader import load_workbook
    from solver.settings import SolveOptions
    from solver.solve import solve

    flags = tuple(f"{key}={value}" for key, value in overrides.items())

    def resolve(sheet_values: Mapping[str, object]) -> Parameters:
        # Refusals name their source in both languages, as resolve_parameters writes them.
        return resolve_parameters(sheet_values, scenario_file, flags)

    # A bad override is refused as itself (--set), before the loader would report it as the
    # parameters sheet's, as the CLI's own loading does; how it goes with the sheet's values is
    # judged once the sheet is read.
    resolve_parameters({}, scenario_file, flags, joint=False)
    loaded = load_workbook(path, resolve, data)
    eligibility = assess_roster(loaded.roster, loaded.params)
    options = SolveOptions(time_limit_s=time_limit_s, workers=workers, seed=seed, draft=draft)
    plan = solve(loaded.roster, loaded.params, eligibility, options, progress)
    return SolvedRun(loaded.roster, loaded.params, eligibility, plan, loaded)
