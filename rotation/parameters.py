"""All the parameters of domain-rules.md in one typed, validated object.

Sources, in increasing precedence: the defaults below, the workbook's
``parameters`` sheet, a TOML scenario file, ``--set key=value`` flags.
Every unknown key and every bad value is reported by name, all at once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from rotation.catalogue import SOFT_BY_DEFAULT, SWITCHABLE_RULES, RuleId, parse_rule_id
from rotation.dates import default_effective_date, parse_date_text
from rotation.text import Text, shorten

DestinationScope = Literal["group", "district"]
PrincipalScope = Literal["district", "group"]
ObjectiveMode = Literal["lexicographic", "weighted"]
# The parameters whose value is one of a few words, by the name of their type.
_CHOICES: dict[str, tuple[str, ...]] = {
    "DestinationScope": get_args(DestinationScope),
    "PrincipalScope": get_args(PrincipalScope),
    "ObjectiveMode": get_args(ObjectiveMode),
}


# The dates a run may be planned for. Every date the rules reach from one (ages, anniversaries,
# stints, the years of a multi-year plan) then stays far inside what Python's dates can hold.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
# People in a count (an obligation's minimum, a headcount margin): more than any district employs,
# and small enough that every sum the model makes of them stays exact.
MAX_PEOPLE = 100_000
MAX_YEARS = 100
# A name printed on the papers (bureau_name): one line at the foot of an A4 page.
MAX_NAME_LENGTH = 40


def _within(default: Any, low: Any, high: Any) -> Any:
    """A field whose value must lie in [low, high] (``range`` of its metadata, read by parameter_range)."""
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class Parameters:
    """The rule parameters, with the defaults of domain-rules.md and the range each may take."""

    effective_date: date = field(
        default_factory=lambda: default_effective_date(date.today()),
        metadata={"range": (EARLIEST_DATE, LATEST_DATE)},
    )
    # T1, T2, E1
    teacher_tenure_years: int = _within(6, 1, MAX_YEARS)
    leader_term_years: int = _within(3, 1, MAX_YEARS)
    leader_tenure_years: int = _within(6, 1, MAX_YEARS)
    # E2, E6
    male_exempt_age: int = _within(55, 0, 120)
    female_exempt_age: int = _within(50, 0, 120)
    e6_other_schools: int = _within(2, 0, MAX_YEARS)
    e6_years_each: int = _within(3, 0, MAX_YEARS)
    e6_rural_years: int = _within(6, 0, MAX_YEARS)
    # S1
    teacher_min_stint_years: int = _within(1, 0, MAX_YEARS)
    leader_min_stint_years: int = _within(3, 0, MAX_YEARS)
    # P1
    principal_scope: PrincipalScope = "district"
    # G1-G7
    tight_mgmt_team_min: int = _within(3, 0, MAX_PEOPLE)
    tight_key_junior_min: int = _within(6, 0, MAX_PEOPLE)
    tight_key_primary_band_min: int = _within(2, 0, MAX_PEOPLE)
    alliance_min: int = _within(3, 0, MAX_PEOPLE)
    alliance_max: int = _within(5, 0, MAX_PEOPLE)
    alliance_leader_min: int = _within(1, 0, MAX_PEOPLE)
    walk_max_schools: int = _within(2, 1, MAX_PEOPLE)
    hs_pair_per_subject_min: int = _within(1, 0, MAX_PEOPLE)
    kg_exchange_min: int = _within(1, 0, MAX_PEOPLE)
    # C2, C3, C4
    max_net_loss: int = _within(0, 0, MAX_PEOPLE)
    destination_scope: DestinationScope = "group"
    max_outflow_ratio: float = _within(0.2, 0, 1)
    # N1
    min_rotation_ratio: float = _within(0.10, 0, 1)
    min_key_share: float = _within(0.20, 0, 1)
    # L1
    group_max_schools: int = _within(9, 0, MAX_PEOPLE)
    group_max_students: int = _within(15000, 0, 100 * MAX_PEOPLE)
    # Hard/soft switches and the objective's form.
    soft: frozenset[RuleId] = frozenset()
    hard: frozenset[RuleId] = frozenset()
    objective_mode: ObjectiveMode = "lexicographic"
    # Papers: the bureau that signs the personal notices and the public list (公示名单).
    bureau_name: str = "区教育体育局"

    def is_soft(self, rule_id: RuleId | str) -> bool:
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

    def updated(self, values: Mapping[str, object], source: str | Text, *, joint: bool = True) -> Parameters:
        """A copy with ``values`` applied; raises ParameterError listing every bad key or value.

        ``source`` names where the values come from, in both languages when a Text. ``joint`` = False
        leaves out the checks of values against each other (alliance_min ≤ alliance_max, …): with
        several sources, only the values they give together can be judged that way.
        """
        where = source if isinstance(source, Text) else Text(source, source)
        changes: dict[str, object] = {}
        problems: list[Text] = []
        by_name = {f.name: f for f in fields(self)}
        for raw_key, raw_value in values.items():
            key = str(raw_key).replace("\u3000", " ").strip()
            if key not in by_name:
                problems.append(_unknown_parameter(key, list(by_name), where))
                continue
            try:
                changes[key] = _coerce(key, by_name[key].type, raw_value)
            except ValueError as error:
                why = error.text if isinstance(error, _BadValue) else Text(str(error), str(error))
                shown = shorten(repr(raw_value))
                problems.append(
                    Text(
                        f"{where.en}: parameter {key}: {why.en} (found: {shown})",
                        f"{where.zh}：参数 {key} {why.zh}（发现：{shown}）",
                    )
                )
        if problems:
            raise ParameterError(problems)
        result = replace(self, **changes)  # type: ignore[arg-type]
        result_problems = [
            Text(f"{where.en}: {problem.en}", f"{where.zh}：{problem.zh}")
            for problem in result.problem_texts(joint=joint)
        ]
        if result_problems:
            raise ParameterError(result_problems)
        return result

    def problem_texts(self, joint: bool = True) -> list[Text]:
        """Values outside their range, or (``joint``) that do not make sense together, in both languages."""
        found: list[Text] = []
        for f in fields(self):
            value, limits = getattr(self, f.name), parameter_range(f.name)
            # "not low <= value <= high" also refuses nan, which every comparison fails.
            if limits is not None and not limits[0] <= value <= limits[1]:
                low, high = (format_value(limit) for limit in limits)
                shown = shorten(format_value(value))
                found.append(
                    Text(
                        f"parameter {f.name} must lie between {low} and {high} (found: {shown})",
                        f"参数 {f.name} 必须在 {low} 到 {high} 之间（发现：{shown}）",
                    )
                )
        if found or not joint:  # the checks below compare values that are each in range
            return found
        # G4: the leaders are part of the count, so they cannot outnumber its maximum.
        for low_name, high_name in (
            ("alliance_min", "alliance_max"),
            ("alliance_leader_min", "alliance_max"),
        ):
            low, high = getattr(self, low_name), getattr(self, high_name)
            if low > high:
                found.append(
                    Text(
                        f"parameter {low_name} ({low}) exceeds {high_name} ({high})",
                        f"参数 {low_name}（{low}）大于 {high_name}（{high}）",
                    )
                )
        both = self.soft & self.hard
        if both:
            names = ", ".join(sorted(both))
            found.append(
                Text(f"parameters soft and hard both name {names}", f"参数 soft 和 hard 都列出了 {names}")
            )
        return found


_RANGES: dict[str, tuple[Any, Any]] = {
    f.name: f.metadata["range"] for f in fields(Parameters) if "range" in f.metadata
}


def parameter_range(name: str) -> tuple[Any, Any] | None:
    """The lowest and highest value of a parameter (None for one of a few words, or a list of rules)."""
    return _RANGES.get(name)


def allowed_values(name: str) -> str:
    """What a parameter may be, as the template and the rules list it: ``1 – 100``, ``group, district``."""
    limits = parameter_range(name)
    if limits is not None:
        return " – ".join(format_value(limit) for limit in limits)
    kind = str(next(f.type for f in fields(Parameters) if f.name == name))
    if kind == "str":
        return f"1 – {MAX_NAME_LENGTH} 字 (characters)"
    if kind in _CHOICES:
        return ", ".join(_CHOICES[kind])
    return ", ".join(sorted(SWITCHABLE_RULES))


# Where the workbook's parameters come from, as ParameterError sentences begin.
PARAMETERS_SHEET = Text("parameters sheet", "参数工作表")


class ParameterError(ValueError):
    """Bad parameters; ``problems`` holds one English sentence per bad key or value.

    ``texts`` holds the same sentences in both languages; one given as a plain string has no
    Chinese form and is shown as written in either language.
    """

    def __init__(self, problems: Sequence[str | Text]) -> None:
        self.texts = [
            problem if isinstance(problem, Text) else Text(problem, problem) for problem in problems
        ]
        self.problems = [text.en for text in self.texts]
        super().__init__("\n".join(self.problems))

    def lines(self, lang: str) -> list[str]:
        """The sentences in ``lang`` ("zh" or "en")."""
        return [text.pick(lang) for text in self.texts]


class _BadValue(ValueError):
    """A parameter value of the wrong form; ``text`` says how, after the parameter's name."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.text = Text(en, zh)


