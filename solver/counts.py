"""Counts of people: linear sums of 0/1 decision variables plus a constant.

Every rule counts people (who works where next term, who is sent, who walks).
A ``Count`` keeps its variables and coefficients in plain lists so it can be
bounded before solving (for shortfall domains and explanations) and evaluated
on a solution without asking the solver term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model


class Count:
    """``constant + Σ coef·var`` over 0/1 variables."""

    __slots__ = ("coefs", "constant", "variables")

    def __init__(self, constant: int = 0, variables: Iterable[cp_model.IntVar] = ()) -> None:
        self.constant = constant
        self.variables: list[cp_model.IntVar] = list(variables)
        self.coefs: list[int] = [1] * len(self.variables)

    def add(self, variable: cp_model.IntVar, coef: int = 1) -> None:
        self.variables.append(variable)
        self.coefs.append(coef)

    def extend(self, other: Count, factor: int = 1) -> None:
        self.constant += factor * other.constant
        self.variables.extend(other.variables)
        self.coefs.extend(factor * coef for coef in other.coefs)

    @property
    def is_constant(self) -> bool:
        return not self.variables

    @property
    def upper(self) -> int:
        return self.constant + sum(coef for coef in self.coefs if coef > 0)

    @property
    def lower(self) -> int:
        return self.constant + sum(coef for coef in self.coefs if coef < 0)

    def expr(self) -> cp_model.LinearExpr:
        if not self.variables:
            return cp_model.LinearExpr.constant(self.constant)
        return cp_model.LinearExpr.weighted_sum(self.variables, self.coefs) + self.constant

    def value(self, solution: Sequence[int]) -> int:
        """The count in a solution given as the response's value list (indexed by variable index)."""
        return self.constant + sum(
            coef * solution[var.index] for var, coef in zip(self.variables, self.coefs, strict=True)
        )


def difference(left: Count, right: Count, scale: int = 1) -> Count:
    """``scale·left − right`` as a new count (constraints compare it with zero)."""
    result = Count()
    result.extend(left, scale)
    result.extend(right, -1)
    return result
