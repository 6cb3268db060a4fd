"""Stand-in for gazelle's go_deps: every repo another module use_repo()s from it exists, empty.

rules_go only needs those repos for nogo, protobuf and its own tools, none of which a plain
go_library/go_binary build loads.
"""

def _empty_repo_impl(rctx):
    rctx.file("BUILD.bazel", "# empty stand-in (tests/bazel/stubs/gazelle)\n")
    rctx.file("REPO.bazel", "")

_empty_repo = repository_rule(implementation = _empty_repo_impl)

# What rules_go's MODULE.bazel use_repo()s from go_deps (rules_go v0.63.0).
_REPOS = [
    "bazel_gazelle_go_repository_config",
    "com_github_aymanbagabas_go_udiff",
    "com_github_gogo_protobuf",
    "com_github_golang_mock",
    "com_github_golang_protobuf",
    "org_golang_google_genproto",
    "org_golang_google_genproto_googleapis_bytestream",
    "org_golang_google_genproto_googleapis_rpc",
    "org_golang_google_grpc",
    "org_golang_google_grpc_cmd_protoc_gen_go_grpc",
    "org_golang_google_protobuf",
    "org_golang_x_crypto",
    "org_golang_x_mod",
    "org_golang_x_net",
    "org_golang_x_sync",
    "org_golang_x_sys",
    "org_golang_x_text",
    "org_golang_x_tools",
]

def _go_deps_impl(mctx):
    for name in _REPOS:
        _empty_repo(name = name)

go_deps = module_extension(
    implementation = _go_deps_impl,
    tag_classes = {
        "from_file": tag_class(attrs = {"go_mod": attr.label()}),
        "module": tag_class(attrs = {"path": attr.string(), "version": attr.string(), "sum": attr.string()}),
        "gazelle_override": tag_class(attrs = {"path": attr.string(), "directives": attr.string_list()}),
    },
)
