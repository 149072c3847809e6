"""The language the command line speaks to the person at the terminal, and click made bilingual.

Two languages are chosen, for two readers. What a command prints about its work and every file it
writes follow ``--lang`` (Chinese unless asked), so that the same input gives the same output on
every machine. Help pages and click's usage errors are for whoever typed the command: they follow
``--lang`` when it is on the command line, else the locale, else Chinese (docs/decisions.md).

click marks its own sentences for gettext but ships no Chinese; its modules bind ``_`` and
``ngettext`` at import, so ``speak`` puts this module's catalogue there. The project's help is a
``Text`` on each option and command (``TextOption``, ``TextCommand``, ``TextGroup``), told in the
terminal's language when click formats it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Literal

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from reports.xlsx import text_width
from rotation.text import Text

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")
# The product's language: the one help speaks when nothing on the command line or in the locale asks.
DEFAULT_LANGUAGE: Lang = "zh"
# POSIX order: the first of these that is set names the locale of messages.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
# Locales that say nothing about a language: a machine nobody configured.
UNSET_LOCALES = frozenset({"c", "posix"})

_SPOKEN: ContextVar[Lang] = ContextVar("terminal_language", default=DEFAULT_LANGUAGE)

# click's own sentences (click 8.1–8.5), as far as this command line can meet them.
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Aborted!": "已中止！",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数（{number_type}）。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 中的任何一种。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是/否值。可用的值：{states}"
    ),
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
}

# A Chinese character or a run of other non-space characters (a word, a number, an option name), with
# the opening brackets before it and the closing punctuation after it, so no line starts with 。 or ）.
_OPEN = "（「《([【"
_CLOSE = "）」》，。；：、！？)]】"
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP_TOKENS = re.compile(
    rf"[{re.escape(_OPEN)}]*(?:[{_CJK}]|[^\s{_CJK}{re.escape(_OPEN + _CLOSE)}]+)[{re.escape(_CLOSE)}]*"
    rf"|[{re.escape(_OPEN + _CLOSE)}]+|\s+"
)
OPTIONS_METAVAR = Text("[OPTIONS]", "[选项]")
SUBCOMMAND_METAVAR = Text("COMMAND [ARGS]...", "命令 [参数]...")
HELP_OPTION = Text("Show this message and exit.", "显示本帮助并退出。")


def spoken() -> Lang:
    """The language of help pages and click's messages in this invocation."""
    return _SPOKEN.get()


