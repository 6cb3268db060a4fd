"""The main rule: start the agent before user code and flush it when main.main returns.

The added file blank-imports the agent's boot package, whose init starts the agent; Go runs the
inits of imported packages before the main package's own. `main.main` gets a deferred flush on
the line of its opening brace. os.Exit is covered by the runtime's exit hook (runtime rule).
"""

from __future__ import annotations

from skywago.engine.api import BOOT_PACKAGE, PackageInput, RewriteError
from skywago.engine.edits import Edit
from skywago.engine.rules import Rule
from skywago.engine.workspace import PackageWorkspace

ADDED_FILE = "skywago_main.go"


class MainRule(Rule):
    """Start the agent in main packages and flush it on exit."""

    name = "main"

    def matches(self, pkg: PackageInput) -> str | None:
        return "a program's main package starts and flushes the agent" if pkg.is_main else None

    def rewrite(self, ws: PackageWorkspace) -> None:
        mains = [
            (name, fn)
            for name, go_file in ws.parsed_files()
            for fn in go_file.funcs()
            if fn.name == "main" and not fn.receiver_type and not fn.params and fn.body is not None
        ]
        if len(mains) != 1:
            raise RewriteError(ws.pkg.import_path, self.name, f"expected one func main(), found {len(mains)}")
        name, fn = mains[0]
        ws.edit(name, Edit.insert(fn.body_open, " defer skywagoMainExit();", self.name))
        ws.need_link(BOOT_PACKAGE)
        ws.add_file(ADDED_FILE, "main.go.j2", boot_package=BOOT_PACKAGE)
