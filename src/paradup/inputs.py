"""Read the documents to scan: files, folders, globs, stdin, JSONL corpora.

:func:`read_documents` turns the paths a user names into :class:`Document`
objects.  Everything that is merely odd (a binary file, a bad JSONL line, an
encoding guess, a symlink loop) becomes an :class:`InputProblem` and the scan
goes on; only input that leaves nothing sensible to scan raises
:class:`InputError`.  Nothing is printed and no input is ever modified.
"""

from __future__ import annotations

import codecs
import errno
import json
import operator
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from html.parser import HTMLParser
from types import MappingProxyType
from typing import TextIO

from charset_normalizer import from_bytes

from paradup.model import Document, InputError, InputProblem

#: File extension (lower case, with the dot) -> document format.  Files
#: without an extension are plain text too.
FORMATS = MappingProxyType({
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
})

_BINARY_SNIFF = 8192  # bytes checked for NUL, as git and grep do
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_NAME = operator.attrgetter("name")  # a folder entry's name, to sort by
_MAX_LINE_PROBLEMS = 20  # per JSONL file: a wrong schema must not flood stderr

_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
    "td", "th", "tr", "section", "article", "header", "footer", "br", "hr",
    "title", "dt", "dd", "figcaption", "table", "ul", "ol",
    # Other HTML block elements, so that e.g. a <nav> never glues onto <main>.
    "main", "nav", "aside", "address", "details", "summary", "caption", "dl",
    "figure", "form", "fieldset", "legend", "thead", "tbody", "tfoot",
    "body", "html",
})  # fmt: skip
_DROPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


def read_documents(
    paths: Sequence[str],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    text_field: str = "text",
    hidden: bool = False,
    stdin: TextIO | None = None,
    on_file: Callable[[Sequence[Document], int, int], None] | None = None,
) -> tuple[tuple[Document, ...], tuple[InputProblem, ...], str]:
    """Read every document under ``paths``, in a deterministic order.

    Folders are walked recursively (entries sorted by relative path); inside
    them only files with a known extension (:data:`FORMATS`, or none) are
    read, hidden ones only when ``hidden`` is true.  A file named explicitly
    is always read, as plain text if its extension is unknown.

    Args:
        paths: Files, folders, or ``"-"`` (at most once) for ``stdin``.
        include: Glob patterns; when given, only files in folders whose path
            (relative to the folder argument) or base name matches one are read.
        exclude: Glob patterns; files and folders matching one are skipped.
        text_field: The field of a JSONL record that holds its text.
        hidden: Also read files and folders whose name starts with ".".
        stdin: The stream read for ``"-"``; ``sys.stdin`` when None.
        on_file: Called after each file is read, with the documents read so
            far, how many files are done out of how many (folders are
            walked first), and the file's bytes when they are its one new
            document's text in ASCII (else None): a scan starts digesting
            before the last file is read, without encoding those texts again.

    Returns:
        ``(documents, problems, root)``: document paths are relative to
        ``root``, which is given as the user spelled it where possible.

    Raises:
        InputError: No paths, ``"-"`` twice, a path that does not exist, a
            repeated document id, or no document found at all.

    >>> import io
    >>> docs, problems, root = read_documents(["-"], stdin=io.StringIO("One.\\r\\n\\r\\nTwo."))
    >>> docs[0].id, docs[0].text, problems, root
    ('-', 'One.\\n\\nTwo.', (), '.')
    """
    paths, include, exclude = _as_tuple(paths), _as_tuple(include), _as_tuple(exclude)
    _check_paths(paths)
    root, abs_root = _find_root(paths)
    run = _Run(abs_root, text_field)
    walked = {path: _walk(path, include, exclude, hidden) for path in paths if path != "-" and os.path.isdir(path)}
    total = sum(len(files) for files, _ in walked.values()) + sum(
        path not in walked and path != "-" and os.path.exists(path) for path in paths)
    done = 0
    for path in paths:
        if path == "-":
            run.read_stdin(sys.stdin if stdin is None else stdin)
            continue
        if path in walked:
            files, skipped = walked[path]
            for skipped_path, message in skipped:
                run.problem(skipped_path, message)
            folder = run.shown(path)  # files found inside are named from it, not path by path
            reads = [(file, rel if folder == "." else f"{folder}/{rel}", fmt) for file, rel, fmt in files]
        elif os.path.exists(path):
            reads = [(path, None, _format_of(path) or "text")]
        else:
            run.problem(path, _unreachable_message(path))
            continue
        for file, shown, fmt in reads:
            raw = run.read_file(file, fmt, shown)
            done += 1
            if on_file is not None:
                on_file(run.documents, done, total, raw)
    if not run.documents:
        raise InputError(_no_documents_message(paths, include, run.problems))
    return tuple(run.documents), tuple(run.problems), root


