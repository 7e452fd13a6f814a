"""The typed content model: what a finance officer writes, field by field.

Field descriptions are in Chinese because they are shown to authors (JSON Schema, docs).
"""

from generator.model.identity import Institution, Unit
from generator.model.budget import (
    Acknowledgement,
    Disclosure,
    EconomicLine,
    FixedAssets,
    FunctionalLine,
    Procurement,
    ProcurementItem,
    ThreePublic,
    Totals,
)
from generator.model.performance import Indicator, OverallIndicator, Performance, Project
from generator.model.site import GlossaryEntry, SiteSettings

__all__ = [
    "Acknowledgement",
    "Disclosure",
    "EconomicLine",
    "FixedAssets",
    "FunctionalLine",
    "GlossaryEntry",
    "Indicator",
    "Institution",
    "OverallIndicator",
    "Performance",
    "Procurement",
    "ProcurementItem",
    "Project",
    "SiteSettings",
    "ThreePublic",
    "Totals",
    "Unit",
]
