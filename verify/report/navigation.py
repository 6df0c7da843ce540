"""Does the contents send the reader to the right page?  Checks of a built report against its .toc.

:func:`toc_entries` reads the ``\\contentsline`` entries of a LaTeX ``.toc`` file; :func:`toc_mismatches`
extracts the text of each listed page with ``pdftotext`` (poppler) and reports every entry whose heading
is not on the page the contents gives.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TocEntry:
    level: str  # section | subsection | ...
    number: str  # "1.1" ("" for an unnumbered entry)
    needle: str  # text that must stand on the page (with the number): the claim id, else the first words
    page: int


def _unescape(tex: str) -> str:
    return tex.replace(r"\_", "_").replace(r"\&", "&").replace(r"\%", "%")


def _balanced(s: str, i: int) -> tuple[str, int]:
    """The ``{...}`` group starting at ``s[i]``: (content, index after it)."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
    raise ValueError(f"unbalanced braces in a .toc line: {s!r}")


def toc_entries(toc_text: str) -> list[TocEntry]:
    """The entries of a .toc file (``\\contentsline {level}{title}{page}{anchor}``), in order."""
    out = []
    for line in toc_text.splitlines():
        if not line.startswith(r"\contentsline"):
            continue
        i = line.index("{")
        level, i = _balanced(line, i)
        title, i = _balanced(line, i)
        page, i = _balanced(line, i)
        m = re.match(r"\\numberline\s*\{([^}]*)\}", title)
        number = m.group(1) if m else ""
        rest = title[m.end():] if m else title
        claim = re.search(r"\\texttt\s*\{([a-z0-9_.\\]+)\}", rest)
        if claim:
            needle = _unescape(claim.group(1))
        else:
            words = re.sub(r"\\[A-Za-z]+\s*|[{}$^_]", " ", rest)
            needle = " ".join(words.split()[:3])
        out.append(TocEntry(level, number, needle, int(page)))
    return out


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """The text of every page (pdftotext), whitespace collapsed; raises if poppler is missing.  With
    ``layout`` the lines keep their physical order (a heading's number and title stay on one line);
    without it each table cell is read as a block (a claim id broken across lines stays together)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise FileNotFoundError("pdftotext (poppler-utils) is not installed")
    args = [exe, "-layout", str(pdf), "-"] if layout else [exe, str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, errors="replace", check=True, timeout=120).stdout
    return [" ".join(p.split()) for p in text.split("\f")]


def toc_mismatches(pdf: Path, entries: list[TocEntry]) -> list[str]:
    """Every entry whose heading text is not on the page the contents lists (with the page it is on)."""
    pages = page_texts(pdf)

    def on(e: TocEntry, page: str) -> bool:
        # the heading's text and its number (a tall formula in a heading may set them on different lines)
        return e.needle in page and (not e.number or re.search(rf"(^|\s){re.escape(e.number)}(\s|$)", page) is not None)

    bad = []
    for e in entries:
        listed = pages[e.page - 1] if 0 < e.page <= len(pages) else ""
        if on(e, listed):
            continue
        found = [k + 1 for k, p in enumerate(pages) if on(e, p)]
        bad.append(f"{e.number or e.level} '{e.needle}': listed on p. {e.page}, found on {found or 'no page'}")
    return bad
