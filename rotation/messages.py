"""What the command line says, in Chinese (default) or English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rotation.codes import Status
from rotation.parameters import Parameters


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


def messages_for(lang: str) -> Messages:
    return Messages(lang)
