"""The fake's backend: what Aquarium's models and database do to rows, apart from HTTP.

Like the ``models.py`` layer of a moto service, this package holds the state changes; the
handlers in :mod:`aqfake.handlers` parse a request, call it and render the answer, and the lab
builders in :mod:`aqfake.lab` call it too, so a seeded lab and a lab built through the routes
obey the same rules. It never imports handlers or HTTP types.

- :mod:`.transaction`: writes that roll back together, foreign keys and cascades; the Rails
  flavour that casts attribute writes.
- :mod:`.records`: ``Model.find`` and data associations.
- :mod:`.inventory`: items (make, move, store, delete), wizard slots, collections and parts.
- :mod:`.planning`: the plan graph, operation status, wiring, jobs and cost estimates.
"""
