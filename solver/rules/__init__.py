"""The rule registry: one function per rule, each returning the obligations it imposes.

Adding a rule means writing its function and listing it here. The model
enforces each obligation (hard) or penalises its shortfall (soft, when
``params.is_soft(rule)``). C3, S1 and S2 are not listed: they decide which
variables exist at all (solver/variables.py), so nothing needs enforcing.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.rules.base import Obligation, RuleContext
from solver.rules.groups import (
    g1_management_team,
    g2_key_teachers,
    g3_reciprocity,
    g4_alliance,
    g6_high_school_pair,
    g7_kindergarten_alliance,
)
from solver.rules.leadership import p1_every_school_keeps_its_head
from solver.rules.school import c1_subject_minimums, c2_headcount, c4_outflow
from solver.rules.targets import n1_rotation_targets
from solver.rules.walking import g5_walking

Rule = Callable[[RuleContext], list[Obligation]]

RULES: tuple[Rule, ...] = (
    # Hard: the school constraints (never soft), then the group obligations (hard unless soft=).
    c1_subject_minimums,
    c2_headcount,
    c4_outflow,
    # Hard always: every school keeps its principal.
    p1_every_school_keeps_its_head,
    g1_management_team,
    g2_key_teachers,
    g3_reciprocity,
    g4_alliance,
    g5_walking,
    g6_high_school_pair,
    g7_kindergarten_alliance,
    # Soft by default (hard=N1 makes it hard).
    n1_rotation_targets,
)

__all__ = ["RULES", "Obligation", "Rule", "RuleContext"]