def _as_tuple(value: Sequence[str] | str) -> tuple[str, ...]:
    # A lone string would otherwise be taken one character at a time, and a
    # pattern "*.md" would become "*" (everything), ".", "m", "d".
    return (value,) if isinstance(value, str) else tuple(value)


def _check_paths(paths: tuple[str, ...]) -> None:
    if not paths:
        raise InputError(
            "no paths given: name at least one file or folder, or - for standard input"
        )
    if paths.count("-") > 1:
        raise InputError("- (standard input) may be given only once")
    for path in paths:
        # lexists: a broken symlink exists; it is reported as a problem instead.
        if path != "-" and not os.path.lexists(path):
            raise InputError(
                f"no such file or folder: {path} (check the spelling and the current folder)"
            )


def _find_root(paths: tuple[str, ...]) -> tuple[str, str]:
    """Return the folder document paths are relative to: as shown, and absolute."""
    bases = [p if os.path.isdir(p) else os.path.dirname(p) or "." for p in paths if p != "-"]
    if not bases:
        return ".", os.path.abspath(".")
    if len(bases) == 1:
        shown = os.path.normpath(bases[0])
        return shown, os.path.abspath(shown)
    common = os.path.commonpath([os.path.abspath(b) for b in bases])
    if any(os.path.isabs(b) for b in bases):
        return common, common
    return os.path.relpath(common), common


def _no_documents_message(
    paths: tuple[str, ...], include: tuple[str, ...], problems: list[InputProblem]
) -> str:
    message = (
        f"no documents found in {', '.join(paths)} "
        "(looked for .txt, .md, .html, .htm, .jsonl files)"
    )
    if include:
        message += f" matching {', '.join(include)}"
    if problems:
        # The problems are lost with the exception: name one so the user can act.
        first = problems[0]
        message += f"; {len(problems)} skipped, e.g. {first.path}: {first.message}"
    return message


def _format_of(path: str) -> str | None:
    """Return the format of ``path`` by its extension, None if unknown.

    >>> _format_of("notes/README"), _format_of("a.HTM"), _format_of("x.png"), _format_of("v1.2/notes.")
    ('text', 'html', None, 'text')
    """
    return _format_of_name(os.path.basename(path))


def _format_of_name(name: str) -> str | None:
    """:func:`_format_of` a file's base name."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""  # what Path.suffix says (".bashrc" has none), ten times faster
    return "text" if len(suffix) < 2 else FORMATS.get(suffix)


@dataclass
class _Run:
    """The documents and problems collected so far, and what was already read."""

    abs_root: str
    text_field: str
    documents: list[Document] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    seen_files: set[tuple[int, int]] = field(default_factory=set)  # (device, inode)
    id_origins: dict[str, str] = field(default_factory=dict)

    def shown(self, path: str) -> str:
        relative = os.path.relpath(os.path.abspath(path), self.abs_root)
        return relative.replace(os.sep, "/")

    def problem(self, path: str, message: str) -> None:
        self.problems.append(InputProblem(self.shown(path), message))

    def add(self, document: Document, origin: str) -> None:
        first = self.id_origins.setdefault(document.id, origin)
        if first != origin:
            raise InputError(
                f"{origin}: duplicate document id {document.id!r} (first used by {first}); "
                "make the ids unique, or drop the id field to use file:line ids"
            )
        self.documents.append(document)

    def read_stdin(self, stream: TextIO) -> None:
        text, warning = _read_stream(stream)
        if warning:
            self.problems.append(InputProblem("-", warning))
        if text is not None:
            self.add(Document(id="-", path="-", text=text), "-")

    def read_file(self, path: str, fmt: str, shown: str | None = None) -> bytes | None:
        """Read one file; a file already read (by another name or link) is skipped.

        Returns the file's bytes when they are the text of the one document it
        added, in ASCII (a plain text file, all ASCII, no carriage return), else None.
        """
        shown = self.shown(path) if shown is None else shown
        try:
            fd = os.open(path, _READ_FLAGS)  # not open(): a third of reading's time went
            try:                                                            # to making its file objects
                info = os.fstat(fd)
                if (info.st_dev, info.st_ino) in self.seen_files:
                    return None
                self.seen_files.add((info.st_dev, info.st_ino))
                data = _read_all(fd, info.st_size)
            finally:
                os.close(fd)
        except OSError as exc:
            self.problems.append(InputProblem(shown, f"cannot read file ({_reason(exc)}); skipped"))
            return None
        text, warning = _decode(data)
        if warning:
            self.problem(path, warning)
        if text is None:
            return None
        if fmt == "jsonl":
            self.add_jsonl(shown, text)
            return None
        text = _read_html(text) if fmt == "html" else text
        self.add(Document(id=shown, path=shown, text=text, format=fmt), shown)
        # Same length and ASCII: no byte order mark was dropped and nothing else decoded; no "\r" was turned into "\n".
        return data if fmt == "text" and len(text) == len(data) and text.isascii() and b"\r" not in data else None

    def add_jsonl(self, shown: str, text: str) -> None:
        records, problems = _read_jsonl(text, shown, self.text_field)
        self.problems.extend(InputProblem(shown, message) for message in problems)
        for record, line, record_id, record_text in records:
            origin = f"{shown}:{line}"
            doc_id = origin if record_id is None else record_id
            document = Document(doc_id, shown, record_text, format="jsonl", record=record)
            self.add(document, origin)


def _read_all(fd: int, size: int) -> bytes:
    """Read ``fd`` to its end, ``size`` bytes expected (``st_size``; a file that grows or a special file
    that reports 0 is read to its end all the same), as ``FileIO.readall`` does.

    >>> r, w = os.pipe(); _ = os.write(w, b"abc"); os.close(w)
    >>> _read_all(r, 0), os.close(r)
    (b'abc', None)
    """
    chunks = []
    while chunk := os.read(fd, max(size + 1, 1 << 16) if not chunks else 1 << 16):
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _unreachable_message(path: str) -> str:
    """Say why a path whose name exists cannot be followed."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop skipped"
        if os.path.islink(path):
            return "broken symlink skipped"
        return f"cannot read ({_reason(exc)}); skipped"
    return "not a regular file; skipped"


