"""``aqfake`` command line: ``serve`` a fake Aquarium on loopback, run the ``demo``, or
``verify`` recorded cassettes against the fake.

``aqfake serve`` prints the base URL as its first stdout line (flushed at once, so a parent
process can read it and connect) and serves until SIGINT or SIGTERM, then exits with code 0.
``--anchor`` fixes the day the demo lab's timestamps end at, so a lab (and a recording made
against it) is the same whatever day it is built.

``aqfake verify CASSETTE...`` seeds a fake from the cassettes, replays every recorded request
against it, prints the per-endpoint table and exits 1 when the share of reproduced answers is
below ``--min-fidelity``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from .app import FakeAquarium, LabSpec
from .transport import LiveServer

LABS = ("demo", "empty")
DEFAULT_MIN_FIDELITY = 0.95


def anchor_date(text: str) -> dt.datetime:
    """``--anchor``: an ISO date or date-time; naive values are UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date such as 2026-01-01 or 2026-01-01T00:00:00+00:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def fidelity_fraction(text: str) -> float:
    """``--min-fidelity``: a number between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction between 0 and 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aqfake", description="An in-memory Aquarium server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="serve a fake Aquarium over HTTP; prints its URL first"
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    serve.add_argument("--lab", choices=LABS, default="demo", help="the data to start with")
    serve.add_argument("--seed", type=int, default=0, help="random seed of the demo lab")
    serve.add_argument(
        "--anchor",
        type=anchor_date,
        default=None,
        help="end of the lab's 60-day timeline, e.g. 2026-01-01 (default: today 00:00 UTC)",
    )
    commands.add_parser("demo", help="start a fake with the demo lab and run an example session")
    verify = commands.add_parser(
        "verify", help="replay cassettes against a fake seeded from them; report the drift"
    )
    verify.add_argument("cassettes", nargs="+", metavar="CASSETTE", help="cassette files")
    verify.add_argument(
        "--min-fidelity",
        type=fidelity_fraction,
        default=DEFAULT_MIN_FIDELITY,
        help=f"exit 1 below this share of reproduced answers (default {DEFAULT_MIN_FIDELITY})",
    )
    return parser


def lab_spec(lab: str, seed: int, anchor: dt.datetime | None) -> LabSpec:
    """The named lab, pinned to ``anchor`` when one is given."""
    if anchor is None:
        return lab

    def build(store: Any) -> None:
        from .lab import build_lab

        build_lab(store, lab, seed=seed, anchor=anchor)

    return build


def serve(host: str, port: int, lab: str, seed: int, anchor: dt.datetime | None = None) -> int:
    """Serve until SIGINT/SIGTERM; the first stdout line is the base URL."""
    fake = FakeAquarium(lab_spec(lab, seed, anchor), seed=seed)
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with LiveServer(fake, host=host, port=port) as server:
            print(server.url, flush=True)
            while not stop.wait(1.0):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def demo(out: TextIO | None = None) -> int:
    """Serve the demo lab on a loopback port and walk through it with ``aqsession.AqSession``."""
    from aqsession import AqSession

    write = functools.partial(print, file=out or sys.stdout, flush=True)
    fake = FakeAquarium("demo")
    with LiveServer(fake) as server:
        write(f"Fake Aquarium with the demo lab at {server.url}")
        session = AqSession("neptune", "aquarium", server.url)
        write(f"Signed in as {session.login!r}: {session.current_user.name}")
        sample_types = session.SampleType.all()
        write(f"{len(sample_types)} sample types: {', '.join(st.name for st in sample_types)}")
        primer_type = session.SampleType.find_by_name("Primer")
        primers = session.Sample.where({"sample_type_id": primer_type.id})
        write(f"{len(primers)} primers, for example:")
        for primer in primers[:3]:
            write(f"  #{primer.id} {primer.name} ({len(primer.items)} items)")
        for item in session.Item.last(3):
            write(f"Item #{item.id}: {item.object_type.name} at {item.location!r}")
        requests_by_route = Counter(
            f"{e.method} {e.path} -> {e.status}" for e in fake.journal.entries
        )
        write(f"The fake answered {len(fake.journal)} requests:")
        for route, times in requests_by_route.items():
            write(f"  {times:3d} x {route}")
        write("Serve it for other processes with: aqfake serve --port 0 --lab demo")
    return 0


def verify(paths: Sequence[str], min_fidelity: float, out: TextIO | None = None) -> int:
    """Print the drift table of the cassettes; 0 when fidelity reaches ``min_fidelity``."""
    from .cassettes.verify import verify as verify_cassettes

    write = functools.partial(print, file=out or sys.stdout)
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        print(f"aqfake verify: no such cassette file: {', '.join(missing)}", file=sys.stderr)
        return 2
    report = verify_cassettes(paths)
    write(report.table())
    if report.fidelity < min_fidelity:
        write(
            f"FAILED: the fake reproduced {report.fidelity:.1%} of the recorded answers, below "
            f"--min-fidelity {min_fidelity:.1%}. The differences are listed above; either the "
            "fake drifted from the server or the cassettes need re-recording."
        )
        return 1
    write(f"OK: fidelity {report.fidelity:.1%} (minimum {min_fidelity:.1%})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "verify":
        return verify(args.cassettes, args.min_fidelity)
    if args.command == "serve":
        try:
            return serve(args.host, args.port, args.lab, args.seed, args.anchor)
        except OSError as exc:
            print(f"aqfake: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 1
    return demo()


if __name__ == "__main__":
    sys.exit(main())
