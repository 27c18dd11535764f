#!/usr/bin/env python3
"""Writes each fuzz target's seed corpus (fuzz/corpus/<target>/) from the project's fixtures:
the signing vectors (tests/data/signing.json), the inputs of the example workflows, the raw JSON
answers in the tests and sources, and the hostile strings the tests use. Run again after the
fixtures change; the files are small and committed."""
import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def signing():
    vectors = json.loads((ROOT / "tests/data/signing.json").read_text())
    for case in vectors["v2"] + vectors["v3"]:
        query = "\n".join(f"{k}={v}" for k, v in case.get("query", {}).items())
        body = case.get("body", "")
        body = "\n".join(body.split("&")) if isinstance(body, str) else ""
        token = case.get("security_token", "") or ""
        fields = [case["access_key_id"], case["access_key_secret"], token, "0123456789abcdef", query, body]
        write("signing", "\0".join(fields).encode())


def inputs():
    expression = re.compile(r"\$\{\{[^}]*\}\}")
    for path in sorted((ROOT / "examples/workflows").glob("*.yml")):
        step, lines = None, []
        for line in path.read_text().splitlines():
            if re.match(r"\s*with:\s*$", line):
                step = []
            elif step is not None and re.match(r"\s+[a-z-]+:", line) and "#" not in line.split(":")[0]:
                key, _, value = line.strip().partition(":")
                value = expression.sub("x", value.split(" #")[0].strip())
                step.append(f"INPUT_{key.upper()}={value}")
            elif step is not None and step:
                lines.append(step)
                step = None
        if step:
            lines.append(step)
        for one in lines:
            write("inputs", "\0".join(one + ["GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push"]).encode())


def answers():
    raw = re.compile(r'r#"(\{.*?\})"#', re.S)
    sources = list((ROOT / "tests").rglob("*.rs")) + list((ROOT / "src/esa").glob("*.rs"))
    for path in sorted(sources):
        for body in raw.findall(path.read_text()):
            for status in (200, 400, 503):
                write("answers", status.to_bytes(2, "little") + b"\x01" + body.encode())


def runner():
    literal = re.compile(r'"((?:[^"\\]|\\.)*(?:::|##\[|%0A|ghadelimiter)(?:[^"\\]|\\.)*)"')
    texts = set()
    for path in sorted((ROOT / "tests").glob("*.rs")):
        for text in literal.findall(path.read_text()):
            texts.add(text.encode().decode("unicode_escape", errors="ignore"))
    texts = sorted(texts)
    for i in range(0, len(texts), 4):
        ops = [chr(kind) + text + "\x01" + text for kind, text in zip(range(48, 55), texts[i:i + 4])]
        write("runner", "\0".join(["token-1234567890"] + ops).encode("utf-8", errors="ignore"))


for make in (signing, inputs, answers, runner):
    make()
for target in sorted(p.name for p in CORPUS.iterdir()):
    print(target, len(list((CORPUS / target).iterdir())), "seeds")
