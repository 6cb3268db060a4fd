"""Stand-in for @buildozer's extension (bazel_tools use_repo()s it for `bazel mod tidy` only)."""

def _empty_repo_impl(rctx):
    rctx.file("BUILD.bazel", "# empty stand-in (tests/bazel/stubs/buildozer)\n")
    rctx.file("REPO.bazel", "")

_empty_repo = repository_rule(implementation = _empty_repo_impl)

def _buildozer_binary_impl(mctx):
    _empty_repo(name = "buildozer_binary")

buildozer_binary = module_extension(
    implementation = _buildozer_binary_impl,
    tag_classes = {"buildozer": tag_class(attrs = {"version": attr.string(), "sha256": attr.string_dict()})},
)
