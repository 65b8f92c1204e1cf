#!/usr/bin/env python3
"""Chat-template goldens (tests/golden/chat/), from llama.cpp's own formatter,
never from our code:

  templates.txt  real chat templates (SmolLM2's, read from the GGUF, and the
                 canonical ones llama.cpp's tests/test-chat-template.cpp lists)
                 and synthetic probes of the signature order, each with the
                 format llama.cpp detects for it ("-" when it knows none)
  cases.txt      conversations and, for each format we support and both values
                 of add_ass, llama.cpp's llama_chat_apply_template output
  jinja.txt      how jinja2's rendering of each real template compares with
                 llama.cpp's output (a report for people; the tests ignore it)

The reference is llama-cpp-python's low-level binding of
llama_chat_apply_template(tmpl, chat, n, add_ass, buf, len), which detects the
template (an exact built-in name such as "llama2-sys-bos" first, then
signatures) and formats the messages with llama.cpp's C++ code. Outputs are
recorded by passing the built-in name of each format. Which format llama.cpp
detected for a template is read from its output for a fingerprint
conversation, compared with the output of every built-in name (the script
checks that the formats we support are told apart).

Both files are records: a header line of space-separated words; except for
"conv", its last word is a byte count and exactly that many raw bytes and a
newline follow. Lines starting with '#' between records are comments.

  templates.txt  template <id> <llama.cpp format name or -> <bytes>
  cases.txt      conv <id> <message count>          (no payload)
                 msg <role> <bytes>                 (the message's content)
                 out <format name> <add_ass 0|1> <bytes>

Contents never hold a NUL (llama.cpp takes C strings).

Usage (see tests/golden/README.md):
    /tmp/tok-venv/bin/python tests/ref/make_chat_goldens.py \
        [--gguf test_models/smollm2-135m-q4_1.gguf] [--out tests/golden/chat]
"""
import argparse
import ctypes
import importlib.metadata
import os
import sys

import gguf
import jinja2
import jinja2.sandbox
import llama_cpp

# The formats llm/chat.c implements, by llama.cpp's built-in names.
FORMATS = [
    "chatml", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip",
    "mistral-v1", "mistral-v3", "mistral-v3-tekken", "mistral-v7", "mistral-v7-tekken",
    "phi3", "phi4", "gemma", "llama3",
]

# ------------------------------------------------------------ conversations
# Trimming matters (Llama 3, Gemma, Llama-2 "strip", Mistral v3 assistant
# turns): llama.cpp trims with isspace() in the C locale (space \t \n \v \f
# \r), Python's str.strip() (jinja's trim) also removes \x1c-\x1f, U+0085,
# U+00A0, U+3000 ..., so the contents carry both kinds at their ends.
CONVERSATIONS = [
    ("sys_user", [("system", "You are a helpful assistant."),
                  ("user", "Hello! Who are you?")]),
    ("user", [("user", "What is the capital of France?")]),
    ("multi", [("user", "Hi"),
               ("assistant", "Hello! How can I help you today?"),
               ("user", "Tell me a joke.")]),
    # llama.cpp's own test conversation (tests/test-chat-template.cpp)
    ("llamacpp_test", [("system", "You are a helpful assistant"),
                       ("user", "Hello"),
                       ("assistant", "Hi there"),
                       ("user", "Who are you"),
                       ("assistant", "   I am an assistant   "),
                       ("user", "Another question")]),
    ("empty", [("system", ""), ("user", ""), ("assistant", ""), ("user", "")]),
    ("special", [("system", " \t Be terse.\n\n"),
                 ("user", "Line 1\nLine 2\r\n\tindented \\ \"quoted\" 'single' {{ braces }} {% tag %} "
                          "<|im_end|> [INST] </s> <s> <end_of_turn>\x1f"),
                 ("assistant", "\v\f  an answer with spaces \r\n\n"),
                 ("user", "\n")]),
    ("unicode", [("system", "Tu es un assistant serviable. \u4f60\u662f\u52a9\u624b\u3002"),
                 ("user", "\u00a0H\u00e9llo w\u00f6rld \u2014 \u00bfqu\u00e9 tal? "
                          "\u4f60\u597d\uff0c\u4e16\u754c \U0001F30D\U0001F680 \u3000"),
                 ("assistant", "\u041f\u0440\u0438\u0432\u0435\u0442! \U0001F44B "
                               "\u0645\u0631\u062d\u0628\u0627"),
                 ("user", "e\u0301 combining, ZWJ \U0001F469\u200d\U0001F4BB, RTL \u202eabc\u202c")]),
    ("none", []),
    ("system_only", [("system", "Only a system prompt.")]),
    ("assistant_first", [("assistant", "I speak first."), ("user", "Then me.")]),
    # two system messages, the second after a model turn (Gemma folds both
    # into the next user turn)
    ("systems", [("system", "First system."),
                 ("assistant", "A model turn."),
                 ("system", "  Second system.  "),
                 ("user", "A user turn.")]),
    ("ends_assistant", [("user", "Q?"), ("assistant", "A.")]),
]
# A conversation whose output differs between every pair of formats we
# support (checked), to read off which format llama.cpp detected.
FINGERPRINT = [("system", " S "), ("user", " U "), ("assistant", " A "), ("user", " U2 ")]

