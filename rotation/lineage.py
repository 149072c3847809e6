"""Where a plan comes from: the files it was made from, and an id that names the run.

Every plan's ``run`` sheet records its lineage: the input's SHA-256, the draft's when it was
re-planned from one, the pins file's when one was given, and a plan id. The id is a short hash of
all that and of what else decides the plan (every parameter, the seed, the method), so the same run
gets the same id on every machine, and two plans with one id were made the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rotation.parameters import Parameters
from rotation.text import Text

# Hex digits of the plan id: enough that two runs of one bureau never share one, short enough to say.
PLAN_ID_LENGTH = 12
# The run sheet's keys of the lineage, in the order they are written.
LINEAGE_KEYS: tuple[str, ...] = ("plan_id", "input_sha256", "draft_sha256", "pins_sha256")


@dataclass(frozen=True, slots=True)
class Lineage:
    """A plan's origin: its id, and the SHA-256 of its input, draft and pins (blank when none)."""

    plan_id: str
    input_sha256: str
    draft_sha256: str = ""
    pins_sha256: str = ""

    def facts(self) -> list[tuple[str, object]]:
        """The run sheet rows of the lineage, the input's hash included."""
        return [(key, getattr(self, key)) for key in LINEAGE_KEYS]

    def lines(self) -> list[Text]:
        """The lineage as printed by ``diff`` and ``replan``: one line a file, hashes shortened."""
        named = (
            (Text("plan id", "方案编号"), self.plan_id),
            (Text("input", "输入工作簿"), self.input_sha256),
            (Text("draft", "初稿"), self.draft_sha256),
            (Text("pins", "调整要求"), self.pins_sha256),
        )
        return [
            Text(f"{label.en}: {_short(value)}", f"{label.zh}：{_short(value)}")
            for label, value in named
            if value
        ]


def _short(value: str) -> str:
    # A plan id is short already; a SHA-256 is shown by its first 16 digits, as Git shows commits.
    return value if len(value) <= 16 else f"{value[:16]}…"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as the loader takes the input's."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_lineage(
    input_sha256: str,
    params: Parameters,
    seed: int,
    method: str,
    draft_sha256: str = "",
    pins_sha256: str = "",
) -> Lineage:
    """The lineage of a run, its plan id hashed from everything that decides the plan."""
    parts = [
        f"input={input_sha256}",
        f"draft={draft_sha256}",
        f"pins={pins_sha256}",
        f"seed={seed}",
        f"method={method}",
        *(f"{name}={value}" for name, value in params.items()),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return Lineage(digest[:PLAN_ID_LENGTH], input_sha256, draft_sha256, pins_sha256)


def lineage_of(run: Mapping[str, object]) -> Lineage:
    """The lineage a plan's run sheet records (by key); blank where the plan records none."""

    def text(key: str) -> str:
        value = run.get(key)
        return "" if value is None else str(value).strip()

    return Lineage(text("plan_id"), text("input_sha256"), text("draft_sha256"), text("pins_sha256"))
