"""Issue 10: a default-language run of every command prints and writes no English sentence.

Each command runs once, as a planner would run it, on data/tiny.xlsx (and solve, check and report on
data/district.xlsx). What it prints (stdout and stderr) and what it writes (every cell and sheet name
of every workbook, the HTML report's visible text) is searched for two or more English words in a
row, once the tokens that stay as they are in Chinese output are set aside: rule IDs and codes of the
catalogue, parameter keys and ``key=value`` settings (``soft=G4``), option names (``--force``), file
paths, ids, numbers and dates.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import openpyxl
import pytest

from rotation.catalogue import RuleId
from rotation.parameters import Parameters

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny.xlsx"
DISTRICT = DATA / "district.xlsx"
ROTATION = Path(sys.executable).with_name("rotation")

# Set aside before looking for English: option names, key=value settings, paths and file names.
SET_ASIDE = (
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*"),
    re.compile(r"[A-Za-z_]\w*=\S*"),
    re.compile(r"[\w.~-]*(?:/[\w.\u4e00-\u9fff~-]+)+/?"),
    re.compile(r"\S+\.(?:xlsx|html|toml|md)\b"),
)
KEEP_AS_THEY_ARE = frozenset({rule_id.value for rule_id in RuleId} | {f.name for f in fields(Parameters)})
# A word of English letters only, not part of a code (E2, cp-sat, JT001, E*, a.b) or a key (max_outflow).
WORD = r"(?<![\w.*/-])[A-Za-z]+(?![\w.*/-])"
ENGLISH = re.compile(rf"{WORD}(?:[ \t]+{WORD})+")


def english_in(text: str) -> list[str]:
    """The runs of two or more English words in ``text``, after the tokens that stay as they are."""
    for pattern in SET_ASIDE:
        text = pattern.sub(" · ", text)
    words = [" · " if word in KEEP_AS_THEY_ARE else word for word in re.split(r"(\s+)", text)]
    return ENGLISH.findall("".join(words))


def test_the_english_finder_finds_sentences_and_passes_over_codes() -> None:
    assert english_in("C4: outflow cap of 0001 (14) reached") == ["outflow cap of"]
    assert english_in("objective: others of longer tenure moved first") == [
        "others of longer tenure moved first"
    ]
    assert english_in("team") == []
    assert english_in("C3：所在学校未加入任何集团（destination_scope=group）") == []
    assert english_in("设 --set soft=G4,G6 后，E2;E4 → T1，E* 与 pin，cp-sat 与 /tmp/x/plan.xlsx") == []
    assert english_in("第 1/3 部分 O2 应交流人员交流：最优 目标值 54") == []


@dataclass(frozen=True)
class Run:
    """One command as run: what it printed, and the files it wrote."""

    printed: str
    written: tuple[Path, ...]


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    writes: tuple[str, ...]
    needs: tuple[str, ...] = ()
    exit_code: int = 0
    prepare: Callable[[Path], None] | None = None  # makes what the command reads, in the folder


def one_stay(out: Path) -> None:
    """The pins file of an appeal: 000160, a teacher of tiny's plan who moves under T1, stays home."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "指定调动"
    sheet.append(["工号", "交流学校代码", "类型"])
    sheet.append(["000160", None, "留任"])
    book.save(out / "stay.xlsx")


def two_counties(out: Path) -> None:
    """A folder of two workbooks for a batch: two copies of tiny under county names."""
    (out / "counties").mkdir()
    for county in ("东城区", "西城区"):
        shutil.copyfile(TINY, out / "counties" / f"{county}.xlsx")


