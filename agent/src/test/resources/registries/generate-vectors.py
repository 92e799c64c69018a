#!/usr/bin/env python3
"""Generates one directory per S/E vector of registries-conf.md (section g).

Usage: generate-vectors.py REFERENCE.md OUTDIR
Each vector dir: registries.conf, optional registries.conf.d/*, image.txt, expected.txt.
expected.txt: either lines "SOURCE" / "SOURCE blocked" in order, or "error: MESSAGE".
"""
import os, re, shutil, sys

md, out = sys.argv[1], sys.argv[2]
text = open(md, encoding="utf-8").read()
section = text[text.index("## g. Test vectors"):text.index("### Translation vectors")]
parts = re.split(r"^#### ", section, flags=re.M)[1:]
vectors = os.path.join(out, "vectors")
shutil.rmtree(vectors, ignore_errors=True)
for part in parts:
    name = part.splitlines()[0].strip()
    d = os.path.join(vectors, name)
    os.makedirs(d)
    image = re.search(r"^Image: `([^`]+)`", part, re.M).group(1)
    open(os.path.join(d, "image.txt"), "w").write(image + "\n")
    for block in re.findall(r"```toml\n(.*?)```", part, re.S):
        first, _, body = block.partition("\n")
        rel = first.lstrip("# ").strip()
        path = os.path.join(d, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(body)
    m = re.search(r"Expected error:\n\n```\n(.*?)\n```", part, re.S)
    if m:
        # The markdown shows Go's \n inside a quoted rune doubled; keep the single escape.
        expected = "error: " + m.group(1).replace("\\\\n", "\\n") + "\n"
    else:
        lines = []
        for src in re.findall(r"^\d+\. `([^`]+)`( — blocked)?", part, re.M):
            lines.append(src[0] + (" blocked" if src[1] else ""))
        expected = "\n".join(lines) + "\n"
    open(os.path.join(d, "expected.txt"), "w").write(expected)
print(len(parts), "vectors")
