"""All the parameters of domain-rules.md in one typed, validated object.

Sources, in increasing precedence: the defaults below, the workbook's
``parameters`` sheet, a TOML scenario file, ``--set key=value`` flags.
Every unknown key and every bad value is reported by name, all at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from rotation.dates import default_effective_date, parse_date_text

# Rules a planner may switch between hard and soft (the obligations, and N1).
SWITCHABLE_RULES: frozenset[str] = frozenset({"G1", "G2", "G3", "G4", "G5", "G6", "N1"})
# Soft unless named in ``hard``.
SOFT_BY_DEFAULT: frozenset[str] = frozenset({"N1"})

DestinationScope = Literal["group", "district"]
ObjectiveMode = Literal["lexicographic", "weighted"]


@dataclass(frozen=True)
class Parameters:
    """The rule parameters, with the defaults of domain-rules.md."""

    effective_date: date = field(default_factory=lambda: default_effective_date(date.today()))
    # T1, T2, E1
    teacher_tenure_years: int = 6
    leader_term_years: int = 3
    leader_tenure_years: int = 6
    # E2, E6
    male_exempt_age: int = 55
    female_exempt_age: int = 50
    e6_other_schools: int = 2
    e6_years_each: int = 3
    e6_rural_years: int = 6
    # S1
    teacher_min_stint_years: int = 1
    leader_min_stint_years: int = 3
    # G1-G6
    tight_mgmt_team_min: int = 3
    tight_key_junior_min: int = 6
    tight_key_primary_band_min: int = 2
    alliance_min: int = 3
    alliance_max: int = 5
    walk_max_schools: int = 2
    hs_pair_per_subject_min: int = 1
    # C2, C3, C4
    max_net_loss: int = 0
    destination_scope: DestinationScope = "group"
    max_outflow_ratio: float = 0.2
    # N1
    min_rotation_ratio: float = 0.10
    min_key_share: float = 0.20
    # L1
    group_max_schools: int = 9
    group_max_students: int = 15000
    # Hard/soft switches and the objective's form.
    soft: frozenset[str] = frozenset()
    hard: frozenset[str] = frozenset()
    objective_mode: ObjectiveMode = "lexicographic"

    def is_soft(self, rule_id: str) -> bool:
        """Whether ``rule_id`` is a penalty rather than a constraint in this run."""
        if rule_id in self.hard:
            return False
        return rule_id in self.soft or rule_id in SOFT_BY_DEFAULT

    def min_stint_years(self, is_teacher: bool) -> int:
        """S1: the minimum stint of a teacher, or of a principal, vice principal or middle manager."""
        return self.teacher_min_stint_years if is_teacher else self.leader_min_stint_years

    def items(self) -> list[tuple[str, str]]:
        """Every parameter as (name, text), in declaration order, for the ``run`` sheet."""
        return [(f.name, format_value(getattr(self, f.name))) for f in fields(self)]

    def updated(self, values: Mapping[str, object], source: str) -> Parameters:
        """A copy with ``values`` applied; raises ParameterError listing every bad key or value."""
        changes: dict[str, object] = {}
        problems: list[str] = []
        by_name = {f.name: f for f in fields(self)}
        for raw_key, raw_value in values.items():
            key = str(raw_key).replace("\u3000", " ").strip()
            if key not in by_name:
                problems.append(f"{source}: unknown parameter {key!r} (known: {', '.join(by_name)})")
                continue
            try:
                changes[key] = _coerce(key, by_name[key].type, raw_value)
            except ValueError as error:
                problems.append(f"{source}: parameter {key}: {error} (found: {raw_value!r})")
        if problems:
            raise ParameterError(problems)
        result = replace(self, **changes)  # type: ignore[arg-type]
        result_problems = [f"{source}: {problem}" for problem in result.problems()]
        if result_problems:
            raise ParameterError(result_problems)
        return result

    def problems(self) -> list[str]:
        """Values that are each well-formed but do not make sense together."""
        found: list[str] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                found.append(f"parameter {f.name} must not be negative (found: {value})")
        for name in ("max_outflow_ratio", "min_rotation_ratio", "min_key_share"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                found.append(f"parameter {name} must lie between 0 and 1 (found: {value})")
        if self.alliance_min > self.alliance_max:
            found.append(
                f"parameter alliance_min ({self.alliance_min}) exceeds alliance_max ({self.alliance_max})"
            )
        for name in ("leader_term_years", "walk_max_schools"):
            if getattr(self, name) < 1:
                found.append(f"parameter {name} must be at least 1 (found: {getattr(self, name)})")
        both = self.soft & self.hard
        if both:
            found.append(f"parameters soft and hard both name {', '.join(sorted(both))}")
        return found


class ParameterError(ValueError):
    """Bad parameters; ``problems`` holds one sentence per bad key or value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def format_value(value: object) -> str:
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _coerce(key: str, annotation: object, raw: object) -> object:
    kind = str(annotation)
    if isinstance(raw, str):
        raw = raw.replace("\u3000", " ").strip()
    if kind == "date":
        return _to_date(raw)
    if kind == "int":
        return _to_int(raw)
    if kind == "float":
        return _to_float(raw)
    if kind == "frozenset[str]":
        return _to_rules(raw)
    if kind in ("DestinationScope", "ObjectiveMode"):
        allowed = get_args(DestinationScope if kind == "DestinationScope" else ObjectiveMode)
        if not isinstance(raw, str) or raw.casefold() not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return raw.casefold()
    raise AssertionError(f"parameter {key} has an unhandled type {kind}")


