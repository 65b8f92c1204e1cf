# One Makefile for everything: the freestanding aarch64 kernel image, the
# hosted library, tests and tools (native and cross-compiled for aarch64
# Linux), and the commands that run them. Outputs go under build/.
#
#   make run     boot the kernel in QEMU (installs what is missing first)
#   make test    every test: unit tests under valgrind and under qemu-aarch64,
#                the freestanding link check, the integration contract (the
#                engine's host symbols, the minimal image), the QEMU boot tests
#   make image | host | host-arm64 | debug | clean      (V=1: full commands)

CROSS_COMPILE ?= aarch64-linux-gnu-
HOSTCC ?= gcc
# EMBED_MODEL=file.gguf links that model into the image (as the model named
# "embedded"); such builds go to build/embed/ unless BUILD says otherwise.
EMBED_MODEL ?=
BUILD ?= $(if $(EMBED_MODEL),build/embed,build)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

KCC := $(CROSS_COMPILE)gcc
KLD := $(CROSS_COMPILE)ld
KOBJCOPY := $(CROSS_COMPILE)objcopy
KNM := $(CROSS_COMPILE)nm
ARM64CC := $(CROSS_COMPILE)gcc

QEMU := qemu-system-aarch64
QEMU_MACHINE ?= virt
QEMU_MEM ?= 1G
# The models `make run` puts in the initrd (none: MODELS=).
MODELS ?= test_models/smollm2-135m-q4_0.gguf test_models/smollm2-135m-q4_1.gguf
QEMU_FLAGS = -M $(QEMU_MACHINE) -cpu max -m $(QEMU_MEM) -smp 2 -nographic -nic none -kernel $(BUILD)/Image \
	$(if $(strip $(MODELS)),-initrd $(BUILD)/initrd.cpio)

