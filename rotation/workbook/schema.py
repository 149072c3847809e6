"""The workbook contract of workbook-format.md as data: sheets, columns, both languages, types.

The loader reads against these tables and the writers write from them, so the
contract is spelled out once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rotation.codes import (
    Area,
    Band,
    Category,
    Coded,
    Gender,
    GroupKind,
    Honor,
    Override,
    Post,
    Role,
    Stage,
)


class Kind(Enum):
    TEXT = "text"
    CODE = "code"
    INT = "integer"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    kind: Kind
    required: bool = False
    codes: type[Coded] | None = None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.key


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.key

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _text(key: str, zh: str, required: bool = False) -> Column:
    return Column(key, zh, Kind.TEXT, required)


def _code(key: str, zh: str, codes: type[Coded], required: bool = False) -> Column:
    return Column(key, zh, Kind.CODE, required, codes)


SCHOOLS = Sheet(
    "schools",
    "学校",
    (
        _text("school_id", "学校代码", True),
        _text("name", "学校名称", True),
        _code("stage", "学段", Stage, True),
        _code("area", "城乡类型", Area, True),
        _code("category", "学校类别", Category),
        Column("students", "在校生数", Kind.INT, True),
        Column("staff_quota", "编制数", Kind.INT),
        Column("small_school", "小规模学校", Kind.BOOL),
        Column("latitude", "纬度", Kind.NUMBER),
        Column("longitude", "经度", Kind.NUMBER),
    ),
    required=True,
)

GROUPS = Sheet(
    "groups",
    "集团",
    (
        _text("group_id", "集团代码", True),
        _text("group_name", "集团名称", True),
        _code("kind", "类型", GroupKind, True),
        _text("school_id", "学校代码", True),
        _code("role", "角色", Role, True),
    ),
    required=True,
)

# staff: gender and birth_date may be replaced by id_number, and post_start_date /
# exchange_start_date are required only for some rows; the loader checks those per row.
STAFF = Sheet(
    "staff",
    "教职工",
    (
        _text("staff_id", "工号", True),
        _text("name", "姓名", True),
        _text("id_number", "身份证号"),
        _code("gender", "性别", Gender),
        Column("birth_date", "出生日期", Kind.DATE),
        _text("school_id", "学校代码", True),
        _text("home_school_id", "人事关系学校"),
        Column("school_start_date", "到校时间", Kind.DATE, True),
        _code("post", "岗位", Post, True),
        Column("post_start_date", "任现职时间", Kind.DATE),
        _text("subject", "任教学科", True),
        _code("band", "任教学段", Band, True),
        _code("honor", "荣誉级别", Honor),
        Column("senior3", "高三教学经验", Kind.BOOL),
        Column("pregnant_or_nursing", "孕期哺乳期", Kind.BOOL),
        Column("child_birth_date", "子女出生日期", Kind.DATE),
        Column("medical_exemption", "病情不宜交流", Kind.BOOL),
        Column("project_lead_approved", "领衔项目已批准", Kind.BOOL),
        Column("other_schools_3y", "其他学校满3年数", Kind.INT),
        Column("rural_years", "农村学校工作年限", Kind.NUMBER),
        Column("exchange_start_date", "交流开始时间", Kind.DATE),
        Column("volunteer", "自愿交流", Kind.BOOL),
        _code("override", "审定意见", Override),
        _text("pref_1", "志愿1"),
        _text("pref_2", "志愿2"),
        _text("pref_3", "志愿3"),
    ),
    required=True,
)

HISTORY = Sheet(
    "history",
    "工作经历",
    (
        _text("staff_id", "工号", True),
        _text("school_name", "学校名称", True),
        _code("area", "城乡类型", Area),
        Column("start_date", "开始时间", Kind.DATE, True),
        Column("end_date", "结束时间", Kind.DATE),
    ),
)

SUBJECT_MINIMUMS = Sheet(
    "subject_minimums",
    "学科最低配置",
    (
        _text("school_id", "学校代码", True),
        _text("subject", "学科", True),
        _code("band", "学段", Band),
        Column("min_teachers", "最低人数", Kind.INT, True),
    ),
)

PARAMETERS = Sheet(
    "parameters",
    "参数",
    (_text("key", "参数", True), _text("value", "值", True)),
)

PINS = Sheet(
    "pins",
    "指定调动",
    (
        _text("staff_id", "工号", True),
        _text("to_school_id", "交流学校代码", True),
        _text("kind", "类型", True),
    ),
)

INPUT_SHEETS: tuple[Sheet, ...] = (SCHOOLS, GROUPS, STAFF, HISTORY, SUBJECT_MINIMUMS, PARAMETERS, PINS)

# What the template writes for the planner to read beside the contract: its instructions and legend
# sheets, and note columns beside the parameters sheet's key and value. The template writer names
# them from here, and the loader passes over them without listing them as ignored.
TEMPLATE_SHEETS: tuple[Sheet, ...] = (Sheet("instructions", "说明", ()), Sheet("legend", "说明", ()))
TEMPLATE_NOTE_COLUMNS: dict[str, tuple[Column, ...]] = {
    PARAMETERS.key: (
        _text("default", "默认值"),
        _text("rules", "相关规则"),
        _text("meaning", "含义"),
        _text("allowed", "取值范围"),
    ),
}


# Output sheets: (key, zh) per column, in contract order.
def _out(key: str, zh: str, columns: list[tuple[str, str]]) -> Sheet:
    return Sheet(key, zh, tuple(Column(k, z, Kind.TEXT) for k, z in columns))


OUT_ASSIGNMENTS = _out(
    "assignments",
    "调动名单",
    [
        ("staff_id", "工号"),
        ("name", "姓名"),
        ("from_school_id", "原学校代码"),
        ("to_school_id", "交流学校代码"),
        ("post", "岗位"),
        ("subject", "任教学科"),
        ("band", "任教学段"),
        ("honor", "荣誉级别"),
        ("rule", "依据"),
        ("group_id", "集团代码"),
        ("effective_date", "生效日期"),
        ("earliest_return_date", "最早返回日期"),
        ("host_post", "挂职岗位"),
    ],
)
OUT_ELIGIBILITY = _out(
    "eligibility",
    "资格审查",
    [
        ("staff_id", "工号"),
        ("name", "姓名"),
        ("school_id", "学校代码"),
        ("status", "状态"),
        ("reasons", "依据"),
        ("tenure_years", "本校任教年限"),
        ("age", "年龄"),
    ],
)
OUT_OBLIGATIONS = _out(
    "obligations",
    "指标完成",
    [
        ("rule", "依据"),
        ("group_id", "集团代码"),
        ("school_id", "学校代码"),
        ("part", "项目"),
        ("required", "要求"),
        ("achieved", "实际"),
        ("met", "是否达标"),
    ],
)
OUT_UNMOVED_DUE = _out(
    "unmoved_due",
    "未安排",
    [("staff_id", "工号"), ("name", "姓名"), ("school_id", "学校代码"), ("reason", "原因")],
)
OUT_SCHOOLS = _out(
    "schools",
    "学校汇总",
    [
        ("school_id", "学校代码"),
        ("headcount_before", "交流前人数"),
        ("out", "调出"),
        ("in", "调入"),
        ("headcount_after", "交流后人数"),
        ("key_before", "交流前骨干"),
        ("key_after", "交流后骨干"),
    ],
)
OUT_WALKING = _out(
    "walking",
    "走教安排",
    [
        ("staff_id", "工号"),
        ("name", "姓名"),
        ("home_school_id", "所在学校代码"),
        ("school_id", "走教学校代码"),
        ("subject", "学科"),
    ],
)
OUT_RUN = _out("run", "运行信息", [("key", "项目"), ("value", "值")])

OUTPUT_SHEETS: tuple[Sheet, ...] = (
    OUT_ASSIGNMENTS,
    OUT_ELIGIBILITY,
    OUT_OBLIGATIONS,
    OUT_UNMOVED_DUE,
    OUT_SCHOOLS,
    OUT_WALKING,
    OUT_RUN,
)
