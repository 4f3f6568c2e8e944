#!/usr/bin/env python3
"""Writes vitess_transaction_payload.binlog: a binlog file around the
TRANSACTION_PAYLOAD_EVENT body of vitess_transaction_payload.hex, so that
dm-binlog, its golden test and the fuzzer seeds read it as a file. The
FORMAT_DESCRIPTION is the real one of mysql-5.7.30-anonymous-gtid.binlog
(CRC32 checksums); the payload event gets a common header (timestamp and
server id of its inner events, log_pos of its end) and its CRC32. See
../README.md.

    make_transaction_payload_binlog.py   (run in this directory)
"""
import struct
import zlib

MAGIC = b"\xfebin"
PAYLOAD_TYPE = 40


def main():
    with open("mysql-5.7.30-anonymous-gtid.binlog", "rb") as f:
        data = f.read()
    fde_size = struct.unpack_from("<I", data, 4 + 9)[0]
    fde = data[4:4 + fde_size]
    body = None
    with open("vitess_transaction_payload.hex") as f:
        for line in f:
            if line.startswith("TRANSACTION_PAYLOAD_EVENT "):
                body = bytes.fromhex(line.split()[1])
    position = 4 + len(fde)
    size = 19 + len(body) + 4
    # The first inner event's header carries the transaction's timestamp and
    # server id; the payload event shares them.
    timestamp = 0x644BE1C7
    server_id = 0x19C7D25B
    header = struct.pack("<IBIIIH", timestamp, PAYLOAD_TYPE, server_id, size, position + size, 0)
    event = header + body
    event += struct.pack("<I", zlib.crc32(event) & 0xFFFFFFFF)
    with open("vitess_transaction_payload.binlog", "wb") as f:
        f.write(MAGIC + fde + event)


if __name__ == "__main__":
    main()
