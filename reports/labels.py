"""The text of output cells and headers in either language (zh by default, en on request)."""

from __future__ import annotations

from collections.abc import Iterable

from rotation.codes import Band, Coded, normalize_text
from rotation.plan import SolveStatus
from rotation.text import Text
from rotation.workbook.schema import Sheet

LANGUAGES: tuple[str, ...] = ("zh", "en")


def check_language(lang: str) -> None:
    """Refuse a language the contract does not define, rather than silently writing English."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown output language {lang!r} (known: {', '.join(LANGUAGES)})")


def headers(sheet: Sheet, lang: str) -> list[str]:
    return [column.label(lang) for column in sheet.columns]


def code_text(code: Coded | None, lang: str) -> str | None:
    """A code by its Chinese name or English key; a missing code is a blank cell."""
    return None if code is None else code.label(lang)


def rules_text(rule_ids: Iterable[str]) -> str | None:
    """Rule IDs as the contract writes them, ``E2;E4``; none is a blank cell. IDs are never translated."""
    return ";".join(rule_ids) or None


def yes_no(value: bool, lang: str) -> str:
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


# The run sheet's ``status``: a solve's SolveStatus, or what a run without a solve did.
RUN_STATUSES: dict[str, Text] = {
    SolveStatus.OPTIMAL.value: Text("optimal", "最优"),
    SolveStatus.FEASIBLE.value: Text("feasible", "可行"),
    SolveStatus.INFEASIBLE.value: Text("infeasible", "无可行方案"),
    SolveStatus.UNKNOWN.value: Text("unknown", "未求得方案"),
    SolveStatus.MODEL_INVALID.value: Text("model_invalid", "模型无效"),
    "checked": Text("checked", "已检查"),
    "sweep": Text("sweep", "情景扫描"),
    # A sweep scenario that has no plan for another reason than the solver's.
    "bad_input": Text("bad_input", "输入有误"),
    "timeout": Text("timeout", "超时"),
    "error": Text("error", "出错"),
}


def status_text(status: str, lang: str) -> str:
    """A run status in ``lang``; one this table does not know is written as it is."""
    known = RUN_STATUSES.get(status)
    return known.pick(lang) if known is not None else status


def parse_status(text: str) -> str:
    """The status key (``optimal``) of a status written in either language."""
    wanted = normalize_text(text)
    for key, names in RUN_STATUSES.items():
        if wanted in (key, normalize_text(names.zh)):
            return key
    return text


# The words of the obligations sheet's ``part`` (workbook-format.md): a contingent, a post class, a
# band, a pin's kind. Subjects, school ids and directions (``0001->0002``) are left as they are.
_PART_WORDS: dict[str, str] = {
    "team": "管理团队",
    "key": "骨干",
    "leader": "领导",
    "middle_manager": "中层干部",
    "teacher": "教师",
    "must": "必须",
    "never": "禁止",
    "stay": "留任",
    **{band.value: band.zh for band in Band},
}
_PART_KEYS: dict[str, str] = {zh: key for key, zh in _PART_WORDS.items()}


def part_text(part: str, lang: str) -> str:
    """An obligation's part in ``lang``: ``teacher:primary_lower`` is 教师:小学低段 in Chinese."""
    if lang != "zh":
        return part
    return ":".join(_PART_WORDS.get(word, word) for word in part.split(":"))


def parse_part(text: str) -> str:
    """The part as the contract spells it in English, from either language."""
    return ":".join(_PART_KEYS.get(word.strip(), word.strip()) for word in text.replace("：", ":").split(":"))
