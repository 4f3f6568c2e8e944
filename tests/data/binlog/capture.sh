#!/usr/bin/env bash
# Re-creates the binlog fixtures of this directory from a private MariaDB
# instance (see README.md). Usage: tests/data/binlog/capture.sh
#
# Starts its own instance (scripts/mariadb-instance.sh, a port from
# scripts/alloc-port.sh), writes four binlog files with known content, stops
# the instance (which writes STOP_EVENT), copies the files here and records
# mariadb-binlog's view of every event (position, type, end position) in
# <file>.events, which the golden tests cross-check.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
export DM_INSTANCE_ROOT=${DM_INSTANCE_ROOT:-$(mktemp -d /tmp/dm-binlog-capture.XXXXXX)}
port=$("$repo/scripts/alloc-port.sh" 1)
trap '"$repo/scripts/alloc-port.sh" --release "$port"' EXIT
"$repo/scripts/mariadb-instance.sh" up capture "$port"
dir="$DM_INSTANCE_ROOT/capture"
sql() { mariadb --no-defaults --default-character-set=utf8mb4 --protocol=socket --socket="$dir/mysqld.sock" -uroot "$@"; }

enum_members=$(seq 1 300 | sed "s/.*/'e&'/" | paste -sd, -)
wide_columns=$(seq 1 70 | sed 's/.*/c& INT/' | paste -sd, -)
wide_values=$(seq 1 70 | awk '{ printf "%s%s", (NR > 1 ? "," : ""), ($1 % 3 == 0 ? "NULL" : $1 * 1000 - 35000) }')

# Runs the data-changing statements of one fixture file. $1 = id offset.
write_rows() {
  local o=$1
  sql fx <<SQL
SET time_zone = '+00:00';
SET sql_mode = '';
-- Row 1: minimum values.
INSERT INTO all_types VALUES ($o + 1,
  -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -99999999.99, '-99999999999999999999999999999999999.999999999999999999999999999999',
  -999999999999999999, -0.999999999,
  -3.40282e38, -1.7976931348623157e308,
  b'0', 0, 0,
  1901, '1000-01-01', '-838:59:59', '-00:00:00.001', '-838:59:59.000000',
  '1000-01-01 00:00:00', '1000-01-01 00:00:00.0', '1000-01-01 00:00:00.000000',
  '1970-01-01 00:00:01', '1970-01-01 00:00:01.00', '1970-01-01 00:00:01.000001',
  '', '', '', '', '', '',
  '', '', '', '', '', '', '', '',
  'a', '', 'e1', '{}', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(0 0)'),
  '', '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000');
-- Row 2: maximum values, 0x00 bytes, emoji, multi-byte text.
INSERT INTO all_types VALUES ($o + 2,
  127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  99999999.99, '99999999999999999999999999999999999.999999999999999999999999999999',
  999999999999999999, 0.999999999,
  3.40282e38, 1.7976931348623157e308,
  b'1', 0xFFFFFFFFFFFFFFFF, b'1111111111111',
  2155, '9999-12-31', '838:59:59', '838:59:59.999', '838:59:59.999999',
  '9999-12-31 23:59:59', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.999999',
  '2038-01-19 03:14:07', '2038-01-19 03:14:07.99', '2038-01-19 03:14:07.999999',
  'abcdefghij', X'00FF0000', '😀 emoji ü', REPEAT('é', 300), X'00000000', REPEAT('ü', 100),
  'tiny', CONCAT('a', CHAR(0), 'b'), 'medium', 'long😀', X'00', X'0001', X'FF00', X'00FF00',
  'ü', 'x,y,z,ö', 'e300', '{"a": [1, 2.5, "ü", null, true]}',
  ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'), ST_GeomFromText('POINT(1.5 -2.5)'),
  'ü', '255.255.255.255', 'ffff::1', '123e4567-e89b-12d3-a456-426614174000');
-- Row 3: NULL in every nullable column.
INSERT INTO all_types (id) VALUES ($o + 3);
-- Row 4: zero dates and small values.
INSERT INTO all_types VALUES ($o + 4,
  -1, 1, -1, 1, -1, 1, -1, 1, -1, 1,
  -0.01, '-0.000000000000000000000000000001', 0, 0.000000001,
  0.5, 0.1,
  b'1', 1, b'1010101010101',
  0, '0000-00-00', '00:00:00', '00:00:00.000', '-01:02:03.000004',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00.0', '0000-00-00 00:00:00.000000',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00.00', '0000-00-00 00:00:00.000000',
  'ab', X'0000', 'trail  ', 'x', X'00', 'ab',
  '', '', '', '', '', '', '', '',
  'b', 'x,z', 'e256', '[]', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(0 0)'),
  'abc', '1.2.3.4', '::1', 'ffffffff-ffff-ffff-ffff-ffffffffffff');
UPDATE all_types SET c_int = 42, c_varchar = 'upd', c_date = '2024-02-29' WHERE id = $o + 1;
DELETE FROM all_types WHERE id = $o + 2;
-- Partial images: before image holds the key only, after image the changed column.
SET SESSION binlog_row_image = MINIMAL;
UPDATE all_types SET c_int = 7 WHERE id = $o + 4;
SET SESSION binlog_row_image = FULL;
INSERT INTO wide VALUES ($o + 1, $wide_values);
INSERT INTO pk_prefix VALUES (CONCAT('key', $o), $o, 'text');
SQL
}

