"""``aqfake`` command line: ``serve`` a fake Aquarium on loopback, run the ``demo``, or
``verify`` recorded cassettes against the fake.

``aqfake serve`` prints the base URL as its first stdout line (flushed at once, so a parent
process can read it and connect) and serves until SIGINT or SIGTERM, then exits with code 0.
``--anchor`` fixes the day the demo lab's timestamps end at, so a lab (and a recording made
against it) is the same whatever day it is built. ``--size small|medium|large|N`` grows the demo
lab (a progress bar shows on stderr when the build takes over a second); ``--import FILE``
starts from the Docker seed plus the types of an ``.aq`` export or a JSON type list.
``--data FILE`` keeps the store across restarts (see :mod:`aqfake.persistence`); the page
``/_aqfake/`` shows the fake's state.
``--fault SPEC`` (repeatable) and ``--fault-seed`` inject faults from the start (see
:mod:`aqfake.faults`). The control token is printed on stderr at start; ``/_aqfake/*`` requires
it when the server is bound beyond loopback (``--host 0.0.0.0``, which also prints a warning) or
with ``--require-token``.

``aqfake verify CASSETTE...`` seeds a fake from the cassettes, replays every recorded request
against it, prints the per-endpoint table and exits 1 when the share of reproduced answers is
below ``--min-fidelity``.

``aqfake record CASSETTE --url URL`` starts a recording proxy in front of a real server (see
:mod:`aqfake.proxy`): point any client at the URL it prints, and the traffic is recorded,
scrubbed, into the cassette, which is written when the proxy stops (SIGINT/SIGTERM).
``aqfake replay CASSETTE`` serves a cassette over HTTP to any client, without a server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import secrets
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

import yaml

from . import persistence
from .app import CONTROL_TOKEN_HEADER, FakeAquarium, LabSpec
from .cassettes import RECORD_MODES, REPEAT_POLICIES, SecretLeakError
from .faults import KINDS, Fault, FaultError, parse_fault
from .persistence import DataFile, DataFileError
from .transport import DEFAULT_READ_TIMEOUT_SECONDS, LiveServer, is_loopback

LABS = ("demo", "empty")
DEFAULT_MIN_FIDELITY = 0.95
ENV_URL, ENV_PASSWORD = "AQ_URL", "AQ_PASSWORD"
ENV_TOKEN = "AQFAKE_TOKEN"


def anchor_date(text: str) -> dt.datetime:
    """``--anchor``: an ISO date or date-time; naive values are UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date such as 2026-01-01 or 2026-01-01T00:00:00+00:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def lab_size(text: str) -> str | int:
    """``--size``: a preset name or a number of samples."""
    from .lab import sample_count

    try:
        sample_count(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return int(text) if text.strip().isdigit() else text.strip().lower()


def fault_spec(text: str) -> Fault:
    """``--fault``: a fault description (see :func:`aqfake.faults.parse_fault`)."""
    try:
        return parse_fault(text)
    except FaultError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
        "--size",
        type=lab_size,
        default=None,
        help="how big the demo lab is: small, medium (default: 600 samples), large (100,000 "
        "samples) or a number of samples",
    )
    serve.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        default=None,
        help="start from the Docker seed plus the types in FILE: an Aquarium .aq workflow "
        "export or a JSON list of sample, object and operation types (instead of --lab)",
    )
    serve.add_argument(
        "--anchor",
        type=anchor_date,
        default=None,
        help="end of the lab's 60-day timeline, e.g. 2026-01-01 (default: today 00:00 UTC)",
    )
    serve.add_argument(
        "--cassette",
        dest="cassettes",
        action="append",
        default=[],
        metavar="CASSETTE",
        help="seed the store from the records in this cassette instead of --lab (repeatable); "
        "recorded users sign in with the password <AQ:password>",
    )
    serve.add_argument(
        "--data",
        metavar="FILE",
        default=None,
        help="keep the store in FILE: loaded at start if it exists, written atomically on "
        "SIGINT/SIGTERM and on POST /_aqfake/save (a corrupt file is an error, never "
        "overwritten)",
    )
    serve.add_argument(
        "--fault",
        dest="faults",
        action="append",
        type=fault_spec,
        default=[],
        metavar="SPEC",
        help="inject a fault (repeatable): KIND[,field=value...] or a JSON object, e.g. "
        "'status,route=POST /json/save,status=502,times=1' or 'latency,seconds=0.2'; kinds: "
        + ", ".join(KINDS),
    )
    serve.add_argument(
        "--fault-seed", type=int, default=0, help="seed of the faults' random schedule"
    )
    serve.add_argument(
        "--token",
        default=os.environ.get(ENV_TOKEN) or None,
        help=f"the control token (default: ${ENV_TOKEN}, else a random one, printed at start)",
    )
    serve.add_argument(
        "--require-token",
        action="store_true",
        help="require the control token on loopback too (always required beyond loopback)",
    )
    serve.add_argument(
        "--read-timeout",
        type=float,
        default=DEFAULT_READ_TIMEOUT_SECONDS,
        help="seconds a connection may stay silent before it is closed "
        f"(default {DEFAULT_READ_TIMEOUT_SECONDS:g})",
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
    record = commands.add_parser(
        "record",
        help="record a session of any client through a proxy; prints its URL first",
        description="Record a session of any client through a proxy in front of a real "
        f"server. The server is --url, or ${ENV_URL} when --url is not given; ${ENV_PASSWORD}, "
        "if set, is scrubbed wherever it appears.",
    )
    record.add_argument("cassette", metavar="CASSETTE", help="the cassette file to write")
    record.add_argument(
        "--url",
        default=os.environ.get(ENV_URL),
        required=not os.environ.get(ENV_URL),
        help=f"the Aquarium server to record from; required unless ${ENV_URL} is set, which "
        "it defaults to",
    )
    record.add_argument(
        "--record-mode",
        choices=[m for m in RECORD_MODES if m != "none"],
        default="once",
        help="once (default: new cassette; an existing one is replayed, nothing new recorded), "
        "new_episodes, all or rewrite",
    )
    replay = commands.add_parser(
        "replay", help="serve a cassette over HTTP without any server; prints its URL first"
    )
    replay.add_argument("cassette", metavar="CASSETTE", help="the cassette file to serve")
    for command in (record, replay):
        command.add_argument("--host", default="127.0.0.1", help="interface to bind")
        command.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
        command.add_argument(
            "--repeats",
            choices=REPEAT_POLICIES,
            default="last",
            help="a request asked more often than recorded gets the last answer again (last, "
            "default) or fails (once)",
        )
    return parser


def lab_spec(
    lab: str,
    seed: int,
    anchor: dt.datetime | None,
    size: str | int | None = None,
    out: TextIO | None = None,
) -> LabSpec:
    """The named lab of ``size``, pinned to ``anchor`` when one is given; built straight into
    the fake's store with a progress bar on ``out`` (stderr) that shows after a second."""
    if anchor is None and size is None:
        return lab

    def build(store: Any) -> None:
        from tqdm import tqdm

        from .lab import build_lab

        with tqdm(desc=f"building the {lab} lab", unit=" units", delay=1.0,
                  file=out or sys.stderr, leave=False) as bar:  # fmt: skip

            def advance(units: int, total: int) -> None:
                bar.total = total
                bar.update(units)

            build_lab(store, lab, seed=seed, anchor=anchor, size=size, progress=advance)

    return build


def serve(
    host: str,
    port: int,
    lab: str,
    seed: int,
    anchor: dt.datetime | None = None,
    size: str | int | None = None,
    import_file: str | None = None,
    data: str | None = None,
    cassettes: Sequence[str] = (),
    *,
    faults: Sequence[Fault] = (),
    fault_seed: int = 0,
    token: str | None = None,
    require_token: bool = False,
    read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
) -> int:
    """Serve until SIGINT/SIGTERM; the first stdout line is the base URL. The store holds the
    lab (grown to ``size``), or the types of ``import_file``, or the records of ``cassettes``.
    With ``data``, the store is loaded from that file first and written back to it when the
    server stops. The control token is printed on stderr (and required beyond loopback or with
    ``require_token``)."""
    origin: dict[str, Any]
    if cassettes and (size is not None or import_file is not None):
        print(
            "aqfake serve: --cassette seeds the store from recordings; "
            "leave out --size and --import, or serve without --cassette",
            file=sys.stderr,
        )
        return 2
    if cassettes:
        failed = _unreadable("serve", cassettes)
        if failed:
            return failed
        fake = FakeAquarium.from_cassettes(cassettes)
        origin = {"cassettes": [os.path.abspath(c) for c in cassettes]}
    else:
        if import_file is not None:
            from .lab.importing import imported_lab

            spec: LabSpec = imported_lab(import_file, seed)
        else:
            spec = lab_spec(lab, seed, anchor, size)
        fake = FakeAquarium(spec, seed=seed)
        origin = {"name": lab, "seed": seed}
        if size is not None:
            origin["size"] = size
        if import_file is not None:
            origin["import"] = import_file
    data_file = None
    if data is not None:
        data_file = DataFile(data, origin)
        try:
            data_file.check_writable()
            loaded = data_file.load_into(fake)
        except DataFileError as exc:
            print(f"aqfake serve: {exc}. The file was left as it is.", file=sys.stderr)
            return 2
        persistence.attach(fake, data_file)
        if loaded is None:
            print(f"aqfake serve: {data} does not exist yet; it is written on shutdown and on "
                  "POST /_aqfake/save", file=sys.stderr)  # fmt: skip
        else:
            print(f"aqfake serve: loaded {loaded.rows} rows from {data} (saved "
                  f"{loaded.saved_at})", file=sys.stderr)  # fmt: skip
    fake.faults.reseed(fault_seed)
    fake.faults.extend(faults)
    token = token or secrets.token_urlsafe(24)
    required = require_token or not is_loopback(host)
    if required:
        fake.control_token = token
    print(
        f"aqfake serve: control token {token} (send it as the {CONTROL_TOKEN_HEADER} header to "
        f"/_aqfake/*; {'required' if required else 'not required on loopback'})",
        file=sys.stderr,
        flush=True,
    )
    for fault in fake.faults:
        print(f"aqfake serve: fault {fault.label} on {fault.route}", file=sys.stderr, flush=True)
    server = LiveServer(fake, host=host, port=port, read_timeout=read_timeout)
    status = run_until_signalled(server)
    if data_file is not None:
        try:
            rows = data_file.save(fake)
        except DataFileError as exc:
            print(f"aqfake serve: {exc}", file=sys.stderr)
            return 1
        print(f"aqfake serve: saved {rows} rows to {data}", file=sys.stderr)
    return status


def run_until_signalled(server: Any) -> int:
    """Start ``server`` (a context manager with a ``url``), print the URL as the first stdout
    line, and stop it cleanly on SIGINT or SIGTERM."""
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with server:
            print(server.url, flush=True)
            while not stop.wait(1.0):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def rerecord_advice(cassette: str) -> str:
    """How to record ``cassette`` again, shown with a request it cannot answer."""
    return (
        "If the client now asks something new, the cassette is out of date. To record it again "
        f"against a server: {ENV_URL}=... aqfake record {cassette} --record-mode rewrite"
    )


def cassette_problem(path: str) -> str | None:
    """Why ``path`` is not a readable cassette, or ``None`` when it is one."""
    from .cassettes.seed import load_exchanges

    try:
        load_exchanges([path])
    except KeyError as exc:
        return f"an interaction has no {exc} entry"
    except (ValueError, TypeError, AttributeError, yaml.YAMLError) as exc:
        return " ".join(str(exc).split()) or type(exc).__name__
    return None


def _unreadable(command: str, paths: Sequence[str]) -> int | None:
    """Exit code 2 after naming a missing or unreadable cassette; ``None`` when all are fine."""
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        print(f"aqfake {command}: no such cassette file: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in paths:
        problem = cassette_problem(path)
        if problem is not None:
            print(f"aqfake {command}: {path} is not a cassette: {problem}", file=sys.stderr)
            return 2
    return None


def record(args: argparse.Namespace) -> int:
    """Record through a proxy until SIGINT/SIGTERM; then the cassette is written."""
    from .proxy import CassetteProxy

    if os.path.exists(args.cassette) and (failed := _unreadable("record", [args.cassette])):
        return failed
    try:
        proxy = CassetteProxy(
            args.cassette,
            args.url,
            record_mode=args.record_mode,
            password=os.environ.get(ENV_PASSWORD) or None,
            repeats=args.repeats,
            host=args.host,
            port=args.port,
            advice=rerecord_advice(args.cassette),
        )
    except ValueError as exc:
        print(f"aqfake record: {exc}", file=sys.stderr)
        return 2
    try:
        run_until_signalled(proxy)
    except SecretLeakError as exc:
        print(f"aqfake record: {exc}", file=sys.stderr)
        return 1
    missed = _report_misses(proxy.misses)
    if proxy.written is None:
        print(f"aqfake record: nothing recorded, no file written ({args.cassette})",
              file=sys.stderr)  # fmt: skip
    else:
        print(f"aqfake record: wrote {proxy.written} interactions to {args.cassette}",
              file=sys.stderr)  # fmt: skip
    return missed


def replay(args: argparse.Namespace) -> int:
    """Serve a cassette until SIGINT/SIGTERM."""
    from .proxy import CassetteProxy

    failed = _unreadable("replay", [args.cassette])
    if failed:
        return failed
    proxy = CassetteProxy(
        args.cassette,
        repeats=args.repeats,
        host=args.host,
        port=args.port,
        advice=rerecord_advice(args.cassette),
    )
    run_until_signalled(proxy)
    return _report_misses(proxy.misses)


def _report_misses(misses: list[str]) -> int:
    """Print what the cassette could not answer; 1 if anything, else 0."""
    for miss in misses:
        print(miss, file=sys.stderr)
    if misses:
        print(f"aqfake: {len(misses)} request(s) were not in the cassette", file=sys.stderr)
    return 1 if misses else 0


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
        python = os.path.relpath(sys.executable) if sys.executable else "python"
        write(f"Serve it for other processes with: {python} -m aqfake serve --port 0 --lab demo")
    return 0


def verify(paths: Sequence[str], min_fidelity: float, out: TextIO | None = None) -> int:
    """Print the drift table of the cassettes; 0 when fidelity reaches ``min_fidelity``."""
    from .cassettes.verify import verify as verify_cassettes

    write = functools.partial(print, file=out or sys.stdout)
    failed = _unreadable("verify", paths)
    if failed:
        return failed
    report = verify_cassettes(paths, FakeAquarium)
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
    """Run the ``aqfake`` command line; returns the process exit status."""
    args = _parser().parse_args(argv)
    if args.command == "verify":
        return verify(args.cassettes, args.min_fidelity)
    if args.command in ("record", "replay"):
        try:
            return record(args) if args.command == "record" else replay(args)
        except OSError as exc:
            print(f"aqfake {args.command}: cannot serve on {args.host}:{args.port}: {exc}",
                  file=sys.stderr)  # fmt: skip
            return 1
    if args.command == "serve":
        try:
            if args.size is not None and args.lab != "demo":
                print(f"aqfake serve: --size grows the demo lab only, not {args.lab!r}",
                      file=sys.stderr)  # fmt: skip
                return 2
            return serve(
                args.host,
                args.port,
                args.lab,
                args.seed,
                args.anchor,
                args.size,
                args.import_file,
                args.data,
                args.cassettes,
                faults=args.faults,
                fault_seed=args.fault_seed,
                token=args.token,
                require_token=args.require_token,
                read_timeout=args.read_timeout,
            )
        except ValueError as exc:
            print(f"aqfake serve: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"aqfake: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 1
    return demo()


if __name__ == "__main__":
    sys.exit(main())
