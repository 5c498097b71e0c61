"""评分标准 as words: every rule kind said as a clerk would write it, and read back from such words.

``words`` turns a rule into the sentence printed in an exported 考核细则 (one canonical wording per
kind, so an export imports back to the very same rule); ``parse`` reads that wording and the common
ways offices write the same rules (…得2分，未开展不得分; 每少一次扣0.5分，扣完为止; 中央媒体每篇3分…
最高6分; 好/较好/一般 …); ``split`` cuts a 评分标准 cell into its criteria. Pure: text in, rules out.
"""

from __future__ import annotations

from kepu_inspect.core.criteria.parse import Parsed, parse_criterion
from kepu_inspect.core.criteria.split import CriterionText, split_criteria
from kepu_inspect.core.criteria.words import rule_words

__all__ = ["CriterionText", "Parsed", "parse_criterion", "rule_words", "split_criteria"]
