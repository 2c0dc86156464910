#!/usr/bin/env bash
# Real-engine timings of the local stack, in a throw-away copy of the project with its own backend:
#   1. no-op `pulumi preview` of the local stack vs. a one-resource program on the same engine (alternating rounds)
#   2. warm `pulumi up` after a one-line .go change, and what it changed
# Usage: scripts/bench/pulumi-timings.sh [ROUNDS]   (needs npm run bootstrap first)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pulumi() { PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE=local-only-passphrase bash "$repo/scripts/toolchain/pulumi-run.sh" "$@"; }
seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; echo "$EPOCHREALTIME - $start" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mkdir -p "$work/state"

# The project, as a user has it (tracked and untracked files, not ignored ones).
mkdir -p "$work/project"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/project")
ln -s "$repo/node_modules" "$work/project/node_modules"
# The baseline: one resource, same language host, same engine.
mkdir -p "$work/baseline"
ln -s "$repo/node_modules" "$work/baseline/node_modules"
printf 'name: baseline\nruntime: nodejs\n' >"$work/baseline/Pulumi.yaml"
cat >"$work/baseline/index.js" <<'JS'
const pulumi = require("@pulumi/pulumi");
const provider = { async create() { return { id: "one", outs: {} }; } };
new pulumi.dynamic.Resource(provider, "one", {});
JS

(cd "$work/project" && pulumi stack init local --secrets-provider passphrase >/dev/null && pulumi config set goship:imageRepository "goship-bench/$$" --stack local)
(cd "$work/baseline" && pulumi stack init bench --secrets-provider passphrase >/dev/null)
echo "first up of each (not timed as no-op)…" >&2
(cd "$work/project" && pulumi up --stack local --yes --skip-preview >/dev/null)
(cd "$work/baseline" && pulumi up --stack bench --yes --skip-preview >/dev/null)

stack_times=() baseline_times=()
for ((i = 1; i <= rounds; i++)); do
  stack_times+=("$(cd "$work/project" && seconds pulumi preview --stack local --expect-no-changes)")
  baseline_times+=("$(cd "$work/baseline" && seconds pulumi preview --stack bench --expect-no-changes)")
done
stack_median=$(printf '%s\n' "${stack_times[@]}" | median)
baseline_median=$(printf '%s\n' "${baseline_times[@]}" | median)
echo "no-op preview, local stack (s):        ${stack_times[*]}  median $stack_median"
echo "no-op preview, one-resource program (s): ${baseline_times[*]}  median $baseline_median"
echo "ratio (medians): $(echo "scale=2; $stack_median / $baseline_median" | bc)"

# A one-line change the compiler keeps (a comment alone gives the same binary, hence the same digest).
source_file=app/cmd/server/main.go
echo 'func init() { version += "-bench" }' >>"$work/project/$source_file"
log="$work/project/.goship/logs/image-build.log"
builds_before=$(grep -c '^\$ docker build ' "$log")
up_seconds=$(cd "$work/project" && seconds pulumi up --stack local --yes --skip-preview)
builds_after=$(grep -c '^\$ docker build ' "$log")
changed=$(cd "$work/project" && pulumi stack history --stack local --json | jq -c '.[0].resourceChanges')
echo "warm up after a one-line change to $source_file: ${up_seconds}s, docker builds: $((builds_after - builds_before)), changes: $changed"
