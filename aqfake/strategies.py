"""Hypothesis strategies for Aquarium data and queries, for testing code that queries Aquarium.

Every public name is a function returning a :class:`~hypothesis.strategies.SearchStrategy` and
composes like hypothesis' own strategies::

    from hypothesis import given, strategies as st
    from aqfake import strategies as aqst
    from aqfake.app import FakeAquarium

    @given(lab=aqst.labs(), data=st.data())
    def test_find_by_criteria(lab, data):
        fake = FakeAquarium(lab)            # a LabSpec is a lab callable
        criteria = data.draw(aqst.where_criteria("Sample", fake.store))
        ...

Data: :func:`labs` draws a :class:`LabSpec` -- plain data describing a small lab (sample types
with field types, samples with field values, object types, items in free-text or wizard
locations, data associations) that builds itself into a store with
:class:`~aqfake.lab.LabBuilder`. The same spec always builds the same rows (fixed anchor time,
fixed seed), so failing examples replay exactly. Building blocks: :func:`sample_names`,
:func:`project_names`, :func:`locations`, :func:`field_specs`, :func:`property_values`.

Queries: :func:`where_criteria` (hash criteria as Rails reads them), :func:`column_values`,
:func:`sql_fragments` and :func:`sql_literals` (the SQL-fragment grammar the fake parses),
:func:`aql_queries` (query-language documents), :func:`query_options` and
:func:`hostile_strings` (injection material). Values are type-faithful -- text for text columns,
numbers (or their decimal text) for integer columns, ``YYYY-MM-DD HH:MM:SS`` text for datetimes
-- because Rails' hash casting and MySQL's text comparison legitimately disagree on cross-typed
values; given a store they are drawn mostly from existing rows, in spellings the server treats
as equal (other letter case, trailing spaces), so queries actually match something.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from .conditions import RESERVED_WORDS as MYSQL_RESERVED
from .lab import Field, LabBuilder, empty_lab
from .lab.fields import FTYPES
from .store import Store, index_key
from .tables import MODELS, TABLES, Column, ColumnType

#: The default instant labs are anchored at (their rows are dated in the 60 days before it).
ANCHOR = datetime(2026, 1, 1, tzinfo=timezone.utc)
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_HOSTILE_PIECES: tuple[str, ...] = (
    '"', "'", "\\", "\\\\", '\\"', "\\'", "''", '""', "`", ";", "--", "-- ", "#", "/*", "*/",
    "%", "_", "\\%", "\\_", "?", ":name", "%s", "{}", "[]", "(", ")", ",", "=", "<>",
    " OR 1=1", "' OR '1'='1", '" OR "1"="1', "1 = 0", " AND ", " or ", "NULL", "IS NULL",
    "; DROP TABLE samples", "; DELETE FROM items --", "UNION SELECT *", "\x00", "\n", "\r", "\t",
    " ", "  ", "é", "É", "ß", "SS", "Ω", "\u0130", "\u0131", "日本", "🧪", "\u200b", "\u202e",
    "<script>", "&amp;", "\\n", "\\0",
)  # fmt: skip
_NAME_ALPHABET = string.ascii_letters + string.digits
_FREE_LOCATIONS = ("Bench", "Fridge", "Freezer 1", "-20C shelf 2", "4C rack B", "Cold room")
_PROJECTS = ("Auxin", "Calibration", "GFP", "Yeast Display", "Primers", "Misc")


# -- strings --------------------------------------------------------------------------------


def hostile_strings(*, min_size: int = 0, max_size: int = 6) -> st.SearchStrategy[str]:
    """Strings made of quotes, backslashes, SQL keywords, ``;``, comments, wildcards, control
    characters and tricky unicode (case-folding and bidi), for injection tests.

    ``min_size``/``max_size`` count pieces, not characters.
    Example: ``@given(s=hostile_strings(min_size=1))``.
    """
    piece = st.one_of(
        st.sampled_from(_HOSTILE_PIECES),
        st.text(alphabet=_NAME_ALPHABET, min_size=1, max_size=4),
    )
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join)


def sample_names(*, hostile: bool = False) -> st.SearchStrategy[str]:
    """Plausible sample names (``pGFP-12``, ``fwd primer 3``); with ``hostile=True`` some are
    :func:`hostile_strings` instead. Never blank.

    Example: ``st.lists(sample_names(), unique_by=index_key)`` (names are unique
    case-insensitively on the server).
    """
    plain = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}([-_. ][A-Za-z0-9]{1,5}){0,2}", fullmatch=True)
    if not hostile:
        return plain
    return st.one_of(plain, hostile_strings(min_size=1)).filter(lambda s: bool(s.strip()))


def project_names() -> st.SearchStrategy[str]:
    """Project names: a few common ones (so samples share projects) and some random ones."""
    return st.one_of(
        st.sampled_from(_PROJECTS),
        st.from_regex(r"[A-Z][a-z]{2,8}( [A-Z][a-z]{1,6})?", fullmatch=True),
    )


def locations(
    wizard: str | None = None, capacities: Sequence[int] = (4, 9)
) -> st.SearchStrategy[str]:
    """Item locations: free text (``Bench``, ``Fridge``...), or with ``wizard`` the slots of that
    wizard, ``<wizard>.<hotel>.<box>.<slot>`` with the inner capacities given.

    Example: ``locations("M20", capacities=(16, 81))`` draws ``M20.0.3.17``.
    """
    if wizard is None:
        return st.sampled_from(_FREE_LOCATIONS)
    parts = [st.integers(0, 3), *(st.integers(0, c - 1) for c in capacities)]
    return st.tuples(*parts).map(lambda digits: ".".join([wizard, *map(str, digits)]))


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-1000, 1000),
        st.text(alphabet=_NAME_ALPHABET + " ", max_size=8),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.text(alphabet=_NAME_ALPHABET, min_size=1, max_size=5), inner,
                            max_size=3),
        ),
        max_leaves=5,
    )  # fmt: skip


def property_values(
    ftype: str,
    *,
    samples: Sequence[Any] = (),
    items: Sequence[Any] = (),
    choices: Sequence[str] | None = None,
) -> st.SearchStrategy[Any]:
    """A value for a field of type ``ftype`` (one of :data:`aqfake.lab.fields.FTYPES`), as
    :meth:`LabBuilder.sample` takes it: text, a finite number, a URL, a JSON value, or a
    reference picked from ``samples`` / ``items`` (None when there is nothing to refer to).

    Example: ``property_values("number")``; ``property_values("sample", samples=["pGFP"])``.
    """
    if ftype not in FTYPES:
        raise ValueError(f"ftype {ftype!r} is not one of {', '.join(FTYPES)}")
    if ftype == "string":
        if choices:
            return st.sampled_from(list(choices))
        return st.text(alphabet=_NAME_ALPHABET + " -_.", max_size=12)
    if ftype == "number":
        return st.one_of(
            st.integers(-(10**6), 10**6),
            st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        )
    if ftype == "url":
        return st.from_regex(r"https://[a-z]{3,8}\.(org|com)/[a-z0-9]{0,8}", fullmatch=True)
    if ftype == "json":
        return _json_values()
    refs = samples if ftype == "sample" else items
    return st.sampled_from(list(refs)) if refs else st.none()


_LAB_FTYPES = ("string", "number", "url", "json", "sample")


@st.composite
def field_specs(draw: st.DrawFn, *, ftypes: Sequence[str] = _LAB_FTYPES) -> Field:
    """A :class:`~aqfake.lab.Field` of a sample type: a name, an ftype, sometimes choices
    (strings) or ``array``. Example: ``st.lists(field_specs(), unique_by=lambda f: f.name)``.
    """
    name = draw(st.from_regex(r"[A-Z][a-z]{1,8}( [A-Za-z]{1,6})?", fullmatch=True))
    ftype = draw(st.sampled_from(list(ftypes)))
    choices = None
    if ftype == "string" and draw(st.booleans()):
        choices = draw(st.lists(st.sampled_from(["yes", "no", "maybe", "low", "high"]),
                                min_size=1, max_size=3, unique=True))  # fmt: skip
    return Field(name, ftype, choices=choices, array=draw(st.booleans()))


# -- labs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleTypeSpec:
    """A sample type to create: its name and field types."""

    name: str
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class ObjectTypeSpec:
    """An object type (container) to create, optionally tied to a sample type by name."""

    name: str
    sample_type: str | None = None


@dataclass(frozen=True)
class SampleSpec:
    """A sample: ``properties`` are (field name, value) pairs; sample fields hold sample names."""

    name: str
    sample_type: str
    project: str
    properties: tuple[tuple[str, Any], ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class ItemSpec:
    """An item of ``object_type`` holding ``sample`` (names) at ``location``."""

    object_type: str
    sample: str | None
    location: str
    quantity: int = 1
    deleted: bool = False


@dataclass(frozen=True)
class AssociationSpec:
    """A data association on the ``index``-th sample or item (``parent`` says which)."""

    parent: str  # "sample" or "item"
    index: int
    key: str
    value: Any


@dataclass(frozen=True)
class LabSpec:
    """A small lab as plain data; call it with a store (or pass it as ``FakeAquarium(lab=)``).

    ``base`` is the lab built first (``"empty"``: the Docker seed, so ``neptune`` /
    ``aquarium`` can sign in; None: nothing). Rows are stamped from ``anchor`` on, each new
    object ``gaps[i % len(gaps)]`` seconds after the previous one (0 gives equal timestamps).
    """

    sample_types: tuple[SampleTypeSpec, ...] = ()
    object_types: tuple[ObjectTypeSpec, ...] = ()
    samples: tuple[SampleSpec, ...] = ()
    items: tuple[ItemSpec, ...] = ()
    associations: tuple[AssociationSpec, ...] = ()
    wizard: tuple[str, tuple[int, ...]] | None = None
    gaps: tuple[int, ...] = (60,)
    base: str | None = "empty"
    seed: int = 0
    anchor: datetime = ANCHOR

    def __call__(self, store: Store) -> None:
        """Build the lab into an empty ``store``."""
        if self.base == "empty":
            empty_lab(store, self.seed, anchor=self.anchor - timedelta(days=1))
        elif self.base is not None:
            raise ValueError(f"LabSpec.base must be 'empty' or None, not {self.base!r}")
        builder = LabBuilder(store, seed=self.seed, now=self.anchor)
        owner = store.first("users", login="neptune")
        builder.owner_id = owner["id"] if owner else None
        steps = itertools.count()

        def tick() -> None:
            gap = self.gaps[next(steps) % len(self.gaps)] if self.gaps else 0
            builder.now = (builder.now or self.anchor) + timedelta(seconds=gap)

        if self.wizard is not None:
            name, capacities = self.wizard
            builder.wizard(name, [("Hotel", 1), *((f"F{i}", c) for i, c in enumerate(capacities))])
        for sample_type in self.sample_types:
            tick()
            builder.sample_type(sample_type.name, fields=sample_type.fields)
        for object_type in self.object_types:
            tick()
            builder.object_type(object_type.name, sample_type=object_type.sample_type)
        samples = []
        for sample in self.samples:
            tick()
            samples.append(
                builder.sample(
                    sample.name,
                    sample.sample_type,
                    sample.project,
                    dict(sample.properties),
                    description=sample.description,
                )
            )
        items = []
        for item in self.items:
            tick()
            items.append(
                builder.item(
                    item.sample,
                    item.object_type,
                    item.location,
                    quantity=item.quantity,
                    deleted=item.deleted,
                )
            )
        for association in self.associations:
            tick()
            parents = samples if association.parent == "sample" else items
            builder.data_association(parents[association.index], association.key, association.value)

    def store(self) -> Store:
        """A new store holding this lab."""
        built = Store()
        self(built)
        return built


def _unique_names(names: st.SearchStrategy[str], min_size: int, max_size: int,
                  taken: Sequence[str] = ()) -> st.SearchStrategy[list[str]]:  # fmt: skip
    blocked = {index_key(n) for n in taken}
    return st.lists(
        names.filter(lambda n: index_key(n) not in blocked and bool(n.strip())),
        min_size=min_size,
        max_size=max_size,
        unique_by=index_key,
    )


@st.composite
def labs(
    draw: st.DrawFn,
    *,
    names: st.SearchStrategy[str] | None = None,
    max_sample_types: int = 3,
    max_samples: int = 8,
    max_items: int = 10,
    max_associations: int = 4,
    wizard: bool = True,
    base: str | None = "empty",
) -> LabSpec:
    """A small random lab as a :class:`LabSpec` (a callable ``FakeAquarium`` accepts as
    ``lab=``). ``names`` draws sample names (default :func:`sample_names`; pass
    ``sample_names(hostile=True)`` for injection-heavy labs).

    Example::

        @given(lab=labs(max_samples=4))
        def test_samples_are_found(lab):
            fake = FakeAquarium(lab)
            ...
    """
    names = names if names is not None else sample_names()
    type_names = draw(_unique_names(sample_names(), 1, max_sample_types))
    sample_names_drawn = draw(_unique_names(names, 0, max_samples))
    sample_types: list[SampleTypeSpec] = []
    for type_name in type_names:
        fields = draw(st.lists(field_specs(), max_size=3, unique_by=lambda f: index_key(f.name)))
        sample_types.append(SampleTypeSpec(type_name, tuple(fields)))
    object_names = draw(_unique_names(sample_names(), 1, 3, taken=("__Part", "Orphan")))
    object_types = tuple(
        ObjectTypeSpec(n, draw(st.one_of(st.none(), st.sampled_from(type_names))))
        for n in object_names
    )
    samples: list[SampleSpec] = []
    for name in sample_names_drawn:
        sample_type = draw(st.sampled_from(sample_types))
        earlier = [s.name for s in samples]
        properties = []
        for spec in sample_type.fields:
            value_strategy = property_values(spec.ftype, samples=earlier, choices=spec.choices)
            if spec.array:
                value: Any = draw(st.lists(value_strategy, min_size=1, max_size=3))
            else:
                value = draw(st.one_of(st.none(), value_strategy))
            properties.append((spec.name, value))
        samples.append(
            SampleSpec(
                name,
                sample_type.name,
                draw(project_names()),
                tuple(properties),
                draw(st.one_of(st.none(), st.text(alphabet=_NAME_ALPHABET + " ", max_size=12))),
            )
        )
    wizard_spec = None
    location_strategy = locations()
    if wizard and draw(st.booleans()):
        capacities = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=2)))
        wizard_name = draw(st.from_regex(r"M[0-9]{2}", fullmatch=True))
        wizard_spec = (wizard_name, capacities)
        location_strategy = st.one_of(location_strategy, locations(wizard_name, capacities))
    drawn_locations = draw(st.lists(location_strategy, max_size=max_items))
    item_locations = [  # a wizard slot holds one item: repeats go to the bench
        loc if "." not in loc or loc not in drawn_locations[:i] else _FREE_LOCATIONS[0]
        for i, loc in enumerate(drawn_locations)
    ]
    items = tuple(
        ItemSpec(
            draw(st.sampled_from(object_names)),
            draw(st.one_of(st.none(), st.sampled_from(sample_names_drawn))) if samples else None,
            location,
            draw(st.integers(0, 5)),
            draw(st.booleans()),
        )
        for location in item_locations
    )
    parents = [("sample", len(samples)), ("item", len(items))]
    parents = [(kind, count) for kind, count in parents if count]
    associations: list[AssociationSpec] = []
    if parents:
        for _ in range(draw(st.integers(0, max_associations))):
            kind, count = draw(st.sampled_from(parents))
            associations.append(
                AssociationSpec(
                    kind,
                    draw(st.integers(0, count - 1)),
                    draw(st.sampled_from(["note", "od", "concentration", "Note"])),
                    draw(_json_values()),
                )
            )
    return LabSpec(
        sample_types=tuple(sample_types),
        object_types=object_types,
        samples=tuple(samples),
        items=items,
        associations=tuple(associations),
        wizard=wizard_spec,
        gaps=tuple(draw(st.lists(st.sampled_from([0, 1, 60, 3600]), min_size=1, max_size=3))),
        base=base,
    )


# -- column values ----------------------------------------------------------------------------


def _table_of(model_name: str) -> str:
    try:
        return MODELS[model_name].table
    except KeyError:
        raise ValueError(
            f"unknown model {model_name!r}; choose one of {', '.join(sorted(MODELS))}"
        ) from None


def queryable_columns(model_name: str) -> tuple[Column, ...]:
    """The columns of ``model_name``'s table a query may name (secret columns excluded)."""
    return TABLES[_table_of(model_name)].public_columns


