"""The HTML report: one self-contained page to open from disk, send or attach.

The page carries the JSON report (:func:`paradup.reports.json.to_dict`) in a
``<script type="application/json" id="paradup-data">`` element, plus an
``"html"`` key with what the page needs beyond that schema, all computed here
so the script stays simple and the output deterministic:

- ``diffs``: per cluster, per member, ``null`` for the representative, else the
  match that links it (``link``) and its word diff against the representative
  (``ops``: ``[tag, words_of_representative, words_of_member]``; ``equal`` ops
  carry the words once).  The diffs hold every member's words, so a clustered
  paragraph's text is read back from them rather than stored twice;
- ``texts``: ``{doc: {index: text}}``, full texts of the other paragraphs the
  page shows (inside a block's span, or found in the archive);
- ``dots``: ``{doc: {"scale": k, "dots": [[cell_a, cell_b, strength, kind], ...]}}``,
  the pairs matched inside one document, for its dot plot; a cell holds ``k``
  paragraphs (1 up to :data:`DOT_CELLS` paragraphs, so a long document's plot
  stays a few thousand dots), and shows its strongest pair;
- ``curve``: ``[[jaccard, probability], ...]`` of :func:`lsh_probability`;
- ``savings``: words and UTF-8 bytes deduplication would save (every cluster
  member but the representative), and the corpus totals.

No corpus text reaches the markup: the data is JSON with ``<``, ``>`` and ``&``
written as ``\\u003c`` etc., the script inserts text with ``textContent`` only,
and a Content-Security-Policy lets nothing run or load but the page's own
script and style (pinned by hash).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

from paradup import __version__
from paradup.candidates import lsh_probability
from paradup.matches import word_diff
from paradup.model import Match, Report
from paradup.paragraphs import doc_counts
from paradup.reports.common import cluster_batches, member_links, member_spans
from paradup.reports.json import to_dict

_BATCH = 2000  # paragraphs whose texts are cut at once
CURVE_STEPS = 50  # points of the LSH curve, every 0.02 of Jaccard
DOT_CELLS = 200  # cells a side of a dot plot at most; longer documents are binned


def render(report: Report, timings: bool = True) -> str:
    """Render the report as one HTML page with its data, style and script inline.

    >>> from paradup import scan_texts
    >>> page = render(scan_texts({"a": "<b>x</b> repeated here in full.\\n\\n<b>x</b> repeated here in full."}))
    >>> "<b>x</b>" in page, "\\\\u003cb\\\\u003ex" in page
    (False, True)
    """
    data = to_dict(report, timings)
    data["html"] = page_data(report)
    return _page(_title(report), _embed(data))


def page_data(report: Report) -> dict:
    """Return what the page needs beyond the JSON schema: texts, diffs, dots, curve, savings."""
    links = member_links(report)
    return {
        "texts": _texts(report),
        "diffs": _all_diffs(report, links),
        "dots": _dots(report),
        "curve": _curve(report.params.bands, report.params.rows),
        "savings": savings(report),
    }


def savings(report: Report) -> dict:
    """Return the words and UTF-8 bytes of every cluster member but the representative.

    >>> from paradup import scan_texts
    >>> savings(scan_texts({"a": "Four words in here.\\n\\nFour words in here."}))
    {'words': 4, 'bytes': 19, 'total_words': 8, 'total_bytes': 38}
    """
    def counted(gids: list[int]) -> tuple[int, int]:  # words and bytes, texts cut a batch at a time
        words = size = 0
        for start in range(0, len(gids), _BATCH):
            part = gids[start : start + _BATCH]
            texts = report.texts(part)
            words += sum(report.word_counts(part, texts))
            size += sum(len(t.encode("utf-8")) for t in texts)
        return words, size

    others = []
    for _, _, _, sizes, members, reps in cluster_batches(report):
        for span, rep in zip(member_spans(sizes), reps):
            others += [members[k] for k in span if members[k] != rep]
    (words, size), (total_words, total_bytes) = counted(others), counted(range(len(report.paragraphs)))
    return {"words": words, "bytes": size, "total_words": total_words, "total_bytes": total_bytes}


def embedded_data(page: str) -> dict:
    """Return the data a rendered page carries (what the page's script reads).

    >>> embedded_data(_page("t", '{"a": "\\\\u003c/script\\\\u003e"}'))
    {'a': '</script>'}
    """
    start = page.index(">", page.index('id="paradup-data"')) + 1
    return json.loads(page[start : page.index("</script>", start)])


def _texts(report: Report) -> dict:
    wanted = {a.paragraph for a in report.archive}
    for b in report.blocks:
        for span in (b.a, b.b):
            first = report.first(span.doc)
            wanted.update(range(first + span.index_start, first + span.index_end + 1))
    wanted -= {m for c in report.clusters for m in c.members}  # their words are in the diffs
    texts: dict[str, dict[str, str]] = {}
    for gid in sorted(wanted):
        p = report.paragraphs[gid]
        texts.setdefault(report.documents[p.doc].id, {})[str(p.index)] = p.text
    return texts


def _all_diffs(report: Report, links: dict[int, Match]) -> list[list]:
    """:func:`_diffs` of every cluster, their members' texts cut a batch of clusters at a time."""
    out = []
    for _, _, _, sizes, members, reps in cluster_batches(report):
        texts = report.texts(members)
        for span, rep in zip(member_spans(sizes), reps):
            group = members[span.start : span.stop]
            out.append(_diffs(group, rep, dict(zip(group, texts[span.start : span.stop])), links))
    return out


def _diffs(members: list[int], rep: int, texts: dict[int, str], links: dict[int, Match]) -> list:
    place = {gid: at for at, gid in enumerate(members)}
    return [
        None if gid == rep else {
            "link": _link(place, links.get(gid), gid),
            "ops": _ops(texts[rep], texts[gid]),
        }
        for gid in members
    ]


def _ops(old: str, new: str) -> list[list[str]]:
    return [[tag, a] if tag == "equal" else [tag, a, b] for tag, a, b in word_diff(old, new)]


def _link(place: dict[int, int], match: Match | None, gid: int) -> dict | None:
    if match is None:
        return None
    other = match.b if match.a == gid else match.a
    contained = None
    if match.contained is not None:
        contained = "this" if (match.contained == "a") == (match.a == gid) else "other"
    return {
        "with": place[other],  # position in the cluster's members
        "kind": match.kind,
        "similarity": match.similarity,
        "jaccard": match.jaccard,
        "containment": match.containment,
        "contained": contained,
    }


def _dots(report: Report) -> dict:
    counts = doc_counts(report.paragraphs, len(report.documents))
    scale = [-(-n // DOT_CELLS) or 1 for n in counts]  # paragraphs per cell, rounded up
    cells: dict[int, dict[tuple[int, int], list]] = {}

    def put(doc: int, i: int, j: int, strength: float, kind: str) -> None:
        key = (min(i, j) // scale[doc], max(i, j) // scale[doc])
        held = cells.setdefault(doc, {}).get(key)
        # A match outranks a pair only aligned in a block; then the stronger wins.
        if held is None or (held[3] != "block", held[2]) < (kind != "block", strength):
            cells[doc][key] = [*key, strength, kind]

    for m in report.matches:
        a, b = report.paragraphs[m.a], report.paragraphs[m.b]
        if a.doc == b.doc:
            put(a.doc, a.index, b.index, m.strength, m.kind)
    for block in report.blocks:
        if block.a.doc == block.b.doc:
            doc, k = block.a.doc, scale[block.a.doc]
            held = cells.setdefault(doc, {})
            for i, j in block.pairs:  # i < j: a block's first place comes first
                key = (i // k, j // k) if i <= j else (j // k, i // k)
                if key not in held:
                    held[key] = [*key, block.similarity, "block"]
    return {report.documents[d].id: {"scale": scale[d], "dots": [found[k] for k in sorted(found)]}
            for d, found in sorted(cells.items())}


def _curve(bands: int, rows: int) -> list[list[float]]:
    steps = [i / CURVE_STEPS for i in range(CURVE_STEPS + 1)]
    return [[round(s, 4), round(lsh_probability(s, bands, rows), 4)] for s in steps]


def _title(report: Report) -> str:
    docs = report.documents
    what = docs[0].id if len(docs) == 1 else f"{len(docs)} documents"
    return f"paradup report: {what}"


def _embed(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script> only "</" could end the element; escaping < > & in the JSON
    # (valid JSON escapes) keeps every corpus text inert, "<!--" included.
    for char in "&<>\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _page(title: str, data: str) -> str:
    csp = (f"default-src 'none'; script-src '{_sha256(_SCRIPT)}'; style-src '{_sha256(_STYLE)}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="paradup {__version__}">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        '<noscript><p class="noscript">This report is drawn by its inline script; '
        "allow JavaScript for this file, or use paradup's text or JSON report.</p></noscript>\n"
        '<div id="app"></div>\n'
        f'<script type="application/json" id="paradup-data">{data}</script>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


_STYLE = r"""
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #d8dde4; --bg: #f6f7f9; --card: #fff; --accent: #2756c5;
  --ins: #d5f5dd; --ins-fg: #0b5a22; --del: #fbdada; --del-fg: #8a1616; --chg: #fff0c2; --mark: #fde68a; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { padding: 18px 24px 8px; }
header.top h1 { margin: 0; font-size: 20px; }
header.top p { margin: 2px 0 0; color: var(--muted); }
main { padding: 0 24px 48px; max-width: 1320px; }
section { margin-top: 22px; }
h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; }
p { margin: 4px 0; }
.muted { color: var(--muted); }
.noscript { padding: 24px; }
.toolbar { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 8px; align-items: center;
  padding: 8px 24px; background: rgba(246, 247, 249, .96); border-bottom: 1px solid var(--line); }
.toolbar input[type=search] { flex: 1 1 280px; max-width: 460px; padding: 6px 10px; font: inherit;
  border: 1px solid #b9c1cc; border-radius: 6px; }
.toolbar select, button { font: inherit; padding: 5px 10px; border: 1px solid #b9c1cc; border-radius: 6px;
  background: #fff; color: var(--fg); cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
.count { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
  min-width: 128px; }
.card .n { font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .sub { color: var(--muted); font-size: 12px; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.row > .explain { flex: 1 1 260px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.kv { display: grid; grid-template-columns: repeat(2, max-content max-content); gap: 1px 14px; font-size: 13px; }
.kv .k { color: var(--muted); }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg .axis { stroke: #9aa4b1; stroke-width: 1; fill: none; }
svg .grid { stroke: #eceff3; stroke-width: 1; }
svg .curve { stroke: var(--accent); stroke-width: 2; fill: none; }
svg .thr { stroke: #c2410c; stroke-dasharray: 4 3; stroke-width: 1.2; }
svg .eff { stroke: #6d28d9; stroke-dasharray: 2 2; stroke-width: 1.2; }
svg .rug { stroke: #0f766e; stroke-width: 1.5; }
svg .cell { cursor: pointer; }
svg .cell:hover { stroke: #000; stroke-width: .6; }
svg .arc { fill: none; stroke-width: 2; opacity: .75; cursor: pointer; }
svg .arc:hover { opacity: 1; stroke-width: 3; }
.doc { margin-bottom: 12px; }
.doc .strip { width: 100%; height: auto; display: block; margin: 4px 0; }
.doc .dotplot { width: 300px; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
.pager { display: flex; gap: 8px; align-items: center; margin: 6px 0; color: var(--muted); }
details.item { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin: 6px 0; }
details.item > summary { cursor: pointer; padding: 8px 12px; list-style: none; display: flex; gap: 4px 10px;
  align-items: baseline; flex-wrap: wrap; }
details.item > summary::-webkit-details-marker { display: none; }
details.item > summary::before { content: "\25B8"; color: var(--muted); width: 10px; }
details.item[open] > summary::before { content: "\25BE"; }
details.item.flash { outline: 3px solid var(--accent); }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; align-self: center; }
.badge { font-size: 12px; padding: 0 7px; border-radius: 10px; background: #e8ecf2; color: #344054; }
.badge.near { background: #dbe7ff; color: #1e3a8a; }
.badge.exact { background: #e2e8f0; color: #1f2937; }
.badge.containment { background: #ffe8cc; color: #7c2d12; }
button.badge { cursor: pointer; border: 0; font: inherit; font-size: 12px; padding: 0 7px; }
.preview { color: var(--muted); flex: 1 1 100%; min-width: 0; padding-left: 20px; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.body { padding: 4px 12px 12px; border-top: 1px solid var(--line); }
.member { margin-top: 10px; }
.member .where { font-weight: 600; }
.scores { font-size: 13px; color: var(--muted); margin: 2px 0 6px; }
.scores b { color: var(--fg); font-weight: 600; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.col { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; background: #fcfcfd;
  overflow-wrap: anywhere; }
.col h4 { margin: 0 0 4px; font-size: 12px; color: var(--muted); font-weight: 500; }
ins, del { text-decoration: none; border-radius: 3px; padding: 0 1px; }
ins { background: var(--ins); color: var(--ins-fg); }
del { background: var(--del); color: var(--del-fg); text-decoration: line-through; }
ins.chg, del.chg { background: var(--chg); color: #713f12; }
del.chg { text-decoration: line-through; }
mark.inside { background: var(--mark); color: inherit; border-radius: 2px; }
.outside { color: var(--muted); }
table.pairs { border-collapse: collapse; width: 100%; font-size: 13px; table-layout: fixed; }
table.pairs td { border-top: 1px solid var(--line); padding: 5px 6px; vertical-align: top; }
table.pairs td.loc { width: 96px; color: var(--muted); white-space: nowrap; }
table.pairs td.c { width: 96px; }
table.pairs td.t { overflow-wrap: anywhere; }
.clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; cursor: pointer; }
.empty { color: var(--muted); padding: 8px 0; }
@media (max-width: 760px) { .cols { grid-template-columns: 1fr; } }
"""

_SCRIPT = r"""
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("paradup-data").textContent);
  const H = data.html, P = data.params;
  const PAGE = 50, DOCS_PAGE = 20, MEMBERS_SHOWN = 20, PAIRS_SHOWN = 200;
  const SVG = "http://www.w3.org/2000/svg";  // the SVG namespace name, not a resource
  const KINDS = { near: "#2563eb", exact: "#334155", containment: "#ea580c", block: "#94a3b8" };

  // Corpus text enters the page only as text nodes or values of inert attributes
  // (class, title, data-*): never parsed as markup, never as a URL or a handler.
  function el(tag, attrs, ...kids) { return fill(document.createElement(tag), attrs, kids); }
  function sv(tag, attrs, ...kids) { return fill(document.createElementNS(SVG, tag), attrs, kids); }
  function fill(node, attrs, kids) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    }
    for (const kid of kids.flat(2)) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }
  function paint(node, colour) { node.style.background = colour; return node; }
  // Documents are looked up by id, and an id may be any string ("constructor", say).
  const own = (obj, k) => Object.prototype.hasOwnProperty.call(obj, k) ? obj[k] : undefined;
  const num = n => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const f3 = x => Number(x).toFixed(3);
  const plural = (n, w, ws) => num(n) + " " + (n === 1 ? w : (ws || w + "s"));
  const pct = (a, b) => b ? (100 * a / b).toFixed(1) + "% of the corpus" : "";
  const bytes = n => n < 1024 ? num(n) + " B"
    : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB";
  // Golden-angle hues; lightness cycles too, so clusters whose hues come close still differ.
  const colour = id => "hsl(" + ((id * 137.508) % 360).toFixed(1) + ", 62%, " + [46, 36, 56][id % 3] + "%)";
  const blockColour = id => colour(id + 1000);
  const preview = t => t.length > 90 ? t.slice(0, 89) + "\u2026" : t;
  const lines = (a, b) => a === b ? "line " + a : "lines " + a + "\u2013" + b;

  const docPos = new Map(data.documents.map((d, i) => [d.id, i]));
  const key = (doc, index) => docPos.get(doc) + "/" + index;
  const clusterOf = new Map();  // key(doc, index) -> cluster id
  const memberOf = new Map();   // key(doc, index) -> member record
  const placeOf = new Map();    // key(doc, index) -> position among its cluster's members
  for (const c of data.clusters) {
    c.members.forEach((m, at) => {
      const k = key(m.doc, m.index);
      clusterOf.set(k, c.id); memberOf.set(k, m); placeOf.set(k, at);
    });
  }
  const diffsOf = new Map(data.clusters.map((c, i) => [c.id, H.diffs[i]]));
  // A clustered paragraph's words are its side of its diff (the representative's are
  // side "a" of any diff of its cluster); other paragraphs' texts are in H.texts.
  function text(doc, index) {
    const k = key(doc, index), stored = own(own(H.texts, doc) || {}, index);
    if (stored !== undefined || !clusterOf.has(k)) return stored || "";
    const diffs = diffsOf.get(clusterOf.get(k)), mine = diffs[placeOf.get(k)];
    const [ops, side] = mine ? [mine.ops, 2] : [diffs.find(Boolean).ops, 1];
    return ops.map(op => op[0] === "equal" ? op[1] : op[side]).filter(Boolean).join(" ");
  }

  // ---- search and sort ------------------------------------------------------
  // Every shown paragraph's text is lowered once; a query first finds the paragraphs
  // that hold it, then keeps the clusters and blocks that hold one of them.
  const shownParagraphs = [];
  for (const c of data.clusters) for (const m of c.members) shownParagraphs.push([m.doc, m.index]);
  for (const [doc, byIndex] of Object.entries(H.texts)) {
    for (const index of Object.keys(byIndex)) shownParagraphs.push([doc, Number(index)]);
  }
  const lowered = new Map(), docLower = new Map(data.documents.map(d => [d.id, d.id.toLowerCase()]));
  function lower(doc, index) {
    const k = key(doc, index);
    if (!lowered.has(k)) lowered.set(k, text(doc, index).toLowerCase());
    return lowered.get(k);
  }
  function finder(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    const hits = new Map();  // doc -> sorted indexes of the paragraphs that hold q
    for (const [doc, index] of shownParagraphs) {
      if (!lower(doc, index).includes(q)) continue;
      if (!hits.has(doc)) hits.set(doc, []);
      hits.get(doc).push(index);
    }
    for (const list of hits.values()) list.sort((a, b) => a - b);
    const inSpan = (doc, lo, hi) => {
      if (docLower.get(doc).includes(q)) return true;
      const list = hits.get(doc) || [];
      let a = 0, b = list.length;
      while (a < b) { const mid = (a + b) >> 1; if (list[mid] < lo) a = mid + 1; else b = mid; }
      return a < list.length && list[a] <= hi;
    };
    return {
      c: c => c.members.some(m => inSpan(m.doc, m.index, m.index)),
      b: b => inSpan(b.a.doc, b.a.index_start, b.a.index_end) || inSpan(b.b.doc, b.b.index_start, b.b.index_end),
    };
  }
  const ORDERS = {
    position: () => 0,
    size: (a, b) => b.size - a.size,
    similarity: (a, b) => b.sim - a.sim,
    dissimilarity: (a, b) => a.sim - b.sim,
  };

  // ---- a paginated, searchable list of <details>, bodies built when opened ----
  function List(kind, items, label, summary, body) {
    const prefix = kind === "c" ? "cluster-" : "block-";
    const self = { page: 0, shown: items, open: new Set() };
    const meta = items.map(it => ({ it, id: it.id, size: kind === "c" ? it.size : it.pairs.length,
      sim: kind === "c" ? it.weakest : it.similarity }));
    const root = el("div", { class: "list", id: prefix + "list" });
    const count = el("p", { class: "count", id: prefix + "count" });
    const pagers = [pager(), pager()];
    self.node = el("div", null, count, pagers[0].node, root, pagers[1].node);
    function pager() {
      const prev = el("button", { type: "button", class: "prev" }, "\u2039 Previous");
      const next = el("button", { type: "button", class: "next" }, "Next \u203A");
      const where = el("span");
      prev.addEventListener("click", () => { self.page--; self.draw(true); });
      next.addEventListener("click", () => { self.page++; self.draw(true); });
      return { node: el("div", { class: "pager" }, prev, where, next), prev, next, where };
    }
    self.filter = function (found, order) {
      const kept = found ? meta.filter(m => found[kind](m.it)) : meta.slice();
      kept.sort((a, b) => ORDERS[order](a, b) || a.id - b.id);
      self.shown = kept.map(m => m.it);
      self.page = 0;
      self.draw(false);
    };
    self.draw = function (scroll) {
      const pages = Math.max(1, Math.ceil(self.shown.length / PAGE));
      self.page = Math.min(Math.max(self.page, 0), pages - 1);
      const first = self.page * PAGE, last = Math.min(first + PAGE, self.shown.length);
      root.replaceChildren(...self.shown.slice(first, last).map(item));
      if (!self.shown.length) {
        root.appendChild(el("p", { class: "empty" }, items.length ? "Nothing matches the search." : "None found."));
      }
      const of = self.shown.length === items.length ? ""
        : (self.shown.length === 1 ? " matches" : " match") + " the search (of " + num(items.length) + ")";
      count.textContent = plural(self.shown.length, label) + of;
      count.setAttribute("data-visible", String(last - first));
      for (const p of pagers) {
        p.node.hidden = pages < 2;
        p.prev.disabled = self.page === 0;
        p.next.disabled = self.page >= pages - 1;
        p.where.textContent = "Page " + (self.page + 1) + " of " + num(pages) + ": " + label + "s "
          + num(first + 1) + "\u2013" + num(last);
      }
      if (scroll) self.node.scrollIntoView({ block: "start" });
    };
    function item(it) {
      const d = el("details", { class: "item " + label, id: prefix + it.id, "data-id": it.id },
        el("summary", null, summary(it)));
      const build = () => {
        if (d.open && d.children.length === 1) d.appendChild(el("div", { class: "body" }, body(it)));
      };
      d.addEventListener("toggle", () => {
        build();
        if (d.open) self.open.add(it.id); else self.open.delete(it.id);
      });
      if (self.open.has(it.id)) { d.open = true; build(); }
      return d;
    }
    self.reveal = function (id) {
      let at = self.shown.findIndex(it => it.id === id);
      if (at < 0) { search.value = ""; applyFilters(); at = self.shown.findIndex(it => it.id === id); }
      if (at < 0) return;
      self.page = Math.floor(at / PAGE);
      self.open.add(id);
      self.draw(false);
      const d = document.getElementById(prefix + id);
      d.scrollIntoView({ block: "start" });
      d.classList.add("flash");
      setTimeout(() => d.classList.remove("flash"), 1200);
    };
    self.toggleAll = open => { for (const d of root.querySelectorAll("details.item")) d.open = open; };
    return self;
  }

  // ---- summary ----------------------------------------------------------------
  function summary() {
    const s = data.stats, saved = H.savings;
    const repeated = data.clusters.reduce((n, c) => n + c.size, 0);
    const card = (label, n, sub) => el("div", { class: "card" }, el("div", { class: "label" }, label),
      el("div", { class: "n" }, n), sub ? el("div", { class: "sub" }, sub) : null);
    const cards = el("div", { class: "cards", id: "cards" },
      card("Documents", num(s.documents)),
      card("Paragraphs", num(s.paragraphs), num(s.short) + " under " + P.min_words + " words"),
      card("Clusters", num(data.clusters.length), plural(repeated, "paragraph") + " in them"),
      card("Blocks", num(data.blocks.length), "reprinted runs"),
      card("Matches", num(data.matches.length), num(s.candidates) + " candidates verified"),
      card("Words saved", num(saved.words), pct(saved.words, saved.total_words)),
      card("Bytes saved", bytes(saved.bytes), pct(saved.bytes, saved.total_bytes)));
    const kv = Object.entries(P).map(([k, v]) => [el("span", { class: "k" }, k), el("span", null, String(v))]);
    const seconds = s.seconds ? el("p", { class: "muted" }, "Seconds: "
      + Object.entries(s.seconds).map(([k, v]) => k + " " + Number(v).toFixed(3)).join(", ")) : null;
    const params = el("div", { class: "panel", id: "params" }, el("h3", null, "Parameters in force"),
      el("div", { class: "kv" }, kv), seconds);
    const mark = (c, t) => el("span", null, paint(el("i"), c), t);
    const curve = el("div", { class: "panel", id: "curve" }, el("h3", null, "LSH detection curve"),
      el("div", { class: "muted" }, "P(candidate) = 1 \u2212 (1 \u2212 s^" + P.rows + ")^" + P.bands
        + " for a pair of Jaccard similarity s (" + P.bands + " bands \u00d7 " + P.rows + " rows)"),
      lshCurve(),
      el("div", { class: "legend" }, mark("#c2410c", "threshold " + P.threshold),
        mark("#6d28d9", "effective threshold " + f3(P.effective_threshold)),
        mark("#0f766e", "Jaccard of the verified matches")));
    return el("section", { id: "summary" }, el("h2", null, "Summary"), cards,
      el("div", { class: "row" }, curve, params));
  }

  function lshCurve() {
    const W = 380, Ht = 200, L = 36, R = 10, T = 10, B = 30;
    const x = s => L + s * (W - L - R), y = p => T + (1 - p) * (Ht - T - B);
    const g = sv("svg", { viewBox: "0 0 " + W + " " + Ht, width: W, height: Ht, role: "img", id: "lsh-curve",
      "aria-label": "LSH detection curve" });
    for (let i = 0; i <= 5; i++) {
      const t = i / 5;
      g.append(sv("line", { class: "grid", x1: x(t), x2: x(t), y1: y(0), y2: y(1) }),
        sv("line", { class: "grid", x1: x(0), x2: x(1), y1: y(t), y2: y(t) }),
        sv("text", { x: x(t), y: Ht - B + 14, "text-anchor": "middle" }, t.toFixed(1)),
        sv("text", { x: L - 5, y: y(t) + 4, "text-anchor": "end" }, t.toFixed(1)));
    }
    g.append(sv("path", { class: "axis", d: "M" + x(0) + "," + y(1) + "V" + y(0) + "H" + x(1) }),
      sv("text", { x: (L + W - R) / 2, y: Ht - 3, "text-anchor": "middle" }, "Jaccard similarity of a pair"));
    const seen = [...new Set(data.matches.map(m => Math.round(m.jaccard * 100)))].sort((a, b) => a - b);
    for (const j of seen) {
      g.append(sv("line", { class: "rug", x1: x(j / 100), x2: x(j / 100), y1: y(0), y2: y(0) - 7 }));
    }
    for (const [cls, t] of [["thr", P.threshold], ["eff", P.effective_threshold]]) {
      g.append(sv("line", { class: cls, x1: x(t), x2: x(t), y1: y(0), y2: y(1) }));
    }
    const d = H.curve.map(([s, p], i) => (i ? "L" : "M") + x(s).toFixed(1) + "," + y(p).toFixed(1)).join("");
    g.append(sv("path", { class: "curve", d }, sv("title", null, "Chance that a pair becomes a candidate")));
    return g;
  }

  // ---- document maps ----------------------------------------------------------
  function maps() {
    const blocksOf = new Map(), repeated = new Map();
    for (const b of data.blocks) {
      for (const doc of new Set([b.a.doc, b.b.doc])) blocksOf.set(doc, [...(blocksOf.get(doc) || []), b]);
    }
    for (const c of data.clusters) for (const m of c.members) repeated.set(m.doc, (repeated.get(m.doc) || 0) + 1);
    const docs = data.documents.filter(d => repeated.has(d.id));
    const list = el("div");
    const more = el("button", { type: "button", id: "more-docs" });
    let shown = 0;
    function grow() {
      for (const d of docs.slice(shown, shown + DOCS_PAGE)) {
        list.appendChild(docMap(d, repeated.get(d.id), blocksOf.get(d.id) || []));
      }
      shown = Math.min(shown + DOCS_PAGE, docs.length);
      more.hidden = shown >= docs.length;
      more.textContent = "Show the next " + Math.min(DOCS_PAGE, docs.length - shown) + " of "
        + plural(docs.length - shown, "document") + " left";
    }
    more.addEventListener("click", grow);
    grow();
    const legend = el("p", { class: "muted" }, "Each document is a strip of its paragraphs; a repeated paragraph"
      + " takes its cluster\u2019s colour (click it to open the cluster). Bars under the strip mark blocks; arcs"
      + " link a block\u2019s two places in one document.");
    const title = "Where the repeats sit (" + plural(docs.length, "document") + ")";
    return el("section", { id: "maps" }, el("h2", null, title),
      docs.length ? [legend, list, more] : el("p", { class: "empty" }, "No document has a repeated paragraph."));
  }

  function docMap(doc, repeated, blocks) {
    const n = Math.max(doc.paragraphs, 1), W = 1000, cw = W / n;
    const arcH = blocks.some(b => b.a.doc === b.b.doc) ? 70 : 0;
    const stripY = arcH + 4, stripH = 22, spanY = stripY + stripH + 3, height = spanY + (blocks.length ? 8 : 0);
    const g = sv("svg", { class: "strip", viewBox: "0 0 " + W + " " + height, preserveAspectRatio: "none",
      "data-doc": doc.id, role: "img", "aria-label": "paragraphs of " + doc.id });
    g.append(sv("rect", { x: 0, y: stripY, width: W, height: stripH, fill: "#e5e8ed" }));
    const width = Math.max(cw - (cw > 4 ? 1 : 0), 0.8).toFixed(2);
    for (let i = 0; i < doc.paragraphs; i++) {
      const c = clusterOf.get(key(doc.id, i));
      if (c === undefined) continue;
      const m = memberOf.get(key(doc.id, i));
      const tip = "[" + i + "] " + lines(m.line_start, m.line_end) + ", cluster " + c + ": " + preview(text(doc.id, i));
      const cell = sv("rect", { class: "cell", x: (i * cw).toFixed(2), y: stripY, width, height: stripH,
        fill: colour(c), "data-cluster": c }, sv("title", null, tip));
      cell.addEventListener("click", () => clusters.reveal(c));
      g.append(cell);
    }
    const mid = s => (s.index_start + s.index_end + 1) / 2 * cw;
    for (const b of blocks) {
      const tip = "block " + b.id + ": " + lines(b.a.line_start, b.a.line_end) + " = "
        + lines(b.b.line_start, b.b.line_end);
      for (const s of [b.a, b.b].filter(s => s.doc === doc.id)) {
        g.append(sv("rect", { x: s.index_start * cw, y: spanY, width: (s.index_end - s.index_start + 1) * cw, height: 5,
          fill: blockColour(b.id) }, sv("title", null, tip)));
      }
      if (b.a.doc !== b.b.doc) continue;
      const x1 = mid(b.a), x2 = mid(b.b), up = stripY - Math.min(arcH - 4, 12 + Math.abs(x2 - x1) / 4);
      const arc = sv("path", { class: "arc", stroke: blockColour(b.id),
        d: "M" + x1 + "," + stripY + "C" + x1 + "," + up + " " + x2 + "," + up + " " + x2 + "," + stripY },
      sv("title", null, tip));
      arc.addEventListener("click", () => blockList.reveal(b.id));
      g.append(arc);
    }
    const elsewhere = blocks.filter(b => b.a.doc !== b.b.doc).map(b => {
      const [mine, theirs] = b.a.doc === doc.id ? [b.a, b.b] : [b.b, b.a];
      const link = paint(el("button", { type: "button", class: "badge" }, "block " + b.id), blockColour(b.id));
      link.style.color = "#fff";
      link.addEventListener("click", () => blockList.reveal(b.id));
      return el("div", { class: "muted" }, link, " " + lines(mine.line_start, mine.line_end) + " = " + theirs.doc + " "
        + lines(theirs.line_start, theirs.line_end));
    });
    const head = el("h3", null, doc.id, el("span", { class: "muted" }, " \u2014 " + plural(doc.paragraphs, "paragraph")
      + ", " + num(repeated) + " repeated, " + plural(blocks.length, "block")));
    const dots = own(H.dots, doc.id);
    const binned = dots && dots.scale > 1 ? " Each dot stands for " + dots.scale + " \u00d7 " + dots.scale
      + " paragraphs and shows their strongest pair." : "";
    const explain = dots ? el("div", { class: "explain muted" },
      el("p", null, "Dot plot of " + doc.id + ": paragraph i across, paragraph j down, a dot for each pair that"
        + " matches. A section reprinted in the same document shows as a diagonal run of dots off the main diagonal."
        + binned),
      el("div", { class: "legend" }, Object.entries(KINDS).map(([k, c]) =>
        el("span", null, paint(el("i"), c), k === "block" ? "aligned in a block" : k)))) : null;
    return el("div", { class: "doc panel", "data-doc": doc.id }, head, g, elsewhere,
      dots ? el("div", { class: "row" }, dotPlot(doc, dots), explain) : null);
  }

  function dotPlot(doc, plot) {
    const k = plot.scale, n = Math.max(Math.ceil(doc.paragraphs / k), 1);
    const pad = n * 0.03, r = Math.max(n / 100, 0.45), w = n / 300;
    const cell = i => k === 1 ? "[" + i + "]" : "[" + i * k + "\u2013" + (Math.min(i * k + k, doc.paragraphs) - 1) + "]";
    const g = sv("svg", { class: "dotplot", viewBox: [-pad, -pad, n + 2 * pad, n + 2 * pad].join(" "), role: "img",
      "aria-label": "dot plot of " + doc.id, "data-doc": doc.id });
    g.append(sv("rect", { x: 0, y: 0, width: n, height: n, fill: "#fafbfc", stroke: "#c5ccd6", "stroke-width": w }),
      sv("line", { x1: 0, y1: 0, x2: n, y2: n, stroke: "#e1e5ea", "stroke-width": w }));
    for (const [i, j, s, kind] of plot.dots) {
      const c = k === 1 ? clusterOf.get(key(doc.id, i)) : undefined;
      const tip = cell(i) + " \u00d7 " + cell(j) + " " + (kind === "block" ? "aligned in a block" : kind + " " + f3(s));
      for (const [x, y] of [[i, j], [j, i]]) {
        const dot = sv("circle", { class: "cell", cx: x + 0.5, cy: y + 0.5, r, fill: KINDS[kind] || KINDS.block,
          "fill-opacity": (0.45 + 0.55 * s).toFixed(2) }, sv("title", null, tip));
        if (c !== undefined) dot.addEventListener("click", () => clusters.reveal(c));
        g.append(dot);
      }
    }
    return g;
  }

  // ---- blocks -------------------------------------------------------------------
  const spanText = s => s.doc + " [" + s.index_start + "\u2013" + s.index_end + "] lines " + s.line_start + "-"
    + s.line_end;
  function blockSummary(b) {
    return [paint(el("span", { class: "swatch" }), blockColour(b.id)), el("b", null, "Block " + b.id),
      el("span", { class: "span" }, spanText(b.a) + "  =  " + spanText(b.b)),
      el("span", { class: "muted" }, plural(b.pairs.length, "aligned pair") + ", similarity " + f3(b.similarity))];
  }
  function clusterBadge(doc, index) {
    const c = clusterOf.get(key(doc, index));
    if (c === undefined) return el("span", { class: "muted" }, "\u2014");
    const b = paint(el("button", { type: "button", class: "badge" }, "cluster " + c), colour(c));
    b.style.color = "#fff";
    b.addEventListener("click", () => clusters.reveal(c));
    return b;
  }
  function blockBody(b) {
    const lineOf = (doc, i) => { const m = memberOf.get(key(doc, i)); return m ? "line " + m.line_start : ""; };
    const clamp = t => {
      const d = el("div", { class: "clamp", title: "click to show it whole" }, t);
      d.addEventListener("click", () => d.classList.toggle("clamp"));
      return d;
    };
    const cells = (doc, i) => [el("td", { class: "loc" }, "[" + i + "] " + lineOf(doc, i)),
      el("td", { class: "t" }, clamp(text(doc, i)))];
    const row = ([i, j]) => el("tr", null, cells(b.a.doc, i), cells(b.b.doc, j),
      el("td", { class: "c" }, clusterBadge(b.b.doc, j)));
    const table = el("table", { class: "pairs" }, b.pairs.slice(0, PAIRS_SHOWN).map(row));
    let all = null;
    if (b.pairs.length > PAIRS_SHOWN) {
      all = el("button", { type: "button" }, "Show all " + num(b.pairs.length) + " aligned pairs");
      all.addEventListener("click", () => { table.append(...b.pairs.slice(PAIRS_SHOWN).map(row)); all.remove(); });
    }
    const left = [];
    for (const [s, side] of [[b.a, 0], [b.b, 1]]) {
      const paired = new Set(b.pairs.map(p => p[side]));
      for (let i = s.index_start; i <= s.index_end; i++) if (!paired.has(i)) left.push(s.doc + " [" + i + "]");
    }
    return [el("p", { class: "muted" }, "Aligned paragraphs in the order of the first place. Click a text to show it"
      + " whole, a cluster to see its differences."),
    table, all,
    left.length ? el("p", { class: "muted" }, "Inside the spans but not aligned: " + left.join(", ")) : null];
  }

  // ---- clusters -----------------------------------------------------------------
  const where = m => m.doc + ":" + m.line_start + " [" + m.index + "]";
  const isRep = (c, m) => m.doc === c.representative.doc && m.index === c.representative.index;
  function clusterSummary(c) {
    const places = c.members.slice(0, 3).map(where).join(", ") + (c.size > 3 ? ", \u2026" : "");
    return [paint(el("span", { class: "swatch" }), colour(c.id)), el("b", null, "Cluster " + c.id),
      el("span", { class: "badge " + c.kind }, c.kind), el("span", null, plural(c.size, "paragraph")),
      el("span", { class: "muted" }, "weakest link " + f3(c.weakest)), el("span", { class: "muted" }, places),
      el("span", { class: "preview" }, c.members.find(m => isRep(c, m)).preview)];
  }
  function acceptedOn(l) {
    const at = (name, x, limit, value) => name + " " + f3(x) + " \u2265 " + limit + " " + value;
    if (l.kind === "containment") return at("containment", l.containment, "min_containment", P.min_containment);
    const why = [];
    if (l.similarity >= P.min_similarity) why.push(at("similarity", l.similarity, "min_similarity", P.min_similarity));
    // Jaccard's bar is min_jaccard where the parameters have one, else the LSH threshold.
    const [limit, value] = "min_jaccard" in P ? ["min_jaccard", P.min_jaccard] : ["threshold", P.threshold];
    if (l.jaccard >= value) why.push(at("jaccard", l.jaccard, limit, value));
    return why.join(" and ");
  }
  function scores(c, l, viaRep) {
    if (!l) return el("div", { class: "scores" }, "exact copy");
    const other = viaRep ? "the representative" : where(c.members[l.with]);
    const parts = [el("span", { class: "badge " + l.kind }, l.kind), " similarity ", el("b", null, f3(l.similarity)),
      ", jaccard ", el("b", null, f3(l.jaccard)), ", containment ", el("b", null, f3(l.containment))];
    if (l.contained) parts.push(l.contained === "this" ? " (this one is contained in " + other + ")"
      : " (this one contains " + other + ")");
    if (!viaRep) parts.push("; linked to the cluster through " + other);
    parts.push(" \u2014 accepted " + (l.kind === "exact" ? "as equal after normalisation" : "on " + acceptedOn(l)));
    return el("div", { class: "scores" }, parts);
  }
  // Two columns: the representative, marking what this copy lacks; the copy, marking
  // what it adds. For a containment the longer side highlights the contained text.
  function diffCols(ops, mode) {
    const left = [], right = [];
    const put = (side, node) => { if (side.length) side.push(" "); side.push(node); };
    for (const [tag, a, b] of ops) {
      if (tag === "equal") {
        put(left, mode === "rep-longer" ? el("mark", { class: "inside" }, a) : a);
        put(right, mode === "copy-longer" ? el("mark", { class: "inside" }, a) : a);
      } else if (tag === "delete") {
        put(left, mode === "rep-longer" ? el("span", { class: "outside" }, a) : el("del", { title: "deleted" }, a));
      } else if (tag === "insert") {
        put(right, mode === "copy-longer" ? el("span", { class: "outside" }, b) : el("ins", { title: "inserted" }, b));
      } else {
        put(left, el("del", { class: "chg", title: "changed to: " + b }, a));
        put(right, el("ins", { class: "chg", title: "changed from: " + a }, b));
      }
    }
    return [left, right];
  }
  function memberView(c, m, d, rep) {
    const l = d.link, viaRep = !l || c.members[l.with] === rep;
    const mode = l && l.kind === "containment" && viaRep ? (l.contained === "this" ? "rep-longer" : "copy-longer") : "";
    const [left, right] = diffCols(d.ops, mode);
    const changed = d.ops.some(op => op[0] !== "equal");
    return el("div", { class: "member", "data-doc": m.doc, "data-index": m.index },
      el("div", null, el("span", { class: "where" }, where(m)),
        el("span", { class: "muted" }, " " + lines(m.line_start, m.line_end) + ", " + plural(m.words, "word"))),
      scores(c, l, viaRep),
      el("div", { class: "cols" },
        el("div", { class: "col rep" }, el("h4", null, "representative " + where(rep)), left),
        el("div", { class: "col copy" }, el("h4", null, changed ? "this copy, differences highlighted"
          : "this copy: the same words"), right)));
  }
  function clusterBody(c) {
    const diffs = diffsOf.get(c.id), rep = c.members.find(m => isRep(c, m));
    const legend = el("div", { class: "legend" }, el("span", null, el("ins", null, "inserted")),
      el("span", null, el("del", null, "deleted")), el("span", null, el("ins", { class: "chg" }, "changed")),
      el("span", null, el("mark", { class: "inside" }, "contained text")),
      el("span", null, "Representative: " + where(rep) + ", " + plural(rep.words, "word")));
    const list = el("div");
    const copies = c.members.map((m, i) => [m, diffs[i]]).filter(([, d]) => d);
    const add = (from, to) => { for (const [m, d] of copies.slice(from, to)) list.append(memberView(c, m, d, rep)); };
    add(0, MEMBERS_SHOWN);
    let all = null;
    if (copies.length > MEMBERS_SHOWN) {
      all = el("button", { type: "button" }, "Show all " + num(copies.length) + " copies");
      all.addEventListener("click", () => { add(MEMBERS_SHOWN, copies.length); all.remove(); });
    }
    return [legend, list, all];
  }

  // ---- archive and problems -----------------------------------------------------
  function archive() {
    const found = data.archive || [];
    if (!found.length) return null;
    const rows = found.slice(0, 500).map(a => el("tr", null,
      el("td", { class: "loc" }, a.paragraph.doc + ":" + a.paragraph.line_start),
      el("td", { class: "t" }, el("div", { class: "clamp" }, text(a.paragraph.doc, a.paragraph.index))),
      el("td", { class: "loc" }, a.archive.path + ":" + a.archive.line_start),
      el("td", { class: "c" }, a.kind + " " + f3(a.similarity))));
    return el("section", { id: "archive" }, el("h2", null, "Seen before, in the archive (" + num(found.length) + ")"),
      el("div", { class: "panel" }, el("table", { class: "pairs" }, rows),
        found.length > 500 ? el("p", { class: "muted" }, "The first 500 are shown; the JSON has them all.") : null));
  }
  function problems() {
    if (!data.problems.length) return null;
    return el("section", { id: "problems" }, el("h2", null, "Problems (" + num(data.problems.length) + ")"),
      el("ul", null, data.problems.map(p => el("li", null, p.path + ": " + p.message))));
  }

  // ---- page -------------------------------------------------------------------------
  const search = el("input", { type: "search", id: "search", "aria-label": "Search",
    placeholder: "Search paragraphs and documents ( / )" });
  const order = el("select", { id: "sort", "aria-label": "Sort" }, [["position", "In corpus order"],
    ["size", "Largest first"], ["similarity", "Most similar first"], ["dissimilarity", "Least similar first"]]
    .map(([v, t]) => el("option", { value: v }, t)));
  const expand = el("button", { type: "button", id: "expand-all" }, "Expand page");
  const collapse = el("button", { type: "button", id: "collapse-all" }, "Collapse page");
  const clusters = List("c", data.clusters, "cluster", clusterSummary, clusterBody);
  const blockList = List("b", data.blocks, "block", blockSummary, blockBody);
  function applyFilters() {
    const found = finder(search.value);
    for (const l of [blockList, clusters]) l.filter(found, order.value);
  }
  let timer = 0;
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(applyFilters, 120); });
  search.addEventListener("keydown", e => { if (e.key === "Enter") { clearTimeout(timer); applyFilters(); } });
  order.addEventListener("change", applyFilters);
  expand.addEventListener("click", () => { blockList.toggleAll(true); clusters.toggleAll(true); });
  collapse.addEventListener("click", () => { blockList.toggleAll(false); clusters.toggleAll(false); });
  document.addEventListener("keydown", e => {
    if (e.key === "/" && document.activeElement !== search) { e.preventDefault(); search.focus(); }
  });

  const docs = data.documents.length === 1 ? data.documents[0].id : plural(data.documents.length, "document");
  document.getElementById("app").append(
    el("header", { class: "top" }, el("h1", null, "paradup report"),
      el("p", null, docs + " \u00b7 paradup " + data.version + " \u00b7 JSON schema " + data.schema_version)),
    el("div", { class: "toolbar" }, search, order, expand, collapse),
    el("main", null, summary(), maps(),
      el("section", { id: "blocks" }, el("h2", null, "Blocks: runs of paragraphs reprinted as a unit"), blockList.node),
      el("section", { id: "clusters" }, el("h2", null, "Clusters: copies of one paragraph"), clusters.node),
      archive(), problems()));
  applyFilters();
  function follow() {
    const m = /^#(cluster|block)-(\d+)$/.exec(location.hash);
    if (m) (m[1] === "cluster" ? clusters : blockList).reveal(Number(m[2]));
  }
  window.addEventListener("hashchange", follow);
  follow();
  document.body.setAttribute("data-ready", "1");
})();
"""
