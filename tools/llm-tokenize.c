/*
 * llm-tokenize -m FILE.gguf [TEXT]: the engine's tokenizer from the command
 * line, as llama.cpp's llama-tokenize — the ids of a text (an argument, a
 * file or stdin, any bytes) with their pieces, or the text of ids
 * (--decode), or one line describing the vocabulary (--info). Loads only the
 * tokenizer, so a vocabulary-only GGUF is enough. A thin adapter over
 * tok_encode / tok_piece / tok_decode: no tokenizer logic here.
 * Exit status: 0, 1 for what the file or the input holds, 2 for the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "host/host_file.h"
#include "host/host_vocab.h"

static const char usage[] =
    "usage: llm-tokenize -m FILE.gguf [options] [TEXT | -p TEXT | -f FILE | --stdin]\n"
    "       llm-tokenize -m FILE.gguf --decode [IDS... | --stdin]\n"
    "  -m, --model FILE     GGUF file to take the vocabulary from (a vocabulary-only file is enough)\n"
    "  -p, --prompt TEXT    the text to tokenize (or give it as the one argument)\n"
    "  -f, --file FILE      tokenize the bytes of FILE\n"
    "      --stdin          tokenize the bytes of stdin (any bytes, NUL included); with --decode, read ids there\n"
    "      --ids            print only the ids, on one line, separated by spaces\n"
    "      --special        parse special-token text such as <|im_start|> into its token;\n"
    "                       with --decode, write control tokens' text too\n"
    "      --add-special    add BOS/EOS where the vocabulary asks for them\n"
    "      --decode         read token ids (separated by spaces, commas or brackets) and write their text bytes\n"
    "      --info           first print one line about the vocabulary (model, pre-tokenizer, counts, arena)\n"
    "  -h, --help           this text\n"
    "By default each token is printed on a line of its own: its id and its piece (escaped as \\xNN where\n"
    "the piece is not printable UTF-8). Exit status 1: the file, the text or the ids; 2: the command line.\n";

typedef struct options {
    const char *model, *text, *file;
    char **positional; /* the arguments that are no option (TEXT, or ids to decode) */
    int n_positional;
    bool from_stdin, ids_only, special, add_special, decode, info;
} options_t;

static int bad(const char *what, const char *value)
{
    fprintf(stderr, "llm-tokenize: %s '%s' (see llm-tokenize --help)\n", what, value ? value : "");
    return 2;
}

/* A flag's value into *out; 0, or 2 after a message when it is missing. */
static int value(const char *flag, const char *val, const char **out)
{
    if (!val)
        return bad("missing value for", flag);
    *out = val;
    return 0;
}

/* Parses argv; the arguments that are no option are gathered at the front of argv (o->positional). */
static int parse(int argc, char **argv, options_t *o)
{
    o->positional = argv;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
            rc = value(a, val, &o->model), i++;
        } else if (!strcmp(a, "-p") || !strcmp(a, "--prompt")) {
            rc = value(a, val, &o->text), i++;
        } else if (!strcmp(a, "-f") || !strcmp(a, "--file")) {
            rc = value(a, val, &o->file), i++;
        } else if (!strcmp(a, "--stdin")) {
            o->from_stdin = true;
        } else if (!strcmp(a, "--ids")) {
            o->ids_only = true;
        } else if (!strcmp(a, "--special")) {
            o->special = true;
        } else if (!strcmp(a, "--add-special")) {
            o->add_special = true;
        } else if (!strcmp(a, "--decode")) {
            o->decode = true;
        } else if (!strcmp(a, "--info")) {
            o->info = true;
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                o->positional[o->n_positional++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9')) { /* "-1": an argument */
            return bad("unknown option", a);
        } else {
            o->positional[o->n_positional++] = argv[i];
        }
        if (rc)
            return rc;
    }
    if (!o->model)
        return bad("missing", "-m FILE.gguf");
    if (o->decode && (o->text || o->file || o->add_special))
        return bad("--decode reads ids from its arguments or --stdin; it does not take",
                   o->add_special ? "--add-special" : o->text ? "-p" : "-f");
    if (!o->decode && o->n_positional == 1 && !o->text)
        o->text = o->positional[o->n_positional = 0];
    if (!o->decode && o->n_positional > 0)
        return bad("one text at most (quote it); extra argument", o->positional[0]);
    int sources = (o->text != NULL) + (o->file != NULL) + o->from_stdin + (o->decode && o->n_positional > 0);
    if (sources > 1)
        return bad("give one input of TEXT, -p, -f and --stdin, not several; saw",
                   o->from_stdin ? "--stdin" : o->file ? "-f" : "-p");
    if (sources == 0 && !o->info)
        return bad(o->decode ? "nothing to decode: give ids or" : "nothing to tokenize: give TEXT, -p, -f or",
                   "--stdin");
    return 0;
}