def _existing(store: Store | None, table: str, column: str, limit: int = 40) -> list[Any]:
    if store is None:
        return []
    with store.lock:
        seen = {repr(v): v for v in (r[column] for r in store.rows(table)) if v is not None}
    return [seen[k] for k in sorted(seen)][:limit]


def _spellings(value: Any, column: Column) -> st.SearchStrategy[Any]:
    """Spellings of a stored value that Aquarium's ``where`` treats as equal to it."""
    if column.type is ColumnType.DATETIME and isinstance(value, datetime):
        return st.just(value.astimezone(timezone.utc).strftime(DATETIME_FORMAT))
    if column.type is ColumnType.INT and isinstance(value, int) and not isinstance(value, bool):
        return st.sampled_from([value, str(value)])
    if isinstance(value, str):
        return st.sampled_from(
            list(
                dict.fromkeys([value, value.upper(), value.lower(), value.swapcase(), value + "  "])
            )
        )
    return st.just(value)


def _fresh_values(column: Column) -> st.SearchStrategy[Any]:
    kind = column.type
    if kind is ColumnType.INT:
        return st.one_of(st.integers(-2, 40), st.integers(-2, 40).map(str))
    if kind is ColumnType.FLOAT:
        return st.one_of(st.integers(0, 5).map(float), st.floats(-10, 10, allow_nan=False))
    if kind is ColumnType.BOOL:
        return st.booleans()
    if kind is ColumnType.DATETIME:
        return st.integers(-90 * 86400, 86400).map(
            lambda s: (ANCHOR + timedelta(seconds=s)).strftime(DATETIME_FORMAT)
        )
    return st.one_of(st.text(alphabet=_NAME_ALPHABET, max_size=6), hostile_strings(max_size=3))


