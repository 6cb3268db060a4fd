"""A repository of pinned Python packages for the rewriter, without rules_python's pip.parse.

`pip install --require-hashes --only-binary=:all: --target site -r LOCK` with the host's python3 (the
interpreter Bazel's autodetected Python toolchain runs py_binary actions with), exposed as one
py_library `@<name>//:site` with `imports = ["site"]`.

Offline: set `--repo_env=SKYWAGO_WHEELHOUSE=/dir/of/wheels` (scripts/bazel/setup.sh fills one) and
pip installs from there with `--no-index`. `--repo_env=SKYWAGO_PYTHON=/path/to/python3` picks the
interpreter; it must be the one that runs the actions (tree-sitter's wheels are ABI-specific).
"""

_BUILD = """\
load("@rules_python//python:defs.bzl", "py_library")

package(default_visibility = ["//visibility:public"])

# {python_version}
py_library(
    name = "site",
    srcs = glob(["site/**/*.py"], allow_empty = True),
    data = glob(
        ["site/**"],
        exclude = [
            "site/**/*.py",
            "site/bin/**",
            "site/**/* *",
        ],
        allow_empty = True,
    ),
    imports = ["site"],
)
"""

def _pip_repository_impl(rctx):
    python = rctx.os.environ.get("SKYWAGO_PYTHON", "") or rctx.attr.python
    python_path = rctx.path(python) if "/" in python else rctx.which(python)
    if not python_path:
        fail("skywago: no '{}' on PATH; set --repo_env=SKYWAGO_PYTHON=/path/to/python3".format(python))
    lock = rctx.path(rctx.attr.requirements_lock)

    version = rctx.execute([python_path, "-c", "import sys; print(sys.version.split()[0])"])
    if version.return_code != 0:
        fail("skywago: cannot run {}: {}".format(python_path, version.stderr))

    args = [
        python_path,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-compile",
        "--require-hashes",
        "--only-binary=:all:",
        "--target",
        "site",
        "-r",
        lock,
    ]
    wheelhouse = rctx.os.environ.get("SKYWAGO_WHEELHOUSE", "")
    if wheelhouse:
        args += ["--no-index", "--find-links", wheelhouse]
    rctx.report_progress("pip install -r {}".format(rctx.attr.requirements_lock.name))
    result = rctx.execute(args, timeout = 600, quiet = True)
    if result.return_code != 0:
        fail("skywago: pip install failed ({}):\n{}\n{}".format(
            " ".join([str(a) for a in args]),
            result.stdout,
            result.stderr,
        ))

    # Byte-compile deterministically (hash-based .pyc), so every machine produces identical inputs
    # for the rewriter actions and imports stay fast.
    compiled = rctx.execute([
        python_path,
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "site",
    ], quiet = True)
    if compiled.return_code != 0:
        fail("skywago: compileall failed:\n" + compiled.stdout + compiled.stderr)

    rctx.file("BUILD.bazel", _BUILD.format(python_version = "pip-installed for Python " + version.stdout.strip()))

pip_repository = repository_rule(
    implementation = _pip_repository_impl,
    attrs = {
        "requirements_lock": attr.label(mandatory = True, allow_single_file = True),
        "python": attr.string(default = "python3"),
    },
    environ = ["SKYWAGO_PYTHON", "SKYWAGO_WHEELHOUSE", "PATH"],
    doc = "pip-installs a hashed lock file into `site/` and exposes `//:site` (py_library).",
)
