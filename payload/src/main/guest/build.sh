#!/bin/sh
# Builds the test guest's static Linux/aarch64 programs with Debian's cross toolchain (never committed as binaries).
# Usage: build.sh SRC.c OUT
set -eu
CROSS=${CROSS_COMPILE:-aarch64-linux-gnu-}
if ! command -v "${CROSS}gcc" >/dev/null 2>&1; then
  echo "domus: ${CROSS}gcc not found: install the Debian packages gcc-aarch64-linux-gnu and binutils-aarch64-linux-gnu" >&2
  exit 1
fi
mkdir -p "$(dirname "$2")"
"${CROSS}gcc" -Os -ffreestanding -nostdlib -nostartfiles -static -fno-pic -no-pie -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-builtin -Wall -Werror -Wl,--build-id=none -s -o "$2" "$1"
