"""``aqfake`` command line: ``serve`` a fake Aquarium on loopback, or run the ``demo``.

``aqfake serve`` prints the base URL as its first stdout line (flushed at once, so a parent
process can read it and connect) and serves until SIGINT or SIGTERM, then exits with code 0.
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from .app import FakeAquarium
from .transport import LiveServer

LABS = ("demo", "empty")


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
    commands.add_parser("demo", help="start a fake with the demo lab and run an example session")
    return parser


def serve(host: str, port: int, lab: str, seed: int) -> int:
    """Serve until SIGINT/SIGTERM; the first stdout line is the base URL."""
    fake = FakeAquarium(lab, seed=seed)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            return serve(args.host, args.port, args.lab, args.seed)
        except OSError as exc:
            print(f"aqfake: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 1
    return demo()


if __name__ == "__main__":
    sys.exit(main())
