/*
 * The tokenizer.ggml.pre names llama.cpp (llama-vocab.cpp's load) maps to a
 * regex list we implement, with the settings it gives each name. Names it
 * maps to other lists are not here (README.md, "Tokenizers", lists them).
 */
#include "llm/platform.h"
#include "llm/tokenizer/pretokenize.h"

enum {
    CLEAN = 1 << 0,    /* clean_spaces (llama.cpp's BPE default; names that turn it off lack it) */
    NO_MERGES = 1 << 1, /* ignore_merges */
    BOS = 1 << 2,       /* add_bos defaults to true */
    NO_BOS = 1 << 3,    /* no default BOS id */
    ESCAPE = 1 << 4,    /* escape_whitespaces: SPM-style BPE over raw UTF-8 */
    GEMMA4 = 1 << 5,    /* LLAMA_VOCAB_PRE_TYPE_GEMMA4's own rules */
    RAW = 1 << 6,       /* raw UTF-8 words, spaces as they are, no lowercasing by default */
    NO_MERGES_KEY = 1 << 7, /* tokenizer.ggml.merges may be absent */
};

static const struct {
    const char *name;
    pretok_kind_t kind;
    unsigned flags;
} pretok_names[] = {
    /* LLAMA_VOCAB_PRE_TYPE_DEFAULT (also a gpt2 vocabulary without tokenizer.ggml.pre) */
    { "default", PRETOK_DEFAULT, CLEAN },
    /* _GPT2, _MPT, _OLMO, _JAIS, _TRILLION, _GRANITE_DOCLING ("gpt2" is ours) */
    { "gpt2", PRETOK_GPT2, CLEAN },
    { "gpt-2", PRETOK_GPT2, CLEAN },
    { "phi-2", PRETOK_GPT2, CLEAN },
    { "jina-es", PRETOK_GPT2, CLEAN },
    { "jina-de", PRETOK_GPT2, CLEAN },
    { "gigachat", PRETOK_GPT2, CLEAN },
    { "jina-v2-es", PRETOK_GPT2, CLEAN },
    { "jina-v2-de", PRETOK_GPT2, CLEAN },
    { "a.x-4.0", PRETOK_GPT2, CLEAN },
    { "mellum", PRETOK_GPT2, CLEAN },
    { "modern-bert", PRETOK_GPT2, CLEAN },
    { "exaone4", PRETOK_GPT2, CLEAN },
    { "jina-v1-en", PRETOK_GPT2, CLEAN },
    { "jina-v2-code", PRETOK_GPT2, CLEAN },
    { "roberta-bpe", PRETOK_GPT2, CLEAN },
    { "mpt", PRETOK_GPT2, CLEAN },
    { "olmo", PRETOK_GPT2, CLEAN },
    { "jais", PRETOK_GPT2, CLEAN },
    { "trillion", PRETOK_GPT2, 0 },
    { "granite-docling", PRETOK_GPT2, 0 },
    /* _SMOLLM, _STARCODER, _REFACT, _COMMAND_R, _CODESHELL, _EXAONE, _MINERVA, _MELLUM2 */
    { "smollm", PRETOK_SMOLLM, 0 },
    { "starcoder", PRETOK_SMOLLM, CLEAN },
    { "refact", PRETOK_SMOLLM, CLEAN },
    { "command-r", PRETOK_SMOLLM, 0 },
    { "codeshell", PRETOK_SMOLLM, CLEAN },
    { "exaone", PRETOK_SMOLLM, CLEAN },
    { "minerva-7b", PRETOK_SMOLLM, CLEAN },
    { "mellum2", PRETOK_SMOLLM, CLEAN },
    /* _LLAMA3, _DBRX, _SMAUG, _CHATGLM4 */
    { "llama3", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "llama-v3", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "llama-bpe", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "falcon3", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "falcon-h1", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "pixtral", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "midm-2.0", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "lfm2", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "jina-v5-nano", PRETOK_LLAMA3, CLEAN | NO_MERGES | BOS },
    { "dbrx", PRETOK_LLAMA3, CLEAN },
    { "smaug-bpe", PRETOK_LLAMA3, CLEAN },
    { "chatglm-bpe", PRETOK_LLAMA3, CLEAN | NO_BOS },
    { "glm4", PRETOK_LLAMA3, CLEAN | NO_BOS | NO_MERGES },
    { "glm5", PRETOK_LLAMA3, CLEAN | NO_BOS | NO_MERGES },
    /* _QWEN2, _STABLELM2, _HUNYUAN, _SOLAR_OPEN, _GROK_2 */
    { "qwen2", PRETOK_QWEN2, 0 },
    { "deepseek-r1-qwen", PRETOK_QWEN2, 0 },
    { "kormo", PRETOK_QWEN2, 0 },
    { "f2llmv2", PRETOK_QWEN2, 0 },
    { "megrez", PRETOK_QWEN2, CLEAN },
    { "stablelm2", PRETOK_QWEN2, CLEAN },
    { "hunyuan", PRETOK_QWEN2, 0 },
    { "solar-open", PRETOK_QWEN2, 0 },
    { "grok-2", PRETOK_QWEN2, 0 },
    /* _QWEN35 */
    { "qwen35", PRETOK_QWEN35, 0 },
    /* _FALCON, _DEEPSEEK_CODER, _DEEPSEEK_LLM */
    { "falcon", PRETOK_FALCON, CLEAN },
    { "deepseek-coder", PRETOK_DEEPSEEK_CODER, 0 },
    { "deepseek-llm", PRETOK_DEEPSEEK_LLM, 0 },
    /* _GEMMA4, _SARVAM_MOE */
    { "gemma4", PRETOK_NEWLINES, CLEAN | ESCAPE | GEMMA4 },
    { "granite-embed-multi-311m", PRETOK_NEWLINES, CLEAN | ESCAPE | GEMMA4 },
    { "sarvam-moe", PRETOK_NEWLINES, ESCAPE },
    /* _LAGUNA, _PORO, _BLOOM, _GPT3_FINNISH, _VIKING */
    { "laguna", PRETOK_LAGUNA, 0 },
    { "poro-chat", PRETOK_BLOOM, 0 },
    { "bloom", PRETOK_BLOOM, CLEAN },
    { "gpt3-finnish", PRETOK_BLOOM, CLEAN },
    { "viking", PRETOK_VIKING, 0 },
    /* _DEEPSEEK3_LLM, _HUNYUAN_DENSE, _JOYAI_LLM, _HY_V4 */
    { "deepseek-v3", PRETOK_DEEPSEEK3, 0 },
    { "hunyuan-dense", PRETOK_DEEPSEEK3, 0 },
    { "joyai-llm", PRETOK_DEEPSEEK3, 0 },
    { "hy_v4", PRETOK_DEEPSEEK3, 0 },
    /* _GPT4O, _MINIMAX_M2, _TEKKEN */
    { "gpt-4o", PRETOK_GPT4O, 0 },
    { "llama4", PRETOK_GPT4O, 0 },
    { "kanana2", PRETOK_GPT4O, 0 },
    { "talkie", PRETOK_GPT4O, 0 },
    { "minimax-m2", PRETOK_GPT4O, 0 },
    { "tekken", PRETOK_TEKKEN, NO_MERGES | BOS },
    /* _UFAKZEKA, _SEED_CODER, _MINICPM5, _SPARK2_5, _BAILINGMOE (Qwen2's split) */
    { "ufakzeka", PRETOK_UFAKZEKA, 0 },
    { "seed-coder", PRETOK_SEED_CODER, 0 },
    { "minicpm5", PRETOK_MINICPM5, CLEAN | NO_MERGES },
    { "spark2_5", PRETOK_SPARK, 0 },
    { "bailingmoe", PRETOK_QWEN2, 0 },
    { "bailingmoe2", PRETOK_QWEN2, 0 },
    { "llada-moe", PRETOK_QWEN2, 0 },
    /* _GRANITE_EMB_MULTI, _TINY_AYA, _YOUTU, _AFMOE */
    { "granite-embed-multi-97m", PRETOK_GRANITE, NO_MERGES },
    { "tiny_aya", PRETOK_TINY_AYA, 0 },
    { "cohere2moe", PRETOK_TINY_AYA, 0 },
    { "youtu", PRETOK_YOUTU, NO_MERGES },
    { "afmoe", PRETOK_AFMOE, 0 },
    /* _JAIS2, _EXAONE_MOE, _CHAMELEON */
    { "jais-2", PRETOK_JAIS2, CLEAN },
    { "exaone-moe", PRETOK_EXAONE_MOE, CLEAN },
    { "chameleon", PRETOK_CHAMELEON, BOS },
    /* _SUPERBPE */
    { "superbpe", PRETOK_SUPERBPE, 0 },
    /* _WHITESPACE (with tokenizer.ggml.model "whitespace", whose session drops the whitespace) */
    { "whitespace", PRETOK_WHITESPACE, CLEAN | RAW },
    /* _KIMI_K2 */
    { "kimi-k2", PRETOK_KIMI_K2, NO_MERGES_KEY },
};

