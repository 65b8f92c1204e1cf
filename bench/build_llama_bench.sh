#!/usr/bin/env bash
# bench/build_llama_bench.sh BUILD_DIR: builds llama.cpp's llama-bench and
# llama-batched-bench for aarch64 Linux (static binaries: BUILD_DIR/llama-bench,
# BUILD_DIR/llama-batched-bench), the references that bench/bench_vs_llama.sh
# and bench/bench_batch.sh measure our engine against under
# qemu-aarch64 -cpu max. The source is the llama.cpp vendored in the
# llama-cpp-python source distribution on PyPI (pinned version below).
# Cross-compiled with aarch64-linux-gnu-g++ via CMake: portable build
# (GGML_NATIVE off) for LLAMA_ARM_ARCH, no OpenMP, no OpenSSL, only the
# two targets. Does nothing when both binaries exist and the stamp records
# the same version and flags; builds only a missing one when the configured
# tree is still there.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
BUILD_DIR=$1
VERSION=0.3.36
# NEON with what -cpu max offers and ggml's ARM kernels use (no SVE: our
# engine's kernels are NEON, and QEMU emulates SVE much more slowly).
ARM_ARCH=${LLAMA_ARM_ARCH:-armv8.2-a+dotprod+fp16+i8mm}
JOBS=${LLAMA_JOBS:-2}
CROSS=aarch64-linux-gnu-

CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_STATIC=ON
    -DCMAKE_EXE_LINKER_FLAGS=-static -DGGML_NATIVE=OFF "-DGGML_CPU_ARM_ARCH=$ARM_ARCH"
    -DGGML_OPENMP=OFF -DLLAMA_OPENSSL=OFF -DGGML_CCACHE=OFF -DLLAMA_BUILD_TESTS=OFF
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_TOOLS=ON)
STAMP_TEXT="llama-cpp-python $VERSION; ${CMAKE_FLAGS[*]}"
STAMP=$BUILD_DIR/llama-bench.stamp

TARGETS=(llama-bench llama-batched-bench)
missing=()
for t in "${TARGETS[@]}"; do
    [ -x "$BUILD_DIR/$t" ] || missing+=("$t")
done
same_stamp=false
[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && same_stamp=true
if $same_stamp && [ ${#missing[@]} = 0 ]; then
    echo "llama-bench: up to date (${TARGETS[*]} in $BUILD_DIR, llama-cpp-python $VERSION, -march=$ARM_ARCH)"
    exit 0
fi

for tool in cmake ${CROSS}gcc ${CROSS}g++; do
    command -v "$tool" >/dev/null || {
        echo "llama-bench: $tool is missing (Debian packages: cmake, g++-aarch64-linux-gnu)" >&2
        exit 1
    }
done
python3 -m pip --version >/dev/null 2>&1 || { echo "llama-bench: python3 -m pip is missing (python3-pip)" >&2; exit 1; }

mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
LOG=$BUILD_DIR/build.log
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$BUILD_DIR/src
OUT=$BUILD_DIR/cmake
: >"$LOG"
# llama.cpp's build-info asks git for a commit: keep it from finding an
# enclosing repository (ours) above the unpacked tree.
export GIT_CEILING_DIRECTORIES=$BUILD_DIR

# Runs a step with its output in the log; on failure shows the log's tail.
step() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "llama-bench: failed: $*" >&2
        tail -n 30 "$LOG" >&2
        echo "llama-bench: full log: $LOG" >&2
        exit 1
    fi
}

# The same configuration already built one of them: build the other in the same tree.
if $same_stamp && [ -f "$OUT/CMakeCache.txt" ]; then
    echo "llama-bench: building ${missing[*]} in the configured tree (log: $LOG)"
    step cmake --build "$OUT" --target "${missing[@]}" -j "$JOBS"
    for t in "${missing[@]}"; do cp "$OUT/bin/$t" "$BUILD_DIR/$t"; done
    exit 0
fi

# Downloaded once into test_models/cache and checked against its pinned SHA-256.
SDIST=$("$ROOT/tools/fetch_llama_sdist.sh" "$ROOT/test_models/cache")

echo "llama-bench: unpacking vendor/llama.cpp into $SRC"
rm -rf "$SRC" "$OUT"
mkdir -p "$SRC"
step tar -xzf "$SDIST" -C "$SRC" --strip-components=3 "llama_cpp_python-$VERSION/vendor/llama.cpp"

TOOLCHAIN=$BUILD_DIR/aarch64-linux-gnu.cmake
cat >"$TOOLCHAIN" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER ${CROSS}gcc)
set(CMAKE_CXX_COMPILER ${CROSS}g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF

echo "llama-bench: configuring (cmake, -march=$ARM_ARCH, static, no OpenMP)"
step cmake -S "$SRC" -B "$OUT" -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" "${CMAKE_FLAGS[@]}"


echo "llama-bench: compiling ${TARGETS[*]} (-j$JOBS; several minutes; log: $LOG)"
start=$(date +%s)
step cmake --build "$OUT" --target "${TARGETS[@]}" -j "$JOBS"
for t in "${TARGETS[@]}"; do cp "$OUT/bin/$t" "$BUILD_DIR/$t"; done
echo "$STAMP_TEXT" >"$STAMP"
echo "llama-bench: built ${TARGETS[*]} in $BUILD_DIR in $(($(date +%s) - start)) s"
