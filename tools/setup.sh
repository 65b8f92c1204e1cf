#!/usr/bin/env bash
# Installs every Debian package the project needs to build, test and run.
# Idempotent: packages already present are skipped, so `make run` and
# `make test` may call it whenever a tool is missing. Needs root (or sudo).
set -euo pipefail

# Debian package -> a file it provides (how we tell whether it is installed).
PKGS=(
  "make:/usr/bin/make"
  "gcc:/usr/bin/gcc"
  "gcc-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-gcc"
  "binutils-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-objcopy"
  "libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/include/stdio.h"
  "qemu-system-arm:/usr/bin/qemu-system-aarch64"
  "qemu-user:/usr/bin/qemu-aarch64"
  "libcunit1-dev:/usr/include/CUnit/CUnit.h"
  "libcunit1-dev:arm64:/usr/lib/aarch64-linux-gnu/libcunit.so"
  "valgrind:/usr/bin/valgrind"
  "python3:/usr/bin/python3"
  "python3-pip:/usr/lib/python3/dist-packages/pip"
  "gdb-multiarch:/usr/bin/gdb-multiarch"
  "cpio:/usr/bin/cpio"
  "expect:/usr/bin/expect"
  "cmake:/usr/bin/cmake"
  "g++-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-g++"
  "clang:/usr/bin/clang"
  "libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
)

missing=()
for entry in "${PKGS[@]}"; do
  file=${entry##*:}
  pkg=${entry%:*}
  [ -e "$file" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all build and test packages are present."
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi

echo "setup: installing Debian packages: ${missing[*]}"
for pkg in "${missing[@]}"; do
  case "$pkg" in
    *:arm64)
      if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "setup: enabling the arm64 architecture for ${pkg} (dpkg --add-architecture arm64)"
        $SUDO dpkg --add-architecture arm64
      fi ;;
  esac
done
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done."
