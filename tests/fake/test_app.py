"""FakeAquarium: routing, Aquarium's error answers, the 501 table, state and WSGI."""

from __future__ import annotations

import io
import logging

import pytest
from tiny_lab import NEPTUNE_TOKEN, tiny_fake, tiny_lab

from aqfake.app import FakeAquarium, discover_routes, seeded_snapshot
from aqfake.errors import NotFound
from aqfake.routing import Auth, Context, Route
from aqfake.wire import Request, Response, json_response

AUTH = {"Cookie": f"remember_token_YourLab_production={NEPTUNE_TOKEN}"}


def boom(ctx: Context) -> Response:
    raise ZeroDivisionError("handler bug")


def missing(ctx: Context, id: str, format: str | None = None) -> Response:
    raise NotFound(f"no thing {id}")


def echo(ctx: Context, id: str, format: str | None = None) -> Response:
    return json_response({"id": id, "format": format, "params": ctx.params})


EXTRA = [
    Route("GET", "/boom", boom),
    Route("GET", "/things/:id", missing),
    Route("POST", "/echo/:id", echo),
]


@pytest.fixture
def fake() -> FakeAquarium:
    return tiny_fake(routes=EXTRA)


def get(fake: FakeAquarium, path: str, method: str = "GET", body: bytes = b"", **headers: str):
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
    return fake.handle(Request(method, path, query, {**AUTH, **headers}, body))


@pytest.mark.parametrize("path", ["/no/such/route.json", "/sessions/1.json"])
def test_unknown_json_route_is_404_json(fake, path):
    response = get(fake, path)
    assert response.status == 404
    assert response.json() == {"status": "404", "error": "Not Found"}
    assert response.header("Content-Type") == "application/json; charset=utf-8"


def test_unknown_route_is_404_html_page_even_when_anonymous(fake):
    response = fake.handle(Request("GET", "/no/such/route"))
    assert response.status == 404
    assert response.header("Content-Type").startswith("text/html")
    assert b"doesn't exist (404)" in response.body


def test_not_found_raised_by_a_handler_is_404_by_format(fake):
    assert get(fake, "/things/9.json").json() == {"status": "404", "error": "Not Found"}
    assert get(fake, "/things/9").header("Content-Type").startswith("text/html")


def test_handler_exception_is_500_in_aquarium_format_and_logged(fake, caplog):
    with caplog.at_level(logging.ERROR, logger="aqfake"):
        response = get(fake, "/boom.json")
    assert response.status == 500
    assert response.json() == {"status": "500", "error": "Internal Server Error"}
    assert b"Traceback" not in response.body
    assert "ZeroDivisionError" in caplog.text
    html = get(fake, "/boom")
    assert html.status == 500
    assert b"something went wrong (500)" in html.body


def test_malformed_json_body_is_400_with_errors_before_routing(fake):
    for path in ("/echo/1", "/nowhere.json"):
        response = get(fake, path, "POST", b'{"model": ', **{"Content-Type": "application/json"})
        assert response.status == 400
        assert "problem in the JSON" in response.json()["errors"]


def test_path_params_format_and_params_reach_the_handler(fake):
    response = get(fake, "/echo/7.json?b=2", "POST", b'{"a": [], "b": 1, "c": [1, null]}')
    assert response.json() == {
        "id": "7",
        "format": "json",
        "params": {"a": None, "b": "2", "c": [1]},
    }


def test_head_is_routed_like_get(fake):
    response = get(fake, "/signin", "HEAD")
    assert response.status == 200
    assert response.body == get(fake, "/signin").body
    assert response.header("Content-Type").startswith("text/html")


def signed_in_get(fake: FakeAquarium, path: str) -> Response:
    cookie = f"{fake.cookie_name}={fake.user_token('neptune')}"
    return fake.handle(Request("GET", path, headers={"Host": "aquarium.test", "Cookie": cookie}))


def test_resource_routes_render_records_as_aquarium_does():
    fake = FakeAquarium("demo", require_up_to_date=False)
    sample = fake.store.rows("samples")[0]
    shown = signed_in_get(fake, f"/samples/{sample['id']}.json")
    assert shown.status == 200
    assert shown.json()["id"] == sample["id"] and shown.json()["name"] == sample["name"]
    users = signed_in_get(fake, "/users.json").json()
    assert {u["login"] for u in users} >= {"neptune"}
    assert not {"password_digest", "remember_token", "key"} & set(users[0]), "no secrets"
    page = signed_in_get(fake, f"/items/{fake.store.rows('items')[0]['id']}")
    assert page.status == 200 and page.header("Content-Type").startswith("text/html")
    missing = signed_in_get(fake, "/samples/999999.json")
    assert (missing.status, missing.json()) == (404, {"status": "404", "error": "Not Found"})


def test_ui_pages_are_html_and_refuse_json():
    fake = FakeAquarium("demo", require_up_to_date=False)
    assert signed_in_get(fake, "/browser").status == 200
    assert signed_in_get(fake, "/wizards/3").status == 200
    refused = signed_in_get(fake, "/launcher.json")
    assert (refused.status, refused.json()["error"]) == (406, "Not Acceptable")


