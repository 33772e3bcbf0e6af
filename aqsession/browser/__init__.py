"""The Browser: a session's model cache with cache-aware queries and batched loading.

``from aqsession.browser import Browser`` is the public entry point (as in pydent); the
package's modules each do one job behind it:

* :mod:`~aqsession.browser.facade` -- :class:`Browser`, the facade the session and the
  ``BrowserInterface`` talk to;
* :mod:`~aqsession.browser.cache` -- the model cache (one object per server row);
* :mod:`~aqsession.browser.matching` -- deciding from the cache what a ``where`` would return
  (the server's value rules come from :mod:`aqsession.server_values`);
* :mod:`~aqsession.browser.loading` -- batched relationship loading, given a fetch function;
* :mod:`~aqsession.browser.graph` -- model networks without networkx;
* :mod:`~aqsession.browser.export` -- sample rows, CSV export and ``inspect``.
"""

from __future__ import annotations

from aqsession.browser.facade import Browser
from aqsession.browser.graph import ModelGraph
from aqsession.browser.loading import MAX_VALUES_PER_REQUEST

__all__ = ["MAX_VALUES_PER_REQUEST", "Browser", "ModelGraph"]
