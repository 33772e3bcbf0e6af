// Keeps the aqfake watch page live: polls the journal (journal view) and the row counts
// (tables view) once a second. The page works without it; this only saves reloading.
(function () {
  "use strict";
  var body = document.body;
  var base = body.dataset.base || "";
  var view = body.dataset.view;
  var next = parseInt(body.dataset.journalNext || "0", 10);
  var status = document.getElementById("status");

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function addEntry(tbody, entry) {
    var row = document.createElement("tr");
    row.dataset.seq = entry.seq;
    cell(row, entry.seq, "num");
    cell(row, entry.time);
    cell(row, entry.method);
    cell(row, entry.path);
    cell(row, entry.status, "s" + String(entry.status).charAt(0));
    cell(row, entry.faults.join(", "), entry.faults.length ? "fault" : "");
    tbody.insertBefore(row, tbody.firstChild);
  }

  function pollJournal() {
    var tbody = document.getElementById("journal-rows");
    if (!tbody) { return; }
    fetch(base + "/_aqfake/watch/journal?since=" + next)
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.entries.forEach(function (e) { addEntry(tbody, e); });
        var empty = document.getElementById("journal-empty");
        if (empty && tbody.children.length) { empty.remove(); }
        next = data.next;
        status.textContent = "live · " + tbody.children.length + " requests shown · next #" + next;
      })
      .catch(function () { status.textContent = "fake not answering; retrying"; });
  }

  function pollCounts() {
    fetch(base + "/_aqfake/watch/tables")
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.tables.forEach(function (t) {
          var td = document.querySelector('td[data-count-of="' + t.table + '"]');
          if (td) { td.textContent = t.rows; }
        });
        status.textContent = "live · " + data.tables.length + " tables";
      })
      .catch(function () { status.textContent = "fake not answering; retrying"; });
  }

  var poll = view === "journal" ? pollJournal : view === "tables" ? pollCounts : null;
  if (poll) {
    poll();
    setInterval(poll, 1000);
  }
})();
