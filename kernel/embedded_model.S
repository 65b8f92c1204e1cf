/*
 * The model linked into the image by `make image EMBED_MODEL=file.gguf`, for
 * boards without an initrd: its bytes between embedded_model_start and
 * embedded_model_end, 64-byte aligned (kernel/main.c adds it to the model
 * store as "embedded"). Assembled only in such builds.
 */
    .section ".rodata.embedded_model", "a"
    .balign 64
    .globl embedded_model_start, embedded_model_end
embedded_model_start:
    .incbin EMBED_MODEL_PATH
embedded_model_end:
