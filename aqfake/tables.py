"""Aquarium's data model, as data.

Every table the fake stores is declared once here: its columns in Aquarium's table order (which is
the JSON key order), their types and defaults, which columns are secret, and the models that read
the table together with their associations and the virtual (method-backed) names they accept in
``include``. Everything else in the fake -- storage, conditions, rendering, the demo lab -- reads
these declarations instead of repeating them.

A table is declared with a compact column string ``"name:type[=default][!] ..."``, where ``!``
marks a NOT NULL column and a ``*`` suffix marks a secret that is never rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ColumnType(str, Enum):
    """The SQL column types Aquarium uses (MySQL semantics are applied in ``conditions``)."""

    INT = "int"
    STRING = "string"
    TEXT = "text"
    FLOAT = "float"
    BOOL = "bool"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    name: str
    type: ColumnType
    default: Any = None
    nullable: bool = True
    secret: bool = False


class Kind(str, Enum):
    """How an association finds its rows."""

    BELONGS_TO = "belongs_to"  # this row's ``key`` column holds the target's id
    HAS_MANY = "has_many"  # target rows whose ``key`` column holds this row's id
    HAS_ONE = "has_one"  # like HAS_MANY, but a single row
    THROUGH = "through"  # targets reached through another association of this model


@dataclass(frozen=True)
class Association:
    """An ActiveRecord association of a model: a valid ``include`` name that loads records."""

    name: str
    kind: Kind
    target: str = ""  # model name (or table name for non-model tables such as locators)
    key: str = ""  # foreign-key column (on this table for BELONGS_TO, on the target otherwise)
    where: Mapping[str, Any] = field(default_factory=dict)  # fixed extra conditions on the target
    through: str = ""  # THROUGH: the association on this model that is walked first
    source: str = ""  # THROUGH: the association on the intermediate model that yields targets
    broken: bool = False  # declared by Aquarium but its target class is missing: including it fails


@dataclass(frozen=True)
class Table:
    """A table: its name and ordered columns."""

    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names, in table order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or None if the table has none."""
        return _column_index(self).get(name)

    @property
    def public_columns(self) -> tuple[Column, ...]:
        """The columns that may be rendered (secrets excluded)."""
        return tuple(c for c in self.columns if not c.secret)


@dataclass(frozen=True)
class Model:
    """A server model class: the table it reads, its associations and its virtual names."""

    name: str
    table: str
    associations: tuple[Association, ...] = ()
    methods: tuple[str, ...] = ()  # public instance methods accepted by ``include``/``methods``

    def association(self, name: str) -> Association | None:
        """The association called ``name``, or None if the model has none."""
        for assoc in self.associations:
            if assoc.name == name:
                return assoc
        return None


_COLUMN_CACHE: dict[str, dict[str, Column]] = {}


def _column_index(table: Table) -> dict[str, Column]:
    index = _COLUMN_CACHE.get(table.name)
    if index is None:
        index = {c.name: c for c in table.columns}
        _COLUMN_CACHE[table.name] = index
    return index


_TIMESTAMPS = "created_at:datetime! updated_at:datetime!"


def _parse_columns(spec: str) -> tuple[Column, ...]:
    columns = [Column("id", ColumnType.INT, nullable=False)]
    for token in spec.split():
        secret = token.endswith("*")
        token = token.rstrip("*")
        not_null = token.endswith("!")
        token = token.rstrip("!")
        name, _, rest = token.partition(":")
        type_name, _, default_text = rest.partition("=")
        ctype = ColumnType(type_name)
        default: Any = None
        if default_text:
            default = {"bool": default_text == "true", "int": int, "float": float}.get(
                ctype.value, default_text
            )
            if callable(default):
                default = default(default_text)
        columns.append(Column(name, ctype, default, nullable=not not_null, secret=secret))
    return tuple(columns)


def _table(name: str, spec: str) -> Table:
    return Table(name, _parse_columns(spec))


