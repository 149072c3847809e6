"""The CP-SAT model of the rotation rules and its solution."""
