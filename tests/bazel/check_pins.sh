#!/usr/bin/env bash
# The archives in scripts/bazel/distfiles.txt and the pins in tests/bazel/*/MODULE.bazel and in
# bazel/extensions.bzl (the default SDK skywago instruments) agree (same file names, same
# checksums): otherwise --distdir would not serve what Bazel asks for.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python3 - "$repo" <<'PY'
import base64, pathlib, re, sys
repo = pathlib.Path(sys.argv[1])
dist = {}
for line in (repo / "scripts/bazel/distfiles.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        sha, path = line.split()
        dist[path.rsplit("/", 1)[1]] = (sha, path)
bad = 0
checked = 0
for mod in sorted(repo.glob("tests/bazel/*/*MODULE.bazel")) + [repo / "bazel/extensions.bzl"]:
    text = mod.read_text()
    # archive_override(integrity = "sha256-...", urls = [".../NAME"])
    for m in re.finditer(r'archive_override\((.*?)\n\)', text, re.S):
        body = m.group(1)
        integ = re.search(r'integrity = "sha256-([^"]+)"', body).group(1)
        url = re.search(r'urls = \["([^"]+)"', body).group(1)
        name = url.rsplit("/", 1)[1]
        want = dist.get(name, (None,))[0]
        got = base64.b64decode(integ).hex()
        checked += 1
        if want != got or not url.endswith(dist[name][1]):
            print(f"{mod}: {url} sha256 {got} vs distfiles.txt {want}"); bad += 1
    # go_sdk.download(sdks = {"os_arch": ["NAME", "SHA256"]})
    for name, sha in re.findall(r'"([^"/]+\.zip)",\s*"([^"]*)"', text):
        if dist.get(name, (None,))[0] != sha:
            print(f"{mod}: {name} sha256 {sha} vs distfiles.txt {dist.get(name, (None,))[0]}"); bad += 1
if not checked:
    print("no archive_override found in tests/bazel/*/*MODULE.bazel"); bad += 1
sys.exit(1 if bad else 0)
PY
echo "pins ok"