# ---------------------------------------------------------------- sources
# The engine: everything under llm/ (portable C, no libc), in both builds,
# plus the one architecture folder of kernel twins the build chooses:
# llm/kernels/aarch64/ for aarch64 builds (the kernel and hosted aarch64),
# llm/kernels/none/ for other hosts and for SIMD=off (the scalar reference only).
SIMD ?= on
LLM_SRCS := $(sort $(wildcard llm/*.c llm/*/*.c))
LLM_ARCH_DIR := $(if $(filter off,$(SIMD)),llm/kernels/none,llm/kernels/aarch64)
LLM_ARCH_SRCS := $(sort $(wildcard $(LLM_ARCH_DIR)/*.c))
LLM_NOARCH_SRCS := llm/kernels/none/kern_none.c
# Kernel pieces that are plain C over memory, also built on the host for tests.
PORTABLE_KERNEL_SRCS := drivers/fdt.c kernel/boot_info.c kernel/memory_map.c kernel/args.c \
	kernel/line_edit.c kernel/model_store.c kernel/parse_num.c kernel/lib/cpio.c kernel/lib/sha256.c \
	arch/aarch64/cpu_features.c arch/aarch64/page_table.c
# Kernel-only: boot, exceptions, system registers, devices, shell.
KERNEL_ONLY_SRCS := arch/aarch64/boot.S arch/aarch64/vectors.S arch/aarch64/exception.c \
	arch/aarch64/mmu.c arch/aarch64/psci.c arch/aarch64/smp.c arch/aarch64/timer.c arch/aarch64/cpu_id.c drivers/pl011.c \
	kernel/console.c kernel/main.c kernel/shell.c kernel/commands.c kernel/platform_kernel.c kernel/lib/string.c \
	kernel/cmd_llm.c kernel/cmd_llm_gen.c kernel/cmd_llm_bench.c kernel/cmd_llm_jobs.c kernel/ksession.c kernel/cores.c kernel/panic.c
# Run before the MMU is on, when unaligned accesses fault.
STRICT_ALIGN_SRCS := kernel/lib/string.c llm/support/fmt.c llm/support/err.c drivers/fdt.c kernel/boot_info.c \
	drivers/pl011.c kernel/console.c kernel/main.c arch/aarch64/mmu.c arch/aarch64/page_table.c \
	arch/aarch64/psci.c

# The unit-test binary: suites grouped by the layer they guard; the aarch64
# build adds the suites of its kernel twins (tests/unit/kernels/aarch64/).
TEST_SRCS := $(sort $(wildcard tests/unit/*.c tests/unit/*/*.c))
TEST_ARCH_SRCS := $(if $(filter off,$(SIMD)),,$(sort $(wildcard tests/unit/kernels/aarch64/*.c)))
# Test fixtures (GGUF, cpio and device-tree writers, synthetic models); the GGUF tools use the writer too.
FIXTURE_SRCS := $(wildcard tests/fixtures/*.c)
# The host front end (llm-run) and what hosted programs share (platform, CPU level, files).
HOST_LIB_SRCS := $(filter-out host/llm-run.c,$(wildcard host/*.c))
# Programs: the front end, developer tools, benchmarks; each file is one program.
PROGRAM_SRCS := host/llm-run.c $(wildcard tools/*.c) $(wildcard bench/*.c)

KERNEL_SRCS := $(KERNEL_ONLY_SRCS) $(LLM_SRCS) $(LLM_ARCH_SRCS) $(PORTABLE_KERNEL_SRCS) $(if $(EMBED_MODEL),kernel/embedded_model.S)

# ---------------------------------------------------------------- flags
WARN := -std=c11 -Wall -Wextra -Werror
# Bit-exactness needs float expressions rounded as written (llm/PORTING.md).
EXACT_FP := -ffp-contract=off
COMMON_CFLAGS := $(WARN) $(EXACT_FP) -O2 -g -fno-math-errno -I. -MMD -MP

KCFLAGS := $(COMMON_CFLAGS) -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(KCC) -print-file-name=include 2>/dev/null) \
	-march=armv8-a -mno-outline-atomics -fno-stack-protector -fno-pie -fno-pic \
	-fno-tree-loop-distribute-patterns
KASFLAGS := -I. -MMD -MP -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -T linker.ld --no-warn-rwx-segments -Map=$(BUILD)/kernel.map

# Hosted builds: libc present, valgrind told about the arena.
HOST_CFLAGS := $(COMMON_CFLAGS) -DARENA_VALGRIND
HOST_LDLIBS := -lcunit -lm -lpthread
ARM64_CFLAGS := $(COMMON_CFLAGS) -DARENA_VALGRIND
ARM64_LDFLAGS := -static
ARM64_LDLIBS := -lcunit -lm -lpthread

# ---------------------------------------------------------------- outputs
kobj = $(patsubst %,$(BUILD)/kernel/%.o,$(1))
KERNEL_OBJS := $(call kobj,$(KERNEL_SRCS))

HOST_LIB := $(BUILD)/host/libllm.a
HOST_TESTS := $(BUILD)/host/tests/unit_tests
prog = $(patsubst %,$(1)/tools/%,$(basename $(notdir $(PROGRAM_SRCS))))
HOST_TOOLS := $(call prog,$(BUILD)/host)
ARM64_LIB := $(BUILD)/host-arm64/libllm.a
ARM64_TESTS := $(BUILD)/host-arm64/tests/unit_tests

.PHONY: all image host host-arm64 test run debug setup clean models bench bench-llama bench-batch bench-depth test-host-tools \
	test-unit-asan test-fuzz fuzz soak test-soak \
	test-unit test-unit-arm64 test-freestanding test-dtb test-boot test-real-a test-real-b test-real-c test-real-e \
	test-real-d test-boot-llm

# Keep objects that only serve to link a tool.
.SECONDARY:

all: image host

image: $(BUILD)/Image $(BUILD)/kernel/libllm.a

host: $(HOST_LIB) $(HOST_TESTS) $(HOST_TOOLS)

host-arm64: $(ARM64_LIB) $(ARM64_TESTS)

# ---------------------------------------------------------------- kernel
$(BUILD)/kernel/%.c.o: %.c
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) $(KCFLAGS) $(if $(filter $<,$(STRICT_ALIGN_SRCS)),-mstrict-align) -c $< -o $@

$(BUILD)/kernel/%.S.o: %.S
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel/kernel/embedded_model.S.o: kernel/embedded_model.S $(EMBED_MODEL)
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) $(KASFLAGS) -DEMBED_MODEL_PATH='"$(abspath $(EMBED_MODEL))"' -c $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) linker.ld
	$(call say,LD,$@)
	$(Q)$(KLD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS)

$(BUILD)/Image: $(BUILD)/kernel.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(KOBJCOPY) -O binary $< $@

# The engine alone, freestanding, as a kernel developer links it (llm/PORTING.md):
# the same objects the image links, in one archive.
$(BUILD)/kernel/libllm.a: $(call kobj,$(LLM_SRCS) $(LLM_ARCH_SRCS))
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

# ---------------------------------------------------------------- hosted
# $(1): build dir, $(2): compiler, $(3): cflags, $(4) ldflags, $(5) ldlibs
define hosted_build
$(1)/%.c.o: %.c
	$$(call say,CC,$$@)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -c $$< -o $$@

$(1)/libllm.a: $$(patsubst %,$(1)/%.o,$$(LLM_SRCS) $$(LLM_SRCS_$(notdir $(1))))
	$$(call say,AR,$$@)
	$$(Q)rm -f $$@ && $(CROSS_AR_$(notdir $(1))) rcs $$@ $$^

# The kernel's portable pieces (device tree, line editor, ...) for tests and tools.
$(1)/libkernel-pieces.a: $$(patsubst %,$(1)/%.o,$$(PORTABLE_KERNEL_SRCS))
	$$(call say,AR,$$@)
	$$(Q)rm -f $$@ && $(CROSS_AR_$(notdir $(1))) rcs $$@ $$^

# kernel/lib/string.c with its symbols renamed (kstr_memcpy, ...), so the
# tests can exercise the kernel's versions beside the host libc's.
$(1)/tests/kstring.o: kernel/lib/string.c
	$$(call say,CC,$$@)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-sanitize=all \
		-c $$< -o $$@.tmp
	$$(Q)$(OBJCOPY_$(notdir $(1))) --prefix-symbols=kstr_ $$@.tmp $$@ && rm -f $$@.tmp

$(1)/libfixtures.a: $$(patsubst %,$(1)/%.o,$$(FIXTURE_SRCS))
	$$(call say,AR,$$@)
	$$(Q)rm -f $$@ && $(CROSS_AR_$(notdir $(1))) rcs $$@ $$^

$(1)/libhost.a: $$(patsubst %,$(1)/%.o,$$(HOST_LIB_SRCS))
	$$(call say,AR,$$@)
	$$(Q)rm -f $$@ && $(CROSS_AR_$(notdir $(1))) rcs $$@ $$^

$(1)/tests/unit_tests: $$(patsubst %,$(1)/%.o,$$(TEST_SRCS) $$(TEST_SRCS_$(notdir $(1)))) $(1)/tests/kstring.o \
		$(1)/libfixtures.a $(1)/libhost.a $(1)/libkernel-pieces.a $(1)/libllm.a
	$$(call say,LD,$$@)
	$$(Q)$(2) $(4) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group $(5)

$(foreach p,$(PROGRAM_SRCS),$(eval $(call program,$(1),$(p),$(2),$(4),$(5))))
endef

# One program: $(1) build dir, $(2) its source, $(3) compiler, $(4) ldflags, $(5) ldlibs.
define program
$(1)/tools/$(basename $(notdir $(2))): $(1)/$(2).o $(1)/libfixtures.a $(1)/libhost.a $(1)/libkernel-pieces.a $(1)/libllm.a
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$(3) $(4) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group $(5)
endef

LLM_SRCS_host := $(LLM_NOARCH_SRCS)
LLM_SRCS_host-arm64 := $(LLM_ARCH_SRCS)
TEST_SRCS_host-arm64 := $(TEST_ARCH_SRCS)
CROSS_AR_host := ar
CROSS_AR_host-arm64 := $(CROSS_COMPILE)ar
OBJCOPY_host := objcopy
OBJCOPY_host-arm64 := $(CROSS_COMPILE)objcopy

$(eval $(call hosted_build,$(BUILD)/host,$(HOSTCC),$(HOST_CFLAGS),,$(HOST_LDLIBS)))
$(eval $(call hosted_build,$(BUILD)/host-arm64,$(ARM64CC),$(ARM64_CFLAGS),$(ARM64_LDFLAGS),$(ARM64_LDLIBS)))

# The hosted suites again under AddressSanitizer and UBSan (the arena
# poisons what is not live for ASan as it does for valgrind).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_TESTS := $(BUILD)/host-asan/tests/unit_tests
LLM_SRCS_host-asan := $(LLM_NOARCH_SRCS)
CROSS_AR_host-asan := ar
OBJCOPY_host-asan := objcopy
$(eval $(call hosted_build,$(BUILD)/host-asan,$(HOSTCC),$(COMMON_CFLAGS) -DARENA_ASAN $(SAN_FLAGS),$(SAN_FLAGS),$(HOST_LDLIBS)))

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built by clang with ASan and UBSan
# over the same sources; make fuzz runs them, make test replays their corpora.
FUZZ_CC := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LLM_SRCS_fuzz := $(LLM_NOARCH_SRCS)
CROSS_AR_fuzz := ar
OBJCOPY_fuzz := objcopy
$(eval $(call hosted_build,$(BUILD)/fuzz,$(FUZZ_CC),$(COMMON_CFLAGS) -DARENA_ASAN $(FUZZ_SAN) -fsanitize=fuzzer-no-link,,-lm -lpthread))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/bin/%,$(FUZZ_SRCS))
$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/tests/fuzz/%.c.o $(BUILD)/fuzz/libhost.a $(BUILD)/fuzz/libkernel-pieces.a \
		$(BUILD)/fuzz/libllm.a
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< -Wl,--start-group $(filter %.a,$^) -Wl,--end-group -lm -lpthread

# ---------------------------------------------------------------- running
setup:
	@tools/setup.sh

# The initrd of `make run`: MODELS, each with its SHA-256, in a cpio archive.
$(BUILD)/initrd.cpio: $(MODELS) tools/make_initrd.sh
	@mkdir -p $(@D)
	@tools/make_initrd.sh $@ $(MODELS)

run: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image
	@$(MAKE) --no-print-directory models
	$(if $(strip $(MODELS)),@$(MAKE) --no-print-directory $(BUILD)/initrd.cpio)
	@echo "Starting QEMU. Try: llm models, llm load smollm2-135m-q4_0, llm gen \"Once upon a time\". Leave with poweroff (or Ctrl-A X)."
	$(QEMU) $(QEMU_FLAGS)

debug: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image
	$(if $(strip $(MODELS)),@$(MAKE) --no-print-directory models $(BUILD)/initrd.cpio)
	@echo "QEMU waits for gdb on :1234. In another terminal:"
	@echo "  gdb-multiarch $(BUILD)/kernel.elf -ex 'target remote :1234'"
	$(QEMU) $(QEMU_FLAGS) -s -S

# Real models in test_models/ (fetched once, verified, derived; see the script).
SHARED_DATA ?= ../shared/data
models: $(BUILD)/host/tools/gguf-quantize $(BUILD)/host/tools/llama2c-vocab $(BUILD)/host/tools/gguf-truncate
	@tools/fetch_models.sh $^ $(SHARED_DATA)

# Figures, never pass/fail: speed and memory live here, not in timed tests.
bench: setup
	@$(MAKE) --no-print-directory -j$(JOBS) host host-arm64 $(BUILD)/host-arm64/tools/bench-kernels
	@$(MAKE) --no-print-directory models
	$(BUILD)/host/tools/bench-quant test_models/smollm2-135m-q4_1.gguf
	@echo "== kernels, NEON levels against the scalar reference (qemu-aarch64 -cpu max)"
	QEMU_CPU=max qemu-aarch64 -L /usr/aarch64-linux-gnu $(BUILD)/host-arm64/tools/bench-kernels
	$(BUILD)/host/tools/bench-tokenizer test_models/smollm2-135m-q4_1.gguf test_models/llama2-vocab.gguf \
		test_models/gemma-3-270m-q4_k_m.gguf $$(test -d test_models/llama-vocabs && echo test_models/llama-vocabs)
	$(BUILD)/host/tools/bench-generate test_models/smollm2-135m-q4_1.gguf test_models/smollm2-135m-q4_0.gguf \
		test_models/smollm2-135m-q8_0.gguf

# llama.cpp's llama-bench against our engine on the same emulated CPU
# (qemu-aarch64 -cpu max, 1 and 2 threads), and the kernel's `llm bench`
# (qemu-system-aarch64, -smp 1 and 2): figures, never pass/fail. Slow: the
# first llama-bench build takes ~11 minutes, the run (two alternating rounds,
# BENCH_ROUNDS) ~10 minutes a round for the two models on an idle 2-core host.
LLAMA_BENCH_DIR := $(BUILD)/llama.cpp-aarch64
LLAMA_BENCH_MODELS := test_models/smollm2-135m-q4_0.gguf test_models/smollm2-135m-q8_0.gguf \
	test_models/gemma-3-270m-q4_k_m.gguf
bench-llama: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image host-arm64 $(BUILD)/host-arm64/tools/bench-pp-tg
	@$(MAKE) --no-print-directory models
	bench/build_llama_bench.sh $(LLAMA_BENCH_DIR)
	KERNEL_IMAGE=$(BUILD)/Image bench/bench_vs_llama.sh $(LLAMA_BENCH_DIR) $(BUILD)/host-arm64/tools/bench-pp-tg \
		$(LLAMA_BENCH_MODELS)

# Long contexts (bench/bench_depth.sh): decode after 0, 256, 512 and 1024
# cached positions and prefill of 16 to 512 tokens, ours with exact and
# fast attention against llama-bench -d, one thread under qemu-aarch64 -cpu
# max: figures, never pass/fail. About 40 minutes a round on an idle host.
BENCH_DEPTH_MODEL := test_models/smollm2-135m-q4_0.gguf
bench-depth: setup
	@$(MAKE) --no-print-directory -j$(JOBS) host-arm64 $(BUILD)/host-arm64/tools/bench-pp-tg
	@$(MAKE) --no-print-directory models
	bench/build_llama_bench.sh $(LLAMA_BENCH_DIR)
	bench/bench_depth.sh $(LLAMA_BENCH_DIR) $(BUILD)/host-arm64/tools/bench-pp-tg $(BENCH_DEPTH_MODEL)

# Batched decoding (1, 2, 4, 8 requests of 128 + 64 tokens) through our
# scheduler, hosted and in the kernel, against llama.cpp's
# llama-batched-bench, all under the same emulated CPU at 2 threads/cores:
# figures, never pass/fail (bench/bench_batch.sh). About 25 minutes a round
# (BENCH_ROUNDS, default 2) on an idle 2-core host.
BENCH_BATCH_MODEL := test_models/smollm2-135m-q4_0.gguf
bench-batch: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image host-arm64 $(BUILD)/host-arm64/tools/bench-batch
	@$(MAKE) --no-print-directory models
	bench/build_llama_bench.sh $(LLAMA_BENCH_DIR)
	KERNEL_IMAGE=$(BUILD)/Image bench/bench_batch.sh $(LLAMA_BENCH_DIR) $(BUILD)/host-arm64/tools/bench-batch \
		$(BENCH_BATCH_MODEL)

# ---------------------------------------------------------------- tests
test: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image host host-arm64 $(ASAN_TESTS) $(FUZZERS)
	@$(MAKE) --no-print-directory models
	@$(MAKE) --no-print-directory test-unit test-unit-asan test-fuzz test-host-tools test-unit-arm64 test-freestanding \
		test-contract test-dtb test-boot test-boot-llm test-soak

# The same suites as under valgrind, built with -fsanitize=address,undefined.
test-unit-asan: $(ASAN_TESTS)
	@echo "== unit tests (host, AddressSanitizer and UBSan)"
	$(ASAN_TESTS) $(skip_real)

# Soak: hosted, thousands of generations on the real models with loads,
# unloads and cancellations (tools/llm-soak); in the kernel, hundreds of
# load / generate / Ctrl-C / unload rounds (tests/boot/soak_kernel.py);
# the arena's use after every unload and its high-water mark must stay
# flat. make test runs a short one (test-soak).
SOAK_ROUNDS ?= 1000
SOAK_KERNEL_ROUNDS ?= 200
SOAK_MODELS := -m test_models/smollm2-135m-q8_0-L1.gguf -m test_models/smollm2-135m-q4_0.gguf
soak: setup
	@$(MAKE) --no-print-directory -j$(JOBS) image $(BUILD)/host/tools/llm-soak
	@$(MAKE) --no-print-directory models
	tests/boot/make_test_initrd.sh $(BUILD)/test-initrd.cpio test_models
	$(BUILD)/host/tools/llm-soak $(SOAK_MODELS) -n $(SOAK_ROUNDS)
	tests/boot/soak_kernel.py --image $(BUILD)/Image --initrd $(BUILD)/test-initrd.cpio --rounds $(SOAK_KERNEL_ROUNDS)

test-soak: $(BUILD)/Image $(BUILD)/host/tools/llm-soak
	@echo "== soak, short: hosted and in the kernel, the arena flat after every unload"
	tests/boot/make_test_initrd.sh $(BUILD)/test-initrd.cpio test_models
	$(BUILD)/host/tools/llm-soak $(SOAK_MODELS) -n 30 > $(BUILD)/soak.log 2>&1 || { cat $(BUILD)/soak.log; exit 1; }
	@tail -1 $(BUILD)/soak.log
	tests/boot/soak_kernel.py --image $(BUILD)/Image --initrd $(BUILD)/test-initrd.cpio --rounds 8 \
		> $(BUILD)/soak-kernel.log 2>&1 || { cat $(BUILD)/soak-kernel.log; exit 1; }
	@tail -1 $(BUILD)/soak-kernel.log

# Fuzzing: make test replays every harness's corpus and crash reproducers,
# then fuzzes each for FUZZ_TEST_SECONDS; make fuzz for FUZZ_SECONDS each
# (two harnesses at a time; FUZZ_SECONDS=1030 is about an hour in all).
FUZZ_TEST_SECONDS ?= 5
FUZZ_SECONDS ?= 120
test-fuzz: $(FUZZERS)
	@echo "== fuzz harnesses (tests/fuzz/): corpora and reproducers, then $(FUZZ_TEST_SECONDS) s each"
	tests/fuzz/run_fuzzers.sh $(BUILD)/fuzz/bin $(FUZZ_TEST_SECONDS)

fuzz: setup
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZERS)
	@$(MAKE) --no-print-directory models
	tests/fuzz/run_fuzzers.sh $(BUILD)/fuzz/bin $(FUZZ_SECONDS)

# Suites on the real models: too slow for valgrind, so they run natively, in
# processes two at a time. forward_* check logits and greedy tokens against
# llama.cpp's goldens; each runs on a given number of worker threads (the
# bits must not change with it): the 1- and 4-layer models at 1, 2, 3 and 4
# threads, each full model at one of 1, 2, 4. smollm2, smollm2_sched and
# forward_q8_0_l1 also run under qemu-aarch64, the last two on every NEON
# level (test-unit-arm64). forward_gemma (Gemma 3 270M, every logits row
# bit-identical to llama.cpp's, about 4 minutes on 2 threads) and
# tokenizer_gemma (its 262k-token vocabulary) start first, in a run of their own.
# llama_vocabs_stress: 2000 random strings through all 19 of llama.cpp's test vocabularies and gpt-2's
# renamed to 26 more pre-tokenizers against llama.cpp (about 4 s; under valgrind, about 30x that).
# forward_kv_q8_0(_plain): SmolLM2 with a Q8_0 key cache against llama.cpp's -ctk q8_0, with and without
# its Hadamard rotation; forward_fast_kv_q8_0: fast attention over a Q8_0 cache against exact over it.
REAL_SUITES := smollm2 smollm2_generate smollm2_sched forward_q4_1 forward_q4_0 forward_q8_0 forward_q8_0_l1 forward_q8_0_l4 \
	forward_fast_q4_0 forward_fast_q8_0_l1 forward_gemma tokenizer_gemma forward_gemma_short forward_kv_q8_0 \
	forward_kv_q8_0_short forward_kv_q8_0_plain forward_fast_kv_q8_0 llama_vocabs_stress
SMALL_FORWARD := forward_q8_0_l1 forward_q8_0_l4
REAL_SUITES_a := smollm2 forward_q4_0 $(SMALL_FORWARD)
REAL_SUITES_b := smollm2_generate forward_q4_1 $(SMALL_FORWARD)
REAL_SUITES_c := forward_q8_0 smollm2_sched llama_vocabs_stress $(SMALL_FORWARD)
REAL_SUITES_d := forward_q8_0_l1 forward_fast_q4_0 forward_fast_q8_0_l1 forward_kv_q8_0 forward_kv_q8_0_plain \
	forward_fast_kv_q8_0
REAL_SUITES_e := forward_gemma tokenizer_gemma
REAL_THREADS_a := 2
REAL_THREADS_b := 4
REAL_THREADS_c := 1
REAL_THREADS_d := 3
REAL_THREADS_e := 2
REAL_RUNS := test-real-e test-real-a test-real-b test-real-c test-real-d
skip_real := $(foreach s,$(REAL_SUITES),--skip $(s))

test-unit: $(HOST_TESTS)
	@echo "== unit tests (host, under valgrind)"
	valgrind -q --error-exitcode=1 --leak-check=full $(HOST_TESTS) $(skip_real)
	@echo "== real-model tests (host, natively, two at a time, 1 to 4 threads)"
	@$(MAKE) --no-print-directory -j2 $(REAL_RUNS)

$(REAL_RUNS): $(HOST_TESTS)
	$(HOST_TESTS) --threads $(REAL_THREADS_$(subst test-real-,,$@)) \
		$(foreach s,$(REAL_SUITES_$(subst test-real-,,$@)),--only $(s)) > $(BUILD)/$@.log 2>&1 || \
		{ cat $(BUILD)/$@.log; exit 1; }
	@cat $(BUILD)/$@.log

# llm-run's command line and chat input (tests/host/llm_run_cli_test.sh);
# llm-tokenize's ids, texts and errors against llama.cpp's goldens
# (tests/host/llm_tokenize_cli_test.sh).
test-host-tools: $(BUILD)/host/tools/llm-run $(BUILD)/host/tools/llm-tokenize
	@echo "== llm-run: integer flags, long chat lines, chat formats"
	tests/host/llm_run_cli_test.sh $(BUILD)/host/tools/llm-run test_models
	@echo "== llm-tokenize: ids and texts as llama.cpp's, --special, --add-special, --decode, errors"
	tests/host/llm_tokenize_cli_test.sh $(BUILD)/host/tools/llm-tokenize test_models

# The kernel-table suites: each runs every level the emulated CPU has.
# forward_q8_0_l1 checks logits and greedy tokens of the 1-layer SmolLM2 against llama.cpp's,
# forward_gemma_short (at -cpu max only, for time) Gemma 3's short prompts (its NEON RoPE, K-quant and
# Q5_0 kernels) and forward_kv_q8_0_short the Q8_0 key cache's short prompts (keys through the tiles) bit for bit;
# smollm2_sched the scheduler's texts and logits on the full SmolLM2 against each request alone.
NEON_SUITES := --only kernel_table --only neon_fp16 --only quant_neon --only quant_neon_kquant --only vec_neon --only matmul \
	--only llm --only sched --only bench_batch --only forward_q8_0_l1 --only forward_fast_q8_0_l1 --only smollm2_sched
test-unit-arm64: $(ARM64_TESTS)
	@echo "== unit tests (aarch64 Linux, under qemu-aarch64)"
	QEMU_CPU=max qemu-aarch64 -L /usr/aarch64-linux-gnu $(ARM64_TESTS) \
		$(foreach s,$(filter-out smollm2 smollm2_sched forward_q8_0_l1,$(REAL_SUITES)),--skip $(s))
	@echo "== NEON kernels and end-to-end generation on an ARMv8.0 CPU (qemu-aarch64 -cpu cortex-a72: no SDOT), 4 threads"
	QEMU_CPU=cortex-a72 qemu-aarch64 -L /usr/aarch64-linux-gnu $(ARM64_TESTS) --threads 4 $(NEON_SUITES)
	@echo "== the same on an ARMv8.2 CPU (qemu-aarch64 -cpu cortex-a76: SDOT, no I8MM), 2 threads"
	QEMU_CPU=cortex-a76 qemu-aarch64 -L /usr/aarch64-linux-gnu $(ARM64_TESTS) --threads 2 $(NEON_SUITES)
	@echo "== matrix products, the 1-layer model, Gemma's and the Q8_0 key cache's short prompts at every level up to i8mm on 2 threads (qemu-aarch64 -cpu max)"
	QEMU_CPU=max qemu-aarch64 -L /usr/aarch64-linux-gnu $(ARM64_TESTS) --threads 2 --only matmul --only forward_q8_0_l1 \
		--only forward_gemma_short --only forward_kv_q8_0_short

test-freestanding: $(BUILD)/kernel.elf
	@echo "== freestanding link check"
	tests/contract/check_freestanding.sh $(BUILD)/kernel.elf $(BUILD)/kernel.map $(KNM)

# The integration contract (llm/PORTING.md): the engine library's host
# symbols, and a second, minimal image built from the contract alone whose
# greedy text must equal llm-run's (examples/minimal/minimal.mk).
include examples/minimal/minimal.mk

test-dtb: $(BUILD)/host/tools/dtb-info $(BUILD)/Image
	@echo "== device trees from QEMU through the kernel's parser"
	tests/boot/dtb_test.sh $(BUILD)/host/tools/dtb-info $(BUILD)/Image $(QEMU) $(BUILD)/dtb-test

test-boot: $(BUILD)/Image
	@echo "== boot test (QEMU)"
	python3 tests/boot/boot_test.py --qemu $(QEMU) --image $(BUILD)/Image

# In-kernel inference: the initrd of test models (real, truncated, corrupt,
# bad checksum), then the same with the 1-layer model linked into the image.
TEST_EMBED_MODEL := test_models/smollm2-135m-q8_0-L1.gguf
test-boot-llm: $(BUILD)/Image $(BUILD)/host/tools/llm-run
	@echo "== in-kernel inference (QEMU): models from the initrd, then linked into the image"
	@$(MAKE) --no-print-directory -j$(JOBS) image EMBED_MODEL=$(TEST_EMBED_MODEL) BUILD=$(BUILD)/embed
	tests/boot/make_test_initrd.sh $(BUILD)/test-initrd.cpio test_models
	python3 tests/boot/boot_llm_test.py --qemu $(QEMU) --image $(BUILD)/Image --initrd $(BUILD)/test-initrd.cpio \
		--embed-image $(BUILD)/embed/Image --llm-run $(BUILD)/host/tools/llm-run --models test_models

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
