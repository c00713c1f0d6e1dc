#!/bin/sh
# Builds Domus's EL2 program (and, with a second source folder, a test kernel) with Debian's cross toolchain.
# Usage: build.sh SRC_DIR OUT.bin
set -eu
CROSS=${CROSS_COMPILE:-aarch64-linux-gnu-}
for tool in gcc objcopy; do
  if ! command -v "${CROSS}$tool" >/dev/null 2>&1; then
    echo "domus: ${CROSS}$tool not found: install the Debian packages gcc-aarch64-linux-gnu and binutils-aarch64-linux-gnu" >&2
    exit 1
  fi
done
src=$1 out=$2
mkdir -p "$(dirname "$out")"
elf=$(mktemp)
trap 'rm -f "$elf"' EXIT
# -mstrict-align: the MMU is off at EL2, where all memory is Device memory and unaligned accesses fault.
"${CROSS}gcc" -O2 -ffreestanding -nostdlib -nostartfiles -static -fno-pic -no-pie -mgeneral-regs-only -mstrict-align \
  -march=armv8-a -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -Wall -Werror \
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$src"/*.ld -o "$elf" "$src"/*.S "$src"/*.c
"${CROSS}objcopy" -O binary "$elf" "$out"