def column_values(
    model_name: str, column: str, store: Store | None = None
) -> st.SearchStrategy[Any]:
    """Single values for ``column`` of ``model_name`` (never None): from ``store``'s rows in
    equal spellings when there are any, otherwise (and sometimes anyway) fresh values of the
    column's type. Example: ``column_values("Item", "location", fake.store)``.
    """
    table = _table_of(model_name)
    col = TABLES[table].column(column)
    if col is None or col.secret:
        raise ValueError(f"{model_name} ({table}) has no queryable column {column!r}")
    existing = _existing(store, table, column)
    fresh = _fresh_values(col)
    if not existing:
        return fresh
    drawn = st.sampled_from(existing).flatmap(lambda v: _spellings(v, col))
    return st.one_of(drawn, drawn, drawn, fresh)


def criterion_values(
    model_name: str,
    column: str,
    store: Store | None = None,
    *,
    lists: bool = True,
    nulls: bool = True,
) -> st.SearchStrategy[Any]:
    """One hash-criterion value: a single value, a list (``IN``, possibly holding None or empty)
    or None (``IS NULL``)."""
    single = column_values(model_name, column, store)
    options = [single, single]
    if lists:
        values = st.lists(single, max_size=3)
        if nulls:  # half of the lists also accept NULL, somewhere among the values
            values = st.tuples(values, st.booleans(), st.integers(0, 3)).map(
                lambda t: [*t[0][: t[2]], None, *t[0][t[2] :]] if t[1] else t[0]
            )
        options.append(values)
    if nulls:
        options.append(st.none())
    return st.one_of(*options)


