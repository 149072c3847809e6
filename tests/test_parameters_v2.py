"""rotation.parameters, v2 rules: principal_scope (P1), alliance_leader_min (G4), kg_exchange_min (G7),
G7 in the hard/soft switches, and the nearest known key suggested for an unknown one."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from rotation.catalogue import RuleId
from rotation.parameters import ParameterError, Parameters, resolve_parameters


def refusal(values: Mapping[str, object]) -> ParameterError:
    with pytest.raises(ParameterError) as caught:
        Parameters().updated(values, "--set")
    return caught.value


def test_v2_defaults_are_those_of_the_rules() -> None:
    params = Parameters()
    assert (params.principal_scope, params.alliance_leader_min, params.kg_exchange_min) == ("district", 1, 1)
    assert {
        "principal_scope": "district",
        "alliance_leader_min": "1",
        "kg_exchange_min": "1",
    }.items() <= dict(params.items()).items()


@pytest.mark.parametrize(
    ("raw", "expected"), [("group", "group"), ("District", "district"), (" GROUP ", "group")]
)
def test_principal_scope_takes_district_or_group(raw: str, expected: str) -> None:
    assert Parameters().updated({"principal_scope": raw}, "--set").principal_scope == expected


def test_principal_scope_refuses_another_word_in_both_languages() -> None:
    error = refusal({"principal_scope": "city"})
    assert error.lines("en") == [
        "--set: parameter principal_scope: must be one of district, group (found: 'city')"
    ]
    assert error.lines("zh") == [
        "--set：参数 principal_scope 必须是以下之一：district, group（发现：'city'）"
    ]


@pytest.mark.parametrize("switch", ["soft", "hard"])
def test_g7_can_be_switched(switch: str) -> None:
    params = Parameters().updated({switch: "G7"}, "--set")
    assert getattr(params, switch) == frozenset({RuleId.G7})
    assert params.is_soft(RuleId.G7) is (switch == "soft")


def test_g7_is_hard_by_default() -> None:
    assert not Parameters().is_soft(RuleId.G7)


@pytest.mark.parametrize(
    ("leaders", "maximum", "refused"),
    [
        pytest.param(4, 5, False, id="below-the-maximum"),
        pytest.param(5, 5, False, id="at-the-maximum"),
        pytest.param(6, 5, True, id="above-the-maximum"),
    ],
)
def test_alliance_leader_min_at_most_alliance_max(leaders: int, maximum: int, refused: bool) -> None:
    values = {"alliance_leader_min": leaders, "alliance_max": maximum}
    if not refused:
        assert Parameters().updated(values, "--set").alliance_leader_min == leaders
        return
    error = refusal(values)
    assert error.lines("en") == [
        f"--set: parameter alliance_leader_min ({leaders}) exceeds alliance_max ({maximum})"
    ]
    assert error.lines("zh") == [
        f"--set：参数 alliance_leader_min（{leaders}）大于 alliance_max（{maximum}）"
    ]


@pytest.mark.parametrize("name", ["alliance_leader_min", "kg_exchange_min"])
def test_new_minimums_are_whole_non_negative_numbers(name: str) -> None:
    assert getattr(Parameters().updated({name: "0"}, "--set"), name) == 0
    assert refusal({name: -1}).lines("en") == [
        f"--set: parameter {name} must lie between 0 and 100000 (found: -1)"
    ]
    assert refusal({name: "1.5"}).lines("en") == [
        f"--set: parameter {name}: is not a whole number (found: '1.5')"
    ]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("teacher_tenure", "teacher_tenure_years"),
        ("Teacher_Tenure_Years", "teacher_tenure_years"),
        ("kg_exchange", "kg_exchange_min"),
        ("principle_scope", "principal_scope"),
    ],
)
def test_an_unknown_key_suggests_the_nearest_known_one(typed: str, meant: str) -> None:
    error = refusal({typed: "6"})
    assert error.lines("zh") == [f"--set：未知参数 '{typed}'（是否指 {meant}？）"]
    assert error.lines("en") == [f"--set: unknown parameter '{typed}' (did you mean {meant}?)"]


def test_an_unknown_key_near_none_lists_every_known_one() -> None:
    (line,) = refusal({"tenure": "6"}).lines("en")
    assert line.startswith("--set: unknown parameter 'tenure' (known: effective_date, teacher_tenure_years, ")
    assert "principal_scope" in line and "kg_exchange_min" in line


def test_a_scenario_files_unknown_key_is_suggested_too(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[parameters]\nalliance_leaders_min = 2\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        resolve_parameters(scenario=scenario)
    assert caught.value.lines("zh") == [
        f"情景文件 {scenario}：未知参数 'alliance_leaders_min'（是否指 alliance_leader_min？）"
    ]