def _walk(
    top: str, include: tuple[str, ...], exclude: tuple[str, ...], hidden: bool
) -> tuple[list[str], list[tuple[str, str]]]:
    """Find the readable files under folder ``top``.

    Returns:
        ``(path, relative path, format)`` of the files, sorted by the byte order of
        their POSIX path relative to ``top``, and ``(path, message)`` for
        everything skipped with reason.
    """
    found: list[tuple[bytes, str, str, str]] = []
    skipped: list[tuple[str, str]] = []
    walker = _Walker(include, exclude, hidden, found, skipped)
    walker.walk(top, "", frozenset({os.path.realpath(top)}))
    found.sort()
    return [(path, rel, fmt) for _, path, rel, fmt in found], skipped


@dataclass
class _Walker:
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    hidden: bool
    found: list[tuple[bytes, str, str, str]]
    skipped: list[tuple[str, str]]

    def walk(self, folder: str, prefix: str, ancestors: frozenset[str]) -> None:
        """Walk ``folder``, whose entries' relative paths start with ``prefix``.

        One loop per folder, no call per entry beyond what it needs: at 444,000 files the walk took 1.0 s
        and holds Python's lock (nothing else of a scan runs yet), now 0.74 s.
        """
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_NAME)
        except OSError as exc:
            self.skipped.append((folder, f"cannot list folder ({_reason(exc)}); skipped"))
            return
        found, hidden, include, exclude = self.found, self.hidden, self.include, self.exclude
        for entry in entries:
            name = entry.name
            if name.startswith(".") and not hidden:
                continue
            rel = prefix + name
            if exclude and _matches(rel, name, exclude):
                continue
            try:  # symlinks followed; an error is an entry that cannot be followed
                if entry.is_file():
                    fmt = _format_of_name(name)
                    if fmt and (not include or _matches(rel, name, include)):
                        found.append((rel.encode("utf-8", "surrogateescape"), entry.path, rel, fmt))
                    continue
                folder_entry = entry.is_dir()
            except OSError:
                self.skipped.append((entry.path, _unreachable_message(entry.path)))
                continue
            if folder_entry:
                # Only a link back to a folder on the current walk loops; a link to
                # a folder seen elsewhere is fine (its files are read once anyway).
                real = os.path.realpath(entry.path)
                if real in ancestors:
                    self.skipped.append((entry.path, "symlink loop skipped"))
                else:
                    self.walk(entry.path, rel + "/", ancestors | {real})
            elif entry.is_symlink():  # neither file nor folder: points nowhere (sockets and FIFOs are skipped silently)
                self.skipped.append((entry.path, _unreachable_message(entry.path)))


def _matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether a relative path or its base name matches a glob.

    >>> _matches("sub/a.md", "a.md", ("*.md",)), _matches("a.md", "a.md", ("**/*.md",))
    (True, True)
    """
    for pattern in patterns:
        # fnmatch's "*" already crosses "/", so "**/" only needs to allow
        # zero folders, as users expect from shells and .gitignore.
        bare = pattern.removeprefix("**/")
        if fnmatch(rel, pattern) or fnmatch(name, pattern) or fnmatch(rel, bare):
            return True
    return False


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes to text with "\\n" line endings.

    Returns:
        ``(text, warning)``: text is None for a binary file; warning is a
        problem message or None when the bytes were plain UTF-8.

    >>> _decode(codecs.BOM_UTF8 + b"a\\r\\nb\\rc")
    ('a\\nb\\nc', None)
    >>> _decode(b"\\x89PNG\\x00\\x00")
    (None, 'binary file skipped')
    """
    if data.find(b"\x00", 0, _BINARY_SNIFF) >= 0:  # no copy of the first bytes
        return None, "binary file skipped"
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _normalise_newlines(text), None
    best = from_bytes(data).best()
    if best is None:
        return None, "binary file skipped"
    text = _normalise_newlines(str(best).removeprefix("\ufeff"))
    return text, f"decoded as {best.encoding}, not UTF-8"


