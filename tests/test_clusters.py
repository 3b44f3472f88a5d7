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


def reference_clusters(n, matches, params):
    """The clustering rules written plainly with Python objects (the first implementation)."""
    parent, size, weakest, kinds = list(range(n)), [1] * n, [1.0] * n, {}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    def join(child, root, m):
        parent[child] = root
        size[root] += size[child]
        weakest[root] = min(weakest[root], weakest[child], m.strength)
        kinds.setdefault(root, set()).update(kinds.pop(child, set()) | {m.kind})

    def order(m):
        return (-m.strength, m.a, m.b)

    core = [m for m in matches if m.kind == "near" and m.similarity >= params.core_similarity]
    for m in sorted(core, key=order):
        ra, rb = find(m.a), find(m.b)
        if ra != rb:
            join(max(ra, rb), min(ra, rb), m)
    leaf = [False] * n
    for m in sorted((m for m in matches if m not in core), key=order):
        if m.kind == "containment":
            options = [(m.a, m.b)] if m.contained == "a" else [(m.b, m.a)]
        else:
            options = [(m.b, m.a), (m.a, m.b)]
        for joiner, target in options:
            if find(joiner) == joiner and size[joiner] == 1 and not leaf[target] and find(target) != joiner:
                join(joiner, find(target), m)
                leaf[joiner] = True
                break
    groups = {}
    for x in sorted({m.a for m in matches} | {m.b for m in matches}):
        groups.setdefault(find(x), []).append(x)
    out = [(tuple(g), "containment" if "containment" in kinds.get(r, ()) else "near", round(weakest[r], 4))
           for r, g in groups.items() if len(g) > 1]
    return sorted(out)


scores = st.sampled_from([0.5, 0.62, 0.8, 0.81, 0.85, 0.9, 0.93, 0.97, 1.0])
link = st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(["near", "containment", "passage"]), scores,
                 scores, st.sampled_from(["a", "b"]))


@given(st.lists(link, max_size=40, unique_by=lambda t: (min(t[0], t[1]), max(t[0], t[1]))))
def test_clusters_follow_the_reference_rules_on_random_links(links):
    matches = [Match(min(a, b), max(a, b), kind, sim, jac, sim, side if kind == "containment" else None)
               for a, b, kind, sim, jac, side in links if a != b]
    got = [(c.nodes, c.kind, c.weakest) for c in cluster_matches(12, matches, Params())]
    assert got == reference_clusters(12, matches, Params())
