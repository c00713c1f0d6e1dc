#!/bin/sh
# Builds Domus's EL2 program (and, with another source folder, a test kernel) with Debian's cross toolchain.
# Usage: build.sh SRC_DIR OUT.bin [FILE...]
# Every .S and .c of SRC_DIR is built, then each FILE (.S, .c, or the .ld link script when SRC_DIR has none): a
# second program shares another's entry code and link script by naming them, instead of keeping a copy.
set -eu
CROSS=${CROSS_COMPILE:-aarch64-linux-gnu-}
for tool in gcc objcopy; do
  if ! command -v "${CROSS}$tool" >/dev/null 2>&1; then
    echo "domus: ${CROSS}$tool not found: install the Debian packages gcc-aarch64-linux-gnu and binutils-aarch64-linux-gnu" >&2
    exit 1
  fi
done
src=$1 out=$2
shift 2
script=
for f in "$src"/*.ld "$@"; do
  case $f in *.ld) [ -z "$script" ] && [ -e "$f" ] && script=$f ;; esac
done
for f in "$src"/*.S "$src"/*.c; do
  [ -e "$f" ] && set -- "$@" "$f"
done
# "$@" now holds the named files then the folder's own: keep all but link scripts
for f do
  shift
  case $f in *.ld) ;; *) set -- "$@" "$f" ;; esac
done
if [ -z "$script" ]; then
  echo "domus: no link script (.ld) in $src or among the files named" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
elf=$(mktemp)
trap 'rm -f "$elf"' EXIT
# -mstrict-align: the MMU is off at EL2, where all memory is Device memory and unaligned accesses fault.
"${CROSS}gcc" -O2 -ffreestanding -nostdlib -nostartfiles -static -fno-pic -no-pie -mgeneral-regs-only -mstrict-align \
  -march=armv8-a -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -Wall -Werror \
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$script" -o "$elf" "$@"
"${CROSS}objcopy" -O binary "$elf" "$out"
