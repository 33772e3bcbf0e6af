"""KrillController and uploads: file uploads, a job's upload list, starting and debugging jobs
(protocol sections 5.5, 5.20 and 5.21), and the download URL the fake puts in ``url`` /
``expiring_url``.

Uploaded bytes live in memory beside the store (:mod:`aqfake.uploads`), keyed by the upload row
they belong to, and are served without a cookie at :func:`aqfake.render.upload_url`'s address,
as Aquarium's pre-signed S3 links are. The fake never runs protocols: ``/krill/start`` only
redirects to the technician page and ``/krill/debug`` reports that nothing ran.

Departure (documented): pydent sends ``job=None`` when an upload has no job; Aquarium turns that
into job 0 and fails on the foreign key (500), the fake stores the upload with a NULL job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

from ..casting import RubyError, nil_error, not_found_message, record_id
from ..domain.records import associate, find
from ..domain.transaction import RailsTransaction
from ..errors import NotFound, redirect, server_error
from ..lab.uploads import seeded_bytes
from ..render import Renderer, upload_url
from ..routing import Auth, Context, Route
from ..store import Row
from ..uploads import store_upload_bytes, upload_bytes
from ..wire import Response, errors_response, html_response, json_response

#: Paperclip's ``restricted_characters`` (and, beyond it, control characters).
_RESTRICTED_IN_FILE_NAMES = re.compile(
    "[&$+,/:;=?@<>\\[\\]{}|\\\\^~%# \x00-\x1f\x7f-\x9f\u2028\u2029]"
)
#: ``job=`` values that mean "no job" (pydent formats a missing id as ``None``).
NO_JOB = frozenset({"", "None", "none", "null", "nil"})

# -- multipart bodies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FilePart:
    """One uploaded file of a multipart form."""

    filename: str
    content_type: str
    data: bytes


_DISPOSITION_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.S)


def disposition_params(header: str) -> dict[str, str]:
    """The parameters of a part's ``Content-Disposition`` as Rack's multipart parser reads
    them (not as e-mail does: ``filename="<a>"`` keeps its angle brackets). A quoted value
    loses its quotes, and its backslash escapes unless a backslash stands before something
    other than a quote or a backslash (so a Windows path keeps its backslashes); the first of
    repeated parameters wins."""
    params: dict[str, str] = {}
    for key, raw in _DISPOSITION_PARAM.findall(header):
        value = raw.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
            if not re.search(r'\\[^\\"]', value):
                value = re.sub(r"\\(.)", r"\1", value)
        # header bytes beyond ASCII arrive as surrogate escapes: read them as UTF-8
        text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        params.setdefault(key.lower(), text)
    return params


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, list[FilePart]]]:
    """A ``multipart/form-data`` body as (plain fields, files by field name).

    :class:`RubyError` when the body is not multipart (Rails would find no file in it).
    """
    if "multipart/form-data" not in content_type.lower():
        raise nil_error("[]")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=compat32).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, list[FilePart]] = {}
    parts = message.get_payload() if message.is_multipart() else []
    for part in parts if isinstance(parts, list) else []:
        assert isinstance(part, Message)
        disposition = next(
            (v for k, v in part.raw_items() if k.lower() == "content-disposition"), ""
        )
        params = disposition_params(disposition)
        name = params.get("name")
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = params.get("filename")
        if filename is None:
            fields[name] = data.decode("utf-8", "replace")
        elif filename:  # Rack drops a file part whose file name is empty (nothing chosen)
            kind = (
                part.get_content_type() if part.get("Content-Type") else "application/octet-stream"
            )
            files.setdefault(name, []).append(FilePart(filename, kind, data))
    return fields, files


def stored_file_name(filename: str) -> str:
    """The name an upload is kept under: Paperclip's default file-name cleaner replaces each of
    ``& $ + , / : ; = ? @ < > [ ] { } | \\ ^ ~ % #`` and space with ``_``; the fake also
    replaces control characters (a documented departure), so a name never carries a path or a
    byte that breaks a header or a log line."""
    return _RESTRICTED_IN_FILE_NAMES.sub("_", filename)


def _create_upload(tx: RailsTransaction, part: FilePart, job_id: int | None) -> Row:
    row = tx.insert(
        "uploads",
        {
            "job_id": job_id,
            "upload_file_name": stored_file_name(part.filename),
            "upload_content_type": part.content_type,
            "upload_file_size": len(part.data),
            "upload_updated_at": tx.store.clock(),
        },
    )
    store_upload_bytes(tx.store, row, part.data)
    return row


def _job_param(raw: str | None) -> int | None:
    return None if raw is None or raw in NO_JOB else record_id(raw)


# -- routes -------------------------------------------------------------------------------------


def krill_upload(ctx: Context) -> Response:
    """``POST /krill/upload?job=J``: store the multipart ``file``; with ``assoc_operations`` /
    ``assoc_plans`` = ``"true"`` also note it on the job's operations / their plans."""
    request = ctx.request
    tx = RailsTransaction(ctx.store)
    try:
        fields, files = parse_form(request.header("Content-Type"), request.body)
        if not files.get("file"):
            raise nil_error("original_filename")
        job_id = _job_param(request.query.get("job"))
        upload = _create_upload(tx, files["file"][0], job_id)
        if job_id is not None:
            _associate_upload(tx, upload, job_id, fields)
    except RubyError:
        tx.rollback()
        return server_error(request.path)
    return json_response(Renderer(ctx.store, ctx.base_url).columns("Upload", upload))


