#!/usr/bin/env bash
# tests/host/llm_tokenize_cli_test.sh LLM_TOKENIZE MODELS_DIR: llm-tokenize as
# a user (or a script) drives it, against llama.cpp's ids and text as the
# committed goldens hold them (tests/golden/tokenizer/, never our own output):
# SmolLM2 (GPT-2 byte-level BPE), the Llama 2 vocabulary-only file
# (SentencePiece) and Gemma 3 (SentencePiece, 262,144 tokens), on corpus
# entries of every category read from stdin, from a file and as an argument;
# llama.cpp's own test vectors on six of its vocabulary-only files (one per
# tokenizer model; tests/golden/llama_vocabs/ for the decoded text);
# --special against llama.cpp's special=True ids; --add-special; --decode of
# llama.cpp's ids against llama.cpp's detokenized bytes, and round trips of
# any bytes (NUL included) through stdin; --info; each error with one line
# naming it and its exit status (1: file, text or ids; 2: command line).
set -u
tool=$1
models=$2
gold=tests/golden/tokenizer
entry="tests/host/golden_entry.py"
smol=$models/smollm2-135m-q4_1.gguf
llama2=$models/llama2-vocab.gguf
gemma=$models/gemma-3-270m-q4_k_m.gguf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

check() { # check NAME WANT_RC WANT_REGEX ACTUAL_RC ACTUAL_OUTPUT
    if [ "$4" -eq "$2" ] && grep -Eq -- "$3" <<<"$5"; then
        pass=$((pass + 1))
    else
        fail "$1: exit $4 (wanted $2), output:"; echo "$5" | head -5
    fi
}

t() { # t NAME WANT_RC WANT_REGEX ARGS...: one run, stdout and stderr together
    local name=$1 want=$2 rx=$3
    shift 3
    out=$("$tool" "$@" 2>&1 </dev/null)
    check "$name" "$want" "$rx" $? "$out"
}

same() { # same NAME EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        fail "$1"; echo "  wanted: ${2:0:300}"; echo "  got:    ${3:0:300}"
    fi
}

# Corpus entries: the first of every category (see corpus_categories.txt),
# more malformed UTF-8 and special-token text, and the 100 KB document;
# each golden file's entries for them extracted once into $tmp/<file>/<index>.
picks=$("$entry" --index $gold/corpus.bin $(seq -f '%g:0' 0 17) 14:5 14:20 14:40 14:60 15:3 15:10 15:25)
for f in corpus.bin smollm2_plain.bin smollm2_special.bin smollm2_detok.bin llama2_llamacpp.bin gemma_plain.bin \
    gemma_special.bin gemma_detok.bin; do
    mkdir "$tmp/$f" && "$entry" "$gold/$f" "$tmp/$f" $picks || { echo "FAIL: reading $gold/$f"; exit 1; }
done
hello=$("$entry" --index $gold/corpus.bin 1:0)
g() { # g FILE INDEX: that entry's ids (or "NA")
    cat "$tmp/$1/$2"
}

# encode_set NAME MODEL PLAIN SPECIAL DETOK: each picked entry's ids equal
# llama.cpp's (PLAIN; SPECIAL with --special unless "-") and decoding
# llama.cpp's ids gives llama.cpp's text byte for byte (DETOK unless "-").
encode_set() {
    local name=$1 model=$2 plain=$3 special=$4 detok=$5 n=0
    for i in $picks; do
        text=$tmp/corpus.bin/$i
        want=$(g "$plain" "$i")
        [ "$want" == NA ] && continue
        n=$((n + 1))
        same "$name entry $i from stdin" "$want" "$("$tool" -m "$model" --ids --stdin <"$text")"
        if [ "$special" != - ]; then
            same "$name entry $i with --special" "$(g "$special" "$i")" \
                "$("$tool" -m "$model" --ids --special -f "$text")"
        fi
        if [ "$detok" != - ]; then
            "$tool" -m "$model" --decode --stdin <"$tmp/$plain/$i" >"$tmp/got"
            if cmp -s "$tmp/$detok/$i" "$tmp/got"; then pass=$((pass + 1)); else fail "$name entry $i: --decode"; fi
        fi
    done
    echo "  $name: $n corpus entries checked"
}
encode_set smollm2 "$smol" smollm2_plain.bin smollm2_special.bin smollm2_detok.bin
encode_set llama2 "$llama2" llama2_llamacpp.bin - -
encode_set gemma3 "$gemma" gemma_plain.bin gemma_special.bin gemma_detok.bin

