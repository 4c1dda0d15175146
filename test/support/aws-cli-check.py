"""Checks AWS CLI command lines with the AWS CLI's own parser (awscli v2, in this one process).

Standard input: a JSON list of {"argv": [...], "mode": "parse" | "names"}. Standard output: a JSON list
of {"ok": bool, "rc": int, "error": str}, in the same order.

"parse" runs the command through the CLI's driver, as `aws` would, against a closed local endpoint
(every connection, the endpoint's and any other, goes to 127.0.0.1:9, where nothing listens) with dummy
credentials: a command the CLI accepts fails at connect; a syntax error exits 252 with its usage, a
parameter the API model refuses exits 252 with "Parameter validation failed".
"names" checks a command mentioned without its values: the service, the operation and every option
named exist in the CLI's command tables.
"""
import contextlib
import io
import json
import os
import sys
import tempfile

CLOSED = "http://127.0.0.1:9"
os.environ.update(
    AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_MAX_ATTEMPTS="1",
    AWS_RETRY_MODE="standard",
    AWS_PAGER="",
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_EC2_METADATA_DISABLED="true",
    HTTP_PROXY=CLOSED,
    HTTPS_PROXY=CLOSED,
    NO_PROXY="",
)
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(name, None)

from awscli.clidriver import create_clidriver  # noqa: E402

# What the CLI says once it has accepted a command and tried to run it.
REACHED_THE_NETWORK = ("Could not connect to the endpoint URL", "Failed to connect to proxy URL", "Connect timeout")
# `aws sso login --profile X` reads the profile after parsing; the config file here is empty on purpose.
PARSED_THEN_NO_PROFILE = "could not be found"


_driver = None


def driver():
    """One driver, and so one session with its loaded models, for every name check of the batch."""
    global _driver
    if _driver is None:
        _driver = create_clidriver()
    return _driver


def fresh_driver():
    """A driver with a session of its own, reading the service models through the batch's one loader, which
    keeps each model it has read: a model is read once, however many commands use its service."""
    fresh = create_clidriver()
    fresh.session.register_component("data_loader", driver().session.get_component("data_loader"))
    return fresh


def stand_in_files(argv):
    """The files a command reads its parameters from (file://x, fileb://x), as the page's earlier steps write them:
    here, in an empty folder of the batch's own, each a JSON object, so that the parse goes on to the call."""
    for word in argv:
        for scheme in ("file://", "fileb://"):
            if word.startswith(scheme) and not os.path.isabs(word[len(scheme):]):
                name = word[len(scheme):]
                os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
                with open(name, "w") as f:
                    f.write("{}")


def parse(argv):
    stand_in_files(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            # A driver of its own: a customization's handlers stay registered on the session they ran in,
            # and one command's (modify-vpc-attribute's) break the next command of the same service.
            rc = fresh_driver().main(argv + ["--endpoint-url", CLOSED, "--cli-connect-timeout", "1"])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
    text = err.getvalue()
    ok = rc != 252 and (any(s in text for s in REACHED_THE_NETWORK) or PARSED_THEN_NO_PROFILE in text)
    return {"ok": ok, "rc": rc, "error": "" if ok else text.strip()[-1500:]}


def names(argv):
    cli = driver()
    words = [w for w in argv if not w.startswith("-")]
    flags = [w.split("=", 1)[0] for w in argv if w.startswith("--")]
    if len(words) < 2:
        return {"ok": False, "rc": 0, "error": "a command names a service and an operation"}
    service = cli._get_command_table().get(words[0])
    if service is None:
        return {"ok": False, "rc": 0, "error": f"no service {words[0]}"}
    operation = service._get_command_table().get(words[1])
    if operation is None:
        return {"ok": False, "rc": 0, "error": f"no operation {words[0]} {words[1]}"}
    known = set(operation.arg_table) | set(cli._get_argument_table())
    unknown = [f for f in flags if f[2:] not in known]
    return {"ok": not unknown, "rc": 0, "error": f"unknown options {unknown}" if unknown else ""}


def main():
    requests = json.load(sys.stdin)
    with tempfile.TemporaryDirectory(prefix="aws-cli-check-") as folder:
        os.chdir(folder)
        results = [parse(r["argv"]) if r["mode"] == "parse" else names(r["argv"]) for r in requests]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
