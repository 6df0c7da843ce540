"""LaTeX rendering of the real claims: every character maps to LaTeX, nothing is left unmapped."""

from __future__ import annotations

import re

from verify.core import load_topics
from verify.report.latex import escape, unicode_to_latex


def test_escape_specials_and_unicode():
    assert escape("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"
    assert unicode_to_latex("λ → ∞") == r"\ensuremath{\lambda} \ensuremath{\to} \ensuremath{\infty}"
    assert unicode_to_latex("\u2603") == "[U+2603]"


def test_committed_derivations_have_no_unmapped_characters(repo_root):
    for t in load_topics():
        text = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        assert text.isascii(), f"derivations/{t.name}.tex has non-ASCII characters"
        unmapped = sorted(set(re.findall(r"\[U\+[0-9A-F]{4,}\]", text)))
        assert not unmapped, f"derivations/{t.name}.tex has characters with no LaTeX mapping: {unmapped}"
