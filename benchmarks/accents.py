"""Make a copy of a generated corpus whose text is not ASCII, to measure the scan's other paths.

``python -m benchmarks.accents DOCS_DIR OUT_DIR --kind quotes|accents|arabic`` copies
every document of ``DOCS_DIR`` (a generated corpus's ``docs/``) to ``OUT_DIR``:

- ``quotes``: every line's first word put in typographic quotes (“So” it
  goes), as news sites print them; they fold back to ASCII, so the
  paragraphs take the ASCII path after the code-point cutter;
- ``accents``: that, and the first ``e`` of every line made ``é``: every
  paragraph is normalised by table, code point by code point;
- ``arabic``: every Latin letter made an Arabic one (``a`` to ``z`` become
  U+0628 to U+0641, capitals too), a script the table does not cover:
  every paragraph goes through Python's NFKC and case folding.

The copies keep the corpus's repeats (the same change is made to every copy
of a paragraph), so a scan finds the same clusters.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_FIRST_WORD = re.compile(r"^(\s*)(\S+)", re.MULTILINE)
_ARABIC = {ord(c): 0x628 + i for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")} | {
    ord(c): 0x628 + i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def typographic(text: str, kind: str) -> str:
    """Return ``text`` with each line's first word in typographic quotes, and with ``kind == "accents"``
    an accent on each line; with ``kind == "arabic"``, ``text`` with its Latin letters made Arabic ones.

    >>> typographic("He said it.\\n\\nThe end", "accents")
    '“Hé” said it.\\n\\n“Thé” end'
    >>> typographic("Abc, z.", "arabic") == "\\u0628\\u0629\\u062a, \\u0641."
    True
    """
    if kind == "arabic":
        return text.translate(_ARABIC)
    text = _FIRST_WORD.sub("\\1\u201c\\2\u201d", text)
    if kind == "accents":
        text = "\n".join(line.replace("e", "\u00e9", 1) for line in text.split("\n"))
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accents", description=__doc__.splitlines()[0])
    parser.add_argument("docs_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--kind", choices=("quotes", "accents", "arabic"), default="accents")
    args = parser.parse_args(argv)
    count = 0
    for path in sorted(args.docs_dir.rglob("*.txt")):
        target = args.out_dir / path.relative_to(args.docs_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(typographic(path.read_text(encoding="utf-8"), args.kind), encoding="utf-8")
        count += 1
    print(f"{count} documents written to {args.out_dir} ({args.kind})")


if __name__ == "__main__":
    main()
