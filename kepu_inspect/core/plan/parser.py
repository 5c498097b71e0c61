"""A plan's text → a :class:`Draft`: the blocks found by the numbering, walked in order, with copies
(a PDF's second pass over the same pages) folded into the first, and requirement sections kept as notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kepu_inspect.core.plan.annotations import (
    Annotation,
    Mention,
    annotations_of,
    clean_annotation,
    read_mentions,
    settle_roles,
    strip_spans,
    with_breaks,
)
from kepu_inspect.core.plan.document import (
    is_closing_title,
    is_signature_line,
    issuer_of,
    lead_first_note,
    title_of,
)
from kepu_inspect.core.plan.draft import Draft, ItemIndex, RawGroup, RawItem, merge_into
from kepu_inspect.core.plan.model import PlanNote, PlanSection
from kepu_inspect.core.plan.numbering import Block, Segmented, best_segmentation
from kepu_inspect.core.plan.text import (
    TERMINATORS,
    Simplifier,
    cn_numeral,
    compact,
    looks_traditional,
    ranges,
    same_text,
    tidy,
)
from kepu_inspect.core.problems import Code, problem


def draft_from_text(text: str, to_simplified: Simplifier | None = None) -> Draft:
    """Read a plan written as prose (numbered items with annotations)."""
    draft = Draft()
    if to_simplified is not None and looks_traditional(text, to_simplified):
        text, draft.converted = to_simplified(text), True
    seg = best_segmentation(text)
    first_line = seg.blocks[0].line if seg.blocks else None
    draft.title = title_of([t for no, t in seg.loose if first_line is None or no < first_line])
    draft.issuer = issuer_of([t for _, t in seg.loose])
    draft.year = year_of(draft.title, text)
    draft.lead_first = lead_first_note(text)
    walker = _Walker(draft)
    for block in seg.blocks:
        walker.take(block)
    walker.finish()
    promote_lonely_groups(draft, seg)
    keep_requirements_as_notes(draft, seg.loose)
    return draft


def year_of(title: str, text: str) -> int | None:
    # the first year in the title: a plan for 2021—2025 is assessed from its first year
    found = re.search(r"(20\d{2})(?!\d)", title) or re.search(r"(20\d{2})\s*年", text[:3000])
    return int(found.group(1)) if found else None


# --------------------------------------------------------------------------------------------
# Walking the blocks
# --------------------------------------------------------------------------------------------
@dataclass
class _Walker:
    draft: Draft
    section: int | None = None
    group: int | None = None
    repeating: bool = False  # inside a passage that repeats earlier text (a second copy of the plan)
    index: ItemIndex = field(default_factory=ItemIndex)
    dup_numbers: list[int] = field(default_factory=list)
    dup_line: int = 0

    def take(self, block: Block) -> None:
        if block.kind == "section":
            self.take_section(block)
            return
        if self.section is None:
            self.draft.sections.append(PlanSection(0, "考核项目", "考核项目", block.line))
            self.draft.section_leads.append([])
            self.section = len(self.draft.sections) - 1
        if block.kind == "group":
            self.take_group(block)
        else:
            self.take_item(block)

    def take_section(self, block: Block) -> None:
        sections = self.draft.sections
        title, anns = heading_title(block)
        heading = f"{cn_numeral(block.number)}、{title}"
        # a repeated copy repeats the heading with its number; short titles alone are not enough
        match = next(
            (
                i
                for i, s in enumerate(sections)
                if s.number == block.number and same_text(compact(s.title), compact(title))
            ),
            None,
        )
        self.repeating = match is not None
        self.group = None
        if match is not None:
            self.section = match
            old = sections[match]
            if len(title) > len(old.title):
                sections[match] = PlanSection(block.number, heading, title, old.line, old.leads)
            return
        leads, _ = _mentions(anns, "")
        sections.append(PlanSection(block.number, heading, title, block.line))
        self.draft.section_leads.append(leads)
        self.section = len(sections) - 1

    def take_group(self, block: Block) -> None:
        assert self.section is not None
        groups = self.draft.groups
        title, anns = heading_title(block)
        leads, _ = _mentions(anns, "")
        match = next(
            (
                i
                for i, g in enumerate(groups)
                if g.section == self.section
                and g.number == block.number
                and same_text(compact(g.title), compact(title))
            ),
            None,
        )
        if match is not None:
            self.group = match
            if not groups[match].leads and leads:
                groups[match].leads = leads
            return
        flat = annotations_of(block.parts)[0]
        annotation = "；".join(clean_annotation(with_breaks(flat, a.span, block.parts)) for a in anns)
        groups.append(RawGroup(block.number, title, self.section, leads, block.line, annotation))
        self.group = len(groups) - 1

    def take_item(self, block: Block) -> None:
        assert self.section is not None
        content, flat, anns = block_content(block)
        mentions, bad = _mentions(anns, self.draft.lead_first)
        annotation = "；".join(clean_annotation(with_breaks(flat, a.span, block.parts)) for a in anns)
        item = RawItem(
            block.number, content, mentions, annotation, bool(anns), bad, self.section, self.group, block.line
        )
        dup = self.index.duplicate_of(item, self.repeating)
        self.repeating = dup is not None
        if dup is not None:
            self.dup_numbers.append(dup.number)
            self.dup_line = self.dup_line or block.line
            merge_into(dup, item)
            return
        self.draft.items.append(item)
        self.index.add(item)

    def finish(self) -> None:
        if self.dup_numbers:
            self.draft.problems.append(
                problem(Code.PL005, number=ranges(self.dup_numbers), line=self.dup_line)
            )


def _mentions(anns: Sequence[Annotation], lead_first: str) -> tuple[list[Mention], list[str]]:
    mentions: list[Mention] = []
    bad: list[str] = []
    for ann in anns:
        found, not_names = read_mentions(ann.inner, ann.role)
        mentions += found
        bad += not_names
    return settle_roles(mentions, bool(lead_first)), bad


def heading_title(block: Block) -> tuple[str, list[Annotation]]:
    flat, anns = annotations_of(block.parts)
    return tidy(strip_spans(flat, anns)).rstrip("。；;，,：: "), anns


def block_content(block: Block) -> tuple[str, str, list[Annotation]]:
    """An item's text without its annotations, the flattened block, and the annotations."""
    parts = list(block.parts)
    flat, anns = annotations_of(parts)
    if not anns and len(parts) > 1:
        # paragraph style: each line ends a sentence, so later paragraphs are not this item's text
        ended = sum(1 for p in parts[:-1] if p[-1:] in TERMINATORS)
        if ended >= max(1, (len(parts) - 1) * 0.6):
            flat, anns = annotations_of(parts[:1])
    text = tidy(strip_spans(flat, anns))
    return text.strip().rstrip("，,、"), flat, anns


