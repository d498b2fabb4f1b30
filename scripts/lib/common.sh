# Shared by the scripts in scripts/: sourced, not run.
# Sets ROOT (the package), puts Swift on PATH, and offers die, note and find_bin.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRIPT=$(basename "$0")
TOOLS=(jac jac-split jac-squeeze jac-assemble jac-verify)
JAC_SUBCOMMANDS=(pack unpack cat ls verify)

die() { echo "$SCRIPT: error: $*" >&2; exit 1; }
note() { echo "$SCRIPT: $*" >&2; }

# Swift lives in /opt/swift on the machines this project targets; take it from there when it is
# not on PATH already.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH=/opt/swift/usr/bin:$PATH
fi

need() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is not installed (needed by $SCRIPT)"
    done
}

# find_bin [DIR]: prints the directory holding the release executables. With DIR (from --bin),
# checks it; else builds with `swift build -c release` into $JAC_BUILD_PATH (default
# ROOT/.build) and prints that build's bin path.
find_bin() {
    local dir=${1:-} tool scratch
    if [ -z "$dir" ]; then
        need swift
        scratch=${JAC_BUILD_PATH:-$ROOT/.build}
        note "building release executables (swift build -c release --scratch-path $scratch)"
        swift build -c release --package-path "$ROOT" --scratch-path "$scratch" >&2 \
            || die "swift build failed (missing libzstd-dev/liblz4-dev/zlib1g-dev/liblzma-dev? run scripts/setup)"
        dir=$(swift build -c release --package-path "$ROOT" --scratch-path "$scratch" --show-bin-path) \
            || die "swift build --show-bin-path failed"
    fi
    for tool in "${TOOLS[@]}"; do
        [ -x "$dir/$tool" ] || die "$dir/$tool is missing (build first, or give --bin DIR)"
    done
    (cd "$dir" && pwd)
}

# generate_completions BIN OUTDIR: writes the bash, zsh and fish completion scripts of every
# executable into OUTDIR as TOOL.bash, _TOOL and TOOL.fish.
generate_completions() {
    local bin=$1 out=$2 tool
    mkdir -p "$out"
    for tool in "${TOOLS[@]}"; do
        "$bin/$tool" --generate-completion-script bash > "$out/$tool.bash" || die "$tool: bash completion failed"
        "$bin/$tool" --generate-completion-script zsh > "$out/_$tool" || die "$tool: zsh completion failed"
        "$bin/$tool" --generate-completion-script fish > "$out/$tool.fish" || die "$tool: fish completion failed"
    done
}
