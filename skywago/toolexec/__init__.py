"""The `go build -toolexec` front door: a thin shell around the engine.

Flow of one tool call (dispatch.py): answer `-V=full` with a tagged line (version.py); hand every
call with nothing to do straight to the real tool (selection.py); otherwise rewrite a compile
(compile_step.py) or extend a link with the agent (link_step.py).
"""


def rules_for_build(build_config):
    """The engine's rules for this build, minus those the config disables."""
    from skywago.engine import default_rules

    return [rule for rule in default_rules() if rule.name not in build_config.disabled_rules]