# llama.cpp's own test vectors (test_models/llama-vocabs/, fetched by make
# models from the llama-cpp-python sdist): vocabulary-only files of each
# tokenizer model (gpt2, llama, bert, gemma4, t5: nomic-bert-moe on
# bert-bge's strings with llama.cpp's ids from tests/golden/llama_vocabs/),
# each string from stdin, ids as in the .out file (no special tokens added),
# and --decode of those ids equal to llama.cpp's detokenized text
# (tests/golden/llama_vocabs/detok.txt). The two slowest files to load take
# every fourth string.
vocabs=$models/llama-vocabs
if [ -d "$vocabs" ]; then
    for spec in gpt-2:gpt-2:1 llama-spm:llama-spm:1 qwen2:qwen2:4 bert-bge:bert-bge:1 gemma-4:gemma-4:4 \
        nomic-bert-moe:bert-bge:1; do
        IFS=: read -r v strings stride <<<"$spec"
        out=$vocabs/ggml-vocab-$v.gguf.out
        [ -f "$out" ] || out=tests/golden/llama_vocabs/$v.out
        mkdir "$tmp/$v"
        n=$("$entry" --vectors "$vocabs/ggml-vocab-$strings.gguf.inp" "$out" "$tmp/$v" \
            tests/golden/llama_vocabs/detok.txt "$v") || { fail "reading $v's vectors"; continue; }
        for i in $(seq 0 "$stride" $((n - 1))); do
            same "$v vector $i" "$(cat "$tmp/$v/$i.ids")" \
                "$("$tool" -m "$vocabs/ggml-vocab-$v.gguf" --ids --stdin <"$tmp/$v/$i")"
            "$tool" -m "$vocabs/ggml-vocab-$v.gguf" --decode --stdin <"$tmp/$v/$i.ids" >"$tmp/got"
            cmp -s "$tmp/$v/$i.detok" "$tmp/got" && pass=$((pass + 1)) || fail "$v vector $i: --decode"
        done
        n=$(( (n + stride - 1) / stride ))
        if [ "$v" == bert-bge ]; then # WordPiece adds [CLS] (101) and [SEP] (102)
            same "bert-bge --add-special" "101 $(cat "$tmp/$v/11.ids") 102" \
                "$("$tool" -m "$vocabs/ggml-vocab-$v.gguf" --ids --add-special -f "$tmp/$v/11")"
            t "--info of WordPiece" 0 "model bert \(WPM\), pre-tokenizer bert-bge \(split wordpiece\).*bos 101 \(added\), eos none, sep 102 \(added\)" \
                -m "$vocabs/ggml-vocab-$v.gguf" --info
        fi
        echo "  $v: $n llama.cpp test vectors checked"
    done
else
    echo "  (no $vocabs: llama.cpp's test vectors skipped; make models fetches them)"
fi

# The text as an argument; --special makes a difference only where asked.
same "smollm2 text as an argument" "$(g smollm2_plain.bin "$hello")" \
    "$("$tool" -m "$smol" --ids "$(cat "$tmp/corpus.bin/$hello")")"
same "llama2 text after -p" "$(g llama2_llamacpp.bin "$hello")" \
    "$("$tool" -m "$llama2" --ids -p "$(cat "$tmp/corpus.bin/$hello")")"
same "<|im_start|> with --special is token 1" "1" "$("$tool" -m "$smol" --ids --special '<|im_start|>')"
plain=$("$tool" -m "$smol" --ids '<|im_start|>')
[ "$plain" != 1 ] && [ "$(wc -w <<<"$plain")" -gt 1 ] && pass=$((pass + 1)) ||
    fail "<|im_start|> without --special is text: got '$plain'"

# --add-special: BOS where the file asks (add_bos_token: Llama 2 adds 1, Gemma 3 adds 2; SmolLM2 says false).
same "llama2 --add-special" "1 $(g llama2_llamacpp.bin "$hello")" \
    "$("$tool" -m "$llama2" --ids --add-special "$(cat "$tmp/corpus.bin/$hello")")"
same "gemma3 --add-special" "2 $(g gemma_plain.bin "$hello")" \
    "$("$tool" -m "$gemma" --ids --add-special "$(cat "$tmp/corpus.bin/$hello")")"
same "smollm2 --add-special" "$(g smollm2_plain.bin "$hello")" \
    "$("$tool" -m "$smol" --ids --add-special "$(cat "$tmp/corpus.bin/$hello")")"
same "empty text" "" "$("$tool" -m "$llama2" --ids '')"
same "empty stdin with --add-special" "1" "$("$tool" -m "$llama2" --ids --add-special --stdin </dev/null)"

