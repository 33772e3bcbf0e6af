"""Done-when of the drop-in promise: a pydent 1.0.11 script runs with only ``import pydent``
changed to ``import aqsession as pydent``.

``pydent_script.py`` is written for pydent (session, interfaces, models, Browser, AQL, writes).
It runs with aqsession in-process against the fake, as a separate process against a served
fake, and against ``aqfake serve`` both unmodified under pydent 1.0.11 and changed under
aqsession (the served lab is reset in between); every run prints the same.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from aqfake.app import FakeAquarium

SCRIPT = Path(__file__).with_name("pydent_script.py")
PYDENT_IMPORT = "import pydent\n"
OUR_IMPORT = "import aqsession as pydent\n"


def pydent_source() -> str:
    return SCRIPT.read_text()


def dropin_source() -> str:
    """The script with its one import line changed, as a user would change it."""
    lines = pydent_source().splitlines(keepends=True)
    return "".join(OUR_IMPORT if line == PYDENT_IMPORT else line for line in lines)


def run_process(python: str, source: str, url: str, workdir: Path) -> dict[str, Any]:
    env = {"AQ_URL": url, "PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [python, "-c", source], capture_output=True, text=True, env=env, cwd=workdir, timeout=180
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def run_in_process(fake: FakeAquarium, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    monkeypatch.setenv("AQ_URL", fake.base_url)
    with fake.mock():
        exec(compile(dropin_source(), str(SCRIPT), "exec"), {"__name__": "__main__"})
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_only_the_import_line_changes():
    diff = [
        line
        for line in difflib.unified_diff(
            pydent_source().splitlines(), dropin_source().splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ["-import pydent", "+import aqsession as pydent"]


def test_the_script_runs_in_process_and_does_what_it_says(aq_fake, monkeypatch, capsys):
    out = run_in_process(aq_fake, monkeypatch, capsys)
    store = aq_fake.store
    assert out["logged_in"] is True and out["user"] == "neptune"
    assert out["primer"] == [1, "fwd-GFP-01", "Primer"]
    assert out["items"] == sorted(r["id"] for r in store.lookup("items", sample_id=1))
    assert out["offline"] == "ForbiddenRequestError" and out["bad_login"] == "TridentLoginError"
    assert out["missing"] is None and out["search"] == ["fwd-GFP-01"]
    assert out["associated"] == 10.5
    assert out["plan"] == ["drop-in plan", ["Rehydrate Primer"]]
    plans = [row for row in store.rows("plans") if row["name"] == "drop-in plan"]
    assert len(plans) == 1


def reset(url: str) -> None:
    """Put a served fake back to its seeded demo lab (both clients start from one state)."""
    request = urllib.request.Request(f"{url}/_aqfake/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response) == {"status": "reset"}


def test_the_script_runs_as_a_process_against_a_served_fake(aq_fake, monkeypatch, capsys,
                                                           tmp_path):  # fmt: skip
    expected = run_in_process(aq_fake, monkeypatch, capsys)
    with FakeAquarium("demo").live() as server:
        assert run_process(sys.executable, dropin_source(), server.url, tmp_path) == expected


@pytest.mark.pydent
def test_aqfake_serve_gives_both_clients_the_same_answers(
    pydent_python, live_fake, aq_fake, monkeypatch, capsys, tmp_path
):
    """``aqfake serve`` (a separate process): pydent runs the script unmodified, aqsession with
    its import changed; both print what aqsession prints in-process."""
    expected = run_in_process(aq_fake, monkeypatch, capsys)
    reset(live_fake.url)
    assert run_process(str(pydent_python), pydent_source(), live_fake.url, tmp_path) == expected
    reset(live_fake.url)
    assert run_process(sys.executable, dropin_source(), live_fake.url, tmp_path) == expected
