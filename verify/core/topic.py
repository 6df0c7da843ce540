"""Topics: a group of claims with its report section and figures, and the registry of all topics."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .claim import Claim


@dataclass(frozen=True)
class Figure:
    """A figure written by a topic: ``path`` relative to the report folder, with its caption (LaTeX)."""

    path: str
    caption: str
    label: str = ""


@dataclass(frozen=True)
class Topic:
    """One topic of the seed.

    ``figures(outdir)`` writes the topic's figures into ``outdir`` (a folder that exists) and returns
    them; it must be deterministic (fixed seeds) and write atomically (:mod:`verify.core.io`).
    ``intro`` is LaTeX placed at the top of the topic's section.
    """

    name: str
    title: str
    claims: Sequence[Claim]
    intro: str = ""
    figures: Callable[[Path], Sequence[Figure]] | None = None
    prefix: str = ""

    def __post_init__(self) -> None:
        ids = [c.id for c in self.claims]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"topic {self.name}: duplicate claim ids {sorted(dup)}")


#: Topic modules, in report order.  Each exposes ``TOPIC`` (a :class:`Topic`) in ``<module>.claims``.
TOPIC_MODULES: tuple[str, ...] = (
    "verify.positional.claims",
    "verify.aggregation.claims",
    "verify.oversmoothing.claims",
)


def load_topics() -> list[Topic]:
    """Import every topic module that exists and return its ``TOPIC``."""
    topics = []
    for mod in TOPIC_MODULES:
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:  # topic not written yet
                continue
            raise
        topics.append(module.TOPIC)
    return topics


def all_claims() -> list[Claim]:
    claims = [c for t in load_topics() for c in t.claims]
    ids = [c.id for c in claims]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate claim ids across topics: {sorted(dup)}")
    return claims


class UnknownClaim(LookupError):
    """A selector matched no claim id."""

    def __init__(self, selector: str, suggestions: Sequence[str]):
        self.selector = selector
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no claim matches {selector!r}{hint}")


def select(selectors: Sequence[str], claims: Sequence[Claim] | None = None) -> list[Claim]:
    """Claims matching any selector: an exact id, a dotted prefix (``pe.score``), or a prefix ending in
    ``…``/``...``/``*`` (``agg…``).  No selectors: every claim.  Order follows the registry."""
    claims = list(all_claims() if claims is None else claims)
    if not selectors:
        return claims
    chosen: set[str] = set()
    for sel in selectors:
        s = sel.rstrip("…*").removesuffix("...")
        loose = s != sel
        hits = [c.id for c in claims if c.id == s or c.id.startswith(s + ".") or (loose and c.id.startswith(s))]
        if not hits:
            ids = [c.id for c in claims]
            plain = [i for i in ids if i.startswith(s)]
            if plain:
                raise UnknownClaim(sel, [f"'{s}*' ({len(plain)} ids start with it)"])
            near = difflib.get_close_matches(s, ids, n=3, cutoff=0.5)
            if not near:
                near = [i for i in ids if s.split(".")[0] and i.startswith(s.split(".")[0])][:3]
            if not near:
                tops = sorted({i.split(".")[0] for i in ids})
                near = [f"a prefix: {', '.join(tops)} (see `verify list`)"]
            raise UnknownClaim(sel, near)
        chosen.update(hits)
    return [c for c in claims if c.id in chosen]
