"""Krill and uploads: upload, list, start, debug, /json/upload and the cookie-less download
(protocol sections 5.5, 5.20 and 5.21)."""

from __future__ import annotations

from typing import Any

import pytest
from planning_lab import Client, planning_lab
from urllib3 import encode_multipart_formdata

from aqfake.app import FakeAquarium
from aqfake.lab import LabBuilder
from aqfake.uploads import upload_bytes
from aqfake.wire import Request, Response

PNG = bytes(range(256)) * 3  # binary, not UTF-8


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium(planning_lab)


@pytest.fixture
def client(fake: FakeAquarium) -> Client:
    return Client(fake)


@pytest.fixture
def job(fake: FakeAquarium) -> dict[str, Any]:
    return LabBuilder(fake.store).job([1, 2])


def post_form(client: Client, path: str, fields: dict[str, Any]) -> Response:
    body, content_type = encode_multipart_formdata(fields)
    return client.call("POST", path, raw=body, content_type=content_type)


def download(fake: FakeAquarium, url: str) -> Response:
    path = url.removeprefix(fake.base_url)
    return fake.handle(Request("GET", path))  # no cookie, as pydent fetches it


def test_krill_upload_stores_bytes_served_without_a_cookie(
    fake: FakeAquarium, client: Client, job: Any
) -> None:
    response = post_form(
        client, f"/krill/upload?job={job['id']}", {"file": ("gel.png", PNG, "image/png")}
    )
    assert response.status == 200
    data = response.json()
    assert (data["job_id"], data["upload_file_name"], data["upload_file_size"]) == (
        job["id"],
        "gel.png",
        len(PNG),
    )
    assert data["upload_content_type"] == "image/png"
    assert "url" not in data
    listed = client.call("GET", f"/krill/uploads?job={job['id']}").json()["uploads"]
    assert [(u["id"], u["name"]) for u in listed] == [(data["id"], "gel.png")]
    served = download(fake, listed[0]["url"])
    assert (served.status, served.body, served.header("Content-Type")) == (200, PNG, "image/png")


def test_upload_url_agrees_with_json_query_expiring_url(
    fake: FakeAquarium, client: Client, job: Any
) -> None:
    upload = post_form(
        client, f"/krill/upload?job={job['id']}", {"file": ("a b.txt", b"hello")}
    ).json()
    query = {"model": "Upload", "id": upload["id"], "methods": ["expiring_url"]}
    url = client.call("POST", "/json", query).json()["expiring_url"]
    assert download(fake, url).body == b"hello"


def test_krill_upload_without_job_stores_null_job(client: Client) -> None:
    for suffix in ("", "?job=None"):
        data = post_form(client, f"/krill/upload{suffix}", {"file": ("x.txt", b"x")}).json()
        assert data["job_id"] is None


def test_krill_upload_unknown_job_or_missing_file_is_500(client: Client, job: Any) -> None:
    assert post_form(client, "/krill/upload?job=999", {"file": ("x.txt", b"x")}).status == 500
    assert post_form(client, f"/krill/upload?job={job['id']}", {"other": "x"}).status == 500
    assert client.call("POST", f"/krill/upload?job={job['id']}", {"file": "x"}).status == 500


def test_krill_upload_can_associate_with_operations_and_plans(
    fake: FakeAquarium, client: Client, job: Any
) -> None:
    fields = {"file": ("x.txt", b"x"), "assoc_operations": "true", "assoc_plans": "true"}
    upload = post_form(client, f"/krill/upload?job={job['id']}", fields).json()
    found = fake.store.lookup("data_associations", upload_id=upload["id"])
    assert sorted((da["parent_class"], da["parent_id"]) for da in found) == [
        ("Operation", 1),
        ("Operation", 2),
        ("Plan", 1),
    ]
    assert {da["key"] for da in found} == {"technician_upload"}


def test_krill_uploads_missing_job_is_404(client: Client) -> None:
    assert client.call("GET", "/krill/uploads?job=99").status == 404


def test_seeded_upload_without_bytes_downloads_as_404(
    fake: FakeAquarium, client: Client, job: Any
) -> None:
    row = LabBuilder(fake.store).upload(job, "old.jpg")
    assert upload_bytes(fake.store, row) is None
    url = client.call("GET", f"/krill/uploads?job={job['id']}").json()["uploads"][0]["url"]
    response = download(fake, url)
    assert response.status == 404 and b"metadata only" in response.body


def test_bytes_follow_snapshots_not_reused_ids(
    fake: FakeAquarium, client: Client, job: Any
) -> None:
    before = fake.save_snapshot()
    first = post_form(
        client, f"/krill/upload?job={job['id']}", {"file": ("a.txt", b"first")}
    ).json()
    fake.restore_snapshot(before)
    second = post_form(
        client, f"/krill/upload?job={job['id']}", {"file": ("b.txt", b"second!")}
    ).json()
    assert first["id"] == second["id"]
    url = client.call("GET", f"/krill/uploads?job={job['id']}").json()["uploads"][0]["url"]
    assert download(fake, url).body == b"second!"


def test_krill_start_redirects_to_the_technician_page(client: Client, job: Any) -> None:
    response = client.call("GET", f"/krill/start?job={job['id']}")
    assert response.status == 302
    assert response.header("Location") == f"http://aquarium.test/technician/{job['id']}"
    page = client.call("GET", f"/technician/{job['id']}")
    assert page.status == 200 and page.header(
        "Content-Type",
    ).startswith("text/html")  # type: ignore[union-attr]
    assert client.call("GET", "/krill/start?job=99").status == 404


def test_krill_debug_always_answers_errors(client: Client, job: Any) -> None:
    data = client.call("GET", f"/krill/debug/{job['id']}").json()
    assert data["errors"] and data["job"]["id"] == job["id"]
    assert [op["id"] for op in data["operations"]] == [1, 2]
    missing = client.call("GET", "/krill/debug/99")
    assert (missing.status, missing.json()) == (200, {"errors": ["Couldn't find Job with 'id'=99"]})


def test_json_upload_answers_upload_with_url(fake: FakeAquarium, client: Client, job: Any) -> None:
    fields = {"files[]": ("notes.txt", b"n1"), "jobid": str(job["id"])}
    data = post_form(client, "/json/upload", fields).json()
    assert data["job_id"] == job["id"] and data["upload_file_name"] == "notes.txt"
    assert download(fake, data["url"]).body == b"n1"


def test_json_upload_under_a_wrong_field_name_is_422_naming_the_field(client: Client) -> None:
    response = post_form(client, "/json/upload", {"jobid": "1", "file": ("a.txt", b"a")})
    assert response.status == 422
    assert response.json() == {
        "errors": "No file to upload: send it as the multipart field files[] (fields sent: "
        "file, jobid)"
    }


def test_json_upload_of_a_body_that_is_not_multipart_is_422(client: Client) -> None:
    response = client.call("POST", "/json/upload", raw=b"plain", content_type="text/plain")
    assert response.status == 422 and response.json()["errors"]


def test_file_part_with_empty_name_counts_as_no_file(client: Client) -> None:
    assert post_form(client, "/json/upload", {"files[]": ("", b"")}).status == 422


def test_upload_records_when_the_file_was_stored(client: Client, job: Any) -> None:
    data = post_form(client, f"/krill/upload?job={job['id']}", {"file": ("t.txt", b"t")}).json()
    assert data["upload_updated_at"] == data["created_at"]
