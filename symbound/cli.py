"""The ``symbound`` command.

``symbound report [SPEC.toml] --out DIR`` computes a report of the problem a spec describes (the
built-in example without a spec) and writes ``report.md``, ``report.tex``, ``report.json``, PNG
figures and, when pdflatex is installed, ``report.pdf``.  ``symbound example`` prints the built-in
example's spec, a starting point for your own.  The spec format is documented in
:mod:`symbound.report.spec` and in the docs' spec reference.

Exit codes (:data:`EXIT_CODES`): 0 done; 2 bad command line or spec; 3 the output folder cannot be
written; 4 symbound rejected the problem (for example a model that returns NaN); 5 pdflatex failed
(the other files are written); 130 interrupted.  Any other failure is a bug and shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

__all__ = ["main", "build_parser", "EXIT_CODES"]

#: exit code -> meaning (the docs' CLI reference is generated from it)
EXIT_CODES = {
    0: "the report was written",
    2: "bad command line or spec (one line names the key and the allowed values)",
    3: "the output folder cannot be created or written",
    4: "symbound rejected the problem (e.g. the model fails or returns NaN, or a declared sup "
       "error is below a measured error)",
    5: "pdflatex failed on report.tex (the other files are written; the log is report.log)",
    130: "interrupted (Ctrl-C)",
}

_DESCRIPTION = ("Generalization and approximation bounds for models with exact, partial or "
                "approximate symmetry.")
_REPORT_HELP = (
    "Compute the report of the problem described by SPEC (a TOML file; without it, the built-in "
    "example, which 'symbound example' prints) and write report.md, report.tex, report.json, PNG "
    "figures and, when pdflatex is installed, report.pdf into the output folder.")
_EPILOG = "exit codes:\n" + "\n".join(
    textwrap.fill(f"{k:>3}  {v}", 79, subsequent_indent=" " * 5) for k, v in EXIT_CODES.items())


def _version() -> str:
    from . import __version__
    return __version__


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser (also used by the docs to print the help)."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="symbound", description=textwrap.fill(_DESCRIPTION, 79),
                                     epilog=_EPILOG, formatter_class=raw)
    parser.add_argument("--version", action="version", version=f"symbound {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{report,example}")
    rep = sub.add_parser("report", help="compute a report (a spec, or the built-in example)",
                         description=textwrap.fill(_REPORT_HELP, 79), epilog=_EPILOG,
                         formatter_class=raw)
    rep.add_argument("spec", nargs="?", metavar="SPEC.toml",
                     help="the problem (default: the built-in example)")
    rep.add_argument("--out", default="symbound-report", metavar="DIR",
                     help="output folder, created if needed (default: %(default)s)")
    rep.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    rep.add_argument("--points", type=int, metavar="N",
                     help="inputs drawn for the model when the spec has no [data] (overrides "
                          "[model] points; at least 10)")
    rep.add_argument("--seed", type=int, metavar="S",
                     help="seed of every random draw (overrides [report] seed)")
    rep.add_argument("--jobs", type=int, metavar="J",
                     help="processes computing the bound tables when they are long (a first "
                          "table over 2 s of CPU; default: the cores available, at most 2; the "
                          "results do not depend on it)")
    rep.add_argument("--quiet", action="store_true",
                     help="print nothing but errors (no summary, no progress bars)")
    sub.add_parser("example", help="print the built-in example's spec (TOML)",
                   description="Print the spec of the built-in example: a starting point for your "
                               "own (symbound example > my-problem.toml).")
    return parser


def _fail(code: int, message: str) -> int:
    print(f"symbound: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (see :data:`EXIT_CODES`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "example":
        from .report import example_spec_text
        sys.stdout.write(example_spec_text())
        return 0
    if args.points is not None and args.points < 10:
        parser.error(f"--points must be an integer >= 10, got {args.points}")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be an integer >= 1, got {args.jobs}")
    if args.seed is not None and args.seed < 0:
        parser.error(f"--seed must be a nonnegative integer, got {args.seed}")

    from .errors import SymboundError
    from .report import OutputError, SpecError, example_spec, load_spec, write_report
    from .report.writers import PdfError

    try:
        spec = example_spec() if args.spec is None else load_spec(args.spec)
        write_report(spec, Path(args.out), pdf=not args.no_pdf, points=args.points, seed=args.seed,
                     quiet=args.quiet, jobs=args.jobs)
    except SpecError as exc:
        return _fail(2, str(exc))
    except OutputError as exc:
        return _fail(3, exc.strerror or str(exc))
    except PdfError as exc:
        return _fail(5, str(exc))
    except SymboundError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _fail(4, f"symbound rejected the problem: {first}")
    except KeyboardInterrupt:
        return _fail(130, "interrupted")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