/* Bytes to stdout; false (after a message) when the write failed. */
static bool out(const void *p, size_t n)
{
    if (fwrite(p, 1, n, stdout) == n)
        return true;
    fprintf(stderr, "llm-tokenize: writing stdout: %s\n", strerror(errno));
    return false;
}

/* The whole input text: the argument, or the bytes of a file or stdin (malloc'd into *owned). */
static const char *read_input(const options_t *o, size_t *len, uint8_t **owned)
{
    *owned = NULL;
    if (o->text) {
        *len = strlen(o->text);
        return o->text;
    }
    *owned = o->from_stdin ? host_read_stream(stdin, len) : host_read_file(o->file, len);
    if (!*owned)
        fprintf(stderr, "llm-tokenize: %s: %s\n", o->from_stdin ? "stdin" : o->file, strerror(errno));
    return (const char *)*owned;
}

/* tok_encode with room enough: *ids malloc'd (free() it), *n of them; 0, or 1 after a message. */
static int encode(const tok_vocab_t *v, const char *text, size_t len, const tok_encode_opts_t *opts, int32_t **ids,
                  size_t *n)
{
    size_t cap = len + 4, scratch_bytes = ((size_t)16 << 20) + 32 * len;
    for (;;) {
        arena_t scratch;
        err_t e;
        int32_t *buf = malloc(cap * sizeof *buf);
        host_arena_init(&scratch, scratch_bytes);
        err_code_t rc = buf && scratch.base ? tok_encode(v, text, len, opts, buf, cap, n, &scratch, &e) : ERR_NOMEM;
        if (!buf || !scratch.base)
            snprintf(e.msg, sizeof e.msg, "out of memory for %zu ids and %zu scratch bytes", cap, scratch_bytes);
        host_arena_free(&scratch);
        if (rc == ERR_OK) {
            *ids = buf;
            return 0;
        }
        free(buf);
        if (rc == ERR_RANGE && *n > cap) {
            cap = *n;
        } else if (rc == ERR_NOMEM && buf && scratch_bytes < ((size_t)1 << 40)) {
            scratch_bytes *= 2;
        } else {
            fprintf(stderr, "llm-tokenize: %s\n", e.msg);
            return 1;
        }
    }
}

/* Prints each id with its piece (or, with --ids, the ids on one line). */
static int print_tokens(const tok_vocab_t *v, const int32_t *ids, size_t n, bool ids_only)
{
    static char piece[1 << 16], shown[4 * sizeof piece + 4];
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        err_t e;
        if (ids_only) {
            printf(i ? " %d" : "%d", (int)ids[i]);
            continue;
        }
        if (tok_piece(v, ids[i], true, piece, sizeof piece, &len, &e) != ERR_OK) {
            fprintf(stderr, "llm-tokenize: token %d: %s\n", (int)ids[i], e.msg);
            return 1;
        }
        printf("%6d -> '%s'\n", (int)ids[i], llm_escape(shown, sizeof shown, piece, len));
    }
    if (ids_only)
        putchar('\n');
    return 0;
}

/* Whether c separates ids: blanks, commas and the brackets of llama-tokenize's --ids output. */
static bool id_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '[' || c == ']';
}

/*
 * Appends the ids written in s[0 .. len) to *ids (malloc'd, *n of them, room
 * for *cap); 0, or 1 after a message naming the first word that is not an id
 * of the vocabulary.
 */
