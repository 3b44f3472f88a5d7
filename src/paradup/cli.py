"""The ``paradup`` command: parse, call the library, render.  No algorithm lives here."""

from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.29 carries its own copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer on real click
    from click import exceptions as click

from paradup import __version__
from paradup.model import InputError, Params
from paradup.output import write_output

app = typer.Typer(
    name="paradup",
    help="Find near-duplicate paragraphs and reprinted blocks in articles and corpora.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Threshold = Annotated[float, typer.Option(help="Jaccard similarity LSH is tuned to catch, in (0, 1]; picks bands and rows.")]
NumPerm = Annotated[int, typer.Option(help="MinHash permutations (signature length).")]
Seed = Annotated[int, typer.Option(help="Seed of the MinHash permutations (datasketch's seed).")]
ShingleSize = Annotated[int, typer.Option(help="Words per shingle.")]
MinWords = Annotated[int, typer.Option(help="Paragraphs with fewer words are matched exactly only.")]
MinSimilarity = Annotated[float, typer.Option(help="Least rapidfuzz similarity (0-1) for a near match.")]
MinJaccard = Annotated[float, typer.Option(help="Least exact shingle Jaccard (0-1) that also makes a near match.")]
MinContainment = Annotated[float, typer.Option(help="Least share of the shorter paragraph inside the longer for a containment.")]
MaxGap = Annotated[int, typer.Option(help="Paragraphs a block may skip on either side (OCR'd books with running heads: 2 or 3).")]
MinBlock = Annotated[int, typer.Option(help="Least aligned paragraph pairs that make a block.")]
Fmt = Annotated[str, typer.Option("--format", "-f", help="Report format: text, json, csv or html (compare: text or json).")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to FILE (atomically) instead of stdout.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paradup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Find near-duplicate paragraphs and reprinted blocks in articles and corpora."""


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to scan (recursive); - reads stdin.")],
    fmt: Fmt = "text",
    output: Output = None,
    threshold: Threshold = Params.threshold,
    num_perm: NumPerm = Params.num_perm,
    seed: Seed = Params.seed,
    shingle_size: ShingleSize = Params.shingle_size,
    min_words: MinWords = Params.min_words,
    min_similarity: MinSimilarity = Params.min_similarity,
    min_jaccard: MinJaccard = Params.min_jaccard,
    min_containment: MinContainment = Params.min_containment,
    max_gap: MaxGap = Params.max_gap,
    min_block: MinBlock = Params.min_block,
    include: Annotated[list[str], typer.Option(help="Only read files matching this glob (repeatable).")] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option(help="Skip files and folders matching this glob (repeatable).")] = [],  # noqa: B006
    text_field: Annotated[str, typer.Option(help="JSONL field that holds the text.")] = "text",
    hidden: Annotated[bool, typer.Option(help="Also read hidden files and folders.")] = False,
    timings: Annotated[bool, typer.Option(help="Include seconds per stage in the report.")] = True,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help=(
        "Cores to use, as threads: sketching, candidates, verification, blocks beside the clusters, the JSON "
        "report (0: one per core; the report does not depend on it)."))] = 0,
    fail_on_duplicates: Annotated[bool, typer.Option(help="Exit with 1 when duplicates are found.")] = False,
    against: Annotated[Optional[Path], typer.Option(help="Also report paragraphs seen before in this index (paradup index add).")] = None,  # noqa: E501
) -> None:
    """Report repeated paragraphs (clusters) and reprinted runs of paragraphs (blocks)."""
    from paradup.api import scan as run_scan
    from paradup.index import match_archive
    from paradup.progress import stage_reporter
    from paradup.reports import render_chunks

    params = Params(threshold=threshold, num_perm=num_perm, seed=seed, shingle_size=shingle_size,
                    min_words=min_words, min_similarity=min_similarity, min_jaccard=min_jaccard,
                    min_containment=min_containment, max_gap=max_gap, min_block=min_block)
    _check_format(fmt)
    jobs = _jobs(jobs)
    with stage_reporter() as progress:
        report = run_scan(paths, params, include=include, exclude=exclude, text_field=text_field,
                          hidden=hidden, progress=progress, jobs=jobs)
        report = match_archive(report, against)
    _warn(report.problems)
    protected = [*paths, str(against)] if against is not None else paths
    # A large report takes seconds to write (4-5 s of text at a million paragraphs): shown as a stage too, unless
    # the report itself goes to the terminal.
    shown = output is not None or not sys.stdout.isatty()
    with stage_reporter("writing the report") if shown else contextlib.nullcontext():
        write_output(render_chunks(report, fmt, timings, jobs), output, protected)
    if fail_on_duplicates and report.clusters:
        raise typer.Exit(1)


@app.command()
def compare(
    first: Annotated[str, typer.Argument(help="FILE:LINE of the first paragraph.")],
    second: Annotated[str, typer.Argument(help="FILE:LINE of the second paragraph.")],
    fmt: Fmt = "text",
    threshold: Threshold = Params.threshold,
    num_perm: NumPerm = Params.num_perm,
    seed: Seed = Params.seed,
    shingle_size: ShingleSize = Params.shingle_size,
    min_words: MinWords = Params.min_words,
    min_similarity: MinSimilarity = Params.min_similarity,
    min_jaccard: MinJaccard = Params.min_jaccard,
    min_containment: MinContainment = Params.min_containment,
) -> None:
    """Explain whether, and why, the paragraphs at two FILE:LINE places match."""
    from paradup.explain import explain, render_explanation

    _check_format(fmt, ("text", "json"))
    params = Params(threshold=threshold, num_perm=num_perm, seed=seed, shingle_size=shingle_size,
                    min_words=min_words, min_similarity=min_similarity, min_jaccard=min_jaccard,
                    min_containment=min_containment)
    typer.echo(render_explanation(explain(first, second, params), fmt), nl=False)


@app.command("params")
def show_params(
    threshold: Threshold = Params.threshold,
    num_perm: NumPerm = Params.num_perm,
    bands: Annotated[Optional[int], typer.Option(help="Bands (give with --rows to override the choice).")] = None,
    rows: Annotated[Optional[int], typer.Option(help="Rows per band (give with --bands).")] = None,
) -> None:
    """Show the LSH bands and rows for a setting and the chance each similarity is caught."""
    from paradup.explain import render_curve

    typer.echo(render_curve(Params(threshold=threshold, num_perm=num_perm, bands=bands, rows=rows)), nl=False)


def _warn(problems) -> None:
    """Print each input problem as one warning line; a message naming its file is not prefixed again."""
    for problem in problems:
        where = "" if problem.message.startswith(f"{problem.path}:") else f"{problem.path}: "
        typer.echo(f"Warning: {where}{problem.message}", err=True)


def _jobs(jobs: int) -> int:
    from paradup.parallel import default_jobs

    if jobs < 0:
        raise InputError(f"--jobs must be 0 (one per core) or more; got {jobs}")
    return jobs or default_jobs()


def _check_format(fmt: str, allowed: tuple[str, ...] | None = None) -> None:
    from paradup.reports import FORMATS

    allowed = allowed or FORMATS
    if fmt not in allowed:
        raise InputError(f"--format must be one of {', '.join(allowed)}; got {fmt!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input is one ``Error:`` line on stderr and exit code 2."""
    ctrl_c = _CtrlC()
    if argv is None:  # paradup's own process, not a caller's (tests call main with arguments)
        from paradup.jit import skip_blas_check
        from paradup.parallel import reuse_freed_memory

        skip_blas_check()
        reuse_freed_memory()
    try:
        code = app(args=argv, prog_name="paradup", standalone_mode=False)
    except InputError as exc:
        typer.echo(f"Error: {exc}", err=True)
        code = 2
    except click.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=False)
        code = 0
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        typer.echo(f"Error: {exc.format_message()}{hint}", err=True)
        code = 2
    except click.ClickException as exc:
        typer.echo(f"Error: {exc.format_message()}", err=True)
        code = 2
    except (typer.Abort, KeyboardInterrupt):
        code = ctrl_c.code
    except OSError as exc:
        typer.echo(f"Error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        code = 2
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        if _from_ctrl_c(exc):  # Ctrl-C inside a compiled kernel comes back as SystemErrors
            code = ctrl_c.code
        else:
            typer.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
            code = 2
    finally:
        if argv is not None:  # called from Python (tests); the real CLI keeps them until it has exited
            ctrl_c.restore()
        else:
            ctrl_c.finish()
    code = code if isinstance(code, int) else 0
    # Interrupted: caught above, swallowed by Python (in a weakref callback, say), or turned by typer into a silent 130.
    if ctrl_c.signum or code == 130:
        code = ctrl_c.code
        typer.echo(ctrl_c.message, err=True)
    if argv is None:
        sys.exit(code)
    return code


class _CtrlC:
    """Turn Ctrl-C and SIGTERM into a KeyboardInterrupt, and remember every one, even one that
    lands where Python cannot raise it.

    A KeyboardInterrupt raised inside a weakref callback or ``__del__`` is
    printed as "Exception ignored in ..." with a traceback, and the program
    goes on (seen: a scan interrupted while a worker pool was torn down wrote
    its report and exited 0).  While the CLI runs, such an interrupt is
    delivered again to the main thread (it stops the command, which ends with
    exit 130, or 143 for SIGTERM) instead of printed; one that comes after the
    command has finished (:meth:`finish`), while Python exits, is dropped.
    SIGTERM (``kill``) unwinds like Ctrl-C, so workers are stopped and shared
    memory removed, instead of killing this process on the spot.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._finished = False
        self._hook = sys.unraisablehook
        self._handlers: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            for signum, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
                if signal.getsignal(signum) is default:  # not ignored, not someone else's
                    self._handlers[signum] = signal.signal(signum, self._on_signal)
        sys.unraisablehook = self._on_unraisable

    @property
    def code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)

    @property
    def message(self) -> str:
        return "Error: terminated" if self.signum == signal.SIGTERM else "Error: interrupted"

    def _on_signal(self, signum, frame) -> None:
        self.signum = self.signum or signum
        if not self._finished:
            raise KeyboardInterrupt

    def _on_unraisable(self, unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            self.signum = self.signum or signal.SIGINT
            if not self._finished:  # raised again a moment later, out of this hook, where it stops the command
                timer = threading.Timer(0.01, self._deliver)
                timer.daemon = True
                timer.start()
        else:
            self._hook(unraisable)

    def _deliver(self) -> None:
        if not self._finished:
            _thread.interrupt_main(self.signum)

    def finish(self) -> None:
        """The command is over: a signal from now on is recorded, never raised."""
        self._finished = True

    def restore(self) -> None:
        self._finished = True
        sys.unraisablehook = self._hook
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)


def _from_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was caused, however indirectly, by a KeyboardInterrupt."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


from paradup.cli_dedup import register  # noqa: E402

register(app)
