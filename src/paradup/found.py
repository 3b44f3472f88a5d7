"""A scan's clusters and matches as columns of arrays, read as sequences of objects.

A million paragraphs make about 115,000 clusters and 144,000 matches.  As
:class:`~paradup.model.Cluster` and :class:`~paradup.model.Match` objects they
took 0.45 s to build and tens of megabytes to hold (and a forked worker, when the
JSON report had them, paid a copy-on-write page fault for every page of objects
it touched: their reference counts are written even to read them).
:class:`ClusterTable` and :class:`MatchTable` keep the arrays the pipeline
made and are sequences of those same objects, built only when asked for;
the JSON report reads the columns themselves (:meth:`ClusterTable.columns`,
:meth:`MatchTable.columns`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from paradup.matches import _KINDS, CONTAINMENT, Verified
from paradup.model import Cluster, Match

#: Cluster kinds by code, as :class:`ClusterTable` stores them.
CLUSTER_KINDS = ("exact", "near", "containment")


class _Table(Sequence):
    """What both tables share: sequence behaviour over a ``_build(start, stop)`` that makes objects."""

    def _build(self, start: int, stop: int) -> list:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int): ...

    @overload
    def __getitem__(self, i: slice) -> list: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                return self._build(start, max(start, stop))
            return [self[k] for k in range(start, stop, step)]
        n = len(self)
        k = i + n if i < 0 else i
        if not 0 <= k < n:
            raise IndexError(f"index {i} out of range for {n} items")
        return self._build(k, k + 1)[0]

    def __iter__(self) -> Iterator:
        for start in range(0, len(self), _BATCH):
            yield from self._build(start, min(start + _BATCH, len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


_BATCH = 2000


class ClusterTable(_Table):
    """Clusters as arrays: cluster ``i`` has paragraphs ``members[offsets[i]:offsets[i + 1]]`` (ascending),
    kind ``CLUSTER_KINDS[kinds[i]]`` and ``weakest[i]``; its id is ``i`` and its representative its first member.

    >>> t = ClusterTable(np.array([1, 4, 2, 3, 5]), np.array([0, 2, 5]), np.array([0, 1], np.int8), np.array([1.0, 0.9]))
    >>> len(t), t[1]
    (2, Cluster(id=1, kind='near', members=(2, 3, 5), representative=2, weakest=0.9))
    >>> t == (t[0], t[1]), t[:1] == [t[0]]
    (True, True)
    """

    def __init__(self, members: np.ndarray, offsets: np.ndarray, kinds: np.ndarray, weakest: np.ndarray) -> None:
        self.members, self.offsets, self.kinds, self.weakest = members, offsets, kinds, weakest

    def __len__(self) -> int:
        return self.offsets.size - 1

    @property
    def sizes(self) -> np.ndarray:
        """How many members each cluster has."""
        return np.diff(self.offsets)

    def columns(self, start: int, stop: int) -> tuple[range, list[str], list[float], list[int], list[int], list[int]]:
        """Return clusters ``start:stop`` as plain lists: ids, kinds, weakest, sizes, all their members one after
        another, and representatives."""
        lo, hi = int(self.offsets[start]), int(self.offsets[stop])
        kinds = [CLUSTER_KINDS[k] for k in self.kinds[start:stop].tolist()]
        return (range(start, stop), kinds, self.weakest[start:stop].tolist(), np.diff(self.offsets[start : stop + 1]).tolist(),
                self.members[lo:hi].tolist(), self.members[self.offsets[start:stop]].tolist())

    def _build(self, start: int, stop: int) -> list[Cluster]:
        ids, kinds, weakest, sizes, members, _ = self.columns(start, stop)
        out, at = [], 0
        for i, kind, weak, size in zip(ids, kinds, weakest, sizes):
            group = tuple(members[at : at + size])
            out.append(Cluster(i, kind, group, group[0], weak))
            at += size
        return out


class MatchTable(_Table):
    """Matches as the :class:`~paradup.matches.Verified` arrays they were found in.

    >>> v = Verified(np.array([0]), np.array([3]), np.array([CONTAINMENT], np.int8), np.array([0.5]),
    ...              np.array([0.4]), np.array([1.0]), np.array([True]))
    >>> MatchTable(v)[0]
    Match(a=0, b=3, kind='containment', similarity=0.5, jaccard=0.4, containment=1.0, contained='a')
    """

    def __init__(self, verified: Verified) -> None:
        self.verified = verified

    def __len__(self) -> int:
        return len(self.verified)

    def columns(self, start: int, stop: int) -> tuple[list, ...]:
        """Return matches ``start:stop`` as plain lists: a, b, kind, similarity, jaccard, containment, contained."""
        return self._columns(slice(start, stop))

    def take(self, ids: np.ndarray) -> list[Match]:
        """Return matches ``ids`` (in that order) as :class:`Match` objects.

        >>> v = Verified(np.array([0, 1]), np.array([3, 2]), np.array([0, 0], np.int8), np.array([1.0, 0.9]),
        ...              np.array([1.0, 0.8]), np.array([1.0, 0.9]), np.array([False, False]))
        >>> [m.a for m in MatchTable(v).take(np.array([1, 0]))]
        [1, 0]
        """
        return [Match(*row) for row in zip(*self._columns(np.asarray(ids, dtype=np.int64)))]

    def _columns(self, part: slice | np.ndarray) -> tuple[list, ...]:
        v = self.verified
        kinds = v.kind[part].tolist()
        contained = [("a" if smaller else "b") if k == CONTAINMENT else None
                     for k, smaller in zip(kinds, v.smaller_a[part].tolist())]
        return (v.a[part].tolist(), v.b[part].tolist(), [_KINDS[k] for k in kinds], v.similarity[part].tolist(),
                v.jaccard[part].tolist(), v.containment[part].tolist(), contained)

    def _build(self, start: int, stop: int) -> list[Match]:
        return [Match(*row) for row in zip(*self.columns(start, stop))]


def cluster_columns(clusters: Sequence[Cluster], start: int, stop: int) -> tuple:
    """:meth:`ClusterTable.columns` of clusters ``start:stop``, read from a table's arrays (no object made or
    touched: a forked worker copies no page for them) or from :class:`Cluster` objects.

    >>> cluster_columns((Cluster(4, "exact", (1, 7), 1, 1.0),), 0, 1)
    ([4], ['exact'], [1.0], [2], [1, 7], [1])
    """
    if isinstance(clusters, ClusterTable):
        return clusters.columns(start, stop)
    batch = clusters[start:stop]
    return ([c.id for c in batch], [c.kind for c in batch], [c.weakest for c in batch], [len(c.members) for c in batch],
            [m for c in batch for m in c.members], [c.representative for c in batch])


def match_columns(matches: Sequence[Match], start: int, stop: int) -> tuple[list, ...]:
    """:meth:`MatchTable.columns` of matches ``start:stop``, read from a table's arrays or from :class:`Match` objects.

    >>> match_columns((Match(1, 5, "near", 0.9, 0.8, 0.95),), 0, 1)
    ([1], [5], ['near'], [0.9], [0.8], [0.95], [None])
    """
    if isinstance(matches, MatchTable):
        return matches.columns(start, stop)
    batch = matches[start:stop]
    return tuple([getattr(m, f) for m in batch] for f in ("a", "b", "kind", "similarity", "jaccard", "containment", "contained"))
