"""The explanation of the selected finding: what, why it leaks, and the fix (or why none)."""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from leakscope.core.model import Applicability, Finding, Impact, Rule
from leakscope.core.rules import get_rule
from leakscope.core.suppress import DIRECTIVE_RULE
from leakscope.core.text import display, display_source
from leakscope.ui.widgets.findings_tree import Group, Palette

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_INLINE = re.compile(
    r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)]+)\)|(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"
)


def find_rule(name: str) -> Rule | None:
    if name == DIRECTIVE_RULE.name:
        return DIRECTIVE_RULE
    return get_rule(name)


def doc_sections(doc: str) -> dict[str, str]:
    """The rule doc's `## Heading` sections by lower-cased heading."""
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(doc))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
        sections[match.group(1).strip().lower()] = doc[match.end() : end].strip()
    return sections


def markdown_text(source: str, palette: Palette) -> Text:
    """A small Markdown subset as Rich Text: paragraphs, lists, code blocks, inline code."""
    out = Text()
    code_style = Style(color=palette.extra.get("code", palette.info))
    in_code = False
    paragraph: list[str] = []
    item: list[str] = []  # the list item being read: its first line and indented ones

    def flush() -> None:
        if item:
            out.append_text(_inline("• " + " ".join(item), code_style))
            out.append("\n")
            item.clear()
        if paragraph:
            if out:
                out.append("\n")
            out.append_text(_inline(" ".join(paragraph), code_style))
            out.append("\n")
            paragraph.clear()

    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            if not in_code and out:
                out.append("\n")
            in_code = not in_code
            continue
        if in_code:
            out.append("  " + line.expandtabs(4) + "\n", style=code_style)
        elif not stripped:
            flush()
        elif stripped.startswith(("- ", "* ")):
            flush()
            item.append(stripped[2:])
        elif item and line[:1].isspace():
            item.append(stripped)  # a list item's next line: the same bullet
        else:
            if item:
                flush()
            paragraph.append(stripped)
    flush()
    out.rstrip()
    return out


def _inline(text: str, code_style: Style) -> Text:
    out = Text()
    last = 0
    for match in _INLINE.finditer(text):
        out.append(text[last : match.start()])
        code, bold, link_text, _url, italic = match.groups()
        if code is not None:
            out.append(code, style=code_style)
        elif bold is not None:
            out.append(bold, style="bold")
        elif italic is not None:
            out.append(italic, style="italic")
        else:
            out.append(link_text, style="underline")
        last = match.end()
    out.append(text[last:])
    return out


