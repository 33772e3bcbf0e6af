"""Exceptions raised by aqsession.

The names and the hierarchy match pydent 1.0.11 (``pydent.exceptions``), so ``except`` clauses
written for pydent keep working unchanged.
"""

from __future__ import annotations

from typing import Any


class TridentBaseException(Exception):
    """Base of every error aqsession raises on purpose."""


class TridentRequestError(TridentBaseException):
    """The server answered with an error, or with something that is not usable JSON.

    ``response`` is the :class:`requests.Response` (or the decoded body, for errors found in
    an otherwise successful answer); ``status_code`` is a shortcut to its HTTP status.
    """

    def __init__(self, msg: str, response: Any = None) -> None:
        super().__init__(msg)
        self.response = response

    @property
    def status_code(self) -> int | None:
        """The HTTP status of the response behind the error, or None without one."""
        return getattr(self.response, "status_code", None)


class SessionExpiredError(TridentRequestError):
    """Aquarium sent the request to its sign-in page: the login is no longer valid.

    Log in again (a new ``AqSession``); the request named in the message was not carried out.
    """


class ServerUnreachableError(TridentRequestError):
    """No answer could be had: the connection was refused, reset or dropped mid-answer.

    The message names the request; reads were retried (see ``AqSession.set_retries``) before
    this was raised, writes never are.
    """


class AquariumError(TridentBaseException):
    """Aquarium reported a problem with the data it was given."""


class AquariumModelNotFound(TridentBaseException):
    """A model that was expected on the server does not exist."""


class ForbiddenRequestError(TridentBaseException):
    """A request was attempted while requests are turned off for the session."""


class TridentJSONDataIncomplete(TridentBaseException):
    """A JSON body holds a null value where the caller asked for none."""


class TridentLoginError(TridentBaseException):
    """Logging in failed: wrong credentials, a malformed URL or an unreachable server."""


class TridentTimeoutError(TridentBaseException):
    """The server did not answer within the session's timeout."""


class TridentModelNotFoundError(TridentBaseException):
    """A model name is not one of the known Aquarium models."""


class AquariumModelError(TridentBaseException):
    """A model instance cannot do what was asked of it (e.g. saving without required data)."""


class NoSessionError(TridentBaseException):
    """A model needs a session (to load a relationship or save) but has none."""


class SessionAlreadySet(TridentBaseException):
    """A model is already bound to a session and cannot be re-bound by assignment."""


class PlannerException(TridentBaseException):
    """Errors from planning helpers."""


class PlannerVerificationException(PlannerException):
    """A plan failed verification."""


class AquariumQueryLanguageValidationError(TridentBaseException):
    """A ``session.query`` document does not follow the query-language schema."""


class TridentDepreciationWarning(DeprecationWarning):
    """A deprecated pydent feature was used (the spelling is pydent's)."""


class BrowserException(TridentBaseException):
    """The Browser cannot load or cache what was asked of it."""


class UpdateFailed(Exception):
    """A model update did not come back with an id."""


class MarshallerBaseException(Exception):
    """Base of the model (de)serialisation errors."""


class ModelRegistryError(MarshallerBaseException):
    """A model name is not registered."""


class ModelValidationError(MarshallerBaseException):
    """A model or relationship declaration is invalid."""


class FieldValidationError(ModelValidationError):
    """A field declaration or value is invalid."""


__all__ = [
    "AquariumError",
    "AquariumModelError",
    "AquariumModelNotFound",
    "AquariumQueryLanguageValidationError",
    "BrowserException",
    "FieldValidationError",
    "ForbiddenRequestError",
    "MarshallerBaseException",
    "ModelRegistryError",
    "ModelValidationError",
    "NoSessionError",
    "PlannerException",
    "PlannerVerificationException",
    "ServerUnreachableError",
    "SessionAlreadySet",
    "SessionExpiredError",
    "TridentBaseException",
    "TridentDepreciationWarning",
    "TridentJSONDataIncomplete",
    "TridentLoginError",
    "TridentModelNotFoundError",
    "TridentRequestError",
    "TridentTimeoutError",
    "UpdateFailed",
]
