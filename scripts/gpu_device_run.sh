#!/usr/bin/env bash
# Runs what scripts/gpu_device_pack.sh packed, on a machine with an NVIDIA GPU, from the
# repository root: the GPU tests, the GPU bench (with PLUME_BENCH_PARTICLES as set, else 10⁶
# and 10⁷), and three particle scenarios on the GPU and on the CPU with their fields compared
# (scripts/gpu_compare_runs.py). Writes everything to $OUT/gpu_check.log (or ./gpu_check.log).
set -uo pipefail
root=$PWD
log="${OUT:-$root}/gpu_check.log"
exec > >(tee -a "$log") 2>&1
section() { echo; echo "=== $* ($(date -u +%T))"; }
# The Vulkan loader, only where the machine has none (a bare GPU container).
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
export XDG_RUNTIME_DIR=/tmp/xdg RUST_BACKTRACE=1 TIMEFORMAT="wall %R s"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
(cd .devrun && tar xJf lib.tar.xz && xz -d -T0 bin/*.xz && chmod +x bin/*)
export LD_LIBRARY_PATH=$root/.devrun/lib
bin=$root/.devrun/bin
built=$(cat .devrun/manifest_dir)
[ -e "$built" ] || { mkdir -p "$(dirname "$built")" && ln -s "$root" "$built"; }
mkdir -p "$built/target/release" && cp "$bin/plume" "$built/target/release/plume"
section machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
nproc
for t in "$bin"/gpu_*; do
  section "test $(basename "$t")"
  CI=1 timeout 300 "$t" --nocapture 2>&1 | grep -v '^$' | tail -60
done
section "bench gpu"
timeout 300 "$bin/bench_gpu" 2>&1 | tail -30
sed -e 's/^kind = "gaussian_plume"/kind = "lagrangian"\nparticles = 1_000_000\nseed = 1/' \
    -e '/^sigma_scheme/d' scenarios/lepreau_stack_east_wind.toml > /tmp/lepreau_lagrangian.toml
for s in scenarios/flexpart_benchmark.toml scenarios/lepreau_sunny_afternoon.toml \
         /tmp/lepreau_lagrangian.toml; do
  n=$(basename "$s" .toml)
  for b in gpu cpu; do
    section "run $n on the $b"
    time timeout 300 "$bin/plume" run "$s" --backend "$b" -o "/tmp/gpu_check/$n-$b" -q
  done
  env -u LD_LIBRARY_PATH python3 scripts/gpu_compare_runs.py "/tmp/gpu_check/$n-cpu" "/tmp/gpu_check/$n-gpu"
done
section done