def belongs_to(name: str, target: str = "", key: str = "", **kw: Any) -> Association:
    """``belongs_to``: the target's id is in this table's ``key`` column (``<name>_id``)."""
    target = target or "".join(part.capitalize() for part in name.split("_"))
    return Association(name, Kind.BELONGS_TO, target, key or f"{name}_id", **kw)


def has_many(name: str, target: str, key: str, **kw: Any) -> Association:
    """``has_many``: target rows whose ``key`` column holds this row's id."""
    return Association(name, Kind.HAS_MANY, target, key, **kw)


def has_one(name: str, target: str, key: str, **kw: Any) -> Association:
    """``has_one``: the single target row whose ``key`` column holds this row's id."""
    return Association(name, Kind.HAS_ONE, target, key, **kw)


def through(name: str, via: str, source: str) -> Association:
    """``has_many :through``: walk association ``via``, then ``source`` on each of its rows."""
    return Association(name, Kind.THROUGH, through=via, source=source)


def broken(name: str) -> Association:
    """An association Aquarium declares whose target class does not exist."""
    return Association(name, Kind.HAS_MANY, broken=True)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "samples",
            "name:string sample_type_id:int project:string " + _TIMESTAMPS + " user_id:int "
            "description:string data:text",
        ),
        _table("sample_types", "name:string description:string " + _TIMESTAMPS),
        _table(
            "object_types",
            "name:string description:string min:int max:int handler:string safety:text "
            "cleanup:text data:text vendor:text " + _TIMESTAMPS + " unit:string cost:float "
            "release_method:string release_description:text sample_type_id:int image:string "
            "prefix:string rows:int columns:int",
        ),
        _table(
            "items",
            "location:string quantity:int object_type_id:int " + _TIMESTAMPS + " inuse:int=0 "
            "sample_id:int data:text locator_id:int",
        ),
        _table(
            "part_associations",
            "part_id:int collection_id:int row:int column:int created_at:datetime "
            "updated_at:datetime",
        ),
        _table(
            "data_associations",
            "parent_id:int parent_class:string key:string upload_id:int object:text " + _TIMESTAMPS,
        ),
        _table(
            "uploads",
            "job_id:int upload_file_name:string upload_content_type:string "
            "upload_file_size:int upload_updated_at:datetime " + _TIMESTAMPS,
        ),
        _table(
            "field_types",
            "parent_id:int name:string ftype:string choices:string array:bool required:bool "
            + _TIMESTAMPS
            + " parent_class:string role:string part:bool routing:string "
            "preferred_operation_type_id:int preferred_field_type_id:int",
        ),
        _table(
            "allowable_field_types",
            "field_type_id:int sample_type_id:int object_type_id:int " + _TIMESTAMPS,
        ),
        _table(
            "field_values",
            "parent_id:int value:text child_sample_id:int child_item_id:int " + _TIMESTAMPS + " "
            "name:string parent_class:string role:string field_type_id:int row:int column:int "
            "allowable_field_type_id:int",
        ),
        _table(
            "operation_types",
            "name:string category:string deployed:bool on_the_fly:bool " + _TIMESTAMPS,
        ),
        _table(
            "codes",
            "name:string content:text parent_id:int parent_class:string "
            + _TIMESTAMPS
            + " user_id:int",
        ),
        _table("libraries", "name:string category:string " + _TIMESTAMPS),
        _table(
            "operations",
            "operation_type_id:int status:string user_id:int " + _TIMESTAMPS + " x:float y:float "
            "parent_id:int",
        ),
        _table(
            "plans",
            "user_id:int " + _TIMESTAMPS + " budget_id:int name:string status:string "
            "cost_limit:float folder:string layout:text",
        ),
        _table("plan_associations", "plan_id:int operation_id:int " + _TIMESTAMPS),
        _table("wires", "from_id:int to_id:int active:bool " + _TIMESTAMPS),
        _table(
            "jobs",
            "user_id:int arguments:text state:text " + _TIMESTAMPS + " path:string pc:int "
            "group_id:int submitted_by:int desired_start_time:datetime "
            "latest_start_time:datetime metacol_id:int successor_id:int",
        ),
        _table("job_associations", "job_id:int operation_id:int " + _TIMESTAMPS),
        _table(
            "users",
            "name:string login:string " + _TIMESTAMPS + " password_digest:string* "
            "remember_token:string* admin:bool=false key:string*",
        ),
        _table("groups", "name:string description:string " + _TIMESTAMPS),
        _table("memberships", "user_id:int group_id:int " + _TIMESTAMPS),
        _table(
            "budgets",
            "name:string overhead:float contact:string " + _TIMESTAMPS + " description:text "
            "email:string phone:string",
        ),
        _table(
            "user_budget_associations",
            "user_id:int budget_id:int quota:float disabled:bool " + _TIMESTAMPS,
        ),
        _table(
            "accounts",
            "transaction_type:string amount:float user_id:int budget_id:int category:string "
            "job_id:int " + _TIMESTAMPS + " description:text labor_rate:float "
            "markup_rate:float operation_id:int",
        ),
        _table(
            "invoices",
            "year:int month:int budget_id:int user_id:int " + _TIMESTAMPS + " status:string "
            "notes:text",
        ),
        _table(
            "parameters",
            "key:string value:string " + _TIMESTAMPS + " description:text user_id:int",
        ),
        _table("locators", "wizard_id:int item_id:int number:int " + _TIMESTAMPS),
        _table("wizards", "name:string specification:text " + _TIMESTAMPS + " description:string"),
    )
}


