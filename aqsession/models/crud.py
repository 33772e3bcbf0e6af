"""Persistence mixins: how a model is created, updated, saved and deleted on the server.

All of them go through ``session.utils`` (the UtilityInterface), so the wire format lives in
one place. The REST mixins use ``{table}.json`` routes, the JSON mixins ``json/save`` and
``json/delete`` (pydent's two families, see client-behaviour.md §8.5).
"""

from __future__ import annotations

from typing import Any

from aqsession.exceptions import UpdateFailed

from .relationships import session_of


class CreateMixin:
    """``create()``: ``POST {table}.json`` with the model's data, then reload from the answer."""

    def _get_create_json(self: Any) -> Any:
        return self.dump()

    def _get_create_params(self: Any) -> dict[str, Any] | None:
        return None

    def create(self: Any) -> Any:
        """Create this model on the server; reloads it from the answer and returns self."""
        result = session_of(self).utils.model_create(
            self.get_tableized_name(), self._get_create_json(), params=self._get_create_params()
        )
        if isinstance(result, dict):
            self.reload(result)
        return self


class UpdateMixin:
    """``update()``: ``PUT {table}/{id}.json`` with the model's data, then reload."""

    def _get_update_json(self: Any) -> Any:
        return self._get_create_json()

    def _get_update_params(self: Any) -> dict[str, Any] | None:
        return None

    def update(self: Any) -> Any:
        """Save this model's data over its server record; :class:`UpdateFailed` if not saved."""
        result = session_of(self).utils.model_update(
            self.get_tableized_name(),
            self.id,
            self._get_update_json(),
            params=self._get_update_params(),
        )
        if isinstance(result, dict):
            self.reload(result)
        if not self.id:
            raise UpdateFailed(
                f"Updating {self!r} returned no id ({result!r}); the server did not save it."
            )
        return self


class SaveMixin(CreateMixin, UpdateMixin):
    """``save()``: update when the model has an id, create otherwise."""

    def save(self: Any) -> Any:
        """Update the record when the model has an id, create it otherwise; returns self."""
        return self.update() if self.id else self.create()


class DeleteMixin:
    """``delete()``: ``DELETE {table}/{id}.json``."""

    def delete(self: Any) -> Any:
        """Delete this record on the server; returns the server's answer."""
        return session_of(self).utils.model_delete(self.get_tableized_name(), self.id)


class JSONSaveMixin:
    """``save()``: ``POST json/save`` with the model's data; returns the server's record."""

    def _get_save_json(self: Any) -> Any:
        return self.dump()

    def save(self: Any, do_reload: bool = True) -> Any:
        """Save through ``json/save`` and (with ``do_reload``) reload from the answer."""
        result = session_of(self).utils.json_save(
            self.get_server_model_name(), self._get_save_json()
        )
        if do_reload and isinstance(result, dict):
            self.reload(result)
        return result


class JSONDeleteMixin:
    """``delete()``: ``POST json/delete`` with the model's data."""

    def delete(self: Any) -> Any:
        """Delete this record through ``json/delete``; returns the server's answer."""
        return session_of(self).utils.json_delete(self.get_server_model_name(), self.dump())
