"""Stand-in for @package_metadata//rules:package_metadata.bzl (bazel-contrib/supply-chain), which
gazelle's go_repository loads in every generated root BUILD file:

    package_metadata(name = "package_metadata", purl = "pkg:golang/<module>@<version>", visibility = [...])

Same name and attributes; provides the stand-in PackageMetadataInfo. The repository's REPO.bazel
lists the target in `default_package_metadata` (every target's applicable_licenses), so the
target itself must have none, or it would depend on itself.
"""

load("//providers:package_metadata_info.bzl", "PackageMetadataInfo")

def _impl(ctx):
    metadata = ctx.actions.declare_file(ctx.label.name + ".package-metadata.json")
    ctx.actions.write(metadata, json.encode({"purl": ctx.attr.purl}))
    return [
        DefaultInfo(files = depset([metadata])),
        PackageMetadataInfo(metadata = metadata, files = depset([metadata])),
    ]

_package_metadata = rule(
    implementation = _impl,
    attrs = {
        "purl": attr.string(mandatory = True),
        "attributes": attr.label_list(),
    },
)

def package_metadata(name, purl, attributes = [], visibility = None, **kwargs):
    _package_metadata(
        name = name,
        purl = purl,
        attributes = attributes,
        visibility = visibility,
        applicable_licenses = [],
        **kwargs
    )