def _item_model(name: str, extra: tuple[Association, ...], methods: tuple[str, ...]) -> Model:
    return Model(
        name,
        "items",
        (
            belongs_to("object_type"),
            belongs_to("sample"),
            has_one("locator", "locators", "item_id"),
            broken("part"),
            broken("post_associations"),
            *extra,
        ),
        ("data_associations", "is_part", "containing_collection", *methods),
    )


_DA = "data_associations"

MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            "Account", "accounts", tuple(map(belongs_to, ("user", "budget", "job", "operation")))
        ),
        Model(
            "AllowableFieldType",
            "allowable_field_types",
            tuple(map(belongs_to, ("field_type", "sample_type", "object_type"))),
        ),
        Model(
            "Budget",
            "budgets",
            (has_many("user_budget_associations", "UserBudgetAssociation", "budget_id"),),
        ),
        Model("Code", "codes"),
        _item_model(
            "Collection",
            (has_many("part_associations", "PartAssociation", "collection_id"),),
            ("parts", "matrix", "dimensions", "part_matrix"),
        ),
        Model("DataAssociation", "data_associations", (belongs_to("upload"),)),
        Model(
            "FieldType",
            "field_types",
            (
                belongs_to("sample_type"),
                has_many("allowable_field_types", "AllowableFieldType", "field_type_id"),
                has_many("field_values", "FieldValue", "field_type_id"),
                broken("preferred_operation_type"),
                broken("preferred_field_type"),
            ),
        ),
        Model(
            "FieldValue",
            "field_values",
            (
                belongs_to("child_sample", "Sample"),
                belongs_to("child_item", "Item"),
                belongs_to("allowable_field_type"),
                belongs_to("field_type"),
                has_many("wires_as_source", "Wire", "from_id"),
                has_many("wires_as_dest", "Wire", "to_id"),
                through("successors", "wires_as_source", "to"),
                through("predecessors", "wires_as_dest", "from"),
                broken("wires"),
            ),
            ("sample", "item", "operation", "routing"),
        ),
        Model("Group", "groups", (has_many("memberships", "Membership", "group_id"),)),
        Model("Invoice", "invoices", (belongs_to("user"), belongs_to("budget"))),
        _item_model("Item", (), ()),
        Model(
            "Job",
            "jobs",
            (
                has_many("job_associations", "JobAssociation", "job_id"),
                belongs_to("user"),
                has_many("uploads", "Upload", "job_id"),
                belongs_to("group"),
                belongs_to("successor", "Job"),
                has_many("predecessors", "Job", "successor_id"),
                broken("metacol"),
                broken("workflow_process"),
                broken("post_associations"),
            ),
            ("operations", "status"),
        ),
        Model("JobAssociation", "job_associations", (belongs_to("job"), belongs_to("operation"))),
        Model("Library", "libraries", (), ("source",)),
        Model("Membership", "memberships", (belongs_to("user"), belongs_to("group"))),
        Model(
            "ObjectType",
            "object_types",
            (belongs_to("sample_type"), has_many("items", "Item", "object_type_id")),
        ),
        Model(
            "Operation",
            "operations",
            (
                belongs_to("operation_type"),
                belongs_to("user"),
                has_many("job_associations", "JobAssociation", "operation_id"),
                through("jobs", "job_associations", "job"),
                has_many("plan_associations", "PlanAssociation", "operation_id"),
                through("plans", "plan_associations", "plan"),
            ),
            ("field_values", _DA, "plan"),
        ),
        Model(
            "OperationType",
            "operation_types",
            (has_many("operations", "Operation", "operation_type_id"),),
            (
                "field_types",
                "protocol",
                "precondition",
                "cost_model",
                "documentation",
                "test",
                _DA,
                "timing",
            ),
        ),
        Model(
            "PartAssociation",
            "part_associations",
            (belongs_to("part", "Item"), belongs_to("collection", "Collection")),
        ),
        Model(
            "Plan",
            "plans",
            (
                has_many("plan_associations", "PlanAssociation", "plan_id"),
                through("operations", "plan_associations", "operation"),
                belongs_to("user"),
                belongs_to("budget"),
            ),
            ("wires", _DA, "costs"),
        ),
        Model(
            "PlanAssociation", "plan_associations", (belongs_to("plan"), belongs_to("operation"))
        ),
        Model(
            "Sample",
            "samples",
            (
                belongs_to("sample_type"),
                belongs_to("user"),
                has_many("items", "Item", "sample_id"),
                broken("post_associations"),
            ),
            ("field_values",),
        ),
        Model(
            "SampleType",
            "sample_types",
            (
                has_many("samples", "Sample", "sample_type_id"),
                has_many("object_types", "ObjectType", "sample_type_id"),
            ),
            ("field_types",),
        ),
        Model(
            "Upload",
            "uploads",
            (
                belongs_to("job"),
                has_many(_DA, "DataAssociation", "upload_id"),
                broken("upload"),
            ),
            ("name", "size", "url", "expiring_url"),
        ),
        Model(
            "User",
            "users",
            (
                has_many("samples", "Sample", "user_id"),
                has_many("jobs", "Job", "user_id"),
                has_many("memberships", "Membership", "user_id"),
                has_many("account", "Account", "user_id"),
                has_many("user_budget_associations", "UserBudgetAssociation", "user_id"),
                through("budgets", "user_budget_associations", "budget"),
                has_many("plans", "Plan", "user_id"),
                has_many("parameters", "parameters", "user_id"),
                has_many("codes", "Code", "user_id"),
            ),
            ("groups", "is_admin"),
        ),
        Model(
            "UserBudgetAssociation",
            "user_budget_associations",
            (belongs_to("user"), belongs_to("budget")),
        ),
        Model(
            "Wire",
            "wires",
            (belongs_to("from", "FieldValue", "from_id"), belongs_to("to", "FieldValue", "to_id")),
        ),
    )
}

