"""Stand-in: Bazel 7's native sh_binary."""

sh_binary = native.sh_binary
