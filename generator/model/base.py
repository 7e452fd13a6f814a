"""Shared pydantic configuration for every content model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=False)]
Code = Annotated[str, StringConstraints(pattern=r"^\d{3}(\d{2}){0,2}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class Strict(BaseModel):
    """Unknown keys are errors (with a did-you-mean), never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


def described(description: str, **kwargs):
    return Field(description=description, **kwargs)