# ------------------------------------------------------------ templates
# Real templates: (id, source, bos, eos, text). Texts from llama.cpp's
# tests/test-chat-template.cpp (the model's tokenizer_config.json), except
# SmolLM2's (from the GGUF), Meta's Llama 2 / Llama 3 and CodeLlama's (their
# tokenizer_config.json) and one synthetic llama2-sys example, marked.
MISTRAL_V3 = r"""{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\n\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message.tool_calls is defined and message.tool_calls is not none %}
        {{- "[TOOL_CALLS] [" }}
        {%- for tool_call in message.tool_calls %}
            {%- set out = tool_call.function|tojson %}
            {{- out[:-1] }}
            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}
                {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
            {%- endif %}
            {{- ', "id": "' + tool_call.id + '"}' }}
            {%- if not loop.last %}
                {{- ", " }}
            {%- else %}
                {{- "]" + eos_token }}
            {%- endif %}
        {%- endfor %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- elif message["role"] == "tool_results" or message["role"] == "tool" %}
        {%- if message.content is defined and message.content.content is defined %}
            {%- set content = message.content.content %}
        {%- else %}
            {%- set content = message.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + content|string + ", " }}
        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}
            {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
        {%- endif %}
        {{- '"call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
"""

# Mistral-Nemo-Instruct-2407 ('v3-tekken') differs from the v3 template only
# in the spaces around its control tokens and in the assistant turn.
TEKKEN_EDITS = [
    ('"[AVAILABLE_TOOLS] ["', '"[AVAILABLE_TOOLS]["'),
    ('"[INST] " + system_message', '"[INST]" + system_message'),
    ('"[INST] " + message["content"]', '"[INST]" + message["content"]'),
    ('{%- elif message.tool_calls is defined and message.tool_calls is not none %}',
     '{%- elif (message.tool_calls is defined and message.tool_calls is not none) %}'),
    ('"[TOOL_CALLS] ["', '"[TOOL_CALLS]["'),
    ('{{- " " + message["content"]|trim + eos_token}}', '{{- message["content"] + eos_token}}'),
    ("'[TOOL_RESULTS] {\"content\": '", "'[TOOL_RESULTS]{\"content\": '"),
]


def tekken_from_v3(text):
    for old, new in TEKKEN_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


LLAMA2_META = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}")

