"""A :class:`requests.Session` that reads the environment's proxy settings once per host.

requests looks at the environment on every request (``Session.request`` calls
``merge_environment_settings``): which proxy to use for the URL's scheme, whether the host is
in ``no_proxy``, and which CA bundle to trust. On POSIX the proxy part walks and decodes the
whole of ``os.environ`` twice, which costs about 90 µs per request with 35 variables set (more
in a CI job's larger environment), a sixth of an in-process ``Sample.find``.

:class:`EnvironmentCachedSession` gives the same answers as requests (the tests hold it to
requests' own result for many environments) but remembers the proxy part per
``scheme://host:port``. What it remembers is dropped as soon as anything requests reads for
it changes: any ``*_proxy`` variable (``no_proxy`` included, in any case) or whether
``REQUEST_METHOD`` is set (under CGI requests ignores ``HTTP_PROXY``). Checking that looks at
the environment's raw keys without decoding them, a few microseconds. Where Python reads
proxies from the operating system as well (macOS and Windows), nothing is remembered and every
request asks requests, as before.
"""

from __future__ import annotations

import os
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests import sessions
from requests.utils import get_environ_proxies

#: requests' rule for combining a request's setting with the session's (untyped there).
merge_setting: Callable[[Any, Any], Any] = sessions.merge_setting
#: Where requests finds a CA bundle when ``verify`` is left at its default.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
#: Hosts remembered per session before the memory starts over (a session talks to one server).
MAX_REMEMBERED_HOSTS = 64


#: On POSIX ``os.environ`` keeps its variables as bytes (in ``_data``), encoded once when set.
_POSIX = os.name == "posix"


def _raw_environment() -> Mapping[bytes, bytes] | None:
    """``os.environ`` as the bytes it keeps on POSIX, where Python takes proxies from
    environment variables alone; None elsewhere (macOS and Windows also ask the system, so
    nothing is remembered there)."""
    if not _POSIX or urllib.request.getproxies is not urllib.request.getproxies_environment:
        return None
    raw = getattr(os.environ, "_data", None)
    return raw if type(raw) is dict else None


def environment_fingerprint(raw: Mapping[bytes, bytes]) -> tuple[Any, ...]:
    """What the proxy answer for a URL depends on: every ``*_proxy`` variable in any case, and
    whether ``REQUEST_METHOD`` is set (under CGI requests ignores ``HTTP_PROXY``)."""
    proxies = tuple(item for item in raw.items() if item[0][-6:].lower() == b"_proxy")
    return proxies, b"REQUEST_METHOD" in raw


def _merged_proxies(chosen: dict[str, str], session: Any) -> Any:
    """requests' ``merge_setting`` for two plain proxy maps, without its generic (and, since
    requests 2.32, slow) type checks: the session's entries, overridden by the request's,
    entries set to None dropped. Anything else goes to ``merge_setting`` itself."""
    if type(session) is not dict or type(chosen) is not dict:
        return merge_setting(chosen, session)
    merged = OrderedDict(session)
    merged.update(chosen)
    for name in [name for name, value in merged.items() if value is None]:
        del merged[name]
    return merged


class EnvironmentCachedSession(requests.Session):
    """A requests session whose environment lookup is remembered per host (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._forget()

    def _forget(self) -> None:
        """Remember no host's proxies (a new session, or one just unpickled)."""
        self._remembered: dict[tuple[str, str | None], dict[str, str]] = {}
        self._remembered_for: tuple[Any, ...] | None = None

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        """requests' settings for one request: the caller's, then the environment's (proxies
        and CA bundle, when :attr:`trust_env`), then the session's."""
        raw = _raw_environment()
        if not (self.trust_env and raw is not None and isinstance(url, str)):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        chosen: dict[str, str] = {} if proxies is None else proxies
        found = self._environment_proxies(raw, url, chosen.get("no_proxy"))
        for scheme, proxy in found.items():
            chosen.setdefault(scheme, proxy)
        if verify is None or verify is True:
            environ = os.environ
            verify = next(
                (environ[name] for name in CA_BUNDLE_VARIABLES if environ.get(name)), verify
            )
        return {
            "proxies": _merged_proxies(chosen, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }

    def _environment_proxies(
        self, raw: Mapping[bytes, bytes], url: str, no_proxy: str | None
    ) -> Mapping[str, str]:
        """The environment's proxies for ``url`` (empty when the host bypasses them); the
        remembered map itself, which callers only read."""
        fingerprint = environment_fingerprint(raw)
        if fingerprint != self._remembered_for or len(self._remembered) >= MAX_REMEMBERED_HOSTS:
            self._remembered = {}
            self._remembered_for = fingerprint
        scheme, separator, rest = url.partition("://")
        key = (scheme + separator + rest.split("/", 1)[0], no_proxy)  # the proxy depends on no more
        found = self._remembered.get(key)
        if found is None:
            found = self._remembered[key] = get_environ_proxies(url, no_proxy=no_proxy)
        return found

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # type: ignore[misc]  # requests has it; its stubs do not
        self._forget()
