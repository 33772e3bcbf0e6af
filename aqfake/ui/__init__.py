"""The page that watches a live fake: ``GET /_aqfake/`` on ``aqfake serve``.

Plain server-rendered HTML (no build step): :mod:`aqfake.ui.views` gathers what is shown --
tables with row counts, a paged and filtered page of rows, the request journal, the loaded
cassettes -- and :mod:`aqfake.ui.page` renders it through the templates in ``templates/``.
A small script (``static/dashboard.js``) polls the JSON views so the journal and the counts
update live. Secret columns and cookies are never shown (:data:`aqfake.tables.SECRET_COLUMNS`).
"""
