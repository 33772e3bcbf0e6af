"""A lab script written for pydent 1.0.11, as pydent's documentation teaches it.

It sticks to the session, the interfaces, the models and the Browser: log in, look samples and
items up, follow relationships, batch-load through a caching session, search with the Browser,
ask an AQL query, refuse requests when offline, attach data to an item and build, wire and save
a plan. The tests run it unmodified with pydent, and with only its ``import pydent`` line
changed to ``import aqsession as pydent``; both print the same JSON.

The server comes from ``AQ_URL``; the demo lab's user is ``neptune`` / ``aquarium``.
"""

import json
import os

import pydent

session = pydent.login("neptune", os.environ["AQ_URL"], "aquarium")
out = {"logged_in": session.logged_in(), "user": session.current_user.login}

# -- looking things up ---------------------------------------------------------------------------
primer = session.Sample.find_by_name("fwd-GFP-01")
out["primer"] = [primer.id, primer.name, primer.sample_type.name]
out["is_model"] = isinstance(primer, pydent.ModelBase) and isinstance(primer, pydent.models.Sample)
out["properties"] = sorted(primer.properties)
out["items"] = sorted(item.id for item in primer.items)
out["available"] = sorted(item.id for item in primer.available_items())
out["aliquots"] = sorted(i.id for i in primer.available_items(object_type_name="Primer Aliquot"))
out["same_type"] = [s.id for s in session.Sample.where({"sample_type_id": primer.sample_type_id})]
out["last"] = [s.id for s in session.Sample.last(3)]
out["first"] = [s.id for s in session.Sample.first(2, query={"sample_type_id": 1})]
out["types"] = sorted(st.name for st in session.SampleType.all())
out["missing"] = session.Sample.find(10**6)

# -- a caching session: batched loading, then reading without requests --------------------------
with session.with_cache() as cached:
    samples = cached.Sample.last(5)
    cached.browser.get(samples, {"sample_type": "field_types", "items": "object_type"})
    offline = cached.with_requests_off()
    out["cached"] = {
        s.name: [s.sample_type.name, sorted({i.object_type.name for i in s.items})] for s in samples
    }
    try:
        offline.Sample.find(10**6)
        out["offline"] = "no error"
    except pydent.exceptions.ForbiddenRequestError as error:
        out["offline"] = type(error).__name__

# -- the Browser -----------------------------------------------------------------------------------
browser = pydent.Browser(session)
out["search"] = sorted(s.name for s in browser.search("fwd-GFP"))
out["retrieve"] = sorted(st.name for st in browser.retrieve(session.Sample.last(4), "sample_type"))
out["browser_where"] = sorted(s.id for s in browser.where({"sample_type_id": 1}, "Sample"))

# -- the query language ----------------------------------------------------------------------------
stocks = session.query(
    {
        "__model__": "Item",
        "__query__": {"sample": {"__query__": {"name": "fwd-GFP-01"}}, "object_type_id": 3},
    }
)
out["aql"] = sorted(item.id for item in stocks)

# -- writing: a data association, then a plan ------------------------------------------------------
aliquot = session.Item.find(out["aliquots"][0])
aliquot.associate("concentration", 10.5)
out["associated"] = session.Item.find(aliquot.id).get("concentration")

rehydrate = session.OperationType.find_by_name("Rehydrate Primer")
operation = rehydrate.instance()
operation.set_input("Primer", sample=primer)
operation.set_output("Primer Aliquot", sample=primer)
plan = session.Plan.new(name="drop-in plan")
plan.add_operation(operation)
plan.save()
saved = session.Plan.find(plan.id)
out["plan"] = [saved.name, [op.operation_type.name for op in saved.operations]]
out["plan_inputs"] = [fv.sample.name for fv in saved.operations[0].field_values if fv.sample]

try:
    pydent.AqSession("neptune", "wrong password", os.environ["AQ_URL"])
    out["bad_login"] = "no error"
except pydent.exceptions.TridentLoginError as error:
    out["bad_login"] = type(error).__name__

print(json.dumps(out, sort_keys=True))
