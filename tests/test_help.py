"""``--help`` and click's own messages in the terminal's language (issue 10 §2).

``--lang`` on the command line wins, then the locale (LC_ALL, LC_MESSAGES, LANG), then Chinese.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rotation.cli.language import TextArgument, TextCommand, TextOption, terminal_language
from rotation.cli.main import main

ROTATION = Path(sys.executable).with_name("rotation")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


def help_page(*args: str, **locale: str) -> str:
    result = CliRunner(env={**NO_LOCALE, **locale}).invoke(main, list(args), prog_name="rotation")
    assert result.exit_code == 0, result.output
    return result.output


def test_solve_help_is_chinese_by_default() -> None:
    page = help_page("solve", "--help")
    assert page.startswith("用法: rotation solve [选项] 工作簿")
    assert "求解今年暑期的交流方案" in page
    assert "选项:" in page
    assert "整个求解的时限（秒）。" in page
    assert "[默认：60.0]" in page
    assert "显示本帮助并退出。" in page
    assert "Usage" not in page and "Options" not in page


def test_solve_help_is_english_with_lang_en_before_or_after_help() -> None:
    for args in (("solve", "--lang", "en", "--help"), ("solve", "--help", "--lang=en")):
        page = help_page(*args)
        assert page.startswith("Usage: rotation solve [OPTIONS] WORKBOOK")
        assert "Solve the summer's rotation plan and write the assignment workbook." in page
        assert "Seconds for the whole solve." in page
        assert "Show this message and exit." in page
        assert not CHINESE.search(page.replace("交流轮岗", ""))


def test_solve_help_follows_an_english_locale() -> None:
    """Through the installed command, with only LANG set, as a shell would run it."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}
    result = subprocess.run(
        [str(ROTATION), "solve", "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: rotation solve [OPTIONS] WORKBOOK")
    assert "Seconds for the whole solve." in result.stdout


def test_lang_on_the_command_line_wins_over_the_locale() -> None:
    assert help_page("solve", "--help", "--lang", "zh", LANG="en_US.UTF-8").startswith("用法:")
    assert help_page("check", "--help", "--lang", "en", LC_ALL="zh_CN.UTF-8").startswith("Usage:")


def test_chinese_locale_gives_chinese_help() -> None:
    assert help_page("--help", LANG="zh_CN.UTF-8").startswith("用法: rotation [选项] 命令 [参数]...")
    assert help_page("--help", LC_ALL="zh_TW.UTF-8", LANG="en_US.UTF-8").startswith("用法:")


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ((), {}, "zh"),
        ((), {"LANG": "C.UTF-8"}, "zh"),
        ((), {"LANG": "POSIX"}, "zh"),
        ((), {"LANG": "en_US.UTF-8"}, "en"),
        ((), {"LANG": "fr_FR.UTF-8"}, "en"),
        ((), {"LANG": "zh_CN.UTF-8"}, "zh"),
        ((), {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ((), {"LC_MESSAGES": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, "zh"),
        (("solve", "--lang", "en"), {"LANG": "zh_CN.UTF-8"}, "en"),
        (("solve", "--lang=zh"), {"LANG": "en_US.UTF-8"}, "zh"),
        (("solve", "--lang", "fr"), {"LANG": "en_US.UTF-8"}, "en"),
        (("solve", "--", "--lang", "en"), {}, "zh"),
    ],
)
def test_terminal_language(args: tuple[str, ...], environ: dict[str, str], expected: str) -> None:
    assert terminal_language(args, environ) == expected


def test_usage_errors_speak_the_terminal_language() -> None:
    runner = CliRunner(env=NO_LOCALE)
    chinese = runner.invoke(main, ["solve"], prog_name="rotation")
    assert chinese.exit_code == 2
    assert "错误：缺少参数 '工作簿'" in chinese.output
    assert "运行 'rotation solve --help' 查看帮助。" in chinese.output
    english = runner.invoke(main, ["solve", "--lang", "en", "--time-limit", "soon"], prog_name="rotation")
    assert "Error: Invalid value for '--time-limit': 'soon' is not a valid float." in english.output
    unknown = runner.invoke(main, ["solve", "x.xlsx", "-o", "y.xlsx", "--lang", "xx"], prog_name="rotation")
    assert "'--lang' 的值无效：'xx' 不是 'zh', 'en' 之一。" in unknown.output


def all_commands() -> list[tuple[str, click.Command]]:
    assert isinstance(main, click.Group)
    return [("rotation", main), *sorted(main.commands.items())]


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=[name for name, _ in all_commands()])
def test_every_command_and_option_has_help_in_both_languages(name: str, command: click.Command) -> None:
    text = getattr(command, "text", None)
    assert text is not None and text.en and CHINESE.search(text.zh), name
    if name != "rotation":
        assert isinstance(command, TextCommand)
    for param in command.params:
        if isinstance(param, click.Argument):
            assert isinstance(param, TextArgument), (name, param.name)
            continue
        assert isinstance(param, TextOption), (name, param.name)
        assert param.text.en and CHINESE.search(param.text.zh), (name, param.name)
