"""JSON Schema of the content format, for editors."""

from __future__ import annotations

from generator.model import Disclosure, SiteSettings, Unit
from generator.model.profile import Profile

MODELS = {"budget": Disclosure, "unit": Unit, "site": SiteSettings, "profile": Profile}


def json_schema(kind: str) -> dict:
    model = MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"budgetsite-{kind}.schema.json"
    return schema
