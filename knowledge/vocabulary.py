"""The declared property vocabulary.

Each property declares its value type, whether it is single- or multi-valued, which
qualifiers belong to its slot (the conflict group), the comparison group it appears in and the
friendly names admins may type. For multi-valued properties the value itself is part of the slot,
so different values coexist instead of conflicting.

Properties with ``item_of`` describe one item of another property (the Munich R&D site's
opening date describes the ``rd_site`` item whose ``site`` qualifier is ``munich``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ValueType = Literal["quantity", "entity", "date", "text"]
Cardinality = Literal["single", "multi"]


@dataclass(frozen=True)
class PropertySpec:
    id: str
    label: str
    value_type: ValueType
    cardinality: Cardinality
    group: str
    unit: str | None = None  # canonical unit for quantities
    slot_qualifiers: tuple[str, ...] = ()
    item_of: str | None = None  # parent property whose item this describes
    item_key: str | None = None  # qualifier naming the item (e.g. "site", "model")
    detail_label: str = ""  # prefix when shown inside its item, e.g. "opened"
    aliases: tuple[str, ...] = ()
    units: tuple[str, ...] = field(default=())  # other units accepted on input


# Order of groups in comparisons and briefs.
GROUPS: tuple[str, ...] = (
    "Identity",
    "Sales",
    "Products",
    "Driving assistance",
    "AI models",
    "R&D sites",
    "Overseas markets",
    "Financing",
    "Key people",
    "Robotics",
    "Partnerships",
)

# fmt: off
_SPECS: list[PropertySpec] = [
    PropertySpec("ceo", "CEO", "text", "single", "Identity", aliases=("chief executive", "chief-executive")),
    PropertySpec("founder", "Founder", "text", "multi", "Identity", aliases=("founders",)),
    PropertySpec("founded", "Founded", "date", "single", "Identity", aliases=("founding", "founding date")),
    PropertySpec("headquarters", "Headquarters", "text", "single", "Identity", aliases=("hq", "head office")),
    PropertySpec("employees", "Employees", "quantity", "single", "Identity", unit="people", aliases=("headcount", "staff")),
    PropertySpec("rd_hub_count", "R&D hubs worldwide", "quantity", "single", "R&D sites", unit="hubs", aliases=("rd hubs",)),
    PropertySpec("rd_site", "R&D site", "text", "multi", "R&D sites", slot_qualifiers=("site",), aliases=("rd", "r&d", "research center")),
    PropertySpec("rd_site_opened", "R&D site opened", "date", "single", "R&D sites", slot_qualifiers=("site",),
                 item_of="rd_site", item_key="site", detail_label="since"),
    PropertySpec("rd_site_status", "R&D site status", "text", "single", "R&D sites", slot_qualifiers=("site",),
                 item_of="rd_site", item_key="site"),
    PropertySpec("rd_site_focus", "R&D site focus", "text", "multi", "R&D sites", slot_qualifiers=("site",),
                 item_of="rd_site", item_key="site", detail_label="focus"),
    PropertySpec("rd_headcount", "R&D headcount", "quantity", "single", "R&D sites", unit="people", slot_qualifiers=("site",),
                 item_of="rd_site", item_key="site"),
    PropertySpec("ai_model", "AI model", "text", "multi", "AI models", slot_qualifiers=("model",)),
    PropertySpec("ai_model_parameters", "Model parameters", "quantity", "single", "AI models", unit="parameters",
                 slot_qualifiers=("model",), item_of="ai_model", item_key="model", aliases=("parameters", "params")),
    PropertySpec("ai_model_launch", "Model introduced", "date", "single", "AI models", slot_qualifiers=("model",),
                 item_of="ai_model", item_key="model", detail_label="introduced"),
    PropertySpec("ai_model_rollout", "Model rollout", "date", "single", "AI models", slot_qualifiers=("model",),
                 item_of="ai_model", item_key="model", detail_label="rollout from"),
    PropertySpec("adas_system", "Driving-assistance system", "text", "multi", "Driving assistance", slot_qualifiers=("system",),
                 aliases=("adas", "ads", "noa")),
    PropertySpec("adas_level", "Automation level", "text", "single", "Driving assistance", slot_qualifiers=("system",),
                 item_of="adas_system", item_key="system", aliases=("level",)),
    PropertySpec("adas_hardware_vehicle", "Vehicles with capable hardware", "text", "multi", "Driving assistance",
                 slot_qualifiers=("level",)),
    PropertySpec("overseas_market", "Overseas market", "text", "multi", "Overseas markets", slot_qualifiers=("market",),
                 aliases=("market", "markets")),
    PropertySpec("overseas_market_count", "Overseas markets entered", "quantity", "single", "Overseas markets", unit="markets"),
    PropertySpec("key_person", "Key person", "text", "multi", "Key people", slot_qualifiers=("person",), aliases=("executive",)),
    PropertySpec("robotics_team_size", "Robotics team", "quantity", "single", "Robotics", unit="people", slot_qualifiers=("region",)),
    PropertySpec("humanoid_robot", "Humanoid robot", "text", "multi", "Robotics", slot_qualifiers=("product",), aliases=("robot",)),
    PropertySpec("deliveries", "Deliveries", "quantity", "single", "Sales", unit="vehicles",
                 slot_qualifiers=("period", "model"), aliases=("delivered", "sales")),
    PropertySpec("price_from", "Starting price", "quantity", "single", "Products", unit="CNY",
                 slot_qualifiers=("model", "trim", "market"), aliases=("price", "starting price"), units=("USD", "EUR")),
    PropertySpec("product_launch", "Product launch", "date", "single", "Products", slot_qualifiers=("model",), aliases=("launch",)),
    PropertySpec("funding_amount", "Funding", "quantity", "single", "Financing", unit="USD",
                 slot_qualifiers=("round",), aliases=("funding", "raised"), units=("CNY", "EUR")),
    PropertySpec("partnership", "Partner", "text", "multi", "Partnerships", slot_qualifiers=("partner",), aliases=("partner",)),
    # Added for the rule extractor (sales detail, plants, markets, chips, investors).
    PropertySpec("deliveries_yoy", "Deliveries YoY", "quantity", "single", "Sales", unit="percent",
                 slot_qualifiers=("period", "model"), aliases=("yoy", "year-on-year")),
    PropertySpec("deliveries_mom", "Deliveries MoM", "quantity", "single", "Sales", unit="percent",
                 slot_qualifiers=("period", "model"), aliases=("mom", "month-on-month")),
    PropertySpec("delivery_target", "Delivery guidance", "quantity", "single", "Sales", unit="vehicles",
                 slot_qualifiers=("period",), aliases=("guidance", "delivery guidance", "target")),
    PropertySpec("cumulative_deliveries", "Cumulative deliveries", "quantity", "single", "Sales", unit="vehicles",
                 aliases=("total deliveries",)),
    PropertySpec("plant", "Plant", "text", "multi", "Products", slot_qualifiers=("site",), aliases=("factory", "plants")),
    PropertySpec("plant_capacity", "Plant capacity", "quantity", "single", "Products", unit="vehicles/year",
                 slot_qualifiers=("site",), item_of="plant", item_key="site", detail_label="capacity",
                 aliases=("capacity",)),
    PropertySpec("plant_opened", "Plant opened", "date", "single", "Products", slot_qualifiers=("site",),
                 item_of="plant", item_key="site", detail_label="since"),
    PropertySpec("plant_status", "Plant status", "text", "single", "Products", slot_qualifiers=("site",),
                 item_of="plant", item_key="site"),
    PropertySpec("market_entry_date", "Market entry", "date", "single", "Overseas markets", slot_qualifiers=("market",),
                 item_of="overseas_market", item_key="market", detail_label="entered", aliases=("market entry",)),
    PropertySpec("chip", "Chip", "text", "multi", "AI models", slot_qualifiers=("chip",), aliases=("chips", "soc")),
    PropertySpec("chip_tops", "Chip compute", "quantity", "single", "AI models", unit="TOPS", slot_qualifiers=("chip",),
                 item_of="chip", item_key="chip", aliases=("tops", "compute")),
    PropertySpec("investor", "Investor", "text", "multi", "Financing", slot_qualifiers=("investor",),
                 aliases=("investors", "backer")),
    PropertySpec("stake", "Stake", "quantity", "single", "Financing", unit="percent", slot_qualifiers=("investor",),
                 item_of="investor", item_key="investor", detail_label="stake"),
]
# fmt: on

PROPERTIES: dict[str, PropertySpec] = {spec.id: spec for spec in _SPECS}


def register(spec: PropertySpec) -> None:
    """Add a property (used by extensions of the vocabulary)."""
    PROPERTIES[spec.id] = spec


def resolve_property(name: str) -> PropertySpec | None:
    """Find a property by id, label or friendly alias, ignoring case, spaces and punctuation."""
    from knowledge.values import normalise_name

    wanted = normalise_name(name)
    for spec in PROPERTIES.values():
        names = (spec.id, spec.label, *spec.aliases)
        if any(normalise_name(candidate) == wanted for candidate in names):
            return spec
    return None


def slot_key(subject: str, prop: PropertySpec, qualifiers: dict[str, str], value_key: str) -> str:
    """The conflict group of a claim: subject, property, slot qualifiers (``period`` among them where
    the property is a time series) and, for multi-valued properties, the value itself."""
    parts = [subject, prop.id]
    parts += [f"{name}={qualifiers.get(name, '')}" for name in prop.slot_qualifiers]
    if prop.cardinality == "multi":
        parts.append(value_key)
    return "|".join(parts)
