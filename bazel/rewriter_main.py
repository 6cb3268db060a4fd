"""Entry point of //bazel:rewriter: runs `skywago.bazel_rewriter` (the CLI contract lives there; see
bazel/README.md), once or as a Bazel persistent worker.

- Arguments may come in a params file (`@FILE`, one argument per line: Bazel's "multiline"
  format); they are expanded first.
- `--persistent_worker` (Bazel's worker protocol, JSON flavour): one process serves many
  SkywagoRewrite actions, so Python, tree-sitter, jinja2 and the engine are loaded once instead
  of once per package. Each request is the same call as a one-shot run: the flags are parsed
  anew, the plugins and config are read anew (they are action inputs, not part of the worker),
  and what the rewriter writes to stderr becomes the response's output.
- Otherwise: `python3 -m skywago.bazel_rewriter ARGS` exactly.
"""

import contextlib
import io
import json
import runpy
import sys


def expand_params(args):
    out = []
    for arg in args:
        if arg.startswith("@") and not arg.startswith("@@"):
            with open(arg[1:], encoding="utf-8") as f:
                out.extend(line for line in f.read().split("\n") if line)
        else:
            out.append(arg)
    return out


def run_once(args):
    sys.argv = ["skywago.bazel_rewriter", *args]
    runpy.run_module("skywago.bazel_rewriter", run_name="__main__", alter_sys=True)


def serve():
    from absl import flags

    from skywago import bazel_rewriter

    flags_ = flags.FLAGS
    stdout = sys.stdout
    sys.stdout = sys.stderr  # only WorkResponses may go to stdout
    for request in _requests(sys.stdin):
        captured = io.StringIO()
        with contextlib.redirect_stderr(captured):
            try:
                flags_.unparse_flags()
                argv = flags_(["skywago.bazel_rewriter", *expand_params(request.get("arguments", []))])
                code = bazel_rewriter.main(argv) or 0
            except flags.Error as err:
                captured.write(f"skywago: error: {err}\n")
                code = 2
            except SystemExit as err:
                code = err.code if isinstance(err.code, int) else 1
            except Exception as err:  # noqa: BLE001 - reported to Bazel, the worker stays up
                captured.write(f"skywago: error: {type(err).__name__}: {err}\n")
                code = 1
        response = {"exitCode": code, "output": captured.getvalue(), "requestId": request.get("requestId", 0)}
        stdout.write(json.dumps(response) + "\n")
        stdout.flush()


def _requests(stream):
    """WorkRequests: JSON objects, one after the other (one per line, or spread over lines)."""
    decoder = json.JSONDecoder()
    buffer = ""
    for line in stream:
        buffer += line
        while True:
            text = buffer.lstrip()
            if not text:
                buffer = ""
                break
            try:
                request, end = decoder.raw_decode(text)
            except json.JSONDecodeError:
                break  # incomplete: read more
            buffer = text[end:]
            yield request


if __name__ == "__main__":
    arguments = expand_params(sys.argv[1:])
    if "--persistent_worker" in arguments:
        serve()
    else:
        run_once(arguments)
