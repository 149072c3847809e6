"""The three ways to make a plan, by the name the CLI and the benchmarks use.

``cp-sat`` is the product; ``mip`` is the same model under HiGHS (solver/mip.py),
kept to cross-check CP-SAT's optimum; ``greedy`` is the first-fit procedure a
bureau works by hand (solver/greedy.py). All three return a ``Plan`` that the
exports write in the same format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal, get_args

from rotation.domain import Roster
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.plan import Plan
from solver.greedy import solve_greedy
from solver.settings import Progress, SolveOptions
from solver.solve import solve

Method = Literal["cp-sat", "mip", "greedy"]
METHODS: tuple[Method, ...] = get_args(Method)


def solve_by(
    method: Method,
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    options: SolveOptions,
    progress: Progress | None = None,
) -> Plan:
    """The plan ``method`` makes; raises PinError, as every method does, for pins no plan may honour."""
    if method == "greedy":
        return solve_greedy(roster, params, eligibility, options, progress)
    return solve(roster, params, eligibility, replace(options, engine=method), progress)