@st.composite
def where_criteria(
    draw: st.DrawFn,
    model_name: str,
    store: Store | None = None,
    *,
    columns: Sequence[str] | None = None,
    min_size: int = 1,
    max_size: int = 3,
    lists: bool = True,
    nulls: bool = True,
) -> dict[str, Any]:
    """Hash criteria for ``model_name`` as Aquarium's ``where`` accepts them:
    ``{column: value}`` with scalars, lists (``IN``) and None (``IS NULL``) over the model's
    queryable columns (or ``columns``). With ``store``, values come mostly from existing rows.

    Example: ``@given(data=st.data())`` then
    ``criteria = data.draw(where_criteria("Sample", fake.store))``.
    """
    names = (
        list(columns) if columns is not None else [c.name for c in queryable_columns(model_name)]
    )
    chosen = draw(st.lists(st.sampled_from(names), min_size=min_size, max_size=max_size,
                           unique=True))  # fmt: skip
    return {
        name: draw(criterion_values(model_name, name, store, lists=lists, nulls=nulls))
        for name in chosen
    }


def query_options(*, max_limit: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """``limit`` / ``offset`` / ``reverse`` options as the query language and ``where(opts=)``
    take them (``-1`` means none). Example: ``session.Sample.where(q, opts=data.draw(...))``.
    """
    return st.fixed_dictionaries(
        {},
        optional={
            "limit": st.integers(-1, max_limit),
            "offset": st.integers(-1, max_limit),
            "reverse": st.booleans(),
        },
    )


# -- SQL fragments ---------------------------------------------------------------------------


def _escape_backslash(text: str) -> str:
    return text.replace("\\", "\\\\")


_QUOTINGS: tuple[Callable[[str], str], ...] = (
    lambda s: '"' + _escape_backslash(s).replace('"', '\\"') + '"',
    lambda s: '"' + _escape_backslash(s).replace('"', '""') + '"',
    lambda s: "'" + _escape_backslash(s).replace("'", "\\'") + "'",
    lambda s: "'" + _escape_backslash(s).replace("'", "''") + "'",
)


def sql_literals(value: Any) -> st.SearchStrategy[str]:
    """The spellings of one value as an SQL literal of the fake's grammar: text in double or
    single quotes with the quote doubled or backslash-escaped (backslashes doubled); numbers
    bare or quoted; NULL/TRUE/FALSE in any letter case. Each spelling reads back as ``value``.

    Example: ``data.draw(sql_literals('a"b'))`` may give ``'a"b'`` or ``"a\\"b"``.
    """
    if value is None or isinstance(value, bool):
        word = {None: "null", True: "true", False: "false"}[value]
        return st.sampled_from([word, word.upper(), word.capitalize()])
    if isinstance(value, (int, float)):
        text = repr(value)
        return st.sampled_from([text, *(quote(text) for quote in _QUOTINGS)])
    text = str(value)
    return st.sampled_from([quote(text) for quote in _QUOTINGS])


def _keyword(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.lower(), word.capitalize()])