def _unknown_parameter(key: str, known: Sequence[str], where: Text) -> Text:
    """An unknown key, with the nearest known one when a typo is likely, else every known key."""
    nearest = difflib.get_close_matches(key.casefold(), known, n=1)
    shown = shorten(repr(key))
    if nearest:
        return Text(
            f"{where.en}: unknown parameter {shown} (did you mean {nearest[0]}?)",
            f"{where.zh}：未知参数 {shown}（是否指 {nearest[0]}？）",
        )
    names = ", ".join(known)
    return Text(
        f"{where.en}: unknown parameter {shown} (known: {names})",
        f"{where.zh}：未知参数 {shown}（可用：{names}）",
    )


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
    if kind == "frozenset[RuleId]":
        return _to_rules(raw)
    if kind == "str":
        return _to_name(raw)
    if kind in _CHOICES:
        allowed = _CHOICES[kind]
        if not isinstance(raw, str) or raw.casefold() not in allowed:
            raise _BadValue(f"must be one of {', '.join(allowed)}", f"必须是以下之一：{', '.join(allowed)}")
        return raw.casefold()
    raise AssertionError(f"parameter {key} has an unhandled type {kind}")


def _to_name(raw: object) -> str:
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_NAME_LENGTH:
        raise _BadValue(
            f"must be a name of 1 to {MAX_NAME_LENGTH} characters", f"须为 1 至 {MAX_NAME_LENGTH} 个字的名称"
        )
    return raw