bool pretok_info_from_name(const char *name, size_t len, pretok_name_info_t *out)
{
    for (size_t i = 0; i < sizeof pretok_names / sizeof pretok_names[0]; i++) {
        const char *candidate = pretok_names[i].name;
        if (strlen(candidate) != len || memcmp(candidate, name, len) != 0)
            continue;
        unsigned f = pretok_names[i].flags;
        *out = (pretok_name_info_t){
            .kind = pretok_names[i].kind,
            .clean_spaces = (f & CLEAN) != 0,
            .ignore_merges = (f & NO_MERGES) != 0,
            .add_bos = (f & BOS) != 0,
            .no_bos = (f & NO_BOS) != 0,
            .escape_spaces = (f & ESCAPE) != 0,
            .gemma4 = (f & GEMMA4) != 0,
            .raw_utf8 = (f & (RAW | ESCAPE)) != 0,
            .no_lowercase = (f & RAW) != 0,
            .merges_optional = (f & NO_MERGES_KEY) != 0,
        };
        return true;
    }
    return false;
}

bool pretok_kind_from_name(const char *name, size_t len, pretok_kind_t *out)
{
    pretok_name_info_t info;
    if (!pretok_info_from_name(name, len, &info))
        return false;
    *out = info.kind;
    return true;
}

