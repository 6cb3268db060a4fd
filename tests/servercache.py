"""Heavy test servers, cached by version outside the checkout.

Real backends (a SkyWalking OAP assembled from Maven Central jars, Jaeger built from the Go module
proxy, Kafka, ...) take minutes to fetch or build. Each is made once per machine, into

    $SKYWAGO_CACHE_DIR/<name>-<version>/        (default /var/cache/skywago)

and reused by every later test session, checkout and CI run. Making one is guarded by a file lock,
so a session that needs a server another process is still building (scripts/prepare-backends.sh in
the background, another pytest) waits for it instead of building it twice. A half-made entry is
never used: the maker writes into a temporary directory that is renamed into place when it is done.

    path = servercache.ensure("zipkin", "3.6.1", make)   # make(dest: pathlib.Path) fills dest

Fixture modules for servers are named tests/backend_<kind>.py; tests/conftest.py loads every one
of them, so adding a server kind touches no shared file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pathlib
import shutil
import subprocess
import time
from typing import Callable

CACHE_ROOT = pathlib.Path(os.environ.get("SKYWAGO_CACHE_DIR", "/var/cache/skywago"))


def entry(name: str, version: str) -> pathlib.Path:
    """Where <name>-<version> lives (whether or not it was made yet)."""
    return CACHE_ROOT / f"{name}-{version}"


@contextlib.contextmanager
def _locked(name: str, version: str):
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    lock_path = CACHE_ROOT / f".{name}-{version}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure(name: str, version: str, make: Callable[[pathlib.Path], None]) -> pathlib.Path:
    """The cached <name>-<version>, made by make(tmp_dir) first when missing. Returns its path."""
    done = entry(name, version)
    if (done / ".complete").exists():
        return done
    with _locked(name, version):
        if (done / ".complete").exists():  # made by another process while we waited
            return done
        tmp = CACHE_ROOT / f".{name}-{version}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        started = time.monotonic()
        try:
            make(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        (tmp / ".complete").write_text(f"made in {time.monotonic() - started:.1f} s\n")
        shutil.rmtree(done, ignore_errors=True)
        os.replace(tmp, done)
    return done


def run(cmd: list[str], cwd=None, env=None, timeout: float = 3600, what: str = "") -> subprocess.CompletedProcess:
    """Run a maker's command; on failure raise with its output (the cache entry is not made)."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{what or cmd[0]} failed ({done.returncode}): {' '.join(map(str, cmd))}\n"
                             f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


def go_program(name: str, module: str, version: str, package: str | None = None,
               env: dict[str, str] | None = None, build_flags: tuple[str, ...] = (),
               files: dict[str, str] | None = None) -> pathlib.Path:
    """A Go program from the Go module proxy, built once and cached: `package` (default: the
    module's root) of module@version, built in a throwaway module with the local Go toolchain
    (`GOTOOLCHAIN` in env picks another). Returns the path of the executable.

    files: {path in the module: text} written into a copy of the module before the build (files
    its release process generates and its module zip lacks, e.g. an embedded version.txt); the
    build then uses that copy (a `replace` directive)."""
    package = package or module
    exe_name = package.rstrip("/").split("/")[-1]

    def make(dest: pathlib.Path) -> None:
        work = dest / "src"
        work.mkdir()
        build_env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0", **(env or {})}
        run(["go", "mod", "init", f"skywago.test/{name}"], cwd=work, env=build_env)
        run(["go", "get", f"{module}@{version}"], cwd=work, env=build_env, what=f"go get {module}@{version}")
        if files:
            listed = run(["go", "list", "-m", "-f", "{{.Dir}}", module], cwd=work, env=build_env).stdout.strip()
            copy = work / "module"
            shutil.copytree(listed, copy)
            for path in [copy, *copy.rglob("*")]:  # the module cache is read-only
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode | 0o200)
            for rel, text in files.items():
                (copy / rel).write_text(text)
            run(["go", "mod", "edit", f"-replace={module}=./module"], cwd=work, env=build_env)
        run(["go", "build", *build_flags, "-o", str(dest / exe_name), package], cwd=work, env=build_env,
            what=f"go build {package}")
        shutil.rmtree(work)

    # The supplied files are part of what is built: a binary cached without them (FerretDB's
    # panicked at start) must not be reused, so they key the cache entry too.
    key = version
    if files:
        key += "-" + hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:8]
    return ensure(name, key, make) / exe_name


def maven_jars(name: str, version: str, artifacts: list[str], java_version: str = "17",
               exclusions: tuple[str, ...] = (), boms: tuple[str, ...] = ()) -> pathlib.Path:
    """Java artifacts ("group:artifact:version") and their runtime dependencies from Maven
    Central, fetched once by Maven (`mvn dependency:copy-dependencies` over a throwaway pom) and
    cached as <name>-<version>/lib/*.jar. Returns that lib directory (a `-cp "<dir>/*"` away).
    exclusions: "group:artifact" dependencies left out (e.g. one a pom names that Central lacks).
    boms: "group:artifact:version" poms whose dependencyManagement pins the versions of the
    dependencies (a project's parent pom: Maven's nearest-wins otherwise mixes versions, e.g.
    jackson-core 2.14 with jackson-databind 2.16)."""

    def make(dest: pathlib.Path) -> None:
        excluded = "".join("<exclusion><groupId>{}</groupId><artifactId>{}</artifactId></exclusion>".format(
            *e.split(":")) for e in exclusions)
        deps = "".join(
            "<dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version>".format(
                *artifact.split(":")) + f"<exclusions>{excluded}</exclusions></dependency>"
            for artifact in artifacts)
        managed = "".join(
            "<dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version>".format(*bom.split(":"))
            + "<type>pom</type><scope>import</scope></dependency>" for bom in boms)
        managed = f"<dependencyManagement><dependencies>{managed}</dependencies></dependencyManagement>" if boms else ""
        (dest / "pom.xml").write_text(
            '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
            f"<groupId>skywago.test</groupId><artifactId>{name}</artifactId><version>1</version>"
            f"<properties><maven.compiler.release>{java_version}</maven.compiler.release></properties>"
            f"{managed}<dependencies>{deps}</dependencies></project>\n")
        run(["mvn", "-q", "-B", "dependency:copy-dependencies", "-DincludeScope=runtime",
             f"-DoutputDirectory={dest / 'lib'}"], cwd=dest, what=f"mvn: {', '.join(artifacts)}")
        (dest / "pom.xml").unlink()

    return ensure(name, version, make) / "lib"


def java() -> str:
    """The java of $JAVA_HOME, else the one on PATH, else Debian's Java 17 (the Java servers of
    the tests run on 17)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    found = shutil.which("java") or next(iter(sorted(pathlib.Path("/usr/lib/jvm").glob("java-17-openjdk-*/bin/java"))), None)
    if not found:
        raise AssertionError("no java: run scripts/install-servers.sh (as root) to install openjdk-17-jre-headless")
    return str(found)