static int parse_ids(const tok_vocab_t *v, const char *s, size_t len, int32_t **ids, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < len;) {
        if (id_separator(s[i])) {
            i++;
            continue;
        }
        size_t end = i;
        uint64_t id = 0;
        bool digits = true;
        for (; end < len && !id_separator(s[end]); end++) {
            digits = digits && s[end] >= '0' && s[end] <= '9';
            if (digits && id <= UINT32_MAX) /* larger ones stay larger: out of range, not wrapped */
                id = id * 10 + (uint64_t)(s[end] - '0');
        }
        char word[64];
        llm_escape(word, sizeof word, s + i, end - i);
        if (!digits) {
            fprintf(stderr, "llm-tokenize: '%s' is not a token id\n", word);
            return 1;
        }
        if (id >= v->n_tokens) {
            fprintf(stderr, "llm-tokenize: token id %s is out of range (the vocabulary has %u tokens)\n", word,
                    v->n_tokens);
            return 1;
        }
        if (*n == *cap) {
            int32_t *more = realloc(*ids, (*cap = *cap * 2 + 64) * sizeof **ids);
            if (!more) {
                fprintf(stderr, "llm-tokenize: out of memory for %zu ids\n", *cap);
                return 1;
            }
            *ids = more;
        }
        (*ids)[(*n)++] = (int32_t)id;
        i = end;
    }
    return 0;
}

/* --decode: the ids from the arguments or stdin, their text bytes to stdout exactly. */
static int decode(const tok_vocab_t *v, const options_t *o)
{
    int32_t *ids = NULL;
    size_t n = 0, cap = 0, len = 0;
    int rc = 0;
    if (o->from_stdin) {
        uint8_t *in = host_read_stream(stdin, &len);
        if (!in) {
            fprintf(stderr, "llm-tokenize: stdin: %s\n", strerror(errno));
            return 1;
        }
        rc = parse_ids(v, (const char *)in, len, &ids, &n, &cap);
        free(in);
    }
    for (int i = 0; i < o->n_positional && !rc; i++)
        rc = parse_ids(v, o->positional[i], strlen(o->positional[i]), &ids, &n, &cap);
    char *text = NULL;
    size_t size = 64 + 16 * n;
    for (bool done = rc != 0; !done;) {
        err_t e;
        free(text);
        if (!(text = malloc(size))) {
            fprintf(stderr, "llm-tokenize: out of memory for %zu bytes of text\n", size);
            rc = 1;
            break;
        }
        err_code_t ec = tok_decode(v, ids, n, o->special, text, size, &len, &e);
        done = ec != ERR_RANGE; /* too small: len is the size needed, try once more */
        if (ec != ERR_OK && done) {
            fprintf(stderr, "llm-tokenize: %s\n", e.msg);
            rc = 1;
        }
        size = len + 1;
    }
    if (!rc && !out(text, len))
        rc = 1;
    free(text);
    free(ids);
    return rc;
}

static int run(const options_t *o, const host_vocab_t *h)
{
    if (o->info) {
        char line[512];
        printf("%s: tokenizer %s\n", o->model, host_vocab_describe(&h->file, &h->vocab, line, sizeof line));
        if (!o->text && !o->file && !o->from_stdin && !o->n_positional)
            return 0;
    }
    if (o->decode)
        return decode(&h->vocab, o);
    size_t len;
    uint8_t *owned;
    const char *text = read_input(o, &len, &owned);
    if (!text)
        return 1;
    tok_encode_opts_t opts = { .add_special = o->add_special, .parse_special = o->special };
    int32_t *ids = NULL;
    size_t n = 0;
    int rc = encode(&h->vocab, text, len, &opts, &ids, &n);
    if (!rc)
        rc = print_tokens(&h->vocab, ids, n, o->ids_only);
    free(ids);
    free(owned);
    return rc;
}

int main(int argc, char **argv)
{
    options_t o = { 0 };
    host_vocab_t h;
    memset(&h, 0, sizeof h);
    int rc = parse(argc, argv, &o);
    if (!rc) {
        err_t e;
        if (host_vocab_open(&h, o.model, &e) == ERR_OK) {
            rc = run(&o, &h);
        } else {
            fprintf(stderr, "llm-tokenize: %s: %s\n", o.model, e.msg);
            rc = 1;
        }
    }
    if (!rc && fflush(stdout) != 0) {
        fprintf(stderr, "llm-tokenize: writing stdout: %s\n", strerror(errno));
        rc = 1;
    }
    host_vocab_close(&h);
    return rc;
}
