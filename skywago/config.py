"""Build-time configuration and the environment knobs every front door shares.

SKYWAGO_CONFIG names a TOML file:

    [agent]              # build-time defaults of the agent's SW_* variables (run-time env wins)
    SW_AGENT_NAME = "checkout"
    SW_AGENT_SAMPLE = "0.5"

    [build]
    disable = ["span-annotation"]   # rules to leave out (e.g. "plugin:gin")
    strict = false                  # like SKYWAGO_STRICT=1

    [build.module_versions]         # versions of modules replaced by local directories
    "github.com/gin-gonic/gin" = "v1.10.0"

Only [agent] is baked into the binary, by the link step (-X), so changing it relinks without
recompiling; [build] changes what compiles do, so it is part of the compile fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tomllib

ENV_CONFIG = "SKYWAGO_CONFIG"
ENV_STRICT = "SKYWAGO_STRICT"
ENV_KEEP = "SKYWAGO_KEEP_DIR"  # keep rewritten sources of a build under this directory


class ConfigError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class BuildConfig:
    agent_defaults: dict[str, str] = dataclasses.field(default_factory=dict)
    disabled_rules: frozenset[str] = frozenset()
    module_versions: dict[str, str] = dataclasses.field(default_factory=dict)  # for replaced modules
    strict: bool = False
    source: str = ""  # the file it came from

    def compile_fingerprint(self) -> str:
        """What changes compiles (not the [agent] defaults, which only the link uses)."""
        return _digest({"disable": sorted(self.disabled_rules), "strict": self.strict,
                        "module_versions": self.module_versions})

    def link_fingerprint(self) -> str:
        return _digest({"compile": self.compile_fingerprint(), "agent": self.agent_defaults})


def load(environ: dict[str, str] | None = None) -> BuildConfig:
    env = os.environ if environ is None else environ
    strict_env = env.get(ENV_STRICT, "") not in ("", "0", "false")
    path = env.get(ENV_CONFIG, "")
    if not path:
        return BuildConfig(strict=strict_env)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as err:
        raise ConfigError(f"{ENV_CONFIG}={path}: cannot read: {err.strerror}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}") from err
    return parse(data, path, strict_env)


def parse(data: dict, path: str, strict_env: bool = False) -> BuildConfig:
    unknown = set(data) - {"agent", "build"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {sorted(unknown)}; expected [agent] and [build]")
    agent = data.get("agent", {})
    for key, value in agent.items():
        if not key.startswith("SW_"):
            raise ConfigError(f"{path}: [agent] {key}: keys are the agent's SW_* variables")
        if not isinstance(value, (str, int, float, bool)):
            raise ConfigError(f"{path}: [agent] {key}: expected a string or number")
    build = data.get("build", {})
    unknown = set(build) - {"disable", "strict", "module_versions"}
    if unknown:
        raise ConfigError(f"{path}: [build] unknown key(s) {sorted(unknown)}")
    disable = build.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
        raise ConfigError(f"{path}: [build] disable: expected a list of rule names")
    module_versions = build.get("module_versions", {})
    if not isinstance(module_versions, dict) or not all(isinstance(v, str) for v in module_versions.values()):
        raise ConfigError(f"{path}: [build.module_versions]: expected module path = \"vX.Y.Z\" entries")
    return BuildConfig(
        module_versions=dict(sorted(module_versions.items())),
        agent_defaults={k: _as_string(v) for k, v in sorted(agent.items())},
        disabled_rules=frozenset(disable),
        strict=strict_env or bool(build.get("strict", False)),
        source=path,
    )


def _as_string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