COMMANDS: dict[str, Command] = {
    "template": Command(("template", "{out}/template.xlsx"), ("template.xlsx",)),
    "sample": Command(("sample", "{out}/sample.xlsx", "--size", "tiny", "--seed", "7"), ("sample.xlsx",)),
    "check": Command(("check", "{tiny}"), ()),
    "check --export": Command(("check", "{tiny}", "--export", "{out}/review.xlsx"), ("review.xlsx",)),
    "solve": Command(("solve", "{tiny}", "-o", "{out}/plan.xlsx", "--time-limit", "60"), ("plan.xlsx",)),
    "solve, infeasible": Command(
        ("solve", "{tiny}", "-o", "{out}/none.xlsx", "--set", "tight_key_primary_band_min=20"),
        (),
        exit_code=3,
    ),
    "whatif": Command(
        (
            "whatif",
            "{tiny}",
            "--set",
            "female_exempt_age=52",
            "-o",
            "{out}/whatif.xlsx",
            "--time-limit",
            "60",
        ),
        ("whatif.xlsx",),
    ),
    "sweep": Command(
        (
            "sweep",
            "{tiny}",
            "--grid",
            "female_exempt_age=50,52",
            "-o",
            "{out}/sweep.xlsx",
            "--processes",
            "2",
        ),
        ("sweep.xlsx",),
    ),
    "sweep, a refused value": Command(
        (
            "sweep",
            "{tiny}",
            "--grid",
            "max_outflow_ratio=0.2,1.5",
            "-o",
            "{out}/sweep-bad.xlsx",
            "--processes",
            "2",
        ),
        ("sweep-bad.xlsx",),
    ),
    "plan --years 2": Command(
        ("plan", "{tiny}", "--years", "2", "-o", "{out}/plan-2y.xlsx"), ("plan-2y.xlsx",)
    ),
    "notices": Command(
        ("notices", "{out}/plan.xlsx", "-o", "{out}/notices", "--input", "{tiny}"), ("notices",), ("solve",)
    ),
    "notices --personal": Command(
        ("notices", "{out}/plan.xlsx", "-o", "{out}/personal", "--input", "{tiny}", "--personal"),
        ("personal",),
        ("solve",),
    ),
    "notices --public": Command(
        ("notices", "{out}/plan.xlsx", "-o", "{out}/public", "--input", "{tiny}", "--public"),
        ("public",),
        ("solve",),
    ),
    "whatif --stable": Command(
        ("whatif", "{tiny}", "--set", "female_exempt_age=52", "--stable", "-o", "{out}/whatif-stable.xlsx"),
        ("whatif-stable.xlsx",),
    ),
    "verify": Command(
        ("verify", "{tiny}", "{out}/plan.xlsx", "-o", "{out}/verified.xlsx"), ("verified.xlsx",), ("solve",)
    ),
    "replan": Command(
        (
            "replan",
            "{tiny}",
            "--draft",
            "{out}/plan.xlsx",
            "--pins",
            "{out}/stay.xlsx",
            "-o",
            "{out}/final.xlsx",
        ),
        ("final.xlsx",),
        ("solve",),
        prepare=one_stay,
    ),
    "diff": Command(
        ("diff", "{out}/plan.xlsx", "{out}/final.xlsx", "-o", "{out}/diff.xlsx"), ("diff.xlsx",), ("replan",)
    ),
    "options, a due teacher": Command(
        ("options", "{tiny}", "--draft", "{out}/plan.xlsx", "000017", "-o", "{out}/options-teacher.xlsx"),
        ("options-teacher.xlsx",),
        ("solve",),
    ),
    "options, a principal": Command(
        ("options", "{tiny}", "--draft", "{out}/plan.xlsx", "000001", "-o", "{out}/options-principal.xlsx"),
        ("options-principal.xlsx",),
        ("solve",),
    ),
    "batch": Command(
        ("batch", "{out}/counties", "-o", "{out}/province"), ("province",), prepare=two_counties
    ),
    "report": Command(
        ("report", "{out}/plan.xlsx", "-o", "{out}/report.html", "--input", "{tiny}"),
        ("report.html",),
        ("solve",),
    ),
    "check, with warnings": Command(
        ("check", "{warned}", "--set", "group_max_schools=1", "--export", "{out}/warned-review.xlsx"),
        ("warned-review.xlsx",),
    ),
    "district check": Command(("check", "{district}"), ()),
    "district solve": Command(
        ("solve", "{district}", "-o", "{out}/district-plan.xlsx", "--time-limit", "120"),
        ("district-plan.xlsx",),
    ),
    "district report": Command(
        ("report", "{out}/district-plan.xlsx", "-o", "{out}/district.html", "--input", "{district}"),
        ("district.html",),
        ("district solve",),
    ),
}


class Runs:
    """Runs each command once, its prerequisites first, in one folder for the module."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.done: dict[str, Run] = {}

    def get(self, name: str) -> Run:
        if name not in self.done:
            command = COMMANDS[name]
            for needed in command.needs:
                self.get(needed)
            if command.prepare is not None:
                command.prepare(self.out)
            places = {
                "out": str(self.out),
                "tiny": str(TINY),
                "district": str(DISTRICT),
                "warned": str(self.out / "warned.xlsx"),
            }
            args = [arg.format(**places) for arg in command.args]
            result = subprocess.run([str(ROTATION), *args], capture_output=True, text=True, timeout=900)
            assert result.returncode == command.exit_code, f"rotation {' '.join(args)}:\n{result.stderr}"
            written = tuple(self.out / name for name in command.writes)
            self.done[name] = Run(result.stdout + result.stderr, written)
        return self.done[name]


def with_warnings(path: Path) -> Path:
    """tiny.xlsx with what the loader warns about: a sheet and a column outside the contract, and a
    preference naming no school (and, through the command's flag, groups over group_max_schools: L1)."""
    book = openpyxl.load_workbook(TINY)
    book.create_sheet("备注")
    staff = book["教职工"]
    header = [cell.value for cell in staff[1]]
    staff.cell(1, staff.max_column + 1, "备注列")
    staff.cell(2, header.index("志愿1") + 1, "9999")
    book.save(path)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    out = tmp_path_factory.mktemp("chinese-output")
    with_warnings(out / "warned.xlsx")
    return Runs(out)


def workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for each sheet name and each text cell of the workbook at ``path``."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            yield f"{path.name}: sheet name", sheet.title
            for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for column, value in enumerate(row, start=1):
                    if isinstance(value, str):
                        yield f"{path.name}: {sheet.title}!R{row_number}C{column}", value
    finally:
        book.close()


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: the text outside scripts, styles, comments and tags."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", "\n", page))


def written_texts(path: Path) -> Iterator[tuple[str, str]]:
    if path.is_dir():
        for notice in sorted(path.glob("*.xlsx")):
            yield from workbook_texts(notice)
    elif path.suffix == ".html":
        for number, line in enumerate(visible_text(path.read_text(encoding="utf-8")).splitlines(), start=1):
            yield f"{path.name}: line {number}", line
    else:
        yield from workbook_texts(path)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_default_language_output_has_no_english_sentence(runs: Runs, name: str) -> None:
    run = runs.get(name)
    found: list[str] = []
    for line in run.printed.splitlines():
        found += [f"printed: {line.strip()!r} ({snippet!r})" for snippet in english_in(line)]
    for path in run.written:
        assert path.exists(), path
        for where, text in written_texts(path):
            found += [f"{where}: {text[:160]!r} ({snippet!r})" for snippet in english_in(text)]
    assert not found, f"rotation {name}: {len(found)} English sentence(s):\n" + "\n".join(found[:60])
