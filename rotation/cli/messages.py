"""What the command line says, in Chinese (default) or English: each sentence written once as a Text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reports.labels import RUN_STATUSES
from reports.xlsx import text_width
from rotation.catalogue import level_title
from rotation.codes import Status
from rotation.parameters import Parameters
from rotation.plan import LevelResult, ObligationOutcome
from rotation.text import Text

# How a run ended (a solve's statuses, and a sweep scenario's own), in the words the workbooks use.
STATUSES: dict[str, Text] = RUN_STATUSES
LEVEL_WIDTH = 34


def pad(text: str, width: int) -> str:
    """Left-align in ``width`` terminal cells, counting Chinese characters as two."""
    return text + " " * max(width - text_width(text), 0)


def pad_left(text: str, width: int) -> str:
    """Right-align in ``width`` terminal cells, counting Chinese characters as two."""
    return " " * max(width - text_width(text), 0) + text


@dataclass(frozen=True)
class Messages:
    lang: str

    def say(self, text: Text) -> str:
        return text.pick(self.lang)

    def status(self, status: Status) -> str:
        return status.label(self.lang)

    def run_status(self, status: str) -> str:
        known = STATUSES.get(status)
        return known.pick(self.lang) if known is not None else status

    def template_written(self, path: Path) -> str:
        return self.say(Text(f"Blank template written: {path}", f"已生成空白模板: {path}"))

    def sample_written(self, path: Path, size: str, seed: int) -> str:
        return self.say(
            Text(
                f"Sample workbook written ({size}, seed={seed}): {path}",
                f"已生成示例工作簿 ({size}, seed={seed}): {path}",
            )
        )

    def written(self, path: Path) -> str:
        return self.say(Text(f"Written: {path}", f"已写出: {path}"))

    def notices_written(self, count: int, folder: Path) -> str:
        return self.say(
            Text(f"{count} school notices written: {folder}", f"已写出 {count} 份学校通知: {folder}")
        )

    def elapsed(self, seconds: float) -> str:
        return self.say(Text(f"Took {seconds:.2f} s", f"用时 {seconds:.2f} 秒"))

    def warning(self, text: str) -> str:
        return self.say(Text(f"warning: {text}", f"警告: {text}"))

    def loaded(self, schools: int, groups: int, staff: int, params: Parameters) -> str:
        day = params.effective_date.isoformat()
        return self.say(
            Text(
                f"{schools} schools, {groups} groups, {staff} staff; effective date {day}",
                f"{schools} 所学校, {groups} 个集团/联盟, {staff} 名教职工; 生效日期 {day}",
            )
        )

    @property
    def reasons_heading(self) -> str:
        return self.say(Text("By reason:", "按依据统计:"))

    @property
    def most_due_heading(self) -> str:
        return self.say(
            Text("Schools with the most due (due / staff):", "应交流人数最多的学校 (应交流 / 在岗):")
        )

    def nowhere_heading(self, people: int, schools: int) -> str:
        return self.say(
            Text(
                f"Due people who can move nowhere (C3): {people}, at {schools} school(s):",
                f"应交流但无处可去的人员 (C3): {people} 人, 分布在 {schools} 所学校:",
            )
        )

    def nowhere_lever(self, people: int) -> str:
        return self.say(
            Text(
                f"  {people} of them are at schools in no group: --set destination_scope=district lets a "
                "due person there move to any school in the district that teaches the person's band.",
                f"  其中 {people} 人所在学校未加入任何集团: 设 --set destination_scope=district 后, "
                "这些学校的应交流人员可调往全区任何开设其学段的学校。",
            )
        )

    def plan_summary(
        self,
        *,
        moves: int,
        due_moved: int,
        due: int,
        returns: int,
        extensions: int,
        walks: int,
        obligations_met: int,
        obligations: int,
    ) -> str:
        share = due_moved / due if due else 1.0
        return self.say(
            Text(
                f"{moves} moves ({due_moved} of {due} due, {share:.0%}); {returns} returns, "
                f"{extensions} extensions; {walks} walking assignments; "
                f"obligations met {obligations_met} / {obligations}",
                f"交流 {moves} 人 (应交流 {due_moved} / {due} 人, {share:.0%}); 期满返回 {returns} 人, "
                f"延长交流 {extensions} 人; 走教 {walks} 项; 指标达标 {obligations_met} / {obligations}",
            )
        )

    def missed_obligation(self, outcome: ObligationOutcome, part: str, school_name: str = "") -> str:
        """A missed obligation: its rule, group, school (with its name) and part, required and achieved."""
        pieces = (outcome.group_id, outcome.school_id, school_name, part)
        where = " ".join(piece for piece in pieces if piece)
        soft = Text(" (soft)", "（软约束）") if outcome.soft else Text("", "")
        return self.say(
            Text(
                f"  missed{soft.en}: {outcome.rule} {where}: required {outcome.required}, "
                f"achieved {outcome.achieved}",
                f"  未达标{soft.zh}: {outcome.rule} {where}: 要求 {outcome.required}, "
                f"实际 {outcome.achieved}",
            )
        )

    def missed_more(self, rule: str, count: int) -> str:
        """The line after the first few missed obligations of a rule: how many more, and where they are."""
        return self.say(
            Text(
                f"  … {count} more {rule} missed: every obligation is in the plan's obligations sheet",
                f"  …… 另有 {count} 项 {rule} 未达标：全部指标见方案工作簿的“指标完成”工作表",
            )
        )

    def solve_status(self, status: str, gap: float, seconds: float) -> str:
        shown = self.run_status(status)
        return self.say(
            Text(
                f"status {shown}, gap {gap:.2%}, solve time {seconds:.1f} s",
                f"求解状态 {shown}, 差距 {gap:.2%}, 求解用时 {seconds:.1f} 秒",
            )
        )

    def level_table(self, levels: Sequence[LevelResult]) -> list[str]:
        """The solve's levels, one line each under a line of column headers."""
        heading = Text("level status objective bound gap time", "目标层级 状态 目标值 界 差距 用时").pick(
            self.lang
        )
        lines = [self._level_line(*heading.split())]
        seconds = Text("{:.2f}s", "{:.2f}秒").pick(self.lang)
        for level in levels:
            lines.append(
                self._level_line(
                    level_title(level.name).pick(self.lang),
                    self.run_status(level.status.value),
                    f"{level.objective + 0.0:g}",  # a minimised -0 is shown as 0
                    f"{level.best_bound + 0.0:g}",
                    f"{level.gap:.2%}",
                    seconds.format(level.wall_time_s),
                )
            )
        return lines

    @staticmethod
    def _level_line(name: str, status: str, objective: str, bound: str, gap: str, time: str) -> str:
        figures = " ".join(
            pad_left(cell, width) for cell, width in ((objective, 12), (bound, 12), (gap, 7), (time, 8))
        )
        return f"  {pad(name, LEVEL_WIDTH)} {pad(status, 10)} {figures}"

    def no_plan(self, status: object) -> str:
        shown = self.run_status(str(status))
        return self.say(
            Text(f"No plan obeys every rule (status {shown}):", f"没有满足全部规则的方案 (状态 {shown}):")
        )


def messages_for(lang: str) -> Messages:
    return Messages(lang)