def _to_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        parsed = parse_date_text(raw)
        if parsed is not None:
            return parsed
    raise ValueError("is not a date (use 2027-09-01)")


def _to_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("is not a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if number.is_integer():
            return int(number)
    raise ValueError("is not a whole number")


def _to_float(raw: object) -> float:
    if isinstance(raw, bool):
        raise ValueError("is not a number")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        text = raw.rstrip("%")
        try:
            number = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        return number / 100 if raw.endswith("%") else number
    raise ValueError("is not a number")


def _to_rules(raw: object) -> frozenset[str]:
    if isinstance(raw, str):
        parts: Iterable[object] = raw.replace(";", ",").replace("，", ",").replace("；", ",").split(",")
    elif isinstance(raw, list | tuple | set | frozenset):
        parts = raw
    elif raw is None:
        parts = ()
    else:
        raise ValueError("is not a list of rule IDs")
    rules = frozenset(str(part).strip().upper() for part in parts if str(part).strip())
    unknown = rules - SWITCHABLE_RULES
    if unknown:
        raise ValueError(
            f"names rules that cannot be switched: {', '.join(sorted(unknown))} "
            f"(switchable: {', '.join(sorted(SWITCHABLE_RULES))})"
        )
    return rules


def parse_flags(flags: Iterable[str]) -> dict[str, str]:
    """``--set key=value`` flags as a mapping; a flag without ``=`` is an error naming it."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for flag in flags:
        key, sep, value = flag.partition("=")
        if not sep or not key.strip():
            problems.append(f"--set {flag}: expected key=value")
            continue
        values[key.strip()] = value
    if problems:
        raise ParameterError(problems)
    return values


def load_scenario(path: Path) -> dict[str, Any]:
    """The parameters of a TOML scenario file: top-level keys, or a ``[parameters]`` table.

    ``name`` and ``description`` at the top level describe the scenario and are not parameters.
    """
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ParameterError([f"scenario {path}: cannot be read ({error.strerror})"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ParameterError([f"scenario {path}: not valid TOML ({error})"]) from None
    table = document.get("parameters", {})
    values = {k: v for k, v in document.items() if k not in ("name", "description", "parameters")}
    if not isinstance(table, dict):
        raise ParameterError([f"scenario {path}: [parameters] must be a table"])
    values.update(table)
    return values


def resolve_parameters(
    workbook: Mapping[str, object] | None = None,
    scenario: Path | None = None,
    flags: Iterable[str] = (),
    effective_date: date | None = None,
    base: Parameters | None = None,
) -> Parameters:
    """Parameters from every source, in precedence order: defaults, workbook, scenario, flags.

    ``effective_date`` (the ``--effective-date`` option) is a flag and wins over all.
    """
    params = base if base is not None else Parameters()
    if workbook:
        params = params.updated(workbook, "parameters sheet")
    if scenario is not None:
        params = params.updated(load_scenario(scenario), f"scenario {scenario}")
    flag_values: dict[str, object] = dict(parse_flags(flags))
    if effective_date is not None:
        flag_values["effective_date"] = effective_date
    if flag_values:
        params = params.updated(flag_values, "--set")
    return params
