"""A client in its own process, as a proxy's clients are (the proxy's own process is patched).

``python proxy_client.py URL ACTION [ARG]`` prints one JSON object:
``browse PASSWORD`` logs in with aqsession and browses primers; ``get PATH`` and
``post PATH JSON`` send one plain request (no redirects followed); ``cookies`` logs in with
``requests`` and reports the cookies it holds and who ``/json/current`` says it is;
``secrets`` sends credentials in headers, query and body (see :mod:`secret_upstream`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import requests

from aqsession import AqSession

TIMEOUT = 30


def browse(url: str, password: str) -> dict[str, Any]:
    session = AqSession("neptune", password, url)
    primer_type = session.SampleType.find_by_name("Primer")
    primers = session.Sample.where({"sample_type_id": primer_type.id})
    return {
        "type": primer_type.id,
        "primers": [p.id for p in primers],
        "items": sorted(i.id for i in primers[0].items),
    }


def plain(answer: requests.Response) -> dict[str, Any]:
    return {"status": answer.status_code, "location": answer.headers.get("Location"),
            "text": answer.text}  # fmt: skip


def cookies(url: str) -> dict[str, Any]:
    with requests.Session() as http:
        http.post(
            f"{url}/sessions.json",
            json={"session": {"login": "neptune", "password": "aquarium"}},
            timeout=TIMEOUT,
        )
        held = {c.name: c.value for c in http.cookies}
        me = http.get(f"{url}/json/current", timeout=TIMEOUT).json()
    return {"cookies": held, "login": me.get("login")}


def main(url: str, action: str, *args: str) -> dict[str, Any]:
    if action == "browse":
        return browse(url, args[0])
    if action == "get":
        return plain(requests.get(url + args[0], allow_redirects=False, timeout=TIMEOUT))
    if action == "post":
        body = json.loads(args[1])
        return plain(requests.post(url + args[0], json=body, allow_redirects=False,
                                   timeout=TIMEOUT))  # fmt: skip
    if action == "cookies":
        return cookies(url)
    if action == "secrets":
        from secret_upstream import send_secrets  # beside this script

        return {"statuses": send_secrets(url)}
    raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
