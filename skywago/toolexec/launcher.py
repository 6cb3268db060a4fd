"""The state the sh launcher (skywago/bin/skywago) decides tool calls with, without Python.

`skywago _launcher-state FILE KEY LAUNCHER` writes FILE: sh assignments the launcher sources —
the `-V=full` tags for compile and link (exactly version.tag_for's), the import paths a rule
targets, the //skywago:span marker — and `sw_s_stale`, which says whether any file the state was
computed from (skywago's code, templates, agent sources, plugins, the libraries whose versions
the fingerprint includes, the config file, the launcher itself) changed since. FILE's mtime is
set to one second before reading began, so a change made while it was computed counts as one
(and a shell comparing mtimes in whole seconds sees it too). KEY is the launcher's path and
settings (SKYWAGO_PLUGIN_PATH, SKYWAGO_CONFIG, SKYWAGO_STRICT, PYTHONPATH) the state holds for;
the launcher computes it and checks it, so one state never serves other settings.
"""

from __future__ import annotations

import os
import sys
import time

FORMAT = "1"  # the launcher checks sw_s_format


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def render(key: str, launcher: str) -> str:
    from skywago import config, fingerprint
    from skywago.toolexec import selection, version

    build_config = config.load()
    watched = fingerprint.inputs()  # a file deleted changes its directory, which is watched too
    if launcher and os.path.exists(launcher):
        watched.append(os.path.realpath(launcher))
    checks = [f"\t[ {_quote(path)} -nt \"$sw_state\" ] && return 0" for path in sorted(set(watched))]
    if build_config.source:
        source = _quote(os.path.abspath(build_config.source))
        checks.append(f"\t[ -e {source} ] || return 0; [ {source} -nt \"$sw_state\" ] && return 0")
    checks = "\n".join(checks)
    return f"""# skywago launcher state, made by skywago/toolexec/launcher.py (safe to delete)
sw_s_format={FORMAT}
sw_s_key={_quote(key)}
sw_s_compile={_quote(version.tag_for("compile", build_config))}
sw_s_link={_quote(version.tag_for("link", build_config))}
sw_s_targets={_quote(" " + " ".join(sorted(selection.target_import_paths())) + " ")}
sw_s_marker={_quote(selection.SPAN_MARKER.decode())}
sw_s_stale() {{
{checks}
	return 1
}}
"""


def write_state(path: str, key: str, launcher: str) -> None:
    started = time.time()
    content = render(key, launcher)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    stamp = started - 1
    os.utime(tmp, (stamp, stamp))
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    """Entry of `skywago _launcher-state FILE KEY LAUNCHER`; silent on failure (the launcher then
    lets Python decide the call, which reports the reason)."""
    if len(argv) != 3:
        sys.stderr.write("usage: skywago _launcher-state FILE KEY LAUNCHER\n")
        return 2
    try:
        write_state(*argv)
    except Exception:  # noqa: BLE001 - any failure means: no state, Python decides
        return 1
    return 0
