"""Tests for paradup.inputs: reading files, folders, stdin and JSONL corpora."""

from __future__ import annotations

import doctest
import io
import json
import os
import pathlib

import pytest

from paradup import inputs
from paradup.inputs import FORMATS, read_documents
from paradup.model import Document, InputError, InputProblem


def write(path: pathlib.Path, content: str | bytes) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def paths_of(documents: tuple[Document, ...]) -> list[str]:
    return [doc.path for doc in documents]


def messages_for(problems: tuple[InputProblem, ...], path: str) -> list[str]:
    return [problem.message for problem in problems if problem.path == path]


# --- folders, order, roots -------------------------------------------------


def test_folder_is_read_recursively_in_byte_order_of_relative_paths(tmp_path):
    corpus = tmp_path / "corpus"
    for name in ["b.txt", "a.txt", "a/z.md", "B.md", "README", "sub/deep/x.html"]:
        write(corpus / name, f"text of {name}")
    docs, problems, root = read_documents([str(corpus)])
    # "." sorts before "/", so a.txt precedes the folder a/; capitals first.
    assert paths_of(docs) == ["B.md", "README", "a.txt", "a/z.md", "b.txt", "sub/deep/x.html"]
    assert [doc.id for doc in docs] == paths_of(docs)
    assert [doc.format for doc in docs] == ["text"] * 5 + ["html"]
    assert all(doc.record is None for doc in docs)
    assert docs[2].text == "text of a.txt"
    assert problems == ()
    assert root == str(corpus)


def test_files_with_other_extensions_in_folders_are_skipped_silently(tmp_path):
    write(tmp_path / "keep.md", "kept")
    write(tmp_path / "script.py", "print('no')")
    write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path / "UPPER.TXT", "extension case does not matter")
    docs, problems, _ = read_documents([str(tmp_path)])
    assert paths_of(docs) == ["UPPER.TXT", "keep.md"]
    assert problems == ()


def test_relative_folder_argument_is_returned_as_given(tmp_path, monkeypatch):
    write(tmp_path / "corpus" / "a.txt", "A")
    monkeypatch.chdir(tmp_path)
    assert read_documents(["corpus/"])[2] == "corpus"
    assert read_documents(["."])[2] == "."
    assert paths_of(read_documents(["."])[0]) == ["corpus/a.txt"]


def test_single_file_is_relative_to_its_parent_folder(tmp_path, monkeypatch):
    write(tmp_path / "sub" / "a.txt", "A")
    monkeypatch.chdir(tmp_path)
    docs, _, root = read_documents(["sub/a.txt"])
    assert (root, paths_of(docs)) == ("sub", ["a.txt"])
    docs, _, root = read_documents(["sub/../sub/a.txt"])
    assert root == "sub"
    monkeypatch.chdir(tmp_path / "sub")
    assert read_documents(["a.txt"])[2] == "."


def test_several_arguments_are_relative_to_their_common_parent(tmp_path, monkeypatch):
    write(tmp_path / "one" / "a.txt", "A")
    write(tmp_path / "two" / "deep" / "b.txt", "B")
    monkeypatch.chdir(tmp_path)
    docs, _, root = read_documents(["two/deep/b.txt", "one"])
    assert root == "."
    # Arguments keep the order given.
    assert paths_of(docs) == ["two/deep/b.txt", "one/a.txt"]
    docs, _, root = read_documents([str(tmp_path / "one"), str(tmp_path / "two")])
    assert root == str(tmp_path)
    assert paths_of(docs) == ["one/a.txt", "two/deep/b.txt"]


def test_file_reached_twice_is_read_once(tmp_path):
    a = write(tmp_path / "a.txt", "A")
    write(tmp_path / "b.txt", "B")
    os.symlink(a, tmp_path / "link.txt")
    docs, problems, _ = read_documents([str(a), str(tmp_path), str(a)])
    assert paths_of(docs) == ["a.txt", "b.txt"]
    assert problems == ()


