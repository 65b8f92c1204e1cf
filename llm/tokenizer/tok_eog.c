/*
 * Which tokens end a generation and which are control tokens by their
 * text, as llama.cpp's vocabulary loader decides when the file does not say
 * (llama-vocab.cpp, "auto-detect special tokens by text"): the end-of-turn
 * token when tokenizer.ggml.eot_token_id is absent, control-looking tokens
 * the file typed otherwise (Gemma 3 types "</s>" USER_DEFINED; llama.cpp
 * makes it a control token, so "</s>" in text is plain text unless special
 * tokens are parsed), and the end-of-generation set: eos, eot, eom, the FIM
 * pad/repo/separator tokens and the texts of its EOG list.
 * Where llama.cpp takes the first match of a list in hash-map order, this
 * takes the first in list order; a vocabulary with two names of one list
 * is the only case where that can differ.
 */
#include "llm/tokenizer/tokenizer.h"

#include "llm/platform.h"

/* NULL-terminated lists of token texts, as in llama.cpp. */
static const char *const eot_names[] = { "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                         "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]",
                                         "<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
                                         "<end_of_utterance>", NULL };
static const char *const eom_names[] = { "<|eom_id|>", NULL };
static const char *const fim_pre_names[] = { "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
                                             "<\xef\xbd\x9c" "fim\xe2\x96\x81" "begin\xef\xbd\x9c>", "<PRE>",
                                             "\xe2\x96\x81<PRE>", "<|code_prefix|>", "<|prefix|>", NULL };
static const char *const fim_suf_names[] = { "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
                                             "<\xef\xbd\x9c" "fim\xe2\x96\x81hole\xef\xbd\x9c>", "<SUF>",
                                             "\xe2\x96\x81<SUF>", "<|code_suffix|>", "<|suffix|>", NULL };
static const char *const fim_mid_names[] = { "<|fim_middle|>", "<fim-middle>", "<fim_middle>",
                                             "<\xef\xbd\x9c" "fim\xe2\x96\x81" "end\xef\xbd\x9c>", "<MID>",
                                             "\xe2\x96\x81<MID>", "<|code_middle|>", "<|middle|>", NULL };
static const char *const fim_pad_names[] = { "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]", NULL };
static const char *const fim_rep_names[] = { "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
                                             NULL };
static const char *const fim_sep_names[] = { "<|file_sep|>", NULL };
static const char *const eog_names[] = { "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                                         "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
                                         "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
                                         "<turn|>", "<|tool_response>",
                                         "<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
                                         "[e~[", NULL };

/* The id of text in v, or TOK_NONE. */
static int32_t find(const tok_vocab_t *v, const char *text)
{
    uint32_t id;
    return str_index_find(&v->by_text, text, strlen(text), &id) ? (int32_t)id : TOK_NONE;
}

/* The first token of names in v, made a control token; TOK_NONE if none is there. */
static int32_t first_as_control(tok_vocab_t *v, const char *const *names)
{
    for (; *names; names++) {
        int32_t id = find(v, *names);
        if (id != TOK_NONE) {
            v->types[id] = TOK_TYPE_CONTROL;
            return id;
        }
    }
    return TOK_NONE;
}

static void add_eog(tok_vocab_t *v, int32_t id)
{
    if (id == TOK_NONE || tok_is_eog(v, id) || v->n_eog == TOK_MAX_EOG)
        return;
    v->eog[v->n_eog++] = id;
}

void tok_classify_by_text(tok_vocab_t *v)
{
    if (v->eot == TOK_NONE)
        v->eot = first_as_control(v, eot_names);
    int32_t eom = first_as_control(v, eom_names);
    first_as_control(v, fim_pre_names);
    first_as_control(v, fim_suf_names);
    first_as_control(v, fim_mid_names);
    int32_t pad = first_as_control(v, fim_pad_names), rep = first_as_control(v, fim_rep_names),
            sep = first_as_control(v, fim_sep_names);
    v->n_eog = 0;
    add_eog(v, pad), add_eog(v, rep), add_eog(v, sep);
    for (const char *const *name = eog_names; *name; name++) {
        int32_t id = find(v, *name);
        if (id != TOK_NONE) {
            v->types[id] = TOK_TYPE_CONTROL;
            add_eog(v, id);
        }
    }
    add_eog(v, v->eos), add_eog(v, v->eot), add_eog(v, eom);
}

bool tok_is_eog(const tok_vocab_t *v, int32_t id)
{
    for (uint32_t i = 0; i < v->n_eog; i++)
        if (v->eog[i] == id)
            return true;
    return false;
}
