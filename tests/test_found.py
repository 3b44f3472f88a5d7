"""ClusterTable and MatchTable are the objects they stand for, and the JSON report reads the same from them."""

from __future__ import annotations

import numpy as np
import pytest
from planted import build

from paradup.api import scan_texts
from paradup.found import ClusterTable, MatchTable
from paradup.matches import CONTAINMENT, NEAR, PASSAGE, Verified
from paradup.model import Cluster, Match
from paradup.reports import json as json_report


def _table() -> ClusterTable:
    return ClusterTable(np.array([0, 7, 2, 3, 9, 4, 5]), np.array([0, 2, 5, 7]), np.array([0, 2, 1], np.int8),
                        np.array([1.0, 0.85, 0.9125]))


def test_a_cluster_table_reads_as_its_clusters():
    expected = (Cluster(0, "exact", (0, 7), 0, 1.0), Cluster(1, "containment", (2, 3, 9), 2, 0.85),
                Cluster(2, "near", (4, 5), 4, 0.9125))
    table = _table()
    assert len(table) == 3 and table == expected and tuple(table) == expected
    assert table[-1] == expected[-1] and table[1:] == list(expected[1:]) and table[::2] == [expected[0], expected[2]]
    assert table.sizes.tolist() == [2, 3, 2]
    with pytest.raises(IndexError):
        table[3]


def test_a_match_table_reads_as_its_matches():
    v = Verified(np.array([1, 2, 4]), np.array([5, 3, 8]), np.array([NEAR, CONTAINMENT, PASSAGE], np.int8),
                 np.array([0.91, 0.5, 0.3]), np.array([0.8, 0.4, 0.2]), np.array([0.95, 1.0, 0.6]),
                 np.array([False, False, True]))
    table = MatchTable(v)
    assert list(table) == [Match(1, 5, "near", 0.91, 0.8, 0.95, None), Match(2, 3, "containment", 0.5, 0.4, 1.0, "b"),
                           Match(4, 8, "passage", 0.3, 0.2, 0.6, None)]
    assert v.matches() == list(table) and table[1].contained == "b"


def test_the_json_report_of_a_scan_is_the_same_read_from_objects():
    planted = build(seed=3, docs=8)
    report = scan_texts(planted.texts)
    assert isinstance(report.clusters, ClusterTable) and isinstance(report.matches, MatchTable)
    assert len(report.clusters) and len(report.matches)
    from dataclasses import replace

    as_objects = replace(report, clusters=tuple(report.clusters), matches=tuple(report.matches))
    assert json_report.render(as_objects) == json_report.render(report)
    assert json_report.to_dict(as_objects) == json_report.to_dict(report)


def test_hand_made_clusters_and_matches_with_values_a_scan_never_makes_are_written_as_the_encoder_writes_them():
    from dataclasses import replace

    report = scan_texts(build(seed=5, docs=4).texts)
    clusters, matches = tuple(report.clusters), tuple(report.matches)
    assert len(clusters) >= 2 and len(matches) >= 2
    odd_clusters = [replace(clusters[0], id=2**70), replace(clusters[0], kind="custom"), replace(clusters[0], members=()),
                    replace(clusters[0], weakest=True), replace(clusters[0], weakest=1)]
    odd_matches = [replace(matches[0], kind="custom"), replace(matches[0], similarity=1), replace(matches[0], a=True)]
    for odd in odd_clusters:
        hand = replace(report, clusters=(clusters[0], odd, *clusters[1:]), matches=matches)
        assert json_report.render(hand) == json_report.render_dict(json_report.to_dict(hand))
    for odd in odd_matches:
        hand = replace(report, clusters=clusters, matches=(matches[0], odd, *matches[1:]))
        assert json_report.render(hand) == json_report.render_dict(json_report.to_dict(hand))
    plain = replace(report, clusters=clusters, matches=matches)  # the compiled writer, as before
    assert json_report.render(plain) == json_report.render(report) == json_report.render_dict(json_report.to_dict(report))
