/*
 * Chat templates without a Jinja engine: recognises the chat template a GGUF
 * file carries (tokenizer.chat_template) by the same signatures as
 * llama.cpp's llm_chat_detect_template, and formats a conversation into the
 * prompt text exactly as llama.cpp's llm_chat_apply_template does for that
 * format. Text in, text out: tokenizing the prompt (and adding BOS when the
 * vocabulary asks for it) is the tokenizer's job. No allocation.
 */
#ifndef LLM_CHAT_H
#define LLM_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "llm/support/err.h"

/*
 * The formats, each named as llama.cpp names it (chat_format_name). In the
 * layouts below S, U and A stand for system, user and assistant contents,
 * "trimmed" means ASCII whitespace (space \t \n \v \f \r) cut from both ends,
 * and [gen] is what add_assistant appends. None writes BOS text (<s>,
 * <|begin_of_text|>, <bos>), as llama.cpp does not.
 */
typedef enum chat_format {
    CHAT_CHATML,            /* <|im_start|>user\nU<|im_end|>\n ... [gen] <|im_start|>assistant\n */
    CHAT_LLAMA2,            /* [INST] S\nU [/INST]A</s>[INST] U [/INST] (always opens with "[INST] ") */
    CHAT_LLAMA2_SYS,        /* as LLAMA2 with S as <<SYS>>\nS\n<</SYS>>\n\n */
    CHAT_LLAMA2_SYS_BOS,    /* as LLAMA2_SYS, turns after the first open with <s>[INST] */
    CHAT_LLAMA2_SYS_STRIP,  /* as LLAMA2_SYS, every content trimmed */
    CHAT_MISTRAL_V1,        /*  [INST] S\n\nU [/INST] A</s> [INST] U [/INST] */
    CHAT_MISTRAL_V3,        /* [INST] S\n\nU[/INST] A</s> (assistant contents trimmed) */
    CHAT_MISTRAL_V3_TEKKEN, /* [INST]S\n\nU[/INST]A</s> */
    CHAT_MISTRAL_V7,        /* [SYSTEM_PROMPT] S[/SYSTEM_PROMPT][INST] U[/INST] A</s> */
    CHAT_MISTRAL_V7_TEKKEN, /* [SYSTEM_PROMPT]S[/SYSTEM_PROMPT][INST]U[/INST]A</s> (by name only) */
    CHAT_PHI3,              /* <|user|>\nU<|end|>\n ... [gen] <|assistant|>\n */
    CHAT_PHI4,              /* <|im_start|>user<|im_sep|>U<|im_end|> ... [gen] <|im_start|>assistant<|im_sep|> */
    CHAT_GEMMA,             /* <start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\nA<end_of_turn>\n
                             * (trimmed; system contents joined into the next user turn) [gen] <start_of_turn>model\n */
    CHAT_LLAMA3,            /* <|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|> (trimmed)
                             * [gen] <|start_header_id|>assistant<|end_header_id|>\n\n */
    CHAT_FORMAT_COUNT
} chat_format_t;

/* One message; role is "system", "user" or "assistant" (chat_apply refuses others). */
typedef struct chat_message {
    const char *role;
    const char *content;
} chat_message_t;

/*
 * Recognises the template tmpl[0..len) (not NUL-terminated; a NUL inside is
 * just a byte): first an exact format name ("chatml", "llama3", "mistral-v7-tekken",
 * ...: what chat_format_name returns), then llama.cpp's signature checks in
 * llama.cpp's order (e.g. "<|im_start|>" is ChatML unless "<|im_sep|>" makes it
 * Phi-4; a template starting with "mistral" or holding "[INST]" is Mistral or
 * Llama 2 by its other markers; "<start_of_turn>" is Gemma; "<|start_header_id|>"
 * with "<|end_header_id|>" is Llama 3). ERR_UNSUPPORTED for a template llama.cpp
 * would give a format we do not implement (the message names it) and for one
 * it would not recognise ("unknown chat template" quoting its start);
 * ERR_INVALID for an empty template.
 */
err_code_t chat_detect(const char *tmpl, size_t len, chat_format_t *out, err_t *err);

/* llama.cpp's name of the format ("chatml", "llama2-sys-bos", ...); "?" if f is out of range. */
const char *chat_format_name(chat_format_t f);

/*
 * Formats msgs[0..n) in format f into buf with snprintf's rules: writes at
 * most size bytes, always NUL-terminated when size > 0 (buf may be NULL when
 * size is 0), and sets *n_out (if not NULL) to the full length without the
 * NUL, also when it did not fit. add_assistant appends the text that opens the
 * assistant's turn (formats without one, Llama 2 and Mistral, ignore it).
 * n = 0 is a valid, empty conversation. Errors: ERR_INVALID for a bad format,
 * a NULL message, role or content, or a role other than system, user and
 * assistant (the message names the role and its index); nothing is written
 * then. ERR_RANGE (the message gives the size needed) when the text with its
 * NUL needs more than size bytes.
 */
err_code_t chat_apply(chat_format_t f, const chat_message_t *msgs, size_t n, bool add_assistant, char *buf,
                      size_t size, size_t *n_out, err_t *err);

/*
 * The text of the token that ends an assistant turn in format f, for the
 * generator to stop on: "<|im_end|>" (ChatML, Phi-4), "</s>" (Llama 2,
 * Mistral), "<|end|>" (Phi-3), "<end_of_turn>" (Gemma), "<|eot_id|>"
 * (Llama 3). "" if f is out of range.
 */
const char *chat_end_of_turn(chat_format_t f);

#endif