const char *pretok_kind_name(pretok_kind_t kind)
{
    static const char *const names[PRETOK_KIND_COUNT] = {
        [PRETOK_GPT2] = "gpt2",
        [PRETOK_SMOLLM] = "smollm",
        [PRETOK_LLAMA3] = "llama3",
        [PRETOK_QWEN2] = "qwen2",
        [PRETOK_QWEN35] = "qwen35",
        [PRETOK_DEFAULT] = "default",
        [PRETOK_FALCON] = "falcon",
        [PRETOK_DEEPSEEK_CODER] = "deepseek-coder",
        [PRETOK_DEEPSEEK_LLM] = "deepseek-llm",
        [PRETOK_NEWLINES] = "newlines",
        [PRETOK_LAGUNA] = "laguna",
        [PRETOK_BLOOM] = "bloom",
        [PRETOK_VIKING] = "viking",
        [PRETOK_DEEPSEEK3] = "deepseek-v3",
        [PRETOK_GPT4O] = "gpt-4o",
        [PRETOK_TEKKEN] = "tekken",
        [PRETOK_UFAKZEKA] = "ufakzeka",
        [PRETOK_SEED_CODER] = "seed-coder",
        [PRETOK_MINICPM5] = "minicpm5",
        [PRETOK_SPARK] = "spark2_5",
        [PRETOK_GRANITE] = "granite-embed-multi-97m",
        [PRETOK_TINY_AYA] = "tiny_aya",
        [PRETOK_YOUTU] = "youtu",
        [PRETOK_AFMOE] = "afmoe",
        [PRETOK_JAIS2] = "jais-2",
        [PRETOK_EXAONE_MOE] = "exaone-moe",
        [PRETOK_CHAMELEON] = "chameleon",
        [PRETOK_SUPERBPE] = "superbpe",
        [PRETOK_WHITESPACE] = "whitespace",
        [PRETOK_KIMI_K2] = "kimi-k2",
    };
    return (unsigned)kind < PRETOK_KIND_COUNT ? names[kind] : "unknown";
}
