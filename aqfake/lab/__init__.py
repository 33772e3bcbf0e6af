"""Labs for the fake: builders, the Docker seed (``empty``) and the seeded ``demo`` lab.

``build_lab(store, name, seed)`` fills an empty store; :class:`LabBuilder` builds custom labs.
Users' passwords are stored only as salted digests; :func:`check_password` verifies one.

What tests can rely on, whatever the seed:

- ``empty``: user 1 ``neptune`` / ``aquarium`` (admin, technician, up to date), groups admin (1),
  technicians (235), neptune (236), budget 1 "My First Budget", object types 1 ``__Part`` and
  2 ``Orphan``, operation type 1 "Direct Purchase", library 1 "Debug".
- ``demo`` (grown to ``size``, default ``medium``: every sample type has at least 10 samples,
  at least 500 samples, 1,500 items and 100 plans; ``small`` is the ungrown core, ``large``
  100,000 samples): all of that, plus the users in :data:`aqfake.lab.catalogue.USERS`
  (``cokafor`` is an admin, ``rookie`` is not up to date), the sample, object, collection and
  operation types of the standard catalogue, the samples ``fwd-GFP-01``, ``rev-GFP-01``,
  ``pMOD-pTEF1-GFP``, ``frag-GFP-01`` and the background strains (``W303-1A``, ``BY4741``,
  ...), at least 60 samples and 150 items, wizards ``M20``/``M80``, plans in every stage,
  jobs, data associations with repeated keys. Everything else varies with the seed.

Timestamps lie in the 60 days before an anchor, today 00:00 UTC unless ``anchor`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..store import Store
from .builder import Field, LabBuilder, check_password, number_text
from .demo import demo_lab
from .scale import Progress, sample_count
from .scale_data import DEFAULT_SIZE, SIZES
from .seed import NEPTUNE, empty_lab, seed_lab
from .timeline import Timeline, default_anchor

LabFactory = Callable[..., None]

#: The named labs ``build_lab`` knows; each takes ``(store, seed, anchor=...)``.
LABS: dict[str, LabFactory] = {"demo": demo_lab, "empty": empty_lab}


def build_lab(
    store: Store,
    name: str = "demo",
    seed: int = 0,
    *,
    anchor: datetime | None = None,
    size: str | int | None = None,
    progress: Progress | None = None,
) -> None:
    """Fill an empty ``store`` with the lab called ``name`` (see :data:`LABS`).

    ``size`` (``small``, ``medium`` -- the default --, ``large`` or a number of samples) grows
    the ``demo`` lab; ``progress`` is called with the units built as it grows.
    """
    try:
        factory = LABS[name]
    except KeyError:
        raise ValueError(
            f"unknown lab {name!r}; choose one of: {', '.join(sorted(LABS))}"
        ) from None
    if name != "demo":
        if size is not None:
            raise ValueError(f"the {name!r} lab has no size; only the 'demo' lab grows")
        factory(store, seed, anchor=anchor)
        return
    demo_lab(
        store, seed, anchor=anchor, size=DEFAULT_SIZE if size is None else size, progress=progress
    )


__all__ = [
    "DEFAULT_SIZE",
    "LABS",
    "NEPTUNE",
    "SIZES",
    "Field",
    "LabBuilder",
    "Timeline",
    "build_lab",
    "check_password",
    "default_anchor",
    "demo_lab",
    "empty_lab",
    "number_text",
    "sample_count",
    "seed_lab",
]