def test_explicit_file_with_unknown_extension_is_read_as_text(tmp_path):
    script = write(tmp_path / "notes.rst", "Some *text*.")
    docs, problems, _ = read_documents([str(script)])
    assert docs == (Document(id="notes.rst", path="notes.rst", text="Some *text*."),)
    assert problems == ()


def test_formats_map_extensions_to_formats():
    assert FORMATS[".md"] == "text"
    assert FORMATS[".htm"] == "html"
    assert FORMATS[".ndjson"] == "jsonl"
    assert ".png" not in FORMATS


# --- include, exclude, hidden ----------------------------------------------


@pytest.fixture
def mixed(tmp_path):
    for name in ["a.md", "b.txt", "sub/c.md", "sub/d.txt", "drafts/e.md", "drafts/f.txt"]:
        write(tmp_path / name, name)
    return tmp_path


def test_include_patterns_keep_only_matching_files(mixed):
    docs, _, _ = read_documents([str(mixed)], include=["*.md"])
    assert paths_of(docs) == ["a.md", "drafts/e.md", "sub/c.md"]
    docs, _, _ = read_documents([str(mixed)], include=["sub/*", "b.txt"])
    assert paths_of(docs) == ["b.txt", "sub/c.md", "sub/d.txt"]


def test_double_star_pattern_also_matches_top_level_files(mixed):
    docs, _, _ = read_documents([str(mixed)], include=["**/*.txt"])
    assert paths_of(docs) == ["b.txt", "drafts/f.txt", "sub/d.txt"]


def test_exclude_patterns_skip_matching_files_and_folders(mixed):
    docs, _, _ = read_documents([str(mixed)], exclude=["drafts", "*.txt"])
    assert paths_of(docs) == ["a.md", "sub/c.md"]
    docs, _, _ = read_documents([str(mixed)], include=["*.md"], exclude=["sub/c.md"])
    assert paths_of(docs) == ["a.md", "drafts/e.md"]


def test_a_single_pattern_string_is_one_pattern_not_its_characters(mixed):
    docs, _, _ = read_documents(str(mixed), include="*.md")
    assert paths_of(docs) == ["a.md", "drafts/e.md", "sub/c.md"]


def test_explicitly_named_file_is_read_even_if_patterns_exclude_it(mixed):
    docs, _, _ = read_documents([str(mixed / "b.txt")], include=["*.md"], exclude=["*.txt"])
    assert paths_of(docs) == ["b.txt"]


@pytest.fixture
def with_hidden(tmp_path):
    write(tmp_path / "visible.txt", "V")
    write(tmp_path / ".hidden.txt", "H")
    write(tmp_path / ".git" / "notes.md", "G")
    return tmp_path


def test_hidden_files_and_folders_are_skipped_by_default(with_hidden):
    docs, problems, _ = read_documents([str(with_hidden)])
    assert paths_of(docs) == ["visible.txt"]
    assert problems == ()


def test_hidden_true_reads_hidden_files_and_folders(with_hidden):
    docs, _, _ = read_documents([str(with_hidden)], hidden=True)
    assert paths_of(docs) == [".git/notes.md", ".hidden.txt", "visible.txt"]


def test_hidden_paths_named_explicitly_are_read(with_hidden):
    docs, _, _ = read_documents([str(with_hidden / ".hidden.txt"), str(with_hidden / ".git")])
    assert [doc.text for doc in docs] == ["H", "G"]


# --- stdin -----------------------------------------------------------------


def test_stdin_is_read_from_the_given_stream(tmp_path):
    write(tmp_path / "a.txt", "A")
    stream = io.StringIO("\ufeffFrom a pipe.\r\nSecond line.")
    docs, problems, root = read_documents(["-", str(tmp_path / "a.txt")], stdin=stream)
    assert docs[0] == Document(id="-", path="-", text="From a pipe.\nSecond line.")
    assert paths_of(docs) == ["-", "a.txt"]
    assert root == str(tmp_path)
    assert problems == ()


def test_stdin_with_a_byte_buffer_is_decoded_like_a_file():
    raw = ("café au lait, naïve façade. " * 20).encode("cp1252")
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    docs, problems, _ = read_documents(["-"], stdin=stream)
    assert "café" in docs[0].text
    assert problems[0].path == "-" and "not UTF-8" in problems[0].message


