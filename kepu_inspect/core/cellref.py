"""A1-style cell references: the vocabulary problems use to point at a cell ("自评表!H7").

Pure and tiny, so the template writer, the safe reader and the report workbook share one spelling.
"""

from __future__ import annotations


def col_number(letters: str) -> int:
    """The 1-based column index of column letters (A → 1, AA → 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letter(index: int) -> str:
    """Column letters for a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