#: The model names ``/json`` accepts (protocol section 7); anything else is refused.
MODEL_NAMES: tuple[str, ...] = tuple(sorted(MODELS))

#: Columns that are never rendered anywhere, by table.
SECRET_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(c.name for c in table.columns if c.secret) for name, table in TABLES.items()
}


def model(name: str) -> Model:
    """The model called ``name``; ``KeyError`` if it is not one of the known models."""
    return MODELS[name]


#: What the record-returning virtual methods (and serializer extras) return, by name: the model
#: of the records. Names not listed return scalars (``is_part``, ``dimensions``, ``status``...).
METHOD_TARGETS: dict[str, str] = {
    "field_values": "FieldValue",
    "field_types": "FieldType",
    "allowable_field_types": "AllowableFieldType",
    "data_associations": "DataAssociation",
    "groups": "Group",
    "operations": "Operation",
    "parts": "Item",
    "containing_collection": "Collection",
    "sample": "Sample",
    "item": "Item",
    "operation": "Operation",
    "plan": "Plan",
    "wires": "Wire",
    "job": "Job",
    "upload": "Upload",
    "sample_type": "SampleType",
    "object_type": "ObjectType",
    "protocol": "Code",
    "precondition": "Code",
    "cost_model": "Code",
    "documentation": "Code",
    "test": "Code",
    "source": "Code",
}


