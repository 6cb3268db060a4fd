"""The link of a program whose main package blank-imports the agent: add the agent's archives
(and the standard-library packages only the agent uses) to the link's importcfg, and bake the
build-time agent defaults in with -X."""

from __future__ import annotations

import base64
import json
import os

from skywago import config
from skywago.engine import BOOT_PACKAGE
from skywago.engine.api import BUILD_DEFAULTS_SYMBOL
from skywago.toolexec import agent_build, dispatch, report
from skywago.toolexec.compile_args import expand_response_files, read_importcfg


def run(tool: str, args: list[str]) -> int:
    args = expand_response_files(args)
    main_archive = args[-1] if args else ""
    if not _references_agent(main_archive):
        dispatch.hand_off(tool, args)
    try:
        build_config = config.load()
        new_args = _with_agent(tool, args, build_config)
    except (agent_build.AgentBuildError, config.ConfigError, OSError, ValueError) as err:
        # main already imports the agent: linking without it cannot work, so this is an error.
        report.error(f"link of {os.environ.get('TOOLEXEC_IMPORTPATH', main_archive)}: {err}")
        return 1
    dispatch.hand_off(tool, new_args)
    return 0


def _references_agent(archive: str) -> bool:
    try:
        with open(archive, "rb") as f:
            return BOOT_PACKAGE.encode() in f.read()
    except OSError:
        return False


def _flag_index(args: list[str], name: str) -> int:
    for i, arg in enumerate(args):
        if arg == name:
            return i + 1
    raise ValueError(f"the link command has no {name} flag")


def _with_agent(tool: str, args: list[str], build_config: config.BuildConfig) -> list[str]:
    index = _flag_index(args, "-importcfg")
    program = read_importcfg(args[index])
    agent = agent_build.read_sidecar(args[-1]) or agent_build.exports(tool)
    agent_build.verify(agent, program)
    missing = {path: archive for path, archive in sorted(agent.items()) if path not in program}
    new_cfg = os.path.join(os.path.dirname(args[index]), "importcfg.skywago.link")
    with open(args[index], encoding="utf-8") as f:
        original = f.read()
    with open(new_cfg, "w", encoding="utf-8") as f:
        f.write(original.rstrip("\n") + "\n")
        for path, archive in missing.items():
            f.write(f"packagefile {path}={archive}\n")
    new_args = list(args)
    new_args[index] = new_cfg
    if build_config.agent_defaults:
        encoded = base64.b64encode(json.dumps(build_config.agent_defaults, sort_keys=True).encode()).decode()
        new_args.insert(len(new_args) - 1, f"-X={BUILD_DEFAULTS_SYMBOL}={encoded}")
    return new_args
