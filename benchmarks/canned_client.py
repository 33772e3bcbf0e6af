"""Time ``session.Sample.where`` of a client (pydent or aqsession) on canned HTTP answers.

Run as a script by ``client-models``, once under pydent 1.0.11's own interpreter and once under
this project's, so both clients meet the same transport: ``requests`` with its HTTP adapter
replaced by one that answers from a table of canned responses (no sockets, no ``responses``
library, which pydent's venv does not have). Reads a JSON job on stdin::

    {"client": "pydent" | "aqsession", "url": ..., "login": ..., "password": ...,
     "cookies": {name: value}, "answers": {"<canonical(body)>": "<response text>"},
     "queries": {"<label>": {criteria}}, "repeats": n}

and prints ``{"<label>": {"seconds": median, "models": count}}`` (CPU seconds of the process,
as the in-process benchmarks measure). It imports nothing but the
standard library, ``requests`` and the client named in the job.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import cookiejar_from_dict
from requests.structures import CaseInsensitiveDict


def canonical(body: Any) -> str:
    """The key a ``/json`` body is canned under: its model, method and arguments, keys sorted
    (the two clients add different, empty extras such as ``options``)."""
    return json.dumps({k: body.get(k) for k in ("model", "method", "arguments")}, sort_keys=True)


class CannedAdapter(HTTPAdapter):
    """Answers ``POST .../sessions.json`` with the login cookies and ``POST .../json`` from the
    table; any other request is a 599 naming it, so a missing answer fails loudly."""

    def __init__(self, cookies: dict[str, str], answers: dict[str, str]) -> None:
        super().__init__()
        self.cookies = cookies
        self.answers = answers

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.request = request
        response.url = request.url
        response.encoding = "utf-8"
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        path = request.path_url.split("?")[0].rstrip("/")
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        if path.endswith("/sessions.json"):
            response.status_code = 200
            response._content = b'{"message":"Log in successful"}'
            response.cookies = cookiejar_from_dict(dict(self.cookies))
            return response
        answer = self.answers.get(canonical(json.loads(body))) if path.endswith("/json") else None
        if answer is None:
            response.status_code = 599
            response._content = json.dumps({"errors": f"not canned: {path} {body}"}).encode()
        else:
            response.status_code = 200
            response._content = answer.encode()
        return response


def install(cookies: dict[str, str], answers: dict[str, str]) -> None:
    """Make every ``requests`` session (pydent opens one per request) use the canned adapter."""
    adapter = CannedAdapter(cookies, answers)
    original = requests.Session.__init__

    def init(self: requests.Session) -> None:
        original(self)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    requests.Session.__init__ = init  # type: ignore[method-assign]


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Log in through the canned transport and time each query ``repeats`` times."""
    install(job["cookies"], job["answers"])
    if job["client"] == "pydent":
        from pydent import AqSession
    else:
        from aqsession import AqSession
    session = AqSession(job["login"], job["password"], job["url"])
    results: dict[str, Any] = {}
    for label, criteria in job["queries"].items():
        models = session.Sample.where(criteria)
        times = []
        for _ in range(job["repeats"]):
            start = time.process_time()
            session.Sample.where(criteria)
            times.append(time.process_time() - start)
        results[label] = {"seconds": statistics.median(times), "models": len(models)}
    return results


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
