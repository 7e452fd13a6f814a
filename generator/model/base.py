"""Shared pydantic configuration for every content model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

Text = Annotated[str, StringConstraints(strip_whitespace=False)]
CODE_PATTERN = r"^\d{3}(\d{2}){0,2}$"  # 类 3, 款 5, 项 7 digits
Code = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),  # code: 2010101
    StringConstraints(pattern=CODE_PATTERN),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": CODE_PATTERN}] + [
        {"type": "integer", "minimum": 10 ** (n - 1), "maximum": 10 ** n - 1} for n in (3, 5, 7)]}),
]


class Strict(BaseModel):
    """Unknown keys are errors (with a did-you-mean), never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


def described(description: str, **kwargs):
    return Field(description=description, **kwargs)
