"""Default source text for operation type codes and libraries (data, filled in per name).

The fake never runs this code; it only has to look like what Aquarium stores, so that code
endpoints and ``protocol``/``precondition``/... methods have something realistic to return.
"""

from __future__ import annotations

from collections.abc import Sequence

OPERATION_TYPE_CODE_NAMES: tuple[str, ...] = (
    "protocol",
    "precondition",
    "cost_model",
    "documentation",
    "test",
)

_TEMPLATES: dict[str, str] = {
    "protocol": """# {name}: retrieve the inputs, do the work, store the outputs.
# Inputs: {inputs}. Outputs: {outputs}.
class Protocol
  def main
    operations.retrieve.make

    show do
      title "{name}"
      note "{summary}"
      table operations.start_table.input_item("{first_input}").end_table
    end

    operations.store
    {{}}
  end
end
""",
    "precondition": """def precondition(_op)
  true
end
""",
    "cost_model": """def cost(_op)
  {{ labor: {labor}, materials: {materials} }}
end
""",
    "documentation": """{name}
{underline}

{summary}

Category: {category}. Inputs: {inputs}. Outputs: {outputs}.
""",
    "test": """class ProtocolTest < ProtocolTestBase
  def setup
    add_random_operations(3)
  end

  def analyze
    log("{name} finished")
    assert_equal(@backtrace.last[:operation], "complete")
  end
end
""",
}

_LIBRARY_TEMPLATE = """# {name} ({category}): helpers shared by protocols.
module {module}
  def debug_show(value)
    show do
      title "Debug"
      note value.inspect
    end
  end
end
"""


def operation_type_code(
    code_name: str,
    *,
    name: str,
    category: str,
    first_input: str = "",
    labor: float = 1.0,
    materials: float = 1.0,
    inputs: Sequence[str] = (),
    outputs: Sequence[str] = (),
    summary: str | None = None,
) -> str:
    """The default ``code_name`` source for an operation type called ``name``.

    ``inputs``/``outputs`` name its fields and ``summary`` says in a line what it does; both
    appear in the protocol and documentation text.
    """
    try:
        template = _TEMPLATES[code_name]
    except KeyError:
        raise ValueError(
            f"unknown operation type code {code_name!r}; use one of "
            f"{', '.join(OPERATION_TYPE_CODE_NAMES)}"
        ) from None
    return template.format(
        name=name,
        category=category,
        first_input=first_input,
        labor=labor,
        materials=materials,
        underline="=" * len(name),
        inputs=", ".join(inputs) or "none",
        outputs=", ".join(outputs) or "none",
        summary=summary or "Work through each operation listed below.",
    )


def library_source(name: str, category: str) -> str:
    """The default ``source`` code of a library called ``name``."""
    module = "".join(part.capitalize() for part in name.split()) or "Library"
    return _LIBRARY_TEMPLATE.format(name=name, category=category, module=module)
