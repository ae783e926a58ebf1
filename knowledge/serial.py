"""Values to and from plain JSON-able dicts (starter file, export, admin previews)."""

from __future__ import annotations

from typing import Any

from knowledge.dates import PartialDate
from knowledge.values import DateValue, EntityRef, Quantity, Text, Value


def value_to_dict(value: Value) -> dict[str, Any]:
    if isinstance(value, Quantity):
        data: dict[str, Any] = {"amount": value.amount, "unit": value.unit}
        if value.upper is not None:
            data["upper"] = value.upper
        if value.approx:
            data["approx"] = True
        return data
    if isinstance(value, EntityRef):
        return {"entity": value.entity_id, "name": value.name}
    if isinstance(value, DateValue):
        return {"date": value.date.iso()}
    return {"text": value.text}


def value_from_dict(data: dict[str, Any]) -> Value:
    if "amount" in data:
        upper = data.get("upper")
        return Quantity(
            float(data["amount"]),
            str(data.get("unit", "")),
            float(upper) if upper is not None else None,
            bool(data.get("approx", False)),
        )
    if "entity" in data:
        return EntityRef(str(data["entity"]), str(data.get("name", data["entity"])))
    if "date" in data:
        return DateValue(PartialDate.parse(str(data["date"])))
    if "text" in data:
        return Text(str(data["text"]))
    raise ValueError(f"cannot read a value from {data!r}")
