# The minimal image (examples/minimal/): a second kernel built from the
# engine's public headers and build/kernel/libllm.a alone, as a kernel
# developer would build theirs; and `make test-contract`, which checks the
# engine's host symbols against llm/PORTING.md and that this image's greedy
# text equals llm-run's. Included by the main Makefile (BUILD, KCC, KLD,
# CROSS_COMPILE, Q and say come from there).

MINIMAL_MODEL ?= test_models/smollm2-135m-q4_0.gguf
MINIMAL_PORTING_MD ?= llm/PORTING.md
MINIMAL_OUT := $(BUILD)/minimal

# What a kernel developer compiles their own C with to call the engine: the
# repository root on the include path (headers are "llm/..."), freestanding
# with the compiler's own headers only, and -fno-tree-loop-distribute-patterns
# so that the byte loops of memcpy/memset are not turned into calls to themselves.
MINIMAL_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -I. -MMD -MP \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(KCC) -print-file-name=include 2>/dev/null) \
	-march=armv8-a -mno-outline-atomics -fno-stack-protector -fno-pie -fno-pic \
	-fno-tree-loop-distribute-patterns
# Linked at a fixed address, no C library, no libgcc: the engine needs nothing but the host symbols.
MINIMAL_LDFLAGS := -nostdlib -static -T examples/minimal/linker.ld --no-warn-rwx-segments \
	-Map=$(MINIMAL_OUT)/minimal.map

MINIMAL_OBJS := $(MINIMAL_OUT)/start.o $(MINIMAL_OUT)/main.o $(MINIMAL_OUT)/model.o

$(MINIMAL_OUT)/start.o: examples/minimal/start.S
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) -c $< -o $@

$(MINIMAL_OUT)/main.o: examples/minimal/main.c
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) $(MINIMAL_CFLAGS) -c $< -o $@

# The model's path, rewritten only when MINIMAL_MODEL names another file, so that
# switching models reassembles model.o even when the new file is older than it.
$(MINIMAL_OUT)/model-path: minimal-check-model-path
	@mkdir -p $(@D)
	@echo '$(abspath $(MINIMAL_MODEL))' | cmp -s - $@ || echo '$(abspath $(MINIMAL_MODEL))' > $@
.PHONY: minimal-check-model-path
minimal-check-model-path:

$(MINIMAL_OUT)/model.o: examples/minimal/model.S $(MINIMAL_MODEL) $(MINIMAL_OUT)/model-path
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(KCC) -DMODEL_PATH='"$(abspath $(MINIMAL_MODEL))"' -c $< -o $@

$(MINIMAL_OUT)/minimal.elf: $(MINIMAL_OBJS) $(BUILD)/kernel/libllm.a examples/minimal/linker.ld
	$(call say,LD,$@)
	$(Q)$(KLD) $(MINIMAL_LDFLAGS) -o $@ $(MINIMAL_OBJS) $(BUILD)/kernel/libllm.a

.PHONY: test-contract
test-contract: $(MINIMAL_OUT)/minimal.elf $(BUILD)/kernel/libllm.a $(BUILD)/host/tools/llm-run
	@echo "== the engine's host symbols against $(MINIMAL_PORTING_MD)"
	tests/contract/check_engine_symbols.sh $(BUILD)/kernel/libllm.a $(CROSS_COMPILE)nm $(MINIMAL_PORTING_MD)
	@echo "== the minimal image (engine library + examples/minimal/) in QEMU against llm-run"
	python3 tests/boot/minimal_image_test.py --qemu $(QEMU) --image $(MINIMAL_OUT)/minimal.elf \
		--llm-run $(BUILD)/host/tools/llm-run --model $(MINIMAL_MODEL)