def terminal_language(args: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """``--lang`` on the command line, else the locale's language, else Chinese.

    A Chinese locale (``zh_CN.UTF-8``) gives Chinese; the C or POSIX locale says nothing; any other
    locale gives English, the one other language the product speaks.
    """
    asked = lang_on_command_line(args)
    if asked is not None:
        return asked
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            language = value.split(".")[0].split("@")[0].split("_")[0].lower()
            if language in UNSET_LOCALES:
                return DEFAULT_LANGUAGE
            return "zh" if language == "zh" else "en"
    return DEFAULT_LANGUAGE


def lang_on_command_line(args: Sequence[str]) -> Lang | None:
    """The last valid ``--lang X`` or ``--lang=X`` before a ``--``, as click would read it."""
    found: Lang | None = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else None
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        for language in LANGUAGES:
            if value == language:
                found = language
    return found


def speak(lang: Lang) -> None:
    """Make help pages and click's own messages speak ``lang`` from now on in this context."""
    _SPOKEN.set(lang)
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        for name, replacement in (("_", _click_text), ("ngettext", _click_plural)):
            if hasattr(module, name):
                setattr(module, name, replacement)


def _click_text(message: str) -> str:
    return CLICK_ZH.get(message, message) if spoken() == "zh" else message


def _click_plural(singular: str, plural: str, count: int) -> str:
    return _click_text(singular if count == 1 else plural)


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, a Chinese character counting two.

    Chinese breaks between any two characters; other words stay whole, as textwrap keeps them.
    """
    lines: list[str] = []
    line, used = "", 0
    for token in _WRAP_TOKENS.findall(" ".join(text.split())):
        size = text_width(token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
            if token.isspace():
                continue
        line += token
        used += size
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class WideHelpFormatter(click.HelpFormatter):
    """click's help layout, measured in terminal cells in Chinese, where a character takes two.

    click counts characters, so Chinese help would run twice the terminal's width; English keeps
    click's own wrapping, untouched.
    """

    def write_text(self, text: str) -> None:
        if spoken() != "zh":
            super().write_text(text)
            return
        indent = " " * self.current_indent
        for paragraph in text.split("\n\n"):
            for line in wrap_wide(paragraph, max(self.width - self.current_indent, 10)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if spoken() != "zh":
            super().write_dl(rows, col_max, col_spacing)
            return
        rows = list(rows)
        first_col = min(max((text_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        hanging = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if text_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - text_width(first)))
            else:
                self.write("\n" + hanging)
            lines = wrap_wide(second, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{hanging}{line}\n")


class TextContext(click.Context):
    formatter_class = WideHelpFormatter


class TextOption(click.Option):
    """An option whose help (and metavar, if given) is a Text, told in the terminal's language."""

    def __init__(self, *args: Any, text: Text, metavar_text: Text | None = None, **kwargs: Any) -> None:
        kwargs["help"] = text.en
        super().__init__(*args, **kwargs)
        self.text = text
        self.metavar_text = metavar_text

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = self.text.pick(spoken())
        return super().get_help_record(ctx)

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar_text is not None:
            self.metavar = self.metavar_text.pick(spoken())
        return super().make_metavar(ctx)


class TextArgument(click.Argument):
    """A positional argument named in the usage line in the terminal's language."""

    def __init__(self, *args: Any, metavar_text: Text, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metavar_text = metavar_text

    def make_metavar(self, ctx: click.Context) -> str:
        self.metavar = self.metavar_text.pick(spoken())
        return super().make_metavar(ctx)


def option(*decls: str, help: Text, metavar: Text | None = None, **kwargs: Any) -> Callable[[Any], Any]:
    """``click.option`` with its help in both languages."""
    return click.option(*decls, cls=TextOption, text=help, metavar_text=metavar, **kwargs)


def argument(name: str, metavar: Text, **kwargs: Any) -> Callable[[Any], Any]:
    """``click.argument`` named in both languages in the usage line."""
    return click.argument(name, cls=TextArgument, metavar_text=metavar, **kwargs)


def _tell(command: click.Command, text: Text) -> None:
    lang = spoken()
    command.help = text.pick(lang)
    command.options_metavar = OPTIONS_METAVAR.pick(lang)


def _told(help_option: click.Option | None) -> click.Option | None:
    # click makes the help option once and keeps it: its sentence is told anew each time.
    if help_option is not None:
        help_option.help = HELP_OPTION.pick(spoken())
    return help_option


class TextCommand(click.Command):
    """A command whose help is a Text (``text``), told in the terminal's language."""

    def __init__(self, *args: Any, text: Text, **kwargs: Any) -> None:
        kwargs["help"] = text.en  # over the docstring that click.command passes
        super().__init__(*args, **kwargs)
        self.text = text

    context_class = TextContext

    def get_short_help_str(self, limit: int = 45) -> str:
        _tell(self, self.text)
        if spoken() == "zh":
            # click cuts English at the first full stop; Chinese ends its first sentence with 。
            return self.text.zh.split("。")[0]
        return super().get_short_help_str(limit)

    def get_usage(self, ctx: click.Context) -> str:
        _tell(self, self.text)
        return super().get_usage(ctx)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _tell(self, self.text)
        super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _told(super().get_help_option(ctx))


class TextGroup(click.Group):
    """The ``rotation`` group: chooses the terminal's language, then runs like any click group."""

    command_class = TextCommand
    context_class = TextContext

    def __init__(self, *args: Any, text: Text, **kwargs: Any) -> None:
        kwargs["help"] = text.en
        super().__init__(*args, **kwargs)
        self.text = text

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        # Before parsing, so that help and usage errors of every subcommand speak the chosen language.
        speak(terminal_language(args, os.environ))
        return super().make_context(info_name, args, parent, **extra)

    def get_usage(self, ctx: click.Context) -> str:
        self._tell()
        return super().get_usage(ctx)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._tell()
        super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _told(super().get_help_option(ctx))

    def _tell(self) -> None:
        _tell(self, self.text)
        self.subcommand_metavar = SUBCOMMAND_METAVAR.pick(spoken())
