"""Why a build stopped, shared by the build, its worker processes and the PDF process (a module of
its own, so that none of them imports another to raise these)."""

from __future__ import annotations


class BuildRefused(Exception):
    """The content fails `check`; the report says why."""

    def __init__(self, report):
        super().__init__("内容未通过检查")
        self.report = report


class BuildFailed(Exception):
    """Rendering failed; the message is in Chinese. The previous output is unchanged."""