def _column_ref(table: str, column: str) -> st.SearchStrategy[str]:
    quoted = [f"`{column}`", f"{table}.{column}", f"`{table}`.`{column}`"]
    if column.upper() in MYSQL_RESERVED:  # a bare reserved word is a syntax error in MySQL
        return st.sampled_from(quoted)
    return st.sampled_from([column, *quoted])


@st.composite
def _sql_leaf(draw: st.DrawFn, model_name: str, store: Store | None) -> str:
    table = _table_of(model_name)
    column = draw(st.sampled_from(queryable_columns(model_name)))
    ref = draw(_column_ref(table, column.name))
    value = column_values(model_name, column.name, store)
    shape = draw(st.sampled_from(["cmp", "cmp", "null", "in", "like", "between"]))
    if shape == "null":
        middle = draw(_keyword("IS NOT")) if draw(st.booleans()) else draw(_keyword("IS"))
        return f"{ref} {middle} {draw(_keyword('NULL'))}"
    if shape == "in":
        values = draw(st.lists(value, min_size=1, max_size=3))
        literals = ", ".join(draw(sql_literals(v)) for v in values)
        negation = draw(_keyword("NOT")) + " " if draw(st.booleans()) else ""
        return f"{ref} {negation}{draw(_keyword('IN'))} ({literals})"
    if shape == "like" and column.type in (ColumnType.STRING, ColumnType.TEXT):
        text = str(draw(value))
        cut = draw(st.integers(0, len(text)))
        pattern = text[:cut] + draw(st.sampled_from(["%", "_%", "", "%" + text[cut:]]))
        negation = draw(_keyword("NOT")) + " " if draw(st.booleans()) else ""
        return f"{ref} {negation}{draw(_keyword('LIKE'))} {draw(sql_literals(pattern))}"
    if shape == "between" and column.type is not ColumnType.BOOL:
        low, high = draw(value), draw(value)
        return (
            f"{ref} {draw(_keyword('BETWEEN'))} {draw(sql_literals(low))} "
            f"{draw(_keyword('AND'))} {draw(sql_literals(high))}"
        )
    op = draw(st.sampled_from(["=", "=", "!=", "<>", "<", ">", "<=", ">="]))
    return f"{ref} {op} {draw(sql_literals(draw(value)))}"


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        st.tuples(pair, _keyword("AND")).map(lambda t: f"{t[0][0]} {t[1]} {t[0][1]}"),
        st.tuples(pair, _keyword("OR")).map(lambda t: f"{t[0][0]} {t[1]} {t[0][1]}"),
        st.tuples(children, _keyword("NOT")).map(lambda t: f"{t[1]} ({t[0]})"),
        children.map(lambda c: f"( {c} )"),
    )


