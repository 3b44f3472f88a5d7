"""Write reports: to stdout, or atomically to a file that is never an input."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from paradup.model import InputError


def write_output(text: str | Iterable[str | memoryview], output: Path | None, inputs: Sequence[str] = ()) -> None:
    """Write ``text`` (a string, or its pieces: strings, or UTF-8 bytes) to ``output``, or to stdout when
    ``output`` is None.

    The file is written to a temporary file beside it and renamed into place,
    so a crash leaves the old file or the new one, never half of one.

    Raises:
        InputError: ``output`` is a folder, is in a folder that does not
            exist, or is one of the ``inputs``.
    """
    chunks = [text] if isinstance(text, str) else text
    if output is None:
        try:
            # Bytes, so a report quoting any text reaches a pipe or file whatever the locale's encoding.
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is not None:
                sys.stdout.flush()
                for chunk in chunks:
                    buffer.write(_encoded(chunk))
                buffer.flush()
            else:
                for chunk in chunks:
                    sys.stdout.write(chunk if isinstance(chunk, str) else bytes(chunk).decode("utf-8"))
                sys.stdout.flush()
        except BrokenPipeError:
            # The reader (| head, say) has gone: that is not an error.  Point
            # stdout at devnull so the interpreter's final flush is quiet too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    _check_target(output, inputs)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(_encoded(chunk))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode(output))
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _encoded(chunk: str | memoryview) -> bytes | memoryview:
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _mode(output: Path) -> int:
    """Keep the mode of a file being replaced; a new file gets 0o666 less the umask, as open() would."""
    if output.exists():
        return output.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _check_target(output: Path, inputs: Sequence[str]) -> None:
    if output.is_dir():
        raise InputError(f"--output {output} is a folder; give a file name")
    if not output.parent.is_dir():
        raise InputError(f"--output {output}: folder {output.parent} does not exist")
    if output.exists():
        for path in inputs:
            if path != "-" and Path(path).exists() and _inside(output, Path(path)):
                raise InputError(f"--output {output} is one of the inputs; paradup never writes over its input")


def _inside(output: Path, path: Path) -> bool:
    out, src = output.resolve(), path.resolve()
    return out == src or (src.is_dir() and src in out.parents)
