"""The organisation's privacy notice: its own text, or the default, and how it is shown.

The text is plain: a line starting with "# " is a heading, lines starting with "- " a list,
a blank line a new paragraph. Nothing in it is HTML, so a facilitator's edit can never put
a script or a link to elsewhere on every member's screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string


def privacy_default(organisation) -> str:
    """The default notice, with the organisation's name and retention period as they are."""
    return render_to_string(
        "organisations/privacy_default.txt", {"organisation": organisation}
    ).strip()


def privacy_text(organisation) -> str:
    return organisation.privacy_notice or privacy_default(organisation)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph" or "list"
    lines: tuple[str, ...]


def privacy_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        while lines and lines[0].startswith("# "):
            blocks.append(Block("heading", (lines.pop(0)[2:].strip(),)))
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(Block("list", tuple(line[2:].strip() for line in lines)))
        else:
            blocks.append(Block("paragraph", tuple(lines)))
    return blocks
