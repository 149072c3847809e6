"""The CP-SAT model of the rotation rules and its solution.

The entry point is ``solver.solve.solve(roster, params, eligibility, options, progress) -> Plan``
(with ``SolveOptions`` and ``PinError`` beside it); the plan's types are in ``rotation.plan``.
"""