def _read_stream(stream: TextIO) -> tuple[str | None, str | None]:
    """Read a text stream; a real stdin is read as bytes, decoded like a file."""
    # sys.stdin decodes strictly with the locale's encoding, so a cp1252 pipe
    # would fail; its byte buffer goes through the same detection as files.
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            return _decode(buffer.read())
        return _normalise_newlines(stream.read().removeprefix("\ufeff")), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read standard input ({exc}); skipped"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_jsonl(
    text: str, shown: str, text_field: str
) -> tuple[list[tuple[int, int, str | None, str]], list[str]]:
    """Parse JSONL text into records and problem messages.

    Returns:
        ``(records, problems)``: each record is ``(record number (0-based,
        counting non-blank lines), line (1-based), id or None, text)``.

    >>> _read_jsonl('{"id": 7, "text": "Hi"}\\n\\n[1]\\n', "c.jsonl", "text")
    ([(0, 1, '7', 'Hi')], ['c.jsonl:3: not a JSON object; record skipped'])
    """
    records: list[tuple[int, int, str | None, str]] = []
    problems: list[str] = []
    # split("\n") not splitlines(): JSON strings may hold a raw U+2028.
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    for record, (line_number, line) in enumerate(lines):
        parsed = _parse_record(line, text_field)
        if isinstance(parsed, str):
            problems.append(f"{shown}:{line_number}: {parsed}; record skipped")
            continue
        record_id, record_text = parsed
        if not encodable(record_text) or (record_id is not None and not encodable(record_id)):
            # json reads "\ud800" alone as a lone surrogate, which no UTF-8 text (nor report) can hold.
            record_id, record_text = (None if record_id is None else replace_surrogates(record_id),
                                      replace_surrogates(record_text))
            problems.append(f"{shown}:{line_number}: a lone surrogate escape (\\ud800-\\udfff) read as U+FFFD")
        records.append((record, line_number, record_id, record_text))
    if len(problems) > _MAX_LINE_PROBLEMS:
        more = len(problems) - _MAX_LINE_PROBLEMS
        problems[_MAX_LINE_PROBLEMS:] = [f"{shown}: {more} more bad lines skipped"]
    return records, problems


def encodable(text: str) -> bool:
    """Return whether ``text`` can be written as UTF-8 (holds no lone surrogate, which json reads from a lone
    ``"\\ud800"``)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def replace_surrogates(text: str) -> str:
    """Replace each lone surrogate of ``text`` with U+FFFD (one character for one: positions stay).

    >>> replace_surrogates("a\\ud800b") == "a\\ufffdb"
    True
    """
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_record(line: str, text_field: str) -> tuple[str | None, str] | str:
    """Return ``(id or None, text)`` of one JSONL line, or what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return "not a JSON object"
    if text_field not in obj:
        return f"no {text_field!r} field"
    text = obj[text_field]
    if not isinstance(text, str):
        return f"field {text_field!r} is not a string (got {type(text).__name__})"
    record_id = obj.get("id")
    return (None if record_id is None else str(record_id)), _normalise_newlines(text)


def _read_html(html: str) -> str:
    """Extract the text of an HTML page, one paragraph per block element.

    >>> _read_html("<title>T</title><p>Fish &amp; <b>chips</b>\\n now</p><script>x()</script>")
    'T\\n\\nFish & chips now'
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.blocks)


class _HTMLText(HTMLParser):
    """Collect the text of each block element; inline elements stay inline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._pieces: list[str] = []
        self._dropping = 0  # depth inside script/style/noscript/template
        self._in_head = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping += 1
        # </head> is optional in HTML: <body> ends the head too.
        self._in_head = tag == "head" or (self._in_head and tag != "body")
        self._in_title = self._in_title or tag == "title"
        if tag in _BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping = max(0, self._dropping - 1)
        self._in_head = self._in_head and tag != "head"
        self._in_title = self._in_title and tag != "title"
        if tag in _BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._dropping and (self._in_title or not self._in_head):
            self._pieces.append(data)

    def flush(self) -> None:
        """End the current block: keep its text, whitespace collapsed, if any."""
        text = " ".join("".join(self._pieces).split())
        if text:
            self.blocks.append(text)
        self._pieces.clear()
