"""Stand-in for @package_metadata's provider (same name and fields)."""

PackageMetadataInfo = provider(
    doc = "Stand-in: metadata of a package (offline stub).",
    fields = {
        "metadata": "File: the metadata JSON.",
        "files": "depset of files referenced by the metadata.",
    },
)