# Any bytes through stdin and back: NUL, controls, a trailing newline, invalid
# UTF-8 where SentencePiece falls back to bytes (at the end: a bad lead byte
# takes the next bytes with it, as llama.cpp), and UTF-8 across scripts.
roundtrip() { # roundtrip NAME MODEL PRINTF-FORMAT
    printf "$3" >"$tmp/in"
    "$tool" -m "$2" --ids --stdin <"$tmp/in" >"$tmp/ids" && "$tool" -m "$2" --decode --stdin <"$tmp/ids" >"$tmp/out"
    if cmp -s "$tmp/in" "$tmp/out"; then pass=$((pass + 1)); else fail "$1: decode(encode(text)) != text"; od -c "$tmp/out" | head -3; fi
}
roundtrip "llama2 NUL and invalid bytes" "$llama2" 'a\0b \001\037 tab\there\r\n caf\303\251 \344\275\240\345\245\275\n\377'
roundtrip "smollm2 NUL and controls" "$smol" '\0x\0 \001\002\t\r\n\n  end \360\237\230\200\n'
roundtrip "gemma3 NUL and scripts" "$gemma" 'x\0y  \xd0\x9f\xd1\x80\xd0\xb8 \xe0\xa4\xa8\xe0\xa4\xae\n\n\t!'
same "--decode takes llama-tokenize's [a, b] form" "$("$tool" -m "$smol" --decode 19556 905)" \
    "$("$tool" -m "$smol" --decode '[19556,' '905]')"
same "--decode of control tokens: nothing" "" "$("$tool" -m "$smol" --decode 1 2)"
same "--decode --special writes them" "<|im_start|><|im_end|>" "$("$tool" -m "$smol" --decode --special 1 2)"

# The listing: one line per token, id and escaped piece.
t "listing" 0 "^ +19556 -> 'Hello'$" -m "$smol" "Hello world"
out=$(printf 'a\0b' | "$tool" -m "$llama2" --stdin)
check "listing of a NUL byte" 0 "^ +3 -> '\\\\x00'$" $? "$out"
t "--info" 0 "tokenizer model gpt2 \(BPE\), pre-tokenizer smollm \(split smollm\), 49152 tokens, 48900 merges.*arena [0-9]+ bytes" \
    -m "$smol" --info
t "--info of a vocabulary-only file" 0 "tokenizer model llama \(SPM\), pre-tokenizer - \(split -\), 32000 tokens.*bos 1 \(added\)" \
    -m "$llama2" --info

# Errors: one line naming what was wrong; 1 for the file or the input, 2 for the command line.
printf 'GGUF\003\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' >"$tmp/empty.gguf"
t "missing file" 1 "^llm-tokenize: $tmp/nosuch.gguf: No such file or directory$" -m "$tmp/nosuch.gguf" x
t "a directory" 1 "^llm-tokenize: $tmp: Is a directory$" -m "$tmp" x
t "not a GGUF" 1 "^llm-tokenize: $tmp/in: gguf: not a GGUF file" -m "$tmp/in" x
t "a GGUF without a vocabulary" 1 "^llm-tokenize: $tmp/empty.gguf: .*tokenizer.ggml" -m "$tmp/empty.gguf" x
t "missing -m" 2 "^llm-tokenize: missing '-m FILE.gguf'" hello
t "-m without a value" 2 "^llm-tokenize: missing value for '-m'" -m
t "unknown option" 2 "^llm-tokenize: unknown option '--bogus'" -m "$smol" --bogus x
t "nothing to tokenize" 2 "^llm-tokenize: nothing to tokenize" -m "$smol"
t "two texts" 2 "^llm-tokenize: one text at most" -m "$smol" a b
t "a text and --stdin" 2 "^llm-tokenize: give one input" -m "$smol" --stdin a
t "--decode with --add-special" 2 "^llm-tokenize: --decode .* does not take '--add-special'" -m "$smol" --decode --add-special 1
t "id out of range" 1 "^llm-tokenize: token id 49152 is out of range \(the vocabulary has 49152 tokens\)$" \
    -m "$smol" --decode 1 49152
t "huge id" 1 "token id 99999999999999999999 is out of range" -m "$smol" --decode 99999999999999999999
t "negative id" 1 "^llm-tokenize: '-1' is not a token id$" -m "$smol" --decode 5 -1
t "an id after --" 1 "^llm-tokenize: '-x' is not a token id$" -m "$smol" --decode -- -x
t "not an id" 1 "^llm-tokenize: '12x' is not a token id$" -m "$smol" --decode 5 12x
t "missing -f file" 1 "^llm-tokenize: $tmp/nosuch: No such file or directory$" -m "$smol" -f "$tmp/nosuch"
out=$("$tool" -m "$smol" --bogus 2>&1 >/dev/null | wc -l)
same "an error is one line" "1" "$out"

echo "llm-tokenize CLI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