def _to_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        parsed = parse_date_text(raw)
        if parsed is not None:
            return parsed
    raise _BadValue("is not a date (use 2027-09-01)", "不是日期（请写 2027-09-01）")


def _to_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise _BadValue("is not a whole number", "不是整数")
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
    raise _BadValue("is not a whole number", "不是整数")


def _to_float(raw: object) -> float:
    if isinstance(raw, bool):
        raise _BadValue("is not a number", "不是数字")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        text = raw.rstrip("%")
        try:
            number = float(text)
        except ValueError:
            raise _BadValue("is not a number", "不是数字") from None
        return number / 100 if raw.endswith("%") else number
    raise _BadValue("is not a number", "不是数字")


def _to_rules(raw: object) -> frozenset[RuleId]:
    if isinstance(raw, str):
        parts: Iterable[object] = raw.replace(";", ",").replace("，", ",").replace("；", ",").split(",")
    elif isinstance(raw, list | tuple | set | frozenset):
        parts = raw
    elif raw is None:
        parts = ()
    else:
        raise _BadValue("is not a list of rule IDs", "不是规则编号列表")
    named = [str(part).strip() for part in parts if str(part).strip()]
    rules = frozenset(r for r in map(parse_rule_id, named) if r is not None and r in SWITCHABLE_RULES)
    unknown = {name.upper() for name in named if parse_rule_id(name) not in SWITCHABLE_RULES}
    if unknown:
        names, switchable = ", ".join(sorted(unknown)), ", ".join(sorted(SWITCHABLE_RULES))
        raise _BadValue(
            f"names rules that cannot be switched: {names} (switchable: {switchable})",
            f"列出了不能切换的规则：{names}（可切换：{switchable}）",
        )
    return rules


