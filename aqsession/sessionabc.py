"""SessionABC: the abstract base of sessions (pydent's ``pydent.sessionabc.SessionABC``).

Code written for pydent checks ``isinstance(x, SessionABC)`` to tell a session from a model
owner; :class:`aqsession.AqSession` derives from it. pydent sets the 27 model names to ``None``
on the class; here they are annotations only, because a session serves ``session.<Model>``
through ``__getattr__`` and a class attribute would shadow it.
"""

from __future__ import annotations

import abc
from typing import Any


class SessionABC(abc.ABC):
    """Base class of every session: ``isinstance(session, SessionABC)`` is True."""

    Account: Any
    AllowableFieldType: Any
    Budget: Any
    Code: Any
    Collection: Any
    DataAssociation: Any
    FieldType: Any
    FieldValue: Any
    Group: Any
    Invoice: Any
    Item: Any
    Job: Any
    JobAssociation: Any
    Library: Any
    Membership: Any
    ObjectType: Any
    Operation: Any
    OperationType: Any
    PartAssociation: Any
    Plan: Any
    PlanAssociation: Any
    Sample: Any
    SampleType: Any
    Upload: Any
    User: Any
    UserBudgetAssociation: Any
    Wire: Any