def sql_fragments(
    model_name: str, store: Store | None = None, *, max_leaves: int = 5
) -> st.SearchStrategy[str]:
    """``where`` strings in the SQL-fragment grammar the fake accepts (client-contract.md):
    comparisons, ``IS [NOT] NULL``, ``[NOT] IN``, ``[NOT] LIKE``, ``BETWEEN``, ``NOT``, ``AND``,
    ``OR`` and parentheses over the model's queryable columns (plain, back-quoted or
    table-qualified), with literals in every quoting style and keywords in mixed case.

    Example: ``session.Sample.where(data.draw(sql_fragments("Sample", fake.store)))``.
    """
    return st.recursive(_sql_leaf(model_name, store), _combine, max_leaves=max_leaves)


# -- query-language documents ------------------------------------------------------------------

_COMPARABLE = (ColumnType.INT, ColumnType.FLOAT, ColumnType.STRING, ColumnType.DATETIME)
_FOLLOWED_KINDS = ("has_one", "has_many")


def _relationships(model_name: str) -> dict[str, Any]:
    from aqsession.models import get_model

    return dict(get_model(model_name).get_relationships())


def _followable(model_name: str) -> list[tuple[str, Any]]:
    """Relationships a sub-query can follow: ``has_one``/``has_many`` to a model the fake knows,
    keyed on columns the server's tables have (a few client relationships, e.g.
    ``FieldValue.object_type``, key on client-side attributes and cannot be queried)."""
    from aqsession.aql.relations import relation_kind

    found = []
    for name, rel in sorted(_relationships(model_name).items()):
        kind = relation_kind(rel)
        if kind not in _FOLLOWED_KINDS or getattr(rel, "nested", None) not in MODELS:
            continue
        own, other = (rel.ref, rel.attr) if kind == "has_one" else (rel.attr, rel.ref)
        own_table, other_table = TABLES[_table_of(model_name)], TABLES[_table_of(rel.nested)]
        if own_table.column(own) is not None and other_table.column(other) is not None:
            found.append((name, rel))
    return found


