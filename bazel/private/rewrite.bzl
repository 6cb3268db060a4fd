"""The rewrite action: one run of the skywago rewriter over one Go package.

Reusable by any rule or aspect; it only needs an actions object and the rewriter tool.

Outputs are declared files, not a directory: rules_go only resolves //go:embed for Go files that
sit directly in a directory it derives from the sources and the archive (root + dirname), so the
rewritten files, the archive (named `<out_dir>/<name>` by the caller) and the manifest share one
per-target directory. The rewriter therefore writes a fixed set of files: one per input (same
basename) plus ADDED_FILE, always.
"""

ADDED_FILE = "skywago_added.go"
MANIFEST_FILE = "skywago.json"

def _go_version(sdk_version):
    if not sdk_version:
        return ""
    return sdk_version if sdk_version.startswith("go") else "go" + sdk_version

def emit_rewrite(
        actions,
        *,
        out_dir,
        rewriter,
        srcs,
        importpath,
        go_version,
        is_main = False,
        linkable_imports = [],
        config = None,
        strict = False,
        module_versions = {},
        plugin_files = [],
        worker = False,
        label = None):
    """Runs the rewriter over one package's Go files.

    Args:
      actions: ctx.actions.
      out_dir: directory for the outputs, relative to the current Bazel package; unique per
        target (e.g. "_skywago/<target name>").
      rewriter: FilesToRunProvider of the rewriter (cfg = "exec").
      srcs: list of File: the package's .go files (all of them, any build constraints).
      importpath: the package's import path.
      go_version: the Go SDK's version, "1.26.8" or "go1.26.8".
      is_main: the package is a program's main package (--main).
      linkable_imports: import paths the rewriter may add to this package's imports because
        they are in its compile and in the link (the agent's boot package, for main packages
        of binaries the aspect links) (--linkable-import P, repeated).
      config: File or None: build-time config (--config).
      strict: bool: fail instead of warning when the package cannot be rewritten (--strict).
      module_versions: dict module path -> version (--module-version MOD=VER).
      plugin_files: list of File: the files of the plugins that target this package, and only
        those: an edit of another plugin must not invalidate this action. The rewriter gets
        `--noinstalled-plugins` and `--plugin DIR` for each (the folders of their plugin.toml),
        so it reads no other plugin, sandboxed or not (a persistent worker is not sandboxed).
      worker: run it as a Bazel persistent worker (the rewriter must speak the worker protocol,
        as //bazel:rewriter does): arguments in a params file, one process for many actions.
      label: Label for the progress message.

    Returns:
      struct(srcs = list of File (rewritten inputs, then the added file), manifest = File).
    """
    seen = {}
    outs = []
    for src in srcs:
        if src.basename in seen or src.basename in (ADDED_FILE, MANIFEST_FILE):
            fail("skywago: {}: cannot rewrite {} and {} (same file name) in one package".format(
                label,
                src.path,
                seen.get(src.basename, ADDED_FILE),
            ))
        seen[src.basename] = src.path
        outs.append(actions.declare_file("{}/{}".format(out_dir, src.basename)))
    added = actions.declare_file("{}/{}".format(out_dir, ADDED_FILE))
    manifest = actions.declare_file("{}/{}".format(out_dir, MANIFEST_FILE))

    args = actions.args()
    if worker:
        args.use_param_file("@%s", use_always = True)
        args.set_param_file_format("multiline")
    args.add("--importpath", importpath)
    args.add("--go-version", _go_version(go_version))
    args.add("--out-dir", manifest.dirname)
    if is_main:
        args.add("--main")
    args.add_all(linkable_imports, before_each = "--linkable-import")
    for mod, ver in sorted(module_versions.items()):
        args.add("--module-version", "{}={}".format(mod, ver))
    inputs = list(srcs) + list(plugin_files)
    args.add("--noinstalled-plugins")
    args.add_all(
        sorted([f.dirname for f in plugin_files if f.basename == "plugin.toml"]),
        before_each = "--plugin",
    )
    if config:
        args.add("--config", config)
        inputs.append(config)
    if strict:
        args.add("--strict")
    args.add_all(srcs)

    actions.run(
        executable = rewriter,
        arguments = [args],
        inputs = inputs,
        outputs = outs + [added, manifest],
        execution_requirements = {
            "supports-workers": "1",
            "requires-worker-protocol": "json",
        } if worker else {},
        mnemonic = "SkywagoRewrite",
        progress_message = "skywago: rewriting %s (%s)" % (importpath, label or out_dir),
    )
    return struct(srcs = outs + [added], manifest = manifest)