def test_no_route_any_client_reaches_answers_501():
    fake = FakeAquarium("demo", require_up_to_date=False)
    for route in discover_routes():
        if route.method != "GET" or route.pattern.startswith("/_aqfake"):
            continue
        path = route.pattern.replace(":id", "1").replace(":", "x")
        assert signed_in_get(fake, path).status != 501, route


def test_page_routes_never_shadow_another_modules_routes():
    from aqfake.handlers import pages

    own = {id(route) for route in pages.ROUTES}
    others = [r for r in discover_routes() if id(r) not in own]
    for route in pages.ROUTES:
        example = route.pattern.replace(":id", "7")
        shadowed = [o for o in others if o.match(route.method, example) is not None]
        assert not shadowed, f"{route.pattern} would take over {shadowed}"


def test_resource_routes_still_run_aquarium_filters(fake):
    anonymous = fake.handle(Request("GET", "/budgets.json", headers={"Host": "aquarium.test"}))
    assert anonymous.status == 302
    assert anonymous.header("Location") == "http://aquarium.test/signin"


def test_extra_routes_take_precedence_over_builtin_ones():
    def mine(ctx: Context, format: str | None = None) -> Response:
        return json_response({"mine": True})

    fake = tiny_fake(routes=[Route("GET", "/signin", mine, Auth.NONE)])
    assert fake.handle(Request("GET", "/signin")).json() == {"mine": True}


def test_requests_are_journaled_with_parsed_body_and_status(fake):
    get(fake, "/echo/1?x=1", "POST", b'{"a": 1}', **{"Content-Type": "application/json"})
    get(fake, "/nowhere")
    get(fake, "/echo/2", "POST", b"{oops", **{"Content-Type": "application/json"})
    get(fake, "/_aqfake/health")
    entries = fake.journal.entries
    assert [(e.method, e.path, e.query, e.body, e.status) for e in entries] == [
        ("POST", "/echo/1", {"x": "1"}, {"a": 1}, 200),
        ("GET", "/nowhere", {}, None, 404),
        ("POST", "/echo/2", {}, None, 400),
    ]


def test_reset_returns_to_the_seeded_state(fake):
    fake.store.insert("users", login="extra")
    fake.store.update("users", 1, name="Renamed")
    fake.reset()
    assert [u["login"] for u in fake.store.rows("users")] == ["neptune", "rookie", "ghost"]
    assert fake.store.get("users", 1)["name"] == "Neptune"


def test_saved_snapshots_restore_by_id_and_unknown_ids_are_named(fake):
    first = fake.save_snapshot()
    fake.store.insert("users", login="later")
    second = fake.save_snapshot()
    fake.restore_snapshot(first)
    assert fake.store.count("users") == 3
    fake.restore_snapshot(second)
    assert fake.store.count("users") == 4
    with pytest.raises(KeyError, match="known: 1, 2"):
        fake.restore_snapshot("99")


def test_fakes_do_not_share_state():
    one, two = tiny_fake(), tiny_fake()
    one.store.insert("users", login="only-in-one")
    assert two.store.count("users") == 3


def test_no_lab_means_no_rows():
    assert FakeAquarium(None).store.count("users") == 0


def test_named_labs_are_built_once_per_process(monkeypatch):
    from aqfake import app

    calls: list[tuple[str, int]] = []

    class FakeLabs:
        @staticmethod
        def build_lab(store, name, seed=0):
            calls.append((name, seed))
            tiny_lab(store)

    monkeypatch.setattr(app, "_SEEDS", {})
    monkeypatch.setitem(__import__("sys").modules, "aqfake.lab", FakeLabs)
    monkeypatch.setattr(__import__("aqfake"), "lab", FakeLabs, raising=False)
    first = FakeAquarium("tiny", seed=4)
    second = FakeAquarium("tiny", seed=4)
    first.store.insert("users", login="mine")
    assert calls == [("tiny", 4)]
    assert second.store.count("users") == 3
    assert seeded_snapshot("tiny", 4).rows["users"][0]["login"] == "neptune"


def test_wsgi_entry_point_serves_the_same_answers(fake):
    captured: dict[str, object] = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, headers

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/echo/3",
        "QUERY_STRING": "q=1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "8",
        "HTTP_HOST": "lab.example:8080",
        "HTTP_COOKIE": AUTH["Cookie"],
        "SERVER_NAME": "lab.example",
        "SERVER_PORT": "8080",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b'{"a": 5}'),
    }
    body = b"".join(fake(environ, start_response))
    assert captured["status"] == "200 OK"
    assert ("Content-Type", "application/json; charset=utf-8") in captured["headers"]
    assert body == b'{"id":"3","format":null,"params":{"a":5,"q":"1"}}'
    environ.update(HTTP_COOKIE="", PATH_INFO="/echo/3", **{"wsgi.input": io.BytesIO(b"{}")})
    environ["CONTENT_LENGTH"] = "2"
    fake(environ, start_response)
    assert captured["status"] == "302 Found"
    assert ("Location", "http://lab.example:8080/signin") in captured["headers"]


def test_public_surface_is_importable_from_the_packages():
    import aqfake
    import aqsession

    assert aqfake.FakeAquarium is FakeAquarium
    assert {"FakeAquarium", "LabBuilder", "use_cassette", "LiveServer"} <= set(aqfake.__all__)
    assert aqsession.Browser.__name__ == "Browser"
    assert aqsession.ModelBase.__name__ == "ModelBase"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = aqsession.Nope
