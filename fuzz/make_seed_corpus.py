#!/usr/bin/env python3
"""Splits binlog files into fuzzer seeds: each seed is the file's
FORMAT_DESCRIPTION followed by a window of consecutive events (so TABLE_MAPs
travel with their rows events), without the magic bytes (the fuzzer adds
them).

    make_seed_corpus.py OUT_DIR BINLOG...
"""
import hashlib
import os
import struct
import sys


def events(data):
    pos = 4
    while pos + 19 <= len(data):
        size = struct.unpack_from("<I", data, pos + 9)[0]
        if size < 19 or pos + size > len(data):
            break
        yield data[pos:pos + size]
        pos += size


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    count = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        evs = list(events(data))
        if not evs:
            continue
        fde, rest = evs[0], evs[1:]
        seeds = [fde + e for e in rest]
        for window in (4, 8):
            seeds += [fde + b"".join(rest[i:i + window]) for i in range(0, len(rest), 2)]
        for seed in seeds:
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(out, name), "wb") as f:
                f.write(seed)
            count += 1
    print(f"{count} seeds in {out}")


if __name__ == "__main__":
    main()