def parse_flags(flags: Iterable[str]) -> dict[str, str]:
    """``--set key=value`` flags as a mapping; a flag without ``=`` is an error naming it."""
    values: dict[str, str] = {}
    problems: list[Text] = []
    for flag in flags:
        key, sep, value = flag.partition("=")
        if not sep or not key.strip():
            shown = shorten(flag)
            problems.append(Text(f"--set {shown}: expected key=value", f"--set {shown}：应写成 key=value"))
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
        raise ParameterError(
            [
                Text(
                    f"scenario {path}: cannot be read ({error.strerror})",
                    f"情景文件 {path}：无法读取（{error.strerror}）",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ParameterError(
            [
                Text(
                    f"scenario {path}: not valid TOML ({error})",
                    f"情景文件 {path}：不是有效的 TOML（{error}）",
                )
            ]
        ) from None
    table = document.get("parameters", {})
    values = {k: v for k, v in document.items() if k not in ("name", "description", "parameters")}
    if not isinstance(table, dict):
        raise ParameterError(
            [
                Text(
                    f"scenario {path}: [parameters] must be a table",
                    f"情景文件 {path}：[parameters] 必须是一个表",
                )
            ]
        )
    values.update(table)
    return values


def resolve_parameters(
    workbook: Mapping[str, object] | None = None,
    scenario: Path | None = None,
    flags: Iterable[str] = (),
    effective_date: date | None = None,
    base: Parameters | None = None,
    *,
    joint: bool = True,
) -> Parameters:
    """Parameters from every source, in precedence order: defaults, workbook, scenario, flags.

    ``effective_date`` (the ``--effective-date`` option) is a flag and wins over all. Each source's
    values are checked as they come; how they go together (``joint``) only once all are applied, so
    that the sheet's alliance_max = 10 and a flag's alliance_min = 8 are judged as the pair they make.
    """
    params = base if base is not None else Parameters()
    flag_values: dict[str, object] = dict(parse_flags(flags))
    if effective_date is not None:
        flag_values["effective_date"] = effective_date
    scenario_values = load_scenario(scenario) if scenario is not None else {}
    # In precedence order: the source that set a parameter last is the one a problem is told against.
    stages = [
        (workbook or {}, PARAMETERS_SHEET),
        (scenario_values, Text(f"scenario {scenario}", f"情景文件 {scenario}")),
        (flag_values, Text("--set", "--set")),
    ]
    set_by: dict[str, Text] = {}
    for values, where in stages:
        if values:
            params = params.updated(values, where, joint=False)
            set_by.update(dict.fromkeys((str(key).strip() for key in values), where))
    if joint and (problems := params.problem_texts()):
        raise ParameterError(
            [_attributed(problem, set_by, [where for _, where in stages]) for problem in problems]
        )
    return params


def _attributed(problem: Text, set_by: Mapping[str, Text], order: Sequence[Text]) -> Text:
    """A problem of values together, begun with the source of highest precedence (``order``) among those
    that set a parameter it names; the parameters sheet's then points at the row of the first it names."""
    named = {
        where for key, where in set_by.items() if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", problem.en)
    }
    if not named:
        return problem
    where = max(named, key=order.index)
    return Text(f"{where.en}: {problem.en}", f"{where.zh}：{problem.zh}")