def explain_finding(
    finding: Finding,
    palette: Palette,
    go_version: str | None,
    preview: list[tuple[str, str]] | None = None,
) -> Text:
    rule = find_rule(finding.rule)
    sections = doc_sections(rule.doc) if rule is not None else {}
    out = Text()
    out.append(finding.rule, style=Style(bold=True, color=palette.info))
    out.append("  ")
    out.append(finding.severity.value, style=Style(color=palette.severity(finding.severity)))
    out.append(f" · {finding.confidence.value} confidence", style=Style(color=palette.muted))
    out.append(
        "\n" + display(f"{finding.path}:{finding.line}:{finding.column}"),
        style=Style(color=palette.muted),
    )
    if go_version:
        out.append(f" · go {go_version}", style=Style(color=palette.muted))
    out.append("\n\n")
    out.append(display(finding.message), style="bold")
    out.append("\n")
    if finding.impact_reason or finding.impact is Impact.BOUNDED:
        grows = finding.impact is Impact.GROWS
        out.append("\nImpact: ", style=Style(color=palette.muted))
        out.append(
            "grows" if grows else "bounded (minor)",
            style=Style(color=palette.warning if grows else palette.muted, bold=grows),
        )
        if finding.impact_reason:
            out.append(f": {display(finding.impact_reason)}", style=Style(color=palette.muted))
        out.append("\n")
    for related in finding.related:
        where = f"{display(related.path)}:" if related.path is not None else "line "
        out.append(f"\n↳ {where}{related.span.start.line}: ", style=Style(color=palette.muted))
        out.append(display(related.message))
    if finding.related:
        out.append("\n")
    out.append("\n")
    keys_style = Style(bold=True, color=palette.info)
    muted = Style(color=palette.muted)
    if finding.fix is not None:
        safe = finding.fix.applicability is Applicability.SAFE
        out.append("Fix", style=Style(bold=True, underline=True))
        out.append(
            f"  {'safe' if safe else 'unsafe: asks first'}",
            style=Style(color=palette.success if safe else palette.warning, bold=True),
        )
        out.append(f"  {display(finding.fix.title)}\n")
        if finding.fix_pending:
            out.append("checking…\n", style=muted)
        from leakscope.core.verify import go_command

        if go_command() is None:
            out.append(
                "unverified: no Go toolchain on PATH to check that it compiles; f asks first\n",
                style=Style(color=palette.warning),
            )
        for mark, line in preview or ():
            color = {"-": palette.error, "+": palette.success}.get(mark, palette.muted)
            out.append(f"{mark} {display_source(line)}\n", style=Style(color=color))
        out.append("f", style=keys_style)
        out.append(" apply · ", style=muted)
        out.append("d", style=keys_style)
        out.append(" compare side by side · ", style=muted)
        out.append("i", style=keys_style)
        out.append(" ignore with a reason\n", style=muted)
    else:
        out.append("No automatic fix", style=Style(bold=True, underline=True))
        reason = finding.no_fix_reason or "this rule does not offer one for this code"
        reason = re.sub(r"^no automatic fix:\s*", "", reason, flags=re.IGNORECASE)
        out.append(f"\n{display(reason[:1].upper() + reason[1:])}\n")
        out.append("i", style=keys_style)
        out.append(" ignore with a reason · ", style=muted)
        out.append("e", style=keys_style)
        out.append(" edit in $EDITOR\n", style=muted)
    why = sections.get("why is this bad?")
    if why:
        out.append("\nWhy it leaks\n", style=Style(bold=True, underline=True))
        out.append_text(markdown_text(why, palette))
        out.append("\n")
    if finding.fix is not None:
        safety = sections.get("fix safety")
        if safety:
            out.append("\nFix safety\n", style=Style(bold=True, underline=True))
            out.append_text(markdown_text(safety, palette))
            out.append("\n")
    else:
        use_instead = sections.get("use instead")
        if use_instead:
            out.append("\nUse instead\n", style=Style(bold=True, underline=True))
            out.append_text(markdown_text(use_instead, palette))
            out.append("\n")
    out.rstrip()
    return out


def explain_group(group: Group, palette: Palette) -> Text:
    out = Text()
    out.append(display(group.title), style="bold")
    n = len(group.findings)
    out.append(f"\n{n} finding{'s' if n != 1 else ''}", style=Style(color=palette.muted))
    safe = len(group.safe_fixable)
    if safe:
        out.append(f" · {safe} with a safe fix: ", style=Style(color=palette.muted))
        out.append("F", style=Style(bold=True, color=palette.info))
        out.append(" applies them all", style=Style(color=palette.muted))
    rule = find_rule(group.title) if group.key.startswith("rule:") else None
    if rule is not None:
        sections = doc_sections(rule.doc)
        what = sections.get("what it does")
        if what:
            out.append("\n\n")
            out.append_text(markdown_text(what, palette))
    return out


class ExplanationPane(VerticalScroll):
    """Scrollable explanation text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self._shown: Text | str | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="explanation-text")

    def show(self, text: Text | str) -> None:
        """Show `text` from its top. The same text again (a live update of the finding
        shown) changes nothing: no new layout of the screen, and the scroll stays."""
        if text == self._shown:
            return
        self._shown = text.copy() if isinstance(text, Text) else text
        self.query_one("#explanation-text", Static).update(text)
        self.scroll_home(animate=False)
