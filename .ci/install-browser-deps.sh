#!/usr/bin/env bash
# Install what the real-browser tests (tests/browser) need, but only what is missing:
#   - Debian: chromium (+ fonts-liberation for stable metrics), a Java >= 11 runtime for the
#     Nu Html Checker (default-jre-headless), nodejs/npm if absent
#   - npm:    axe-core and vnu-jar into tests/browser/node_modules (npm ci from the committed lockfile,
#             --ignore-scripts: vnu-jar's postinstall would try to download a JRE from outside)
#   - PyPI:   playwright (pinned in tests/browser/requirements.txt) into the active/project venv;
#             it ships its node driver. Browsers are NEVER downloaded: tests use /usr/bin/chromium.
# Idempotent, quiet on success (one summary line only when something was installed), prints the
# captured log on failure. Takes well under a second when everything is already present.
# Python interpreter: $PYTHON, else $VIRTUAL_ENV/bin/python, else <repo>/.venv/bin/python (created with
# `python3 -m venv`, like .ci/run does, if it does not exist yet).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROWSER_DIR="$ROOT/tests/browser"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
installed=()

fail() {
    echo "install-browser-deps: FAILED: $*" >&2
    if [[ -s "$LOG" ]]; then
        echo "---- log ----" >&2
        cat "$LOG" >&2
    fi
    exit 1
}

run() {
    echo "+ $*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 || fail "$*"
}

# ---------------------------------------------------------------- Debian packages
java_major() {
    command -v java >/dev/null 2>&1 || { echo 0; return; }
    local v
    v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    echo "${v:-0}"
}

apt_pkgs=()
[[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q "install ok installed" \
    || apt_pkgs+=(fonts-liberation)
(( $(java_major) >= 11 )) || apt_pkgs+=(default-jre-headless)
command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_pkgs+=(npm)

if (( ${#apt_pkgs[@]} )); then
    SUDO=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to apt-get install ${apt_pkgs[*]}"
        SUDO=(sudo)
    fi
    run "${SUDO[@]}" apt-get update -qq
    run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${apt_pkgs[@]}"
    installed+=("apt: ${apt_pkgs[*]}")
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium still missing after apt-get install"
(( $(java_major) >= 11 )) || fail "no Java >= 11 on PATH after apt-get install"

# ---------------------------------------------------------------- npm packages
AXE_JS="$BROWSER_DIR/node_modules/axe-core/axe.min.js"
VNU_JAR="$BROWSER_DIR/node_modules/vnu-jar/build/dist/vnu.jar"
STAMP="$BROWSER_DIR/node_modules/.site-builder-stamp"
want_stamp="$(cat "$BROWSER_DIR/package.json" "$BROWSER_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$AXE_JS" || ! -f "$VNU_JAR" || "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]]; then
    (cd "$BROWSER_DIR" && run npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    [[ -f "$AXE_JS" && -f "$VNU_JAR" ]] || fail "npm ci did not produce $AXE_JS and $VNU_JAR"
    echo "$want_stamp" >"$STAMP"
    installed+=("npm: axe-core vnu-jar")
fi

# ---------------------------------------------------------------- Python packages
if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/bin/python" ]]; then
    PY="$VIRTUAL_ENV/bin/python"
else
    # The project venv (the README's test command creates it first), created here when the
    # script runs on its own. Installing into the system python3 would not help (the venv does
    # not see it, and Debian's python3 refuses pip installs anyway, PEP 668).
    if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
        run python3 -m venv "$ROOT/.venv"
        installed+=("venv: $ROOT/.venv")
    fi
    PY="$ROOT/.venv/bin/python"
fi
# Exit 0 only if every "name==version" pin in requirements.txt is installed at that version.
pins_ok() {
    "$PY" - "$BROWSER_DIR/requirements.txt" <<'PYEOF' >/dev/null 2>&1
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, want = line.partition("==")
    try:
        if want and version(name.strip()) != want.strip():
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PYEOF
}
if ! pins_ok; then
    run "$PY" -m pip install --quiet --disable-pip-version-check -r "$BROWSER_DIR/requirements.txt"
    pins_ok || fail "playwright pin from tests/browser/requirements.txt not importable by $PY after pip install"
    installed+=("pip: $(grep -v '^#' "$BROWSER_DIR/requirements.txt" | xargs)")
fi

if (( ${#installed[@]} )); then
    printf 'install-browser-deps: installed %s\n' "$(IFS=';'; echo "${installed[*]}")"
fi