def record_target(model_name: str, key: str) -> str | None:
    """The model of the record(s) a rendered ``key`` of a ``model_name`` record holds, if any."""
    found = MODELS.get(model_name)
    assoc = found.association(key) if found else None
    if assoc is not None and not assoc.broken:
        if assoc.kind is Kind.THROUGH:
            via = found.association(assoc.through) if found else None
            return record_target(via.target, assoc.source) if via else None
        return assoc.target if assoc.target in MODELS else None
    return METHOD_TARGETS.get(key)


# -- database constraints ----------------------------------------------------------------------

#: Foreign keys MySQL enforces (section 6.5), by table: column -> referenced table.
FOREIGN_KEYS: dict[str, dict[str, str]] = {
    "samples": {"sample_type_id": "sample_types", "user_id": "users"},
    "items": {"object_type_id": "object_types", "sample_id": "samples", "locator_id": "locators"},
    "field_values": {
        "child_item_id": "items",
        "child_sample_id": "samples",
        "allowable_field_type_id": "allowable_field_types",
        "field_type_id": "field_types",
    },
    "allowable_field_types": {
        "field_type_id": "field_types",
        "sample_type_id": "sample_types",
        "object_type_id": "object_types",
    },
    "data_associations": {"upload_id": "uploads"},
    "operations": {"operation_type_id": "operation_types", "user_id": "users"},
    "plans": {"budget_id": "budgets", "user_id": "users"},
    "plan_associations": {"plan_id": "plans", "operation_id": "operations"},
    "job_associations": {"job_id": "jobs", "operation_id": "operations"},
    "jobs": {"group_id": "groups", "user_id": "users"},
    "uploads": {"job_id": "jobs"},
    "wires": {"from_id": "field_values", "to_id": "field_values"},
    "part_associations": {"part_id": "items", "collection_id": "items"},
    "memberships": {"user_id": "users", "group_id": "groups"},
    "user_budget_associations": {"user_id": "users", "budget_id": "budgets"},
    "accounts": {
        "budget_id": "budgets",
        "job_id": "jobs",
        "operation_id": "operations",
        "user_id": "users",
    },
    "invoices": {"budget_id": "budgets", "user_id": "users"},
}

#: Unique indexes not covered by a validation, by table: (index name, columns).
UNIQUE_INDEXES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "part_associations": (
        (
            "index_part_associations_on_collection_id_and_row_and_column",
            ("collection_id", "row", "column"),
        ),
    ),
}


def referencing(table: str) -> tuple[tuple[str, str], ...]:
    """``(child table, column)`` pairs whose foreign key references ``table``: the rows an
    ``ON DELETE CASCADE`` reaches (every key of section 6.5 cascades)."""
    return _REFERENCING.get(table, ())


_REFERENCING: dict[str, tuple[tuple[str, str], ...]] = {
    target: tuple(
        (child, column)
        for child, keys in FOREIGN_KEYS.items()
        for column, referenced in keys.items()
        if referenced == target
    )
    for target in {t for keys in FOREIGN_KEYS.values() for t in keys.values()}
}
