"""What the command line says, in Chinese (default) or English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rotation.codes import Status
from rotation.parameters import Parameters
from rotation.plan import ObligationOutcome


@dataclass(frozen=True)
class Messages:
    lang: str

    def _pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def status(self, status: Status) -> str:
        return status.label(self.lang)

    def template_written(self, path: Path) -> str:
        return self._pick(f"已生成空白模板: {path}", f"Blank template written: {path}")

    def sample_written(self, path: Path, size: str, seed: int) -> str:
        return self._pick(
            f"已生成示例工作簿 ({size}, seed={seed}): {path}",
            f"Sample workbook written ({size}, seed={seed}): {path}",
        )

    def written(self, path: Path) -> str:
        return self._pick(f"已写出: {path}", f"Written: {path}")

    def elapsed(self, seconds: float) -> str:
        return self._pick(f"用时 {seconds:.2f} 秒", f"Took {seconds:.2f} s")

    def warning(self, text: str) -> str:
        return self._pick(f"警告: {text}", f"warning: {text}")

    def loaded(self, schools: int, groups: int, staff: int, params: Parameters) -> str:
        day = params.effective_date.isoformat()
        return self._pick(
            f"{schools} 所学校, {groups} 个集团/联盟, {staff} 名教职工; 生效日期 {day}",
            f"{schools} schools, {groups} groups, {staff} staff; effective date {day}",
        )

    @property
    def reasons_heading(self) -> str:
        return self._pick("按依据统计:", "By reason:")

    @property
    def most_due_heading(self) -> str:
        return self._pick("应交流人数最多的学校 (应交流 / 在岗):", "Schools with the most due (due / staff):")

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
        return self._pick(
            f"交流 {moves} 人 (应交流 {due_moved} / {due} 人, {share:.0%}); 期满返回 {returns} 人, "
            f"延长 {extensions} 人; 走教 {walks} 项; 指标达标 {obligations_met} / {obligations}",
            f"{moves} moves ({due_moved} of {due} due, {share:.0%}); {returns} returns, "
            f"{extensions} extensions; {walks} walking assignments; "
            f"obligations met {obligations_met} / {obligations}",
        )

    def missed_obligation(self, outcome: ObligationOutcome) -> str:
        where = " ".join(part for part in (outcome.group_id, outcome.school_id, outcome.part) if part)
        return self._pick(
            f"  未达标: {outcome.rule} {where}: 要求 {outcome.required}, 实际 {outcome.achieved}",
            f"  missed: {outcome.rule} {where}: required {outcome.required}, achieved {outcome.achieved}",
        )

    def solve_status(self, status: str, gap: float, seconds: float) -> str:
        return self._pick(
            f"求解状态 {status}, 差距 {gap:.2%}, 求解用时 {seconds:.1f} 秒",
            f"status {status}, gap {gap:.2%}, solve time {seconds:.1f} s",
        )

    def no_plan(self, status: object) -> str:
        return self._pick(
            f"没有满足全部规则的方案 (状态 {status}):",
            f"No plan obeys every rule (status {status}):",
        )


def messages_for(lang: str) -> Messages:
    return Messages(lang)
