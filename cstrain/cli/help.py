"""Help texts in the language the command speaks.

The English help is the commands' own (docstrings and ``help=``); the Chinese is in
``cstrain/i18n/zh.help.json``, one entry per command path (``"check"``, ``"roster import"``,
``""`` for ``cstrain`` itself): ``{"help": …, "options": {"--strict": …}}``. The texts are put in
place only while the help is written (:meth:`Localized.format_help`), so a command is built once
at import and speaks whichever language is asked for when ``--help`` runs: ``cstrain --lang``,
``$CSTRAIN_LANG``, the project's ``theme.language``, else Chinese (:func:`command_language`).

Chinese has no spaces to wrap lines at and each character takes two terminal cells, so the help
is wrapped by cells (:class:`HelpFormatter`, :func:`cstrain.reports.terminal.wrap`).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from functools import cache
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

import click

from cstrain import i18n
from cstrain.reports.terminal import display_width, wrap


@cache
def help_texts(language: str) -> Mapping[str, dict]:
    """The help of every command in ``language``; empty for English (the code's own)."""
    path = i18n.FOLDER / f"{language}.help.json"
    if not path.is_file():
        return MappingProxyType({})
    with open(path, encoding="utf-8") as file:
        return MappingProxyType(json.load(file))


def _join(lines: list[str]) -> str:
    """The lines of one paragraph as one line: a space between words, none between Chinese."""
    text = ""
    for line in lines:
        line = line.strip()
        if text and not (display_width(text[-1]) == 2 and display_width(line[:1]) == 2):
            text += " "
        text += line
    return text


def fill(text: str, width: int, indent: str = "") -> str:
    """Click's paragraph rules, wrapped by terminal cells: paragraphs are separated by an empty
    line and rewrapped, except one whose first line is ``\\b``, which is kept as written."""
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out = []
    for lines in filter(None, paragraphs):
        if lines[0].strip() == "\b":
            out.append("\n".join(indent + line if line else line for line in lines[1:]))
            continue
        out.append("\n".join(wrap(_join(lines), width, indent, indent)))
    return "\n\n".join(out)


def click_word(text: str) -> str:
    """One of Click's own words (Usage:, Options, Show this message and exit.) in the current
    language: the ``"click"`` entry of the help file."""
    return help_texts(i18n.current_language()).get("click", {}).get(text, text)


class HelpFormatter(click.HelpFormatter):
    """Click's help layout with lines wrapped by terminal cells and Click's own words in the
    command's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, click_word(prefix or "Usage: "))

    def write_heading(self, heading: str) -> None:
        word = click_word(heading)
        if word == heading:
            super().write_heading(heading)
        else:  # 选项：, with its own colon
            self.write(f"{'':>{self.current_indent}}{word}\n")

    def write_text(self, text: str) -> None:
        self.write(fill(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0),
                        col_max) + col_spacing
        extras = help_texts(i18n.current_language()).get("click_extras", {})
        for first, second in rows:
            for english, own in extras.items():  # "[default: 8000]", "[required]"
                second = second.replace(english, own)
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = fill(second, max(self.width - first_col - self.current_indent, 10)).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def _key(ctx: click.Context) -> str:
    """The command's path without the program's name: "" for cstrain, "roster import" …"""
    return " ".join(ctx.command_path.split()[1:])


LANG_HELP = ("The language cstrain speaks (default: $CSTRAIN_LANG, else theme.language in the "
             "project's mkdocs.yml, else zh).")
"""The help of ``--lang``; its Chinese is the ``"click"`` entry of zh.help.json."""


def _lang_option() -> click.Option:
    """``--lang``, which every command takes, before or after its name (``cstrain --lang en
    progress``, ``cstrain progress --lang en``)."""
    from cstrain.cli.common import remember_language

    return click.Option(["--lang"], type=click.Choice(i18n.LANGUAGES), default=None,
                        expose_value=False, is_eager=True, callback=remember_language,
                        help=LANG_HELP)


def _language_asked(args: list[str]) -> str | None:
    """The last ``--lang X`` (or ``--lang=X``) among a command line's arguments, so that the
    language is known before any other option is read: ``--help --lang en`` speaks English."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[index + 1] if arg == "--lang" and index + 1 < len(args) else None)
        if value in i18n.LANGUAGES:
            found = value
    return found


class Localized:
    """A command whose help speaks the command's language (a mixin for click's classes); every
    one takes ``--lang``."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(param.name == "lang" for param in self.params):
            self.params.append(_lang_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from cstrain.cli.common import LANG_KEY

        language = _language_asked(args)
        if language:
            ctx.meta[LANG_KEY] = language
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from cstrain.cli.common import command_language

        with i18n.speaking(command_language(None)) as language, \
                _texts(self, help_texts(language).get(_key(ctx))):
            super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:  # Click may make it once: set its text each time it is shown
            option.help = click_word("Show this message and exit.")
        return option

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        texts = help_texts(i18n.current_language())
        prefix = _key(ctx)
        saved = []
        for name, command in getattr(self, "commands", {}).items():
            entry = texts.get(f"{prefix} {name}".strip())
            if entry and not command.short_help:
                saved.append(command)
                command.short_help = _first_sentence(entry["help"])
        try:
            super().format_commands(ctx, formatter)
        finally:
            for command in saved:
                command.short_help = None


@contextmanager
def _texts(command: click.Command, entry: dict | None) -> Iterator[None]:
    """Within the block, the command's help and its options' help are ``entry``'s."""
    if not entry:
        yield
        return
    options = entry.get("options", {})
    saved = [(param, param.help) for param in command.params if getattr(param, "help", None)]
    own = command.help
    command.help = entry["help"]
    for param, _ in saved:
        param.help = options.get(_name(param)) or click_word(param.help)
    try:
        yield
    finally:
        command.help = own
        for param, text in saved:
            param.help = text


def _name(param: click.Parameter) -> str:
    return max(param.opts, key=len)


def _first_sentence(text: str) -> str:
    text = text.split("\n\n")[0].strip()
    return text.split("。")[0] + "。" if "。" in text else text


class Command(Localized, click.Command):
    pass


class Group(Localized, click.Group):
    command_class = Command
    group_class = type

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's main, with its own refusals (a mistyped option, a missing argument) said in
        the command's language: Click's English words for English, cstrain's for Chinese."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        import sys

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            language = _error_language(exc.ctx)
            with i18n.speaking(language):  # the usage line's "Usage:" too
                if language == "en":
                    exc.show()
                else:
                    _show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            with i18n.speaking(_error_language(None)):
                click.echo(i18n.tr("cli_aborted"), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


def _error_language(ctx: click.Context | None) -> str:
    from cstrain.cli.common import LANG_KEY, command_language

    if ctx is not None and ctx.meta.get(LANG_KEY):
        return ctx.meta[LANG_KEY]
    return command_language(None)


def _show_usage_error(exc: click.UsageError) -> None:
    """A usage error as Click shows it (usage line, where to get help, the problem), in the
    current language."""
    ctx = exc.ctx
    out = []
    if ctx is not None:
        out.append(ctx.get_usage())
        option = f" {ctx.help_option_names[0]}" if ctx.help_option_names else ""
        out.append(i18n.tr("cli_usage_try", command=f"{ctx.command_path}{option}") + "\n")
    out.append(i18n.tr("cli_error", message=_usage_message(exc)))
    click.echo("\n".join(out), err=True)


def _usage_message(exc: click.UsageError) -> str:
    import re

    tr = i18n.tr
    text = exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        close = sorted(exc.possibilities or ())
        return tr("cli_usage_no_option", name=exc.option_name) + (
            tr("cli_usage_close", names=", ".join(close)) if close else "")
    param = getattr(exc, "param", None)
    name = (param.opts[0] if param.opts else param.human_readable_name) if param is not None else ""
    if isinstance(exc, click.MissingParameter) and param is not None:
        if isinstance(param, click.Argument):
            return tr("cli_usage_missing_argument", name=param.make_metavar(exc.ctx))
        return tr("cli_usage_missing_option", name=name)
    if isinstance(exc, click.BadParameter) and param is not None:
        quoted = re.match(r"'?(.*?)'? (?:is|does) ", exc.message)
        value = quoted.group(1) if quoted else ""
        kind = param.type
        if quoted and isinstance(kind, click.Choice):
            return tr("cli_usage_choice", name=name, value=value,
                      choices=", ".join(str(choice) for choice in kind.choices))
        if quoted and isinstance(kind, click.IntRange):
            return tr("cli_usage_range", name=name, value=value, low=kind.min, high=kind.max)
        if quoted and isinstance(kind, click.types.IntParamType):
            return tr("cli_usage_int", name=name, value=value)
        if quoted and isinstance(kind, click.DateTime):
            return tr("cli_usage_date", name=name, value=value)
        return tr("cli_usage_bad_value", name=name, message=exc.message)
    match = re.match(r"No such command '(.*)'", text)
    if match:
        return tr("cli_usage_no_command", name=match.group(1))
    match = re.match(r"Option '(.*)' requires an? .*argument", text)
    if match:
        return tr("cli_usage_needs_value", name=match.group(1))
    match = re.match(r"Option '(.*)' does not take a value", text)
    if match:
        return tr("cli_usage_no_value", name=match.group(1))
    match = re.match(r"Got unexpected extra arguments? \((.*)\)", text)
    if match:
        return tr("cli_usage_extra", args=match.group(1))
    return text


def missing_translations(root: click.Group, language: str) -> list[str]:
    """Commands and options of ``root`` without a help text in ``language`` (none for English)."""
    texts = help_texts(language)
    if language == "en":
        return []
    missing = []

    def walk(command: click.Command, key: str) -> None:
        entry = texts.get(key)
        if entry is None:
            missing.append(key or "cstrain")
        else:
            options = entry.get("options", {})
            missing.extend(f"{key} {_name(p)}" for p in command.params
                           if getattr(p, "help", None) and _name(p) not in options
                           and p.help not in texts.get("click", {}))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{key} {name}".strip())

    walk(root, "")
    return missing
