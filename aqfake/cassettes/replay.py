"""An indexed vcrpy cassette: constant-time lookup, explicit repeat policy, near-miss errors.

vcrpy compares an incoming request with every recorded one in turn. :class:`AqCassette` keeps a
dict from the digest of the canonical request key (see :mod:`.matching`) to the positions
recorded under it, so finding a response costs the same for ten interactions or a hundred
thousand. A sealed cassette stores those digests, so loading one computes no keys; a position's
key is computed when a request first finds it, and a position whose key differs (two keys with
one digest) is passed over.

Repeated identical requests (Aquarium clients issue the same ``where`` more than once) follow a
policy chosen per cassette:

``"last"`` (default)
    recorded responses are played in recording order; once they are used up, the last one keeps
    answering. Reads against Aquarium are idempotent, and a client that asks again what it asked
    before (pydent's ``current_user`` does) still gets an answer.
``"once"``
    every recorded response is played at most once (vcrpy's own behaviour); asking more often
    than recorded is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException, UnhandledHTTPRequestError

from .loaded import SEALED, take_digest
from .matching import RequestKey, differences, key_digest, key_of, similarity

REPEAT_POLICIES = ("last", "once")
#: How many near misses an unmatched-request error shows.
NEAR_MISSES_SHOWN = 3
#: Shown by :class:`RequestNotInCassette` when whoever opened the cassette gave no advice.
DEFAULT_ADVICE = (
    "If the code now asks something new on purpose, record the cassette again against a server."
)
#: Longest request line shown in an error.
SHOWN_REQUEST_LENGTH = 200


class RequestNotInCassette(CannotOverwriteExistingCassetteException):  # type: ignore[misc,unused-ignore]
    """A request the cassette has no answer for, in a mode that may not record it.

    Subclasses vcrpy's exception (code catching that keeps working), with this project's own
    message: the request in canonical form (method, path, query, body; never the host, which
    matching ignores), the closest recorded requests with what differs, and the advice of
    whoever opened the cassette (the pytest plugin's or the command line's way to re-record).
    """

    def __init__(self, *, cassette: AqCassette, failed_request: Any) -> None:
        self.cassette = cassette
        self.failed_request = failed_request
        self.similar_requests = cassette.find_requests_with_most_matches(failed_request)
        self.reason = "no_match" if self.similar_requests else "nothing_similar"
        Exception.__init__(self, self._describe())

    def _describe(self) -> str:
        cassette = self.cassette
        scrubbed = cassette.filter_request(self.failed_request)  # never show a typed password
        shown = key_of(scrubbed).describe() if scrubbed else "(a request the cassette ignores)"
        mode = getattr(cassette.record_mode, "value", cassette.record_mode)
        lines = [
            f"The cassette {cassette._path} has no answer for this request "
            f"(record mode {mode!r} does not record new ones):",
            f"  {shown[:SHOWN_REQUEST_LENGTH]}",
        ]
        if self.similar_requests:
            lines.append("Closest recorded requests (what differs: request: ..., recorded: ...):")
            for number, (stored, _, failed) in enumerate(self.similar_requests, 1):
                lines.append(f"  {number}. {key_of(stored).describe()[:SHOWN_REQUEST_LENGTH]}")
                lines.append(f"     differs: {failed[0][1]}")
        else:
            lines.append("The cassette holds no recorded request at all.")
        lines.append(cassette.advice or DEFAULT_ADVICE)
        return "\n".join(lines)


class AqCassette(Cassette):  # type: ignore[misc,unused-ignore]
    """A vcrpy ``Cassette`` with an index on canonical request keys."""

    repeats: str = "last"
    #: How to record the cassette again, shown when a request is not in it.
    advice: str = ""

    def __init__(self, *args: Any, repeats: str = "last", advice: str = "", **kwargs: Any) -> None:
        if repeats not in REPEAT_POLICIES:
            raise ValueError(f"repeats must be one of {REPEAT_POLICIES}, not {repeats!r}")
        self.repeats = repeats
        self.advice = advice
        #: Key digest -> positions recorded under it, in recording order.
        self._index: dict[str, list[int]] = {}
        #: Position -> its request's key, once computed.
        self._keys: dict[int, RequestKey] = {}
        super().__init__(*args, **kwargs)

    # -- index -----------------------------------------------------------------------------------

    def append(self, request: Any, response: Any) -> None:
        """Record an interaction and index it by its canonical request key.

        An interaction loaded from a sealed cassette (see :mod:`.persist`) went through the
        recording hooks before it was written, and the objects are fresh from the file: it is
        kept as it is, without vcrpy's copy and second pass through the hooks; its key's digest,
        when the file stored it, is used as it is.
        """
        before = len(self.data)
        if getattr(request, SEALED, False):
            self.data.append((request, response))
            self.dirty = True
        else:
            super().append(request, response)
        if len(self.data) > before:
            position = len(self.data) - 1
            digest = take_digest(self.data[position][0])
            if digest is None:
                key = self._keys[position] = key_of(self.data[position][0])
                digest = key_digest(key)
            self._index.setdefault(digest, []).append(position)

    def _key(self, request: Any) -> RequestKey | None:
        filtered = self._before_record_request(request)
        return key_of(filtered) if filtered else None

    def _key_at(self, position: int) -> RequestKey:
        key = self._keys.get(position)
        if key is None:
            key = self._keys[position] = key_of(self.data[position][0])
        return key

    def _positions(self, request: Any) -> list[int]:
        """The positions recorded under ``request``'s key, in recording order."""
        key = self._key(request)
        if key is None:
            return []
        found = self._index.get(key_digest(key), ())
        return [index for index in found if self._key_at(index) == key]

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        for index in self._positions(request):
            yield index, self.data[index][1]

    def _next_index(self, request: Any) -> int | None:
        positions = self._positions(request)
        for index in positions:
            if self.play_counts[index] == 0 or self.allow_playback_repeats:
                return index
        if positions and self.repeats == "last":
            return positions[-1]
        return None

    # -- playback --------------------------------------------------------------------------------

    def __contains__(self, request: Any) -> bool:
        """Whether the cassette has a response left for ``request`` under its repeat policy."""
        return self._next_index(request) is not None

    def can_play_response_for(self, request: Any) -> bool:
        """Whether the cassette answers ``request``; raises :class:`RequestNotInCassette`
        when it does not and may not record it (vcrpy would raise its own, generic error)."""
        if super().can_play_response_for(request):
            return True
        if self.write_protected and self.filter_request(request):
            raise RequestNotInCassette(cassette=self, failed_request=request)
        return False

    def play_response(self, request: Any) -> Any:
        """The response recorded for ``request``, following the cassette's repeat policy."""
        index = self._next_index(request)
        if index is None:
            raise UnhandledHTTPRequestError(
                f"The cassette ({self._path!r}) doesn't contain the request ({request!r}) asked for"
            )
        if self.play_counts[index] == 0 and index < self._loaded_count:
            self._played_interactions.append(self.data[index])
        self.play_counts[index] += 1
        return self.data[index][1]

    def _new_interactions(self) -> list[tuple[Any, Any]]:
        old = {key_of(request) for request, _ in self._old_interactions}
        return [(q, r) for q, r in self.data if key_of(q) not in old]

    # -- near misses -----------------------------------------------------------------------------

    def find_requests_with_most_matches(self, request: Any) -> list[tuple[Any, list[str], Any]]:
        """The closest recorded requests and, for each, what differs (shown by vcrpy's error)."""
        wanted = self._key(request)
        if wanted is None or not self.data:
            return []
        scored = sorted(
            ((similarity(wanted, key_of(stored)), n) for n, (stored, _) in enumerate(self.data)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        closest: list[tuple[Any, list[str], Any]] = []
        seen: set[RequestKey] = set()
        for _, index in scored:
            stored = self.data[index][0]
            key = key_of(stored)
            if key in seen:
                continue
            seen.add(key)
            diff = differences(wanted, key)
            if not diff:
                diff = ["already played as often as recorded (repeat policy 'once')"]
            closest.append((stored, [], [("aq_canonical", "; ".join(diff))]))
            if len(closest) == NEAR_MISSES_SHOWN:
                break
        return closest