def test_stdin_may_be_named_only_once():
    with pytest.raises(InputError, match="only once"):
        read_documents(["-", "-"], stdin=io.StringIO("x"))


# --- encodings -------------------------------------------------------------


def test_utf8_bom_is_stripped_silently(tmp_path):
    write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello, world.")
    docs, problems, _ = read_documents([str(tmp_path)])
    assert docs[0].text == "Hello, world."
    assert problems == ()


def test_cp1252_file_is_decoded_with_a_warning_naming_the_file(tmp_path):
    raw = ("café au lait, naïve façade. " * 20).encode("cp1252")
    source = write(tmp_path / "legacy.txt", raw)
    write(tmp_path / "plain.txt", "plain")
    docs, problems, _ = read_documents([str(tmp_path)])
    assert "café au lait" in docs[0].text
    assert len(problems) == 1 and problems[0].path == "legacy.txt"
    assert problems[0].message.startswith("decoded as ")
    assert problems[0].message.endswith(", not UTF-8")
    assert source.read_bytes() == raw  # inputs are never modified


def test_binary_file_is_skipped_with_a_problem(tmp_path):
    write(tmp_path / "corpus" / "data.txt", b"\x00\x01\x02binary\xff" * 10)
    write(tmp_path / "corpus" / "ok.md", "fine")
    explicit = write(tmp_path / "archive.zip", b"PK\x03\x04\x00\x00")
    docs, problems, _ = read_documents([str(tmp_path / "corpus"), str(explicit)])
    assert paths_of(docs) == ["corpus/ok.md"]
    assert problems == (
        InputProblem("corpus/data.txt", "binary file skipped"),
        InputProblem("archive.zip", "binary file skipped"),
    )


def test_crlf_and_cr_line_endings_are_normalised(tmp_path):
    write(tmp_path / "dos.txt", b"one\r\ntwo\r\n\r\nthree\rfour\r")
    docs, _, _ = read_documents([str(tmp_path)])
    assert docs[0].text == "one\ntwo\n\nthree\nfour\n"


def test_empty_file_is_a_document_with_empty_text(tmp_path):
    write(tmp_path / "empty.txt", "")
    docs, problems, _ = read_documents([str(tmp_path)])
    assert docs == (Document(id="empty.txt", path="empty.txt", text=""),)
    assert problems == ()


