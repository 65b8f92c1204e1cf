#!/usr/bin/env bash
# tests/host/llm_run_cli_test.sh LLM_RUN MODELS_DIR: llm-run's command line
# and chat input as a user (or a script) drives them: integer flags parsed as
# integers (fractions, signs, exponents refused; a seed up to 2^64-1 taken),
# a chat line longer than the buffer refused whole (never split into two
# turns), an explicit chat format chosen by name, an unknown one refused,
# KV cache types by llama.cpp's names (an unknown one refused).
# Each refusal: one line naming the value, exit 2 (flags) or 1 (load).
set -u
run=$1
models=$2
small=$models/smollm2-135m-q8_0-L1.gguf
gemma=$models/gemma-3-270m-q4_k_m.gguf
fails=0
pass=0

check() { # check NAME WANT_RC WANT_REGEX ACTUAL_RC ACTUAL_OUTPUT
    if [ "$4" -eq "$2" ] && grep -Eq -- "$3" <<<"$5"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $1: exit $4 (wanted $2), output:"; echo "$5" | head -5
        fails=$((fails + 1))
    fi
}

t() { # t NAME WANT_RC WANT_REGEX ARGS...
    local name=$1 want=$2 rx=$3
    shift 3
    out=$("$run" "$@" 2>&1 </dev/null)
    check "$name" "$want" "$rx" $? "$out"
}

t "fraction for -n" 2 "bad value '2.5' for -n \(expected a whole number" -m "$small" -p hi -n 2.5
t "exponent for -n" 2 "bad value '1e3' for -n" -m "$small" -p hi -n 1e3
t "negative seed" 2 "bad value '-1' for --seed" -m "$small" -p hi --seed -1
t "signed top-k" 2 "bad value '\+5' for --top-k" -m "$small" -p hi --top-k +5
t "context too large" 2 "bad value '2000000' for --ctx" -m "$small" -p hi --ctx 2000000
t "unknown cache type" 2 "a cache type is f16, f32, q8_0 or q4_0, not 'q6_k'" -m "$small" -p hi -ctk q6_k
t "cache type without a value" 2 "a cache type is f16, f32, q8_0 or q4_0, not ''" -m "$small" -p hi --cache-type-v
t "Q8_0 keys, Q4_0 values, fast" 0 "generated 2, stop: max tokens" -m "$small" -p hi -n 2 -ctk q8_0 \
    --cache-type-v q4_0 --attn fast
t "largest seed" 0 "generated 2, stop: max tokens" -m "$small" -p hi -n 2 --seed 18446744073709551615
# 2^53 and 2^53 + 1 are one double: parsed as integers they are two seeds, two texts.
sample() { "$run" -m "$small" -p "Once upon a time" -n 24 --temp 1.5 --top-k 0 --top-p 1 --min-p 0 --seed "$1" 2>/dev/null; }
a=$(sample 9007199254740992); b=$(sample 9007199254740993)
if [ -n "$a" ] && [ "$a" != "$b" ]; then pass=$((pass + 1)); else echo "FAIL: seeds 2^53 and 2^53+1 gave the same text"; fails=$((fails + 1)); fi
t "unknown chat format" 1 "llm-run: .*unknown chat template \"nosuch\"" -m "$small" --chat --chat-template nosuch
t "Gemma in the chatml format" 0 "chat: type a message" -m "$gemma" --chat --chat-template chatml -n 1

out=$( { python3 -c "print('x' * 5000)"; echo "hi"; } | "$run" -m "$small" --chat --temp 0 -n 2 2>&1)
check "a 5000-byte chat line" 0 "a line is at most 4094 bytes; that one was not sent" $? "$out"
turns=$(grep -c '^\[prompt' <<<"$out")
check "the long line is no turn, the next one is" 0 "^1$" 0 "$turns"

echo "llm-run CLI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
