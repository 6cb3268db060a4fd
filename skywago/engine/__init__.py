"""The engine: rewrite one Go package. Pure and deterministic; both front doors call it.

    result = rewrite_package(PackageInput(...), default_rules())
"""

from skywago.engine.api import (
    AGENT_MODULE,
    BOOT_PACKAGE,
    Applied,
    PackageInput,
    RewriteError,
    RewriteResult,
    SourceFile,
)
from skywago.engine.rewrite import rewrite_package
from skywago.engine.rules import Rule, default_rules

__all__ = [
    "AGENT_MODULE",
    "BOOT_PACKAGE",
    "Applied",
    "PackageInput",
    "RewriteError",
    "RewriteResult",
    "Rule",
    "SourceFile",
    "default_rules",
    "rewrite_package",
]
