"""The client's public functions, classes and properties say what they do (docstrings)."""

from __future__ import annotations

import inspect

import pytest

from aqsession import AqSession, http, interfaces, session


def public_members(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            yield name, obj
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, property):
                    yield f"{name}.{attr}", member.fget
                elif inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod)):
                    yield f"{name}.{attr}", getattr(member, "__func__", member)


@pytest.mark.parametrize("module", [http, session, interfaces], ids=lambda m: m.__name__)
def test_public_members_have_docstrings(module):
    missing = [name for name, obj in public_members(module) if not (obj.__doc__ or "").strip()]
    assert missing == []


def test_session_switch_properties_say_what_setting_them_does():
    assert "ForbiddenRequestError" in (AqSession.using_requests.__doc__ or "")
    assert "BrowserInterface" in (AqSession.using_cache.__doc__ or "")
