"""The code values of the workbook contract, each with its English key and Chinese name.

Every enum is a ``str`` enum whose value is the English key; ``zh`` gives the
Chinese name used in Chinese headers and exports. ``parse`` accepts either
language, ignoring case and surrounding (full-width) spaces.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self, cast


def normalize_text(value: str) -> str:
    """Trim ordinary and full-width spaces and fold case, for matching headers and codes."""
    return value.replace("\u3000", " ").strip().casefold()


# Each code class's members by every spelling ``parse`` accepts, made on first use: reading a plan
# back (its dashboard, verify, diff) parses the codes of every row.
_SPELLINGS: dict[type[Coded], dict[str, Coded]] = {}


class Coded(StrEnum):
    """A code of the contract: English key as value, Chinese name as ``zh``."""

    zh: str

    def __new__(cls, key: str, zh: str) -> Self:
        member = str.__new__(cls, key)
        member._value_ = key
        member.zh = zh
        return member

    def __str__(self) -> str:
        return str(self.value)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self.value)

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The member named by ``text`` in either language, or None."""
        spellings = _SPELLINGS.get(cls)
        if spellings is None:
            # The first member of each spelling, as a scan in member order finds it.
            spellings = {}
            for member in cls:
                spellings.setdefault(member.value.casefold(), member)
                spellings.setdefault(normalize_text(member.zh), member)
            _SPELLINGS[cls] = spellings
        return cast("Self | None", spellings.get(normalize_text(text)))

    @classmethod
    def choices(cls) -> str:
        return ", ".join(f"{m.value} {m.zh}" for m in cls)


class Stage(Coded):
    KINDERGARTEN = ("kindergarten", "幼儿园")
    PRIMARY = ("primary", "小学")
    JUNIOR = ("junior", "初中")
    SENIOR = ("senior", "高中")
    NINE_YEAR = ("nine_year", "九年一贯制")
    COMPLETE = ("complete", "完全中学")


class Area(Coded):
    URBAN = ("urban", "城区")
    TOWN = ("town", "镇区")
    RURAL = ("rural", "乡村")


class Category(Coded):
    QUALITY = ("quality", "优质")
    ORDINARY = ("ordinary", "普通")
    WEAK = ("weak", "薄弱")
    NEW = ("new", "新建")


class GroupKind(Coded):
    TIGHT = ("tight", "紧密型")
    ALLIANCE = ("alliance", "城乡联盟")
    RURAL = ("rural", "乡镇一体化")
    HS_PAIR = ("hs_pair", "高中结对")
    KINDERGARTEN = ("kindergarten", "领航共建")


class Role(Coded):
    LEAD = ("lead", "牵头")
    MEMBER = ("member", "成员")


class Post(Coded):
    PRINCIPAL = ("principal", "校长")
    VICE_PRINCIPAL = ("vice_principal", "副校长")
    MIDDLE_MANAGER = ("middle_manager", "中层干部")
    TEACHER = ("teacher", "教师")

    @property
    def is_leader(self) -> bool:
        """Principal or vice principal (校级领导): T2, E1 and the leader post class."""
        return self in (Post.PRINCIPAL, Post.VICE_PRINCIPAL)


class HostPost(Coded):
    """P2: the post served at the host (挂职岗位), the ``host_post`` column of ``assignments``.

    In a tight group, a vice principal sent by the lead serves the member as executive
    principal, a middle manager as vice principal, a key teacher as middle manager;
    everyone else serves in the post held at home (``own``).
    """

    EXECUTIVE_PRINCIPAL = ("executive_principal", "执行校长")
    PRINCIPAL = ("principal", "校长")
    VICE_PRINCIPAL = ("vice_principal", "副校长")
    MIDDLE_MANAGER = ("middle_manager", "中层干部")
    TEACHER = ("teacher", "教师")

    @classmethod
    def own(cls, post: Post) -> HostPost:
        """The host post of someone who serves in the post held at home."""
        return cls[post.name]


class Band(Coded):
    KINDERGARTEN = ("kindergarten", "幼儿园")
    PRIMARY_LOWER = ("primary_lower", "小学低段")
    PRIMARY_MIDDLE = ("primary_middle", "小学中段")
    PRIMARY_UPPER = ("primary_upper", "小学高段")
    JUNIOR = ("junior", "初中")
    SENIOR = ("senior", "高中")


class Honor(Coded):
    NONE = ("none", "无")
    DISTRICT = ("district", "区级")
    CITY = ("city", "市级")
    PROVINCE = ("province", "省级")
    NATIONAL = ("national", "国家级")


class Gender(Coded):
    MALE = ("M", "男")
    FEMALE = ("F", "女")


class Override(Coded):
    DUE = ("due", "纳入")
    EXEMPT = ("exempt", "暂不纳入")


class Status(Coded):
    DUE = ("due", "应交流")
    EXEMPT = ("exempt", "暂不纳入")
    NOT_DUE = ("not_due", "未到期")
    LOCKED = ("locked", "交流中")
    RETURNING = ("returning", "期满返回")


PRIMARY_BANDS: tuple[Band, ...] = (Band.PRIMARY_LOWER, Band.PRIMARY_MIDDLE, Band.PRIMARY_UPPER)

BANDS_BY_STAGE: dict[Stage, frozenset[Band]] = {
    Stage.KINDERGARTEN: frozenset({Band.KINDERGARTEN}),
    Stage.PRIMARY: frozenset(PRIMARY_BANDS),
    Stage.JUNIOR: frozenset({Band.JUNIOR}),
    Stage.SENIOR: frozenset({Band.SENIOR}),
    Stage.NINE_YEAR: frozenset({*PRIMARY_BANDS, Band.JUNIOR}),
    Stage.COMPLETE: frozenset({Band.JUNIOR, Band.SENIOR}),
}

# G6: the academic subjects of the high-school pair obligation.
ACADEMIC_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语", "物理", "化学", "生物", "政治", "历史", "地理")

# G2: among the primary key teachers sent to a member, one of each of these.
G2_PRIMARY_CORE_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语")
