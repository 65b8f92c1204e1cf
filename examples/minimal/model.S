/*
 * The model of the minimal image (examples/minimal/), linked in: what a
 * kernel developer writes when the weights live in the image rather than in
 * an initrd or flash. The GGUF file named by -DMODEL_PATH='"file.gguf"' lies
 * between minimal_model_start and minimal_model_end, 64-byte aligned (the
 * file's own tensor offsets are relative to its start), read-only: the engine
 * reads the weights in place and never copies or writes them.
 */
    .section ".rodata.model", "a"
    .balign 64
    .globl minimal_model_start, minimal_model_end
minimal_model_start:
    .incbin MODEL_PATH
minimal_model_end:
