"""Group obligations G1, G2, G3, G4, G6 and G7 (G5 lives in walking.py).

All count the stock: everyone whose home school is the sender and who works
at the receiver next term, whether newly moved, locked there (S1) or extended
(S2), so a team already in place is not sent again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial

from rotation.catalogue import RuleId
from rotation.codes import (
    ACADEMIC_SUBJECTS,
    G2_PRIMARY_CORE_SUBJECTS,
    PRIMARY_BANDS,
    Band,
    GroupKind,
)
from rotation.domain import Group, StaffMember
from rotation.text import Text
from solver.counts import Count
from solver.requirements import g3_post_class, g4_counts_as_leader, g4_sides, g6_counts
from solver.rules.base import Obligation, RuleContext


def sent(ctx: RuleContext, sender: str, receiver: str, counts: Callable[[StaffMember], bool]) -> Count:
    """The stock from ``sender`` at ``receiver`` next term, among the people ``counts`` accepts."""
    result = Count()
    for member in ctx.data.staff_by_home[sender]:
        there = ctx.variables.place[member.staff_id].get(receiver)
        if there is not None and counts(member):
            result.extend(there)
    return result


def g1_management_team(ctx: RuleContext) -> list[Obligation]:
    """G1: the lead of a tight group sends each member a management team of at least tight_mgmt_team_min."""
    required = ctx.data.params.tight_mgmt_team_min
    found: list[Obligation] = []
    for group, lead, member_school in _tight_pairs(ctx):
        team = Count()
        for member in ctx.data.staff_by_home[lead]:
            tag = ctx.variables.team_tag.get((member.staff_id, member_school))
            if tag is not None:
                team.add(tag)
        found.append(
            Obligation(
                rule="G1",
                group_id=group.group_id,
                school_id=member_school,
                part="team",
                achieved=team,
                required=Count(required),
                maximum=None,
                description=Text(
                    f"G1 group {group.group_id} member {member_school}: needs {required} management team "
                    f"members (vice principals, middle managers, key teachers) from lead {lead}, "
                    f"{team.upper} could be there",
                    f"G1 集团 {group.group_id} 成员学校 {member_school}：需要牵头学校 {lead} 派出管理团队 "
                    f"{required} 人（副校长、中层干部、骨干教师），最多只能有 {team.upper} 人",
                ),
                brief=Text(
                    f"G1 group {group.group_id}: management team for {member_school}",
                    f"G1 集团 {group.group_id}：{member_school} 的管理团队",
                ),
                relax=Text(
                    "G1: --set soft=G1 or lower tight_mgmt_team_min",
                    "G1：--set soft=G1 或调低 tight_mgmt_team_min",
                ),
            )
        )
    return found


def g2_key_teachers(ctx: RuleContext) -> list[Obligation]:
    """G2: the lead sends each member key teachers.

    At least tight_key_junior_min when the member teaches junior grades,
    tight_key_primary_band_min per primary band it teaches, and among the
    primary ones one each of 语文, 数学, 英语. Parts: junior, primary_lower,
    primary_middle, primary_upper, 语文, 数学, 英语.
    """
    params = ctx.data.params
    found: list[Obligation] = []
    for group, lead, member_school in _tight_pairs(ctx):
        bands = ctx.data.roster.schools[member_school].bands
        tagged = [
            (member, ctx.variables.key_tag[member.staff_id, member_school])
            for member in ctx.data.staff_by_home[lead]
            if (member.staff_id, member_school) in ctx.variables.key_tag
        ]
        primary = frozenset(PRIMARY_BANDS) & bands
        # (part, required, bands counted, subject counted or None, parameter that lowers it)
        parts: list[tuple[str, int, frozenset[Band], str | None, str | None]] = []
        if Band.JUNIOR in bands:
            parts.append(
                (
                    "junior",
                    params.tight_key_junior_min,
                    frozenset({Band.JUNIOR}),
                    None,
                    "tight_key_junior_min",
                )
            )
        for band in PRIMARY_BANDS:
            if band in primary:
                parts.append(
                    (
                        band.value,
                        params.tight_key_primary_band_min,
                        frozenset({band}),
                        None,
                        "tight_key_primary_band_min",
                    )
                )
        if primary:
            parts.extend((subject, 1, primary, subject, None) for subject in G2_PRIMARY_CORE_SUBJECTS)
        for part, required, counted_bands, subject, parameter in parts:
            keys = Count(
                0,
                (
                    tag
                    for member, tag in tagged
                    if member.band in counted_bands and subject in (None, member.subject)
                ),
            )
            what = Text(f"primary {part}", f"小学{part}") if subject else _band_text(part)
            found.append(
                Obligation(
                    rule="G2",
                    group_id=group.group_id,
                    school_id=member_school,
                    part=part,
                    achieved=keys,
                    required=Count(required),
                    maximum=None,
                    description=Text(
                        f"G2 group {group.group_id} member {member_school}: needs {required} {what.en} key "
                        f"teacher(s) from lead {lead}, {keys.upper} could be there",
                        f"G2 集团 {group.group_id} 成员学校 {member_school}：需要牵头学校 {lead} 派出"
                        f"{what.zh}骨干教师 {required} 人，最多只能有 {keys.upper} 人",
                    ),
                    brief=Text(
                        f"G2 group {group.group_id}: {what.en} key teachers for {member_school}",
                        f"G2 集团 {group.group_id}：{member_school} 的{what.zh}骨干教师",
                    ),
                    relax=(
                        Text(
                            f"G2: --set soft=G2 or lower {parameter}",
                            f"G2：--set soft=G2 或调低 {parameter}",
                        )
                        if parameter
                        else Text("G2: --set soft=G2", "G2：--set soft=G2")
                    ),
                )
            )
    return found


def g3_reciprocity(ctx: RuleContext) -> list[Obligation]:
    """G3: each member sends its lead as many people of each (post class, band) as it receives.

    Equality in the stock both ways; part ``teacher:primary_lower``, ``leader:``
    for a blank band. Obligations are only created for pairs someone could fill.
    """
    found: list[Obligation] = []
    for group, lead, member_school in _tight_pairs(ctx):
        flows: dict[tuple[str, str], tuple[Count, Count]] = defaultdict(lambda: (Count(), Count()))
        for sender, receiver, side in ((lead, member_school, 0), (member_school, lead, 1)):
            for member in ctx.data.staff_by_home[sender]:
                there = ctx.variables.place[member.staff_id].get(receiver)
                if there is not None:
                    key = (g3_post_class(member), member.band.value if member.band else "")
                    flows[key][side].extend(there)
        for (post_class, band), (received, returned) in sorted(flows.items()):
            part = f"{post_class}:{band}"
            found.append(
                Obligation(
                    rule="G3",
                    group_id=group.group_id,
                    school_id=member_school,
                    part=part,
                    achieved=returned,
                    required=received,
                    maximum=received,
                    description=Text(
                        f"G3 group {group.group_id} member {member_school}: sends lead {lead} as many "
                        f"{part} as it receives from it",
                        f"G3 集团 {group.group_id} 成员学校 {member_school}：向牵头学校 {lead} 派出的 "
                        f"{_part_text(part)} 人数须与接收的相同",
                    ),
                    brief=Text(
                        f"G3 group {group.group_id}: a move between {lead} and {member_school} "
                        f"needs a matching one back ({part})",
                        f"G3 集团 {group.group_id}：{lead} 与 {member_school} 之间的调动需要对等的人员交流"
                        f"（{_part_text(part)}）",
                    ),
                    relax=Text("G3: --set soft=G3", "G3：--set soft=G3"),
                )
            )
    return found


def g4_alliance(ctx: RuleContext) -> list[Obligation]:
    """G4: an alliance's urban schools send its town and rural schools between alliance_min and
    alliance_max people (any post), at least alliance_leader_min of them principals, vice principals
    or middle managers (挂职锻炼).

    One instance per alliance, school_id blank: the count (part blank, both
    limits) and its leaders (part ``leader``). Both switch with soft=G4.
    """
    params = ctx.data.params
    found: list[Obligation] = []
    for group in ctx.data.groups_of(GroupKind.ALLIANCE):
        urban, others = g4_sides(ctx.data.roster.schools, group)
        stock, leaders = Count(), Count()
        for sender in urban:
            for receiver in others:
                stock.extend(sent(ctx, sender, receiver, lambda _: True))
                leaders.extend(sent(ctx, sender, receiver, g4_counts_as_leader))
        low, high, few = params.alliance_min, params.alliance_max, params.alliance_leader_min
        relax = Text(
            "G4: --set soft=G4 or change alliance_min / alliance_max / alliance_leader_min",
            "G4：--set soft=G4 或调整 alliance_min / alliance_max / alliance_leader_min",
        )
        found.append(
            Obligation(
                rule=RuleId.G4,
                group_id=group.group_id,
                school_id=None,
                part="",
                achieved=stock,
                required=Count(low),
                maximum=Count(high),
                description=Text(
                    f"G4 alliance {group.group_id}: its urban schools send between {low} and {high} people "
                    f"to its town and rural schools, {stock.upper} could be there",
                    f"G4 联盟 {group.group_id}：城区学校须向乡镇、农村学校交流 {low} 至 {high} 人，"
                    f"最多只能有 {stock.upper} 人",
                ),
                brief=Text(
                    f"G4 alliance {group.group_id}: urban schools send between {low} and {high}",
                    f"G4 联盟 {group.group_id}：城区学校交流 {low} 至 {high} 人",
                ),
                relax=relax,
            )
        )
        found.append(
            Obligation(
                rule=RuleId.G4,
                group_id=group.group_id,
                school_id=None,
                part="leader",
                achieved=leaders,
                required=Count(few),
                maximum=None,
                description=Text(
                    f"G4 alliance {group.group_id}: at least {few} of those its urban schools send are "
                    f"principals, vice principals or middle managers, {leaders.upper} could be there",
                    f"G4 联盟 {group.group_id}：城区学校交流人员中校级领导或中层干部不少于 {few} 人，"
                    f"最多只能有 {leaders.upper} 人",
                ),
                brief=Text(
                    f"G4 alliance {group.group_id}: {few} leader(s) or middle manager(s) from urban schools",
                    f"G4 联盟 {group.group_id}：城区学校交流的校级领导或中层干部 {few} 人",
                ),
                relax=relax,
            )
        )
    return found


def g6_high_school_pair(ctx: RuleContext) -> list[Obligation]:
    """G6: the two schools of a high-school pair exchange at least hs_pair_per_subject_min senior-3
    teachers per academic subject each way. Part ``数学:S001->S002``: the subject, then the
    direction as sender->receiver; school_id is the receiver."""
    required = ctx.data.params.hs_pair_per_subject_min
    found: list[Obligation] = []
    for group in ctx.data.groups_of(GroupKind.HS_PAIR):
        first, second = group.school_ids
        for subject in ACADEMIC_SUBJECTS:
            for sender, receiver in ((first, second), (second, first)):
                stock = sent(ctx, sender, receiver, partial(g6_counts, subject=subject))
                # Nobody can be there: say why, since G6's senior-3 condition keeps the others home.
                none = (
                    Text(
                        f"; {sender} has no senior-3 {subject} teacher who may go",
                        f"；{sender} 没有可派出的有高三教学经验的{subject}教师",
                    )
                    if stock.upper < required
                    else Text("", "")
                )
                found.append(
                    Obligation(
                        rule=RuleId.G6,
                        group_id=group.group_id,
                        school_id=receiver,
                        part=f"{subject}:{sender}->{receiver}",
                        achieved=stock,
                        required=Count(required),
                        maximum=None,
                        description=Text(
                            f"G6 pair {group.group_id}: {sender} sends {receiver} {required} senior-3 "
                            f"{subject} teacher(s), {stock.upper} could be there{none.en}",
                            f"G6 结对 {group.group_id}：{sender} 须向 {receiver} 派出有高三教学经验的"
                            f"{subject}教师 {required} 人，最多只能有 {stock.upper} 人{none.zh}",
                        ),
                        brief=Text(
                            f"G6 pair {group.group_id}: {subject} {sender}->{receiver}",
                            f"G6 结对 {group.group_id}：{subject} {sender}->{receiver}",
                        ),
                        relax=Text(
                            "G6: --set soft=G6 or lower hs_pair_per_subject_min",
                            "G6：--set soft=G6 或调低 hs_pair_per_subject_min",
                        ),
                    )
                )
    return found


def g7_kindergarten_alliance(ctx: RuleContext) -> list[Obligation]:
    """G7: the lead kindergarten of an alliance (领航共建) sends each member kindergarten at least
    kg_exchange_min managers or teachers, any post (principals too), counted in the stock.

    Members may send staff to the lead (C3), which counts for nothing here.
    One row per member: school_id the member, part blank.
    """
    required = ctx.data.params.kg_exchange_min
    found: list[Obligation] = []
    for group in ctx.data.groups_of(GroupKind.KINDERGARTEN):
        lead = group.lead
        assert lead is not None, f"kindergarten alliance {group.group_id} without a lead"
        for member_school in sorted(group.members):
            stock = sent(ctx, lead, member_school, lambda _: True)
            unreachable = (
                Text(
                    f"; nobody at {lead} may move to {member_school}",
                    f"；{lead} 没有可以派往 {member_school} 的人员",
                )
                if stock.upper < required
                else Text("", "")
            )
            found.append(
                Obligation(
                    rule=RuleId.G7,
                    group_id=group.group_id,
                    school_id=member_school,
                    part="",
                    achieved=stock,
                    required=Count(required),
                    maximum=None,
                    description=Text(
                        f"G7 alliance {group.group_id} member {member_school}: needs {required} manager(s) "
                        f"or teacher(s) from lead {lead}, {stock.upper} could be there{unreachable.en}",
                        f"G7 领航共建 {group.group_id} 共建园 {member_school}：需要领航园 {lead} 派出管理人员"
                        f"或教师 {required} 人，最多只能有 {stock.upper} 人{unreachable.zh}",
                    ),
                    brief=Text(
                        f"G7 alliance {group.group_id}: staff from {lead} for {member_school}",
                        f"G7 领航共建 {group.group_id}：{lead} 派往 {member_school} 的人员",
                    ),
                    relax=Text(
                        "G7: --set soft=G7 or lower kg_exchange_min",
                        "G7：--set soft=G7 或调低 kg_exchange_min",
                    ),
                )
            )
    return found


def _band_text(band: str) -> Text:
    """A band's key in English, its Chinese name in Chinese."""
    return Text(band, _band(band).zh)


def _part_text(part: str) -> str:
    """A G3 part ``post_class:band`` in Chinese (领导:小学低段)."""
    post_class, _, band = part.partition(":")
    post = {"leader": "校级领导", "middle_manager": "中层干部", "teacher": "教师"}.get(post_class, post_class)
    return f"{post}:{_band(band).zh}" if band else post


def _band(key: str) -> Band:
    band = Band.parse(key)
    assert band is not None, f"unknown band {key}"
    return band


def _tight_pairs(ctx: RuleContext) -> list[tuple[Group, str, str]]:
    """(group, lead, member) for every member of every tight group, in id order."""
    pairs: list[tuple[Group, str, str]] = []
    for group in ctx.data.groups_of(GroupKind.TIGHT):
        assert group.lead is not None, f"tight group {group.group_id} without a lead"
        pairs.extend((group, group.lead, member) for member in sorted(group.members))
    return pairs
