"""Claim x evidence items are collected from this file by ``tests/conftest.py`` (``ClaimFile``).

This module itself only checks that the registry is not empty, so that a broken import of a topic
cannot turn the whole claim suite into zero silently-passing items.
"""

from verify.core import all_claims, load_topics


def test_every_topic_contributes_claims():
    topics = load_topics()
    assert [t.name for t in topics] == ["positional", "aggregation", "oversmoothing"][: len(topics)]
    assert topics, "no topic could be loaded"
    for t in topics:
        assert t.claims, f"topic {t.name} declares no claims"
    assert len(all_claims()) == sum(len(t.claims) for t in topics)