def _associate_upload(
    tx: RailsTransaction, upload: Row, job_id: int, fields: dict[str, str]
) -> None:
    ops = [
        op
        for ja in tx.store.lookup("job_associations", job_id=job_id)
        if (op := tx.store.get("operations", ja["operation_id"])) is not None
    ]
    targets: list[tuple[str, int]] = []
    if fields.get("assoc_operations") == "true":
        targets += [("Operation", op["id"]) for op in ops]
    if fields.get("assoc_plans") == "true":
        plan_ids = {
            pa["plan_id"]
            for op in ops
            for pa in tx.store.lookup("plan_associations", operation_id=op["id"])
        }
        targets += [("Plan", plan_id) for plan_id in sorted(plan_ids)]
    for parent_class, parent_id in targets:
        associate(
            tx,
            parent_class,
            parent_id,
            "technician_upload",
            upload["upload_file_name"],
            upload_id=upload["id"],
            duplicates=True,
        )


def json_upload(ctx: Context) -> Response:
    """``POST /json/upload``: the first of ``files[]`` (optional ``jobid``); Upload JSON + url."""
    request = ctx.request
    tx = RailsTransaction(ctx.store)
    try:
        fields, files = parse_form(request.header("Content-Type"), request.body)
        parts = files.get("files[]")
        if not parts:
            # Aquarium raises NoMethodError here (500); the fake names the missing field
            # with a 422, as for any refused request (see the README's fidelity table)
            named = ", ".join(sorted({*fields, *files})) or "none"
            return errors_response(
                f"No file to upload: send it as the multipart field files[] (fields sent: {named})",
                422,
            )
        upload = _create_upload(tx, parts[0], _job_param(fields.get("jobid")))
    except RubyError as exc:
        tx.rollback()
        return errors_response(str(exc), 422)
    rendered = Renderer(ctx.store, ctx.base_url).columns("Upload", upload)
    return json_response({**rendered, "url": upload_url(ctx.base_url, upload)})


def _job(ctx: Context, raw: Any) -> Row:
    job = find(ctx.store, "Job", raw, NotFound)
    return job


def krill_uploads(ctx: Context) -> Response:
    """``GET /krill/uploads?job=J``: the job's uploads with their download URLs."""
    job = _job(ctx, ctx.request.query.get("job"))
    uploads = [
        {"id": u["id"], "name": u["upload_file_name"], "url": upload_url(ctx.base_url, u)}
        for u in ctx.store.lookup("uploads", job_id=job["id"])
    ]
    return json_response({"uploads": uploads})


def krill_start(ctx: Context) -> Response:
    """``GET /krill/start?job=J``: a redirect to the technician's HTML page for the job."""
    job = _job(ctx, ctx.request.query.get("job"))
    return redirect(f"{ctx.base_url}/technician/{job['id']}")


def technician(ctx: Context, id: str) -> Response:
    """The technician page ``/krill/start`` redirects to (HTML, as in Aquarium)."""
    return html_response(f"<html><body><h1>Job {id}</h1></body></html>")


def krill_debug(ctx: Context, id: str) -> Response:
    """``GET /krill/debug/:id``: Aquarium runs the protocol; the fake reports that it cannot."""
    job = ctx.store.get("jobs", record_id(id))
    if job is None:
        return json_response({"errors": [not_found_message("Job", id)]})
    r = Renderer(ctx.store, ctx.base_url)
    ops = [
        r.columns("Operation", op)
        for ja in ctx.store.lookup("job_associations", job_id=job["id"])
        if (op := ctx.store.get("operations", ja["operation_id"])) is not None
    ]
    message = f"aqfake does not run protocols: job {job['id']} was not run in debug mode"
    return json_response({"errors": [message], "operations": ops, "job": r.columns("Job", job)})


def download(ctx: Context, id: str, name: str) -> Response:
    """The bytes of an upload, without a cookie (Aquarium's pre-signed S3 link)."""
    row = ctx.store.get("uploads", record_id(id))
    data = upload_bytes(ctx.store, row) if row is not None else None
    if row is not None and data is None:
        data = seeded_bytes(row)
    if row is None or data is None:
        text = (
            f"aqfake holds no bytes for upload {id}: it was seeded with metadata only (e.g. from a "
            "cassette); upload a file through POST /krill/upload to download it"
        )
        return Response(404, [("Content-Type", "text/plain; charset=utf-8")], text.encode())
    kind = row["upload_content_type"] or "application/octet-stream"
    return Response(200, [("Content-Type", kind)], data)


ROUTES: list[Route] = [
    Route("POST", "/krill/upload", krill_upload),
    Route("GET", "/krill/uploads", krill_uploads),
    Route("GET", "/krill/start", krill_start),
    Route("GET", "/krill/debug/:id", krill_debug),
    Route("GET", "/technician/:id", technician),
    Route("POST", "/json/upload", json_upload),
    Route("GET", "/_aqfake/uploads/:id/:name", download, Auth.NONE),
]
