#!/usr/bin/env bash
# One prepared check for a machine with a real GPU: builds plume, prints the adapter the GPU
# backend picks, runs every GPU test on it, then the GPU bench (10⁶ and 10⁷ particles, the
# Gaussian grid). Writes everything to $OUT (or ./gpu-check) as well as to the terminal.
#
#   scripts/gpu_device_check.sh            # full check
#   PLUME_BENCH_PARTICLES=1000000 scripts/gpu_device_check.sh   # smaller bench
#
# CI=1 makes a missing adapter fail the GPU tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-gpu-check}"
mkdir -p "$out"
export CI=1
export RUST_BACKTRACE=1
log() { echo "== $*" | tee -a "$out/check.log"; }

log "$(date -u +%FT%TZ) $(uname -srm)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee -a "$out/check.log" || true
command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName|apiVersion" | tee -a "$out/check.log" || true

log "build (release, tests and benches)"
cargo build --release --all-targets 2>&1 | tail -3 | tee -a "$out/check.log"

log "GPU tests"
tests=$(ls tests/gpu_*.rs | xargs -n1 basename | sed 's/\.rs$//' | sed 's/^/--test /' | tr '\n' ' ')
# shellcheck disable=SC2086
cargo test --release $tests -- --nocapture 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/gpu_tests.log" | grep -E "running on|^test |test result|NMSE|worst" | tee -a "$out/check.log"

log "scenario timings end to end (the issue's targets: FLEXPART case ≤ 0.5 s, Lepreau 12 h ≤ 1 s)"
lepreau="$out/lepreau_lagrangian.toml"
sed -e 's/^kind = "gaussian_plume"/kind = "lagrangian"\nparticles = 1_000_000\nseed = 1/' \
    -e '/^sigma_scheme/d' scenarios/lepreau_stack_east_wind.toml > "$lepreau"
for sc in scenarios/flexpart_benchmark.toml "$lepreau"; do
  for b in gpu cpu; do
    "${CARGO_TARGET_DIR:-target}/release/plume" run --quiet --json --backend "$b" -o "$out/run_$(basename "$sc" .toml)_$b" "$sc" 2>/dev/null \
      | python3 -c "import json,sys; d=json.load(sys.stdin); print('$sc', d['backend'], '%.3f s' % d['elapsed_s'])" \
      | tee -a "$out/check.log"
  done
done

log "GPU bench (prints the adapter name)"
cargo bench --bench gpu 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/gpu_bench.log" | tee -a "$out/check.log"
log "done"