def promote_lonely_groups(draft: Draft, seg: Segmented) -> None:
    """（一）青少年科学素质提升行动 with its own 牵头单位 / 责任单位 lines and no numbered items beneath it is
    itself a work item (实施方案 mix such actions with numbered tasks); as a group it would vanish."""
    holding = {it.group for it in draft.items}
    starts = sorted(b.line for b in seg.blocks)
    promoted: list[RawItem] = []
    for gi, group in enumerate(draft.groups):
        if gi in holding or not group.leads:
            continue
        later = [line for line in starts if line > group.line]
        end = later[0] if later else 10**9
        body = "".join(t for no, t in seg.loose if group.line < no < end)
        text = tidy(group.title + ("。" if body and group.title[-1:] not in "。；" else "") + body)
        promoted.append(
            RawItem(
                group.number, text, group.leads, group.annotation, True, [], group.section, None, group.line
            )
        )
        draft.problems.append(
            problem(Code.PL025, title=f"（{cn_numeral(group.number)}）{group.title}", line=group.line)
        )
        group.leads = []
    if promoted:
        draft.items = sorted(draft.items + promoted, key=lambda it: it.line)


# --------------------------------------------------------------------------------------------
# Requirements, not work items
# --------------------------------------------------------------------------------------------
def keep_requirements_as_notes(draft: Draft, loose: Sequence[tuple[int, str]]) -> None:
    """工作要求 / 保障措施 / 总体要求-style sections become notes: their numbered paragraphs name nobody
    and are not work to be scored. A section that names units for its items stays, whatever its title."""
    starts = [s.line for s in draft.sections] + [10**9]
    texts = [t for _, t in loose]
    signature = {no for i, (no, _) in enumerate(loose) if is_signature_line(texts, i)}
    for si, section in enumerate(draft.sections):
        items = [it for it in draft.items if it.section == si]
        lines = range(section.line + 1, starts[si + 1] if si + 1 < len(starts) else 10**9)
        if items:
            if any(it.annotated for it in items) or not is_closing_title(section.title):
                continue
            body = "\n".join(f"{it.number}.{it.text}" for it in items)
            draft.items = [it for it in draft.items if it.section != si]
            draft.problems.append(
                problem(
                    Code.PL015,
                    section=section.heading,
                    count=len(items),
                    line=section.line,
                )
            )
        else:
            groups = [f"（{cn_numeral(g.number)}）{g.title}" for g in draft.groups if g.section == si]
            body = "\n".join(groups + [t for no, t in loose if no in lines and no not in signature])
            if not body and not is_closing_title(section.title):
                continue
        draft.notes.append(PlanNote(section.title, body, section.line))
