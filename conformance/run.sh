#!/usr/bin/env bash
# Conformance check of the embedded Nomad server against python-nomad 2.1.0, a Nomad
# client written by others: bootstrap, tokens and policies, with asserted results.
#
#   NOMAD_ACL_CONSOLE_BIN=/path/to/bin conformance/run.sh
#
# The binary is run as `$NOMAD_ACL_CONSOLE_BIN dev-nomad --listen 127.0.0.1:PORT` (fresh,
# not bootstrapped): either the console's main binary or the scratch crate's example
# (`cargo build --example dev_nomad` -> target/debug/examples/dev_nomad).
# The virtualenv is conformance/.venv, made once and reused.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${NOMAD_ACL_CONSOLE_BIN:-}"
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "run.sh: set NOMAD_ACL_CONSOLE_BIN to an executable that understands 'dev-nomad --listen ADDR'" >&2
    echo "        (got: '${bin}')" >&2
    exit 2
fi

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("python-nomad") != "2.1.0")' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "python-nomad==2.1.0"
fi

port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
addr="127.0.0.1:$port"
log="$(mktemp)"

"$bin" dev-nomad --listen "$addr" >"$log" 2>&1 &
server_pid=$!

stop_server() {
    if kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap stop_server EXIT

# Wait (at most 20s) until the server answers HTTP at all.
ready=0
for _ in $(seq 1 200); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run.sh: dev-nomad exited before answering; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    if "$venv/bin/python" - "$addr" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://{sys.argv[1]}/v1/acl/token/self", timeout=1)
except urllib.error.HTTPError:
    pass  # any HTTP answer means it is up
PY
    then
        ready=1
        break
    fi
    sleep 0.1
done
if [ "$ready" != 1 ]; then
    echo "run.sh: dev-nomad did not answer on $addr within 20s; its output:" >&2
    cat "$log" >&2
    exit 1
fi

# python-nomad reads NOMAD_* from the environment: keep the caller's out of the test.
status=0
env -u NOMAD_TOKEN -u NOMAD_ADDR -u NOMAD_NAMESPACE -u NOMAD_REGION -u NOMAD_CLIENT_CERT -u NOMAD_CLIENT_KEY \
    "$venv/bin/python" "$here/test_python_nomad.py" "http://$addr" || status=$?
if [ "$status" != 0 ]; then
    echo "run.sh: server output:" >&2
    cat "$log" >&2
fi
exit "$status"
