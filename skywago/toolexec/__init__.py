"""The `go build -toolexec` front door: a thin shell around the engine.

Flow of one tool call (dispatch.py): answer `-V=full` with a tagged line (version.py); hand every
call with nothing to do straight to the real tool (selection.py); otherwise rewrite a compile
(compile_step.py) or extend a link with the agent (link_step.py).
"""


def rules_for_build(build_config, on_plugin_error=None, packages=None):
    """The engine's rules for this build, minus those the config disables. A plugin that does not
    load is left out and handed to on_plugin_error (the front door's failure policy). packages:
    the rules for these packages only (a compile needs those of its own package)."""
    from skywago.engine.rules import builtin_rules, plugin_rules

    plugins, errors = plugin_rules(packages=packages)
    for error in errors:
        if on_plugin_error is not None:
            on_plugin_error(error)
    return [rule for rule in [*builtin_rules(), *plugins] if rule.name not in build_config.disabled_rules]
