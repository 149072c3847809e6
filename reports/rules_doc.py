"""``docs/rules.md``: the rules for planners, Chinese first, then English, made from the catalogue.

Every rule, objective level and code is written from rotation/catalogue.py and every parameter
from rotation/parameters.py, so the document says what the program does. Regenerate it after
changing either with ``python -m reports.rules_doc`` (a test fails while it is out of date).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reports.legend import RULES_DOC, parameter_notes, parameters_of, status_notes
from rotation.catalogue import CATALOGUE, OBJECTIVE_LEVELS, Rule, RuleKind
from rotation.parameters import Parameters, format_value
from rotation.text import Text

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / RULES_DOC
# The rule kinds in the order a planner meets them; objective levels and move codes have their own part.
RULE_KINDS: tuple[RuleKind, ...] = (
    RuleKind.ELIGIBILITY,
    RuleKind.EXEMPTION,
    RuleKind.STINT,
    RuleKind.LEADERSHIP,
    RuleKind.OBLIGATION,
    RuleKind.SCHOOL,
    RuleKind.TARGET,
    RuleKind.VALIDATION,
)

_T: dict[str, Text] = {
    "title": Text("Rotation rules", "交流轮岗规则"),
    "generated": Text(
        "Generated from `rotation/catalogue.py` and `rotation/parameters.py` by "
        "`python -m reports.rules_doc`; do not edit by hand.",
        "本文件由 `python -m reports.rules_doc` 根据 `rotation/catalogue.py` 和 "
        "`rotation/parameters.py` 生成，请勿手工修改。",
    ),
    "where": Text("Where the codes appear", "代码出现在哪里"),
    "where_lines": Text(
        "- 调动名单 (`assignments`), column 依据 (`rule`): what each move is for, one code per move "
        "(G1, G2, G6 or G7 for the contingent it counts in, G3, G4, T1/T2 for a due person, N1, P1, V, C2; "
        "S2 for a return home).\n"
        "- 资格审查 (`eligibility`), column 依据 (`reasons`): why a person is due or exempt, several joined "
        "by `;` (`E2;E6`); `E*` hides a health or maternity reason.\n"
        "- 指标完成 (`obligations`), column 依据 (`rule`): the obligation or target of each row.\n"
        "- 未安排 (`unmoved_due`), column 原因 (`reason`): the rule that kept a due person where they are.\n"
        "- Every output workbook ends with a 说明 (`legend`) sheet explaining each code it shows; every "
        "notice explains the codes of its 依据 column under the table.",
        "- 调动名单的“依据”列：每个调动的依据，一个调动一个代码（计入哪项指标的 G1、G2、G6、G7，以及 G3、G4、"
        "应交流人员的 T1/T2、N1、P1、V、C2；期满返回为 S2）。\n"
        "- 资格审查的“依据”列：应交流或暂不纳入的原因，多个以 `;` 分隔（如 `E2;E6`）；`E*` 表示不显示的健康或"
        "孕产原因。\n"
        "- 指标完成的“依据”列：每行对应的指标或目标。\n"
        "- 未安排的“原因”列：应交流人员未被安排交流的规则原因。\n"
        "- 每个输出工作簿最后都有“说明”工作表，解释该工作簿中出现的每个代码；每份学校通知在表格下方解释"
        "“依据”栏的代码。",
    ),
    "rules": Text("Rules", "规则"),
    "objective": Text("What the optimizer prefers, in priority order", "优化目标（按优先顺序）"),
    "objective_intro": Text(
        "With `objective_mode = lexicographic` (the default) each level is optimised in turn and never "
        "worsened by a later one; `weighted` combines them in one weighted sum.",
        "`objective_mode = lexicographic`（默认）时逐层优化，后一层不会使前一层变差；"
        "`weighted` 时各层加权合并为一个目标。",
    ),
    "codes": Text("Other codes", "其他代码"),
    "statuses": Text("Statuses (资格审查, column 状态)", "状态（资格审查的“状态”列）"),
    "parameters": Text("Parameters and their defaults", "参数及默认值"),
    "parameters_intro": Text(
        "Set in the workbook's parameters sheet (参数), a scenario file (`--scenario`) or `--set key=value`, "
        "later ones winning.",
        "可在工作簿的“参数”表、情景文件（`--scenario`）或命令行 `--set key=value` 中设置，后者优先。",
    ),
    "id": Text("ID", "编号"),
    "name": Text("Title", "名称"),
    "meaning": Text("Meaning", "含义"),
    "defaults": Text("Parameters (default)", "参数（默认值）"),
    "switch": Text("Hard / soft", "软/硬约束"),
    "seed": Text("Source", "出处"),
    "level": Text("Level", "层级"),
    "code": Text("Code", "代码"),
    "parameter": Text("Parameter", "参数"),
    "default": Text("Default", "默认值"),
    "allowed": Text("Allowed", "取值范围"),
    "related": Text("Rules", "相关规则"),
    "soft": Text("switchable, soft by default", "可切换，默认软约束"),
    "hard": Text("switchable, hard by default", "可切换，默认硬约束"),
    "fixed": Text("not switchable", "不可切换"),
}


def render() -> str:
    """The whole document: the Chinese part, then the English one."""
    parts = [f"# {_T['title'].zh} · {_T['title'].en}", "", _T["generated"].zh, "", _T["generated"].en, ""]
    for lang, heading in (("zh", "中文"), ("en", "English")):
        parts += [f"## {heading}", "", *_section(lang)]
    return "\n".join(parts).rstrip() + "\n"


def _section(lang: str) -> list[str]:
    t = {key: text.pick(lang) for key, text in _T.items()}
    lines = [f"### {t['where']}", "", t["where_lines"], "", f"### {t['rules']}", ""]
    for kind in RULE_KINDS:
        rules = [r for r in CATALOGUE.values() if r.kind is kind and r.rule_id.value != "E*"]
        heading = kind.label(lang)
        lines += [f"#### {heading[:1].upper()}{heading[1:]}", ""]
        lines += _table(
            (t["id"], t["name"], t["meaning"], t["defaults"], t["switch"], t["seed"]),
            [
                (
                    f"`{r.rule_id}`",
                    r.title.pick(lang),
                    r.meaning.pick(lang),
                    _defaults(r),
                    t["soft" if r.soft_by_default else "hard"] if r.switchable else t["fixed"],
                    r.seed,
                )
                for r in rules
            ],
        )
    lines += [f"### {t['objective']}", "", t["objective_intro"], ""]
    lines += _table(
        (t["level"], t["name"], t["meaning"]),
        [
            (f"`{code}`", CATALOGUE[code].title.pick(lang), CATALOGUE[code].meaning.pick(lang))
            for code in OBJECTIVE_LEVELS
        ],
    )
    others = [r for r in CATALOGUE.values() if r.kind is RuleKind.MOVE_CODE or r.rule_id.value == "E*"]
    lines += [f"### {t['codes']}", ""]
    lines += _table(
        (t["code"], t["name"], t["meaning"]),
        [(f"`{r.rule_id}`", r.title.pick(lang), r.meaning.pick(lang)) for r in others],
    )
    lines += [f"### {t['statuses']}", ""]
    lines += _table(
        (t["code"], t["name"], t["meaning"]),
        [
            (f"`{code.label(lang)}`", _other(code.value, code.zh, lang), note.pick(lang))
            for code, note in status_notes()
        ],
    )
    lines += [f"### {t['parameters']}", "", t["parameters_intro"], ""]
    lines += _table(
        (t["parameter"], t["default"], t["allowed"], t["related"], t["meaning"]),
        [
            (
                f"`{note.name}`",
                note.default.pick(lang),
                note.allowed,
                ", ".join(note.rules),
                # The rules' meanings are in the tables above; a parameter no rule names says its own.
                note.own.pick(lang) if note.own is not None else "",
            )
            for note in parameter_notes()
        ],
    )
    return lines


def _other(key: str, zh: str, lang: str) -> str:
    return key if lang == "zh" else zh


def _defaults(rule: Rule) -> str:
    defaults = Parameters()
    return "<br>".join(f"`{name}` = {format_value(getattr(defaults, name))}" for name in parameters_of(rule))


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def main(argv: list[str]) -> None:
    """Write the document to ``docs/rules.md``, or to the path given."""
    target = Path(argv[0]) if argv else PATH
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
