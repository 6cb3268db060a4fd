"""Module extensions of @skywago.

skywago_python: creates @skywago_pip, the rewriter's Python dependencies
(bazel/requirements_lock.txt) as one py_library `@skywago_pip//:site`.
"""

load("//bazel/private:pip_repository.bzl", "pip_repository")

def _skywago_python_impl(mctx):
    pip_repository(
        name = "skywago_pip",
        requirements_lock = Label("//bazel:requirements_lock.txt"),
    )

skywago_python = module_extension(
    implementation = _skywago_python_impl,
    doc = "Creates @skywago_pip (pinned Python packages for //bazel:rewriter).",
)