sql -e "RESET MASTER"
sql <<SQL
CREATE DATABASE fx;
USE fx;
CREATE TABLE all_types (
  id INT PRIMARY KEY,
  c_tinyint TINYINT, c_tinyint_u TINYINT UNSIGNED,
  c_smallint SMALLINT, c_smallint_u SMALLINT UNSIGNED,
  c_mediumint MEDIUMINT, c_mediumint_u MEDIUMINT UNSIGNED,
  c_int INT, c_int_u INT UNSIGNED,
  c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED,
  c_dec DECIMAL(10,2), c_dec_big DECIMAL(65,30), c_dec0 DECIMAL(18,0), c_dec_frac DECIMAL(9,9),
  c_float FLOAT, c_double DOUBLE,
  c_bit1 BIT(1), c_bit64 BIT(64), c_bit13 BIT(13),
  c_year YEAR, c_date DATE, c_time TIME, c_time3 TIME(3), c_time6 TIME(6),
  c_datetime DATETIME, c_datetime1 DATETIME(1), c_datetime6 DATETIME(6),
  c_ts TIMESTAMP NULL, c_ts2 TIMESTAMP(2) NULL, c_ts6 TIMESTAMP(6) NULL,
  c_char CHAR(10), c_binary BINARY(8), c_varchar VARCHAR(20), c_varchar_long VARCHAR(300),
  c_varbinary VARBINARY(10), c_char_wide CHAR(100),
  c_tinytext TINYTEXT, c_text TEXT, c_mediumtext MEDIUMTEXT, c_longtext LONGTEXT,
  c_tinyblob TINYBLOB, c_blob BLOB, c_mediumblob MEDIUMBLOB, c_longblob LONGBLOB,
  c_enum ENUM('a','b','ü'), c_set SET('x','y','z','ö'), c_enum_big ENUM($enum_members),
  c_json JSON, c_geometry GEOMETRY, c_point POINT,
  c_latin1 VARCHAR(10) CHARACTER SET latin1,
  c_inet4 INET4, c_inet6 INET6, c_uuid UUID
) DEFAULT CHARSET = utf8mb4;
CREATE TABLE wide (id INT PRIMARY KEY, $wide_columns);
CREATE TABLE pk_prefix (a VARCHAR(50), b INT, c TEXT, PRIMARY KEY (a(10), b));
CREATE TABLE stmt (id INT AUTO_INCREMENT PRIMARY KEY, v DOUBLE, s VARCHAR(20));
SQL

# File 1: server default binlog_row_metadata (NO_LOG in 10.11), plus
# statement-format events (USER_VAR, INTVAR, RAND).
write_rows 0
sql fx <<'SQL'
SET SESSION binlog_format = STATEMENT;
SET @u = 'hé', @n = -42, @d = 1.50, @r = 2.5e0, @z = NULL;
INSERT INTO stmt (v, s) VALUES (RAND(), @u);
INSERT INTO stmt (v, s) VALUES (@n + @d + @r, CONCAT(LAST_INSERT_ID(), @z));
SQL
sql -e "FLUSH BINARY LOGS"

# File 2: binlog_row_metadata=FULL.
sql -e "SET GLOBAL binlog_row_metadata = FULL"
write_rows 100
sql -e "FLUSH BINARY LOGS"

# File 3: compressed events (log_bin_compress), FULL metadata.
sql -e "SET GLOBAL log_bin_compress = ON, GLOBAL log_bin_compress_min_len = 10"
write_rows 200
sql fx -e "CREATE TABLE compressed_ddl (id INT PRIMARY KEY, note VARCHAR(100))"
sql -e "SET GLOBAL log_bin_compress = OFF"
sql -e "FLUSH BINARY LOGS"

# File 4: no checksums (changing binlog_checksum rotates the log), then a
# shutdown, which ends the file with STOP_EVENT.
sql -e "SET GLOBAL binlog_row_metadata = NO_LOG"
sql -e "SET GLOBAL binlog_checksum = NONE"
sql fx -e "INSERT INTO pk_prefix VALUES ('nochecksum', 1, NULL)"
"$repo/scripts/mariadb-instance.sh" down capture "$port"

for f in "$dir"/data/mysql-bin.[0-9]*; do
  name=$(basename "$f")
  cp "$f" "$here/$name"
  chmod 644 "$here/$name"
  # One line per event, from mariadb-binlog's --hexdump header lines:
  # "<start> <type code> <event size> <end position>", all decimal. The start
  # is end - size: mariadb-binlog prints ANNOTATE_ROWS after the TABLE_MAP it
  # belongs to, under the TABLE_MAP's "# at". It shows compressed rows events
  # with the type code and size of their uncompressed form.
  mariadb-binlog --no-defaults --hexdump "$here/$name" 2>/dev/null |
    awk -F'|' '/^#  +\|Timestamp/ { getline; split($3, t, " "); split($5, s, " "); split($6, e, " ");
                 size = strtonum("0x" s[4] s[3] s[2] s[1]); end_pos = strtonum("0x" e[4] e[3] e[2] e[1]);
                 printf "%d %d %d %d\n", end_pos - size, strtonum("0x" t[1]), size, end_pos }' \
      >"$here/$name.events"
done
mariadbd --version >"$here/SERVER_VERSION"
ls -l "$here"