TEMPLATES = [
    ("smollm2", "HuggingFaceTB/SmolLM2-135M-Instruct (test_models/smollm2-135m-q4_1.gguf)",
     "<|im_start|>", "<|im_end|>", None),
    ("openhermes", "teknium/OpenHermes-2.5-Mistral-7B", "<s>", "<|im_end|>",
     "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
     "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
    ("mistral-7b-v0.2-old", "mistralai/Mistral-7B-Instruct-v0.2 (old, no system prompt)", "<s>", "</s>",
     "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
     "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
     "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
     "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}"
     "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"),
    ("llama2-sys-synthetic", "synthetic: <<SYS>> without bos_token + '[INST] or .strip()", "<s>", "</s>",
     "{% for message in messages %}{% if message['role'] == 'system' %}"
     "{{ '<<SYS>>\\n' + message['content'] + '\\n<</SYS>>\\n\\n' }}"
     "{% elif message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
     "{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}"),
    ("fusionnet", "TheBloke/FusionNet_34Bx2_MoE-AWQ", "<s>", "</s>",
     "{%- for idx in range(0, messages|length) -%}\n{%- if messages[idx]['role'] == 'user' -%}\n"
     "{%- if idx > 1 -%}\n{{- bos_token + '[INST] ' + messages[idx]['content'] + ' [/INST]' -}}\n"
     "{%- else -%}\n{{- messages[idx]['content'] + ' [/INST]' -}}\n{%- endif -%}\n"
     "{% elif messages[idx]['role'] == 'system' %}\n"
     "{{- '[INST] <<SYS>>\\n' + messages[idx]['content'] + '\\n<</SYS>>\\n\\n' -}}\n"
     "{%- elif messages[idx]['role'] == 'assistant' -%}\n"
     "{{- ' '  + messages[idx]['content'] + ' ' + eos_token -}}\n{% endif %}\n{% endfor %}"),
    ("codellama-instruct", "codellama/CodeLlama-7b-Instruct-hf", "<s>", "</s>",
     LLAMA2_META.replace("content.strip()", "content | trim")),
    ("llama2-chat", "meta-llama/Llama-2-7b-chat-hf", "<s>", "</s>", LLAMA2_META),
    ("mistral-v1", "mistralai/Mistral-7B-Instruct-v0.2 (mistralai 'v1' template with a system prompt)",
     "<s>", "</s>",
     "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content'] %}\n"
     "    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n"
     "{%- endif %}\n\n{{- bos_token }}\n{%- for message in loop_messages %}\n"
     "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
     "        {{- raise_exception('After the optional system message, conversation roles must alternate "
     "user/assistant/user/assistant/...') }}\n    {%- endif %}\n    {%- if message['role'] == 'user' %}\n"
     "        {%- if loop.first and system_message is defined %}\n"
     "            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n"
     "        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n"
     "        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n"
     "        {{- ' ' + message['content'] + eos_token}}\n    {%- else %}\n"
     "        {{- raise_exception('Only user and assistant roles are supported, with the exception of an "
     "initial optional system message!') }}\n    {%- endif %}\n{%- endfor %}\n"),
    ("mistral-v3", "Mistral-Large-Instruct-2407 ('v3')", "<s>", "</s>", MISTRAL_V3),
    ("mistral-v3-tekken", "Mistral-Nemo-Instruct-2407 ('v3-tekken')", "<s>", "</s>", tekken_from_v3(MISTRAL_V3)),
    ("mistral-v7", "mistralai/Mistral-Large-Instruct-2411 ('v7')", "<s>", "</s>",
     "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
     "{{ '[INST] ' + message['content'] + '[/INST]' }}{% elif message['role'] == 'system' %}"
     "{{ '[SYSTEM_PROMPT] ' + message['content'] + '[/SYSTEM_PROMPT]' }}{% elif message['role'] == 'assistant' %}"
     "{{ ' ' + message['content'] + eos_token }}{% else %}"
     "{{ raise_exception('Only user, system and assistant roles are supported!') }}{% endif %}{% endfor %}"),
    ("phi3-mini", "microsoft/Phi-3-mini-4k-instruct", "<s>", "<|endoftext|>",
     "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}"
     "{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}"
     "{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}"),
    ("phi3-small", "microsoft/Phi-3-small-8k-instruct", "<s>", "<|endoftext|>",
     "{{ bos_token }}{% for message in messages %}{{'<|' + message['role'] + '|>' + '\n' + message['content'] + "
     "'<|end|>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}"
     "{{ eos_token }}{% endif %}"),
    ("phi4", "microsoft/phi-4", "<|endoftext|>", "<|im_end|>",
     "{% for message in messages %}{% if (message['role'] == 'system') %}"
     "{{'<|im_start|>system<|im_sep|>' + message['content'] + '<|im_end|>'}}{% elif (message['role'] == 'user') %}"
     "{{'<|im_start|>user<|im_sep|>' + message['content'] + '<|im_end|><|im_start|>assistant<|im_sep|>'}}"
     "{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|im_end|>'}}{% endif %}{% endfor %}"),
    ("gemma-7b-it", "google/gemma-7b-it", "<bos>", "<eos>",
     "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
     "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
     "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
     "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
     "{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
     "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"),
    ("llama3-instruct", "meta-llama/Meta-Llama-3-8B-Instruct", "<|begin_of_text|>", "<|eot_id|>",
     "{% set loop_messages = messages %}{% for message in loop_messages %}"
     "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
     " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
     "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"),
]

# Synthetic probes of llama.cpp's detection: exact names, the order of the
# signature checks, and formats llama.cpp knows but we do not implement.
PROBES = [(f"name-{name}", name) for name in FORMATS] + [
    ("name-prefix-mistral", "mistral-v2"),           # starts with "mistral": the [INST] family
    ("name-upper", "CHATML"),                          # names are case-sensitive
    ("name-zephyr", "zephyr"),                         # a name llama.cpp knows, we do not
    ("inst-bare", "[INST]"),
    ("inst-sys", "[INST] <<SYS>>"),
    ("inst-strip-beats-bos", "bos_token + '[INST] content.strip() <<SYS>>"),
    ("v1-by-system-message", "' [INST] ' + system_message"),
    ("v3-tools", "[AVAILABLE_TOOLS][INST]"),
    ("v3-tools-tekken", "[AVAILABLE_TOOLS]\"[INST]\""),
    ("v3-tools-v1", "[AVAILABLE_TOOLS] [INST]"),
    ("v7-tekken-looks-v7", "[SYSTEM_PROMPT][INST]{{ m }}[/INST]"),  # llama.cpp never detects v7-tekken
    ("im-start", "<|im_start|>"),
    ("im-start-beats-inst", "<|im_start|>[INST]<start_of_turn>"),
    ("im-sep", "<|im_start|><|im_sep|>"),
    ("smolvlm", "<|im_start|>User:<end_of_utterance>"),
    ("phi3-bare", "<|assistant|><|end|>"),
    ("phi3-needs-end", "<|assistant|><|user|>"),       # falcon3/glmedge, not phi3
    ("zephyr", "<|user|>{{ content }}<|endoftext|>"),
    ("monarch", "{{ bos_token + message['role'] }}"),
    ("gemma-bare", "<start_of_turn>"),
    ("gemma-beats-llama3", "<start_of_turn><|start_header_id|><|end_header_id|>"),
    ("openchat-beats-llama3", "GPT4 Correct <|start_header_id|><|end_header_id|>"),
    ("vicuna-beats-llama3", "USER: ASSISTANT: <|start_header_id|><|end_header_id|>"),
    ("command-r-beats-llama3", "<|START_OF_TURN_TOKEN|><|USER_TOKEN|><|start_header_id|><|end_header_id|>"),
    ("llama3-bare", "<|start_header_id|><|end_header_id|>"),
    ("llama3-half", "<|start_header_id|>"),
    ("llama4", "<|header_start|><|header_end|>"),
    ("prefix-mistral-sys", "mistral-v2 <<SYS>>"),
    ("inst-not-prefix", "xmistral [INST]"),
    ("inst-beats-gemma", "<start_of_turn>[INST]"),
    ("inst-bos-sys", "[INST] bos_token + '[INST] <<SYS>>"),
    ("v1-beats-tekken", "[AVAILABLE_TOOLS] ' [INST] ' + system_message \"[INST]\""),
    ("v7-beats-tools", "[SYSTEM_PROMPT][AVAILABLE_TOOLS][INST]"),
    ("phi3-beats-gemma", "<|assistant|><|end|><start_of_turn>"),
    ("plain-text", "hello world"),
    ("whitespace", " "),
]


# ------------------------------------------------------------ llama.cpp

def llama_apply(tmpl, msgs, add_ass):
    """llama.cpp's output (bytes), or None when it does not know the template."""
    arr = (llama_cpp.llama_chat_message * max(1, len(msgs)))()
    keep = []
    for i, (role, content) in enumerate(msgs):
        r, c = role.encode(), content.encode()
        keep += [r, c]
        arr[i].role, arr[i].content = r, c
    size = 1 << 12
    while True:
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_chat_apply_template(tmpl.encode(), arr, len(msgs), add_ass, buf, size)
        if n < 0:
            return None
        if n <= size:
            return buf.raw[:n]
        size = n


def builtin_names():
    n = llama_cpp.llama_chat_builtin_templates(None, 0)
    arr = (ctypes.c_char_p * n)()
    llama_cpp.llama_chat_builtin_templates(arr, n)
    return [a.decode() for a in arr]


class Detector:
    """Reads off which built-in format llama.cpp picked for a template."""

    def __init__(self):
        self.prints = {}
        for name in builtin_names():
            self.prints.setdefault(llama_apply(name, FINGERPRINT, True), []).append(name)
        for name in FORMATS:
            owners = self.prints[llama_apply(name, FINGERPRINT, True)]
            assert owners == [name], f"fingerprint does not single out {name}: {owners}"

    def detect(self, tmpl):
        out = llama_apply(tmpl, FINGERPRINT, True)
        if out is None:
            return "-"
        return self.prints[out][0]  # unsupported look-alikes (granite-4.x ...) share one


# ------------------------------------------------------------ jinja2

def jinja_render(text, msgs, add_ass, bos, eos):
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

    def raise_exception(msg):
        raise jinja2.exceptions.TemplateError(msg)

    env.globals["raise_exception"] = raise_exception
    tmpl = env.from_string(text)
    try:
        return tmpl.render(messages=[{"role": r, "content": c} for r, c in msgs],
                           add_generation_prompt=add_ass, bos_token=bos, eos_token=eos).encode()
    except jinja2.exceptions.TemplateError as e:
        return f"raises: {e}"


def compare(jinja_out, llama_out, bos):
    """A one-line verdict on jinja2's output against llama.cpp's."""
    if isinstance(jinja_out, str):
        return "jinja2 " + jinja_out
    note = ""
    if bos and jinja_out.startswith(bos.encode()) and not llama_out.startswith(bos.encode()):
        jinja_out, note = jinja_out[len(bos):], " (after the BOS text jinja2 writes)"
    if jinja_out == llama_out:
        return "same" + note
    i = next((k for k in range(min(len(jinja_out), len(llama_out))) if jinja_out[k] != llama_out[k]),
             min(len(jinja_out), len(llama_out)))
    lo = max(0, i - 8)
    return (f"differs at byte {i}{note}: jinja2 {jinja_out[lo:i + 20]!r}, "
            f"llama.cpp {llama_out[lo:i + 20]!r}")


# ------------------------------------------------------------ output

def record(header, payload):
    assert b"\0" not in payload
    return f"{header} {len(payload)}\n".encode() + payload + b"\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gguf", default="test_models/smollm2-135m-q4_1.gguf")
    ap.add_argument("--out", default="tests/golden/chat")
    args = ap.parse_args()

    reader = gguf.GGUFReader(args.gguf)
    field = reader.fields["tokenizer.chat_template"]
    smollm2 = bytes(field.parts[field.data[0]]).decode()
    templates = [(i, s, b, e, smollm2 if t is None else t) for i, s, b, e, t in TEMPLATES]

    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in ("llama-cpp-python", "Jinja2", "gguf"))
    det = Detector()

    # templates.txt: real templates, then probes
    out = [f"# Made by tests/ref/make_chat_goldens.py ({versions}); see its docstring.\n".encode()]
    for tid, source, _, _, text in templates:
        found = det.detect(text)
        assert found in FORMATS, f"{tid}: llama.cpp detects {found}"
        # detection then formatting: the template gives what its format's name gives
        for _, msgs in CONVERSATIONS:
            for add in (False, True):
                assert llama_apply(text, msgs, add) == llama_apply(found, msgs, add), tid
        out.append(f"# {source}\n".encode())
        out.append(record(f"template {tid} {found}", text.encode()))
    out.append(b"# probes of the detection rules (synthetic)\n")
    for pid, text in PROBES:
        out.append(record(f"template {pid} {det.detect(text)}", text.encode()))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "templates.txt"), "wb") as f:
        f.write(b"".join(out))

    # cases.txt: every conversation x format x add_ass
    out = [f"# Made by tests/ref/make_chat_goldens.py ({versions}); see its docstring.\n".encode()]
    n_out = 0
    for cid, msgs in CONVERSATIONS:
        out.append(f"conv {cid} {len(msgs)}\n".encode())
        for role, content in msgs:
            out.append(record(f"msg {role}", content.encode()))
        for name in FORMATS:
            for add in (0, 1):
                out.append(record(f"out {name} {add}", llama_apply(name, msgs, bool(add))))
                n_out += 1
    with open(os.path.join(args.out, "cases.txt"), "wb") as f:
        f.write(b"".join(out))

    # jinja.txt: jinja2's rendering of the real templates against llama.cpp
    lines = ["# jinja2's rendering of each real template (trim_blocks, lstrip_blocks, as transformers",
             "# renders them) against llama.cpp's output for the format it detects; made by",
             f"# tests/ref/make_chat_goldens.py ({versions}). A report for people: no test reads it."]
    for tid, source, bos, eos, text in templates:
        found = det.detect(text)
        lines.append(f"\n{tid} ({source}) -> {found}; bos_token {bos!r}, eos_token {eos!r}")
        for cid, msgs in CONVERSATIONS:
            verdicts = [compare(jinja_render(text, msgs, add, bos, eos), llama_apply(found, msgs, add), bos)
                        for add in (False, True)]
            if verdicts[0] == verdicts[1]:
                lines.append(f"  {cid:15} {verdicts[0]}")
            else:
                lines += [f"  {cid:15} add_ass={add}: {v}" for add, v in enumerate(verdicts)]
    with open(os.path.join(args.out, "jinja.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    print(f"{len(templates)} templates, {len(PROBES)} probes, {len(CONVERSATIONS)} conversations, "
          f"{n_out} outputs ({versions})")


if __name__ == "__main__":
    sys.exit(main())
