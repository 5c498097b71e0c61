"""Line breaking for text we wrap ourselves (templates, printed reports): 避头尾 and line estimates.

Excel and WPS wrap CJK text without the Chinese line-breaking rules, so a cell printed by them can
start a line with "，". Where we choose the lines ourselves, we apply the rule every CJK typesetter
applies (GB/T 15834): closing punctuation never starts a line, an opening bracket never ends one.
"""

from __future__ import annotations

# 避头尾: these never start a line, those never end one (GB/T 15834 and every CJK typesetter)
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕”’%‰·…—～,.;:?!)]}")
NO_LINE_END = frozenset("（「『《〈【〔“‘([{")


def text_width(text: str) -> int:
    return sum(1 if c.isascii() else 2 for c in text)


def estimate_lines(text: str, width: float) -> int:
    """Estimated wrapped line count in a column ``width`` characters wide (Excel's unit: one digit).

    A CJK character is two digits wide at 10.5 pt and never straddles a line; in 宋体 so are curly
    quotes, dashes and other non-ASCII signs. A little of the width is lost to cell padding.
    """
    per_line = max(2, int(width * 0.95))
    total = 0
    for part in str(text).split("\n"):
        if part.isascii():
            total += max(1, -(-len(part) // per_line))
            continue
        lines, used = 1, 0
        for ch in part:
            w = 1 if ch.isascii() else 2
            if used + w > per_line:
                lines, used = lines + 1, 0
            used += w
        total += lines
    return total


def wrap_text(text: str, width: float) -> str:
    """Break ``text`` into lines for a column ``width`` characters wide, ourselves, so that every
    application prints the same lines (and the row heights fit them): a little narrower than the
    column, never starting a line with closing punctuation nor ending one with an opening bracket,
    and not splitting a run of digits or Latin letters that fits on a line of its own."""
    per_line = max(4, int(width * 0.9))
    if 2 * len(text) <= per_line and "\n" not in text:  # fits whatever its characters are
        return text
    out: list[str] = []
    for part in text.split("\n"):
        lines: list[str] = []
        line, used = "", 0
        i = 0
        while i < len(part):
            ch = part[i]
            if ch.isascii() and not ch.isspace():  # an unbreakable run: 2017-12-20, 0375-1234567
                j = i
                while j < len(part) and part[j].isascii() and not part[j].isspace():
                    j += 1
                token = part[i:j]
            else:
                token = ch
            w = text_width(token)
            punct = len(token) == 1 and token in NO_LINE_START
            if used + w > per_line and line and not (punct and used + w <= per_line + 2):
                carry = ""
                if punct:  # the text before goes along: 。never starts a line
                    k = _carry_start(line)
                    if k is None:  # nothing can go along (one unbreakable run): it hangs past the width
                        line += token
                        used += w
                        i += len(token)
                        continue
                    carry, line = line[k:], line[:k]
                while len(line) > 1 and line[-1] in NO_LINE_END:  # an opening bracket goes with its text
                    carry, line = line[-1] + carry, line[:-1]
                lines.append(line.rstrip())
                line = carry
                used = text_width(line)
                if not line and token.isspace():
                    i += len(token)
                    continue
            line += token
            used += w
            i += len(token)
        lines.append(line)
        out.extend(lines)
    return "\n".join(out)


def _carry_start(line: str) -> int | None:
    """Where to break ``line`` so the closing punctuation that follows does not start the next line:
    before its last character, before any closing punctuation that character is, and before the whole
    run of digits or letters it ends ("3项）" and "2.67" move together). None: no such place."""

    def word(ch: str) -> bool:
        return ch.isascii() and not ch.isspace()

    k = len(line) - 1
    while k > 0 and line[k] in NO_LINE_START:
        k -= 1
    while k > 0 and word(line[k]) and word(line[k - 1]):
        k -= 1
    if k <= 0 or line[k] in NO_LINE_START:
        return None
    return k