@st.composite
def _aql_value(draw: st.DrawFn, model_name: str, column: Column, store: Store | None) -> Any:
    single = column_values(model_name, column.name, store)
    shapes = ["single", "single", "list", "list", "null", "not"]
    if column.type in _COMPARABLE:
        shapes.append("order")
    shape = draw(st.sampled_from(shapes))
    if shape == "single":
        return draw(single)
    if shape == "list":
        return draw(st.lists(st.one_of(single, st.none()), min_size=1, max_size=3))
    if shape == "null":
        return None
    if shape == "not":
        return {"__not__": draw(st.one_of(single, st.none()))}
    operator = draw(st.sampled_from(["__lt__", "__le__", "__gt__", "__ge__"]))
    if column.type is ColumnType.DATETIME and draw(st.booleans()):
        unit = draw(st.sampled_from(["__days__", "__hours__", "__weeks__"]))
        return {operator: {"__time__": {unit: draw(st.integers(-60, 0))}}}
    return {operator: draw(single)}


@st.composite
def _aql_body(
    draw: st.DrawFn,
    model_name: str,
    store: Store | None,
    depth: int,
    blocked: frozenset[str],
    options: bool,
) -> dict[str, Any]:
    from aqsession.aql.relations import additional_args, owner_conditions

    body: dict[str, Any] = {}
    fixed = set(blocked)
    if depth > 0:
        relations = _followable(model_name)
        chosen = draw(st.lists(st.sampled_from(relations), max_size=1)) if relations else []
        for name, rel in chosen:
            fixed |= set(owner_conditions(rel))
            child = draw(
                _aql_body(rel.nested, store, depth - 1, frozenset(additional_args(rel)), False)
            )
            body[name] = {"__query__": child}
    relation_names = set(_relationships(model_name))
    columns = [
        c for c in queryable_columns(model_name)
        if c.name not in relation_names and c.name not in fixed
    ]  # fmt: skip
    for column in draw(st.lists(st.sampled_from(columns), max_size=2, unique=True)):
        body[column.name] = draw(_aql_value(model_name, column, store))
    if options:
        chosen_options = draw(query_options())
        if chosen_options:
            body["__options__"] = chosen_options
    return body


@st.composite
def aql_queries(
    draw: st.DrawFn,
    model_name: str | None = None,
    store: Store | None = None,
    *,
    max_depth: int = 2,
    options: bool = True,
    models: Sequence[str] = ("Sample", "Item", "SampleType", "ObjectType", "FieldValue"),
) -> dict[str, Any]:
    """Valid query-language documents (they pass :func:`aqsession.aql.validate`) for
    ``model_name`` (or one of ``models``): attribute conditions (single values, lists, null,
    ``__not__``, ordering operators, ``__time__``), ``has_one``/``has_many`` sub-queries up to
    ``max_depth`` levels, and top-level ``__options__`` when ``options``.

    Example: ``session.query(data.draw(aql_queries("Sample", fake.store)))``.
    """
    model = model_name if model_name is not None else draw(st.sampled_from(list(models)))
    _table_of(model)
    body = draw(_aql_body(model, store, max_depth - 1, frozenset(), options))
    return {"__model__": model, "__query__": body}
