from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paradup.clusters import cluster_matches
from paradup.model import Match, Params


def near(a, b, sim):
    return Match(a, b, "near", sim, sim, sim)


def test_strong_links_merge_transitively():
    clusters = cluster_matches(4, [near(0, 1, 0.95), near(1, 2, 0.97), near(2, 3, 0.99)], Params())
    assert [c.nodes for c in clusters] == [(0, 1, 2, 3)] and clusters[0].weakest == 0.95


def test_no_member_joins_through_a_chain_of_marginal_links():
    clusters = cluster_matches(4, [near(0, 1, 0.85), near(1, 2, 0.84), near(2, 3, 0.83)], Params())
    members = [set(c.nodes) for c in clusters]
    for c in members:  # every member of a cluster links directly to the node it joined
        assert len(c) <= 2
    assert {0, 1} in members


def test_one_borderline_pair_does_not_merge_two_clusters():
    matches = [near(0, 1, 0.99), near(2, 3, 0.99), near(1, 2, 0.81)]
    assert [c.nodes for c in cluster_matches(4, matches, Params())] == [(0, 1), (2, 3)]


def test_a_quote_found_in_two_paragraphs_does_not_glue_them():
    quote_in_0 = Match(0, 2, "containment", 0.5, 0.3, 1.0, "b")
    quote_in_1 = Match(1, 2, "containment", 0.5, 0.3, 1.0, "b")
    clusters = cluster_matches(3, [quote_in_0, quote_in_1], Params())
    assert [c.nodes for c in clusters] == [(0, 2)] and clusters[0].kind == "containment"


def test_both_halves_of_a_split_paragraph_join_the_whole():
    halves = [Match(0, 1, "containment", 0.6, 0.45, 1.0, "b"), Match(0, 2, "containment", 0.7, 0.5, 1.0, "b")]
    assert [c.nodes for c in cluster_matches(3, halves, Params())] == [(0, 1, 2)]


edges = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0.8, 1.0)), max_size=30)


@given(edges)
def test_clusters_partition_nodes_and_every_member_has_a_direct_match_inside(raw):
    matches = sorted({(min(a, b), max(a, b)): near(min(a, b), max(a, b), round(s, 3)) for a, b, s in raw if a != b}.values(),
                     key=lambda m: (m.a, m.b))
    clusters = cluster_matches(10, matches, Params())
    seen = set()
    for c in clusters:
        assert not seen & set(c.nodes)
        seen |= set(c.nodes)
        for node in c.nodes:
            assert any((m.a == node and m.b in c.nodes) or (m.b == node and m.a in c.nodes) for m in matches)
        assert 0.8 <= c.weakest <= 1.0