# --- HTML ------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>The  Title</title>
<style>p { color: red }</style>
<script>var leaked = "SECRET";</script>
<meta charset="utf-8"></head>
<body>
<h1>Heading</h1>
<p>First   paragraph with <b>bold</b> and <a href="#">a
link</a>.</p>
<div>Fish &amp; chips &eacute;t&#233; &lt;tag&gt;</div>
<p></p>
<ul><li>one</li><li>two</li></ul>
Line<br>break
<noscript>enable JS</noscript>
<template><p>hidden template</p></template>
<script>document.write("<p>also secret</p>")</script>
</body></html>
"""


def test_html_block_elements_become_blank_line_separated_paragraphs(tmp_path):
    write(tmp_path / "page.html", PAGE)
    docs, problems, _ = read_documents([str(tmp_path)])
    assert docs[0].format == "html"
    assert docs[0].text.split("\n\n") == [
        "The Title",
        "Heading",
        "First paragraph with bold and a link.",
        "Fish & chips été <tag>",
        "one",
        "two",
        "Line",
        "break",
    ]
    assert problems == ()


def test_html_script_style_and_head_content_do_not_leak(tmp_path):
    write(tmp_path / "page.htm", PAGE)
    text = read_documents([str(tmp_path)])[0][0].text
    for dropped in ["SECRET", "color", "also secret", "enable JS", "hidden template"]:
        assert dropped not in text


def test_html_without_block_elements_is_one_paragraph(tmp_path):
    write(tmp_path / "bare.html", "Just <em>inline</em>\n text")
    assert read_documents([str(tmp_path)])[0][0].text == "Just inline text"


# --- JSONL -----------------------------------------------------------------


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def test_jsonl_records_keep_their_id_and_record_number(tmp_path):
    write(tmp_path / "corpus.jsonl", jsonl(
        {"id": "alpha", "text": "First.", "lang": "en"},
        "",
        {"id": 42, "text": "Second.\r\nLine two."},
        {"text": "Third, no id."},
    ))  # fmt: skip
    docs, problems, _ = read_documents([str(tmp_path)])
    assert docs == (
        Document("alpha", "corpus.jsonl", "First.", "jsonl", 0),
        Document("42", "corpus.jsonl", "Second.\nLine two.", "jsonl", 1),
        Document("corpus.jsonl:4", "corpus.jsonl", "Third, no id.", "jsonl", 2),
    )
    assert problems == ()


def test_text_field_option_selects_the_field(tmp_path):
    write(tmp_path / "c.ndjson", jsonl({"body": "the body", "text": 3}))
    docs, problems, _ = read_documents([str(tmp_path)], text_field="body")
    assert [doc.text for doc in docs] == ["the body"]
    assert problems == ()


def test_a_lone_surrogate_escape_in_jsonl_is_read_as_a_replacement_character_and_reported(tmp_path):
    # json reads "\ud800" alone as a lone surrogate, which no UTF-8 text can hold: it crashed the scan.
    write(tmp_path / "c.jsonl", '{"id": "x\\udfff", "text": "Hello \\ud800 world."}\n{"text": "Fine \\ud83d\\ude00 pair."}\n')
    docs, problems, _ = read_documents([str(tmp_path)])
    assert [(d.id, d.text) for d in docs] == [("x\ufffd", "Hello \ufffd world."), ("c.jsonl:2", "Fine \U0001F600 pair.")]
    assert [p.message for p in problems] == ["c.jsonl:1: a lone surrogate escape (\\ud800-\\udfff) read as U+FFFD"]
    from paradup.cli import main

    write(tmp_path / "d.jsonl", '{"text": "Hello \\ud800 world."}\n')  # a copy: a cluster quotes its text
    assert main(["scan", str(tmp_path), "-f", "json", "-o", str(tmp_path / "r.json")]) == 0
    assert '"preview": "Hello \ufffd world."' in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_bad_jsonl_lines_are_reported_and_other_records_read(tmp_path):
    write(tmp_path / "c.jsonl", jsonl(
        {"text": "good one"},
        '{"text": "broken" "x": 1}',
        "[1, 2]",
        {"title": "no text"},
        {"text": ["not", "a", "string"]},
        {"text": "good two"},
    ))  # fmt: skip
    docs, problems, _ = read_documents([str(tmp_path)])
    assert [doc.text for doc in docs] == ["good one", "good two"]
    assert [doc.record for doc in docs] == [0, 5]
    assert messages_for(problems, "c.jsonl") == [
        "c.jsonl:2: not valid JSON (Expecting ',' delimiter); record skipped",
        "c.jsonl:3: not a JSON object; record skipped",
        "c.jsonl:4: no 'text' field; record skipped",
        "c.jsonl:5: field 'text' is not a string (got list); record skipped",
    ]


def test_many_bad_jsonl_lines_are_summarised(tmp_path):
    write(tmp_path / "c.jsonl", jsonl({"text": "ok"}, *["nope"] * 30))
    docs, problems, _ = read_documents([str(tmp_path)])
    assert len(docs) == 1
    assert len(problems) == 21
    assert problems[-1].message == "c.jsonl: 10 more bad lines skipped"


def test_duplicate_jsonl_id_is_an_input_error_naming_file_and_line(tmp_path):
    write(tmp_path / "c.jsonl", jsonl({"id": 1, "text": "a"}, {"id": "1", "text": "b"}))
    with pytest.raises(InputError, match=r"c\.jsonl:2: duplicate document id '1'.*c\.jsonl:1"):
        read_documents([str(tmp_path)])


# --- symlinks, unreadable files --------------------------------------------


def test_symlinked_folders_are_followed(tmp_path):
    write(tmp_path / "elsewhere" / "x.txt", "X")
    write(tmp_path / "corpus" / "a.txt", "A")
    os.symlink(tmp_path / "elsewhere", tmp_path / "corpus" / "linked")
    docs, problems, _ = read_documents([str(tmp_path / "corpus")])
    assert paths_of(docs) == ["a.txt", "linked/x.txt"]
    assert problems == ()


def test_symlink_loop_is_reported_and_not_fatal(tmp_path):
    write(tmp_path / "sub" / "a.txt", "A")
    os.symlink(tmp_path, tmp_path / "sub" / "up")
    os.symlink("self", tmp_path / "self")  # points at itself: ELOOP
    docs, problems, _ = read_documents([str(tmp_path)])
    assert paths_of(docs) == ["sub/a.txt"]
    assert set(problems) == {
        InputProblem("sub/up", "symlink loop skipped"),
        InputProblem("self", "symlink loop skipped"),
    }


def test_broken_symlink_is_reported(tmp_path):
    write(tmp_path / "a.txt", "A")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    docs, problems, _ = read_documents([str(tmp_path), str(tmp_path / "dangling.txt")])
    assert paths_of(docs) == ["a.txt"]
    assert problems == (InputProblem("dangling.txt", "broken symlink skipped"),) * 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_inside_a_folder_is_skipped_silently(tmp_path):
    # Reading one would wait for a writer forever; it is no document, so no problem is reported either.
    write(tmp_path / "a.txt", "A")
    os.mkfifo(tmp_path / "pipe.txt")
    docs, problems, _ = read_documents([str(tmp_path)])
    assert paths_of(docs) == ["a.txt"]
    assert problems == ()


def test_unreadable_file_is_reported_and_the_rest_read(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", "A")
    locked = write(tmp_path / "locked.txt", "L")

    real_open = os.open

    def guarded_open(path, *args, **kwargs):
        # Tests may run as root, where chmod 000 does not stop reading.
        if os.path.basename(path) == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(inputs.os, "open", guarded_open)
    docs, problems, _ = read_documents([str(tmp_path)])
    assert paths_of(docs) == ["a.txt"]
    message = "cannot read file (Permission denied); skipped"
    assert problems == (InputProblem("locked.txt", message),)
    assert locked.exists()


# --- fatal errors ----------------------------------------------------------


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder: .*nowhere"):
        read_documents([str(tmp_path / "nowhere")])


def test_no_paths_is_an_input_error():
    with pytest.raises(InputError, match="no paths given"):
        read_documents([])


def test_empty_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"no documents found in .*looked for \.txt, \.md"):
        read_documents([str(tmp_path)])


def test_folder_of_only_skipped_files_names_a_problem_in_the_error(tmp_path):
    write(tmp_path / "a.txt", b"\x00binary")
    with pytest.raises(InputError, match="1 skipped, e.g. a.txt: binary file skipped"):
        read_documents([str(tmp_path)])


def test_docstring_examples_run():
    assert doctest.testmod(inputs).failed == 0


def test_a_file_reached_twice_by_link_or_by_name_is_read_once(tmp_path):
    write(tmp_path / "docs" / "a.txt", "A")
    (tmp_path / "docs" / "link.txt").symlink_to(tmp_path / "docs" / "a.txt")
    os.link(tmp_path / "docs" / "a.txt", tmp_path / "hard.txt")
    docs, problems, _ = read_documents([str(tmp_path / "docs"), str(tmp_path / "docs" / "a.txt"), str(tmp_path / "hard.txt")])
    assert paths_of(docs) == ["docs/a.txt"] and problems == ()


def test_a_files_format_follows_its_suffix_as_pathlib_reads_it():
    from pathlib import Path

    from paradup.inputs import FORMATS, _format_of

    for name in ["a.txt", "A.TXT", ".bashrc", "a.", "..a", "a..", "dir.d/file", "dir.d/f.md", "x.tar.gz", "README",
                 "v1.2/notes.", "a/.hidden.md", "x.jsonl", "x.HTM", "y.html", ".", "b.png"]:
        suffix = Path(name).suffix.lower()
        assert _format_of(name) == ("text" if not suffix else FORMATS.get(suffix)), name
