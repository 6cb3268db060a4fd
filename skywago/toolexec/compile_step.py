"""A compile of a package some rule matches: run the engine, write the rewritten and added files
into the action's own work directory, substitute them in the command, run the real compiler."""

from __future__ import annotations

import os
import shutil
import sys

from skywago import config
from skywago.engine import BOOT_PACKAGE, PackageInput, RewriteError, SourceFile, rewrite_package
from skywago.toolexec import agent_build, agent_early, dispatch, modules, report, rules_for_build, selection
from skywago.toolexec.compile_args import CompileArgs, UnknownArgumentShape, read_importcfg

REWRITE_DIR = "skywago"  # under the action's $WORK/bNNN, which -trimpath already maps away


class _Untouched(Exception):
    """Compile the package as the go command asked, after the failure policy has spoken."""


def run(tool: str, args: list[str]) -> int:
    import_path = selection.import_path_of(args) or "?"
    try:
        build_config = config.load()
    except config.ConfigError as err:
        report.error(str(err))
        return 2
    try:
        new_args = rewrite(tool, args, import_path, build_config)
    except _Untouched:
        new_args = args
    except (RewriteError, UnknownArgumentShape, agent_build.AgentBuildError, OSError) as err:
        message = str(err) if isinstance(err, RewriteError) else f"package {import_path}: {err}"
        if build_config.strict:
            report.error(message)
            return 1
        report.warn(message)
        new_args = args
    dispatch.hand_off(tool, new_args)
    return 0  # not reached


def rewrite(tool: str, args: list[str], import_path: str, build_config: config.BuildConfig) -> list[str]:
    parsed = CompileArgs.parse(args)
    importcfg = read_importcfg(parsed.value("-importcfg"))
    is_main = parsed.import_path_flag == "main"
    pkg = PackageInput(
        import_path=import_path,
        go_version=parsed.value("-goversion"),
        files=tuple(_read(path) for path in parsed.files),
        is_main=is_main,
        available_imports=frozenset(importcfg),
        module_versions=modules.module_versions(parsed.files, import_path, build_config.module_versions),
        linkable_imports=frozenset({BOOT_PACKAGE}) if is_main else frozenset(),
    )
    if not is_main:
        agent_early.maybe_start(tool, parsed.value("-pgoprofile"), parsed.work_dir, importcfg)
    rules = rules_for_build(build_config, on_plugin_error=_plugin_error(build_config), packages={import_path})
    result = rewrite_package(pkg, rules)
    if not result.changed:
        raise _Untouched()

    out_dir = os.path.join(parsed.work_dir, REWRITE_DIR)
    os.makedirs(out_dir, exist_ok=True)
    written: dict[str, str] = {}
    for name, content in [*result.edited.items(), *result.added.items()]:
        written[name] = os.path.join(out_dir, name)
        with open(written[name], "wb") as f:
            f.write(content)

    new = CompileArgs(list(parsed.flags), [written.get(os.path.basename(p), p) for p in parsed.files])
    new.files.extend(written[name] for name in result.added)
    if result.has_bodyless_funcs:
        new = new.without("-complete")
    if result.link_needs:
        new = new.with_value("-importcfg", _importcfg_with_agent(tool, parsed, importcfg, out_dir))
    _keep_sources(import_path, pkg, written)
    return new.argv()


def _plugin_error(build_config: config.BuildConfig):
    def report_it(error: Exception) -> None:
        if build_config.strict:
            raise RewriteError("(all packages)", "plugins", f"a plugin does not load: {error}")
        sys.stderr.write(f"skywago: warning: plugin left out: {error}\n")

    return report_it


def _read(path: str) -> SourceFile:
    with open(path, "rb") as f:
        return SourceFile(name=os.path.basename(path), path=os.path.abspath(path), content=f.read())


def _importcfg_with_agent(tool: str, parsed: CompileArgs, importcfg: dict[str, str], out_dir: str) -> str:
    agent = _agent_for(tool, parsed, importcfg)
    agent_build.write_sidecar(parsed.work_dir, agent)
    with open(parsed.value("-importcfg"), encoding="utf-8") as f:
        original = f.read()
    path = os.path.join(out_dir, "importcfg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(original.rstrip("\n") + "\n")
        f.write(f"packagefile {BOOT_PACKAGE}={agent[BOOT_PACKAGE]}\n")
    return path


def _agent_for(tool: str, parsed: CompileArgs, importcfg: dict[str, str]) -> dict[str, str]:
    """The agent's archives: the background build's if it started (agent_early) and agrees with
    this compile, else built now."""
    pgo_profile = parsed.value("-pgoprofile")
    early = agent_early.collect(tool, pgo_profile, parsed.work_dir)
    if early is not None:
        try:
            agent_build.verify(early, importcfg)
            return early
        except agent_build.AgentBuildError:
            pass  # built against something this compile does not use: build it as usual
    agent = agent_build.exports(tool, pgo_profile)
    agent_build.verify(agent, importcfg)
    return agent


def _keep_sources(import_path: str, pkg: PackageInput, written: dict[str, str]) -> None:
    """SKYWAGO_KEEP_DIR=DIR keeps every rewritten package as DIR/<import path>/<files>."""
    keep = os.environ.get(config.ENV_KEEP, "")
    if not keep:
        return
    dest = os.path.join(keep, import_path.replace("/", os.sep))
    os.makedirs(dest, exist_ok=True)
    for name, path in written.items():
        shutil.copyfile(path, os.path.join(dest, name))
