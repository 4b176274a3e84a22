#!/usr/bin/env bash
# Packs plume's GPU tests, GPU bench and binary for a GPU machine without a Rust toolchain:
# stripped and xz-compressed into .devrun/bin, with the shared libraries they need beyond glibc
# (HDF5 and its dependencies) in .devrun/lib.tar.xz, and the Vulkan loader's Debian packages in
# .gl/. Carry .devrun and .gl to the machine and run scripts/gpu_device_run.sh there (the
# machine must be x86-64 with a glibc at least as new as this one's).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
rm -rf .devrun && mkdir -p .devrun/bin .devrun/lib .gl
cargo build --release
cp "$target/release/plume" .devrun/bin/plume
cargo test --release --no-run 2>&1 |
  sed -n 's/.*Executable tests\/\(gpu_[a-z_]*\)\.rs (\(.*\))/\1 \2/p' |
  while read -r name path; do cp "$path" ".devrun/bin/$name"; done
cargo bench --bench gpu --no-run 2>&1 |
  sed -n 's/.*Executable benches\/gpu\.rs (\(.*\))/\1/p' |
  while read -r path; do cp "$path" .devrun/bin/bench_gpu; done
strip .devrun/bin/*
# The tests find scenarios and data through the path they were built in.
pwd > .devrun/manifest_dir
ldd .devrun/bin/* | awk '/=>/ {print $3}' | sort -u |
  grep -v -E '/(libc|libm|libgcc_s|ld-linux-x86-64|libresolv|libpthread|libdl|librt)\.so' |
  while read -r lib; do cp -L "$lib" .devrun/lib/; done
tar cJf .devrun/lib.tar.xz -C .devrun lib && rm -rf .devrun/lib
xz -T0 .devrun/bin/*
(cd .gl && apt-get download libvulkan1 libegl1 libglvnd0 2>/dev/null) ||
  echo "could not download the Vulkan loader into .gl (the machine may have one)"
du -sh .devrun .gl
