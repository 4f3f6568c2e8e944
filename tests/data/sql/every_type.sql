-- Every MariaDB column type with edge values, for end-to-end exactness tests.
-- Run inside an empty database (mariadb -D DB < every_type.sql).
CREATE TABLE types (
  id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,
  mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  dc DECIMAL(30,10), dc65 DECIMAL(65,30), d0 DECIMAL(5,0), f FLOAT, d DOUBLE,
  c CHAR(10), vc VARCHAR(100), l1 VARCHAR(50) CHARACTER SET latin1, bc CHAR(5) CHARACTER SET binary,
  bn BINARY(4), vb VARBINARY(100), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, js JSON,
  dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL, dd DATE, tm TIME(3), tm0 TIME, yr YEAR,
  b BIT(10), b64 BIT(64), e ENUM('ä','ö','ß'), el ENUM('é','ü') CHARACTER SET latin1, s SET('α','β','γ'),
  g GEOMETRY, pt POINT, i4 INET4, i6 INET6, uu UUID,
  gen INT AS (id * 2) VIRTUAL, gs VARCHAR(120) AS (CONCAT(vc, 'x')) STORED
) DEFAULT CHARSET=utf8mb4;

INSERT INTO types (id, ti, tu, si, su, mi, mu, i, iu, bi, bu, dc, dc65, d0, f, d, c, vc, l1, bc, bn, vb, tb, bl, mb,
  lb, tt, tx, mt, lt, js, dt, dt0, ts, dd, tm, tm0, yr, b, b64, e, el, s, g, pt, i4, i6, uu) VALUES
 (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808,
  18446744073709551615, -12345678901234567890.0123456789, -99999999999999999999999999999999999.999999999999999999999999999999,
  -99999, 3.40282e38, 1.7976931348623157e308, '', '😀 emoji', 'café', X'0000000000', X'00000000', X'00FF00',
  X'00', X'0001020300', X'FF00', X'00', 'ü', 'line\nbreak \\ back', '日本語', 'x', '{"a": [1, "x"]}',
  '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '1970-01-01 00:00:01.000001', '0000-00-00',
  '-838:59:59.000', '-00:00:01', 1901, b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  'ä', 'é', 'α,γ', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), POINT(-1.5, 2.25), '0.0.0.0', '::1',
  '123e4567-e89b-12d3-a456-426614174000'),
 (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, -0.0000000001,
  0.000000000000000000000000000001, 99999, 1.4e-45, 4.9e-324, 'x', '', '', X'', X'FF', X'', X'', X'', X'', X'',
  '', '', '', '', 'null', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999',
  '1000-01-01', '838:59:59.999', '838:59:59', 2155, b'0', b'0', 'ß', 'ü', '', ST_GeomFromText('LINESTRING(0 0,1 1)'),
  POINT(0, 0), '255.255.255.255', 'ffff::ffff', '00000000-0000-0000-0000-000000000000'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -0.1, 0.30000000000000004,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5.5, 1, 0, 16777217, 1e-7, 'quote''s', 'tab\tand\Zctrl', 'Ä\\', X'275C00',
  X'27275C00', X'5C', REPEAT(X'00FF', 100), REPEAT(X'00FF', 30000), REPEAT(X'5C27', 200000),
  REPEAT(X'0D0A00', 1500000), 'é', REPEAT('日本', 1000), REPEAT('😀', 50000), REPEAT(';\n', 100000), '[]',
  '2024-02-29 12:34:56.5', '2024-02-29 12:34:56', '2024-02-29 12:34:56.123456', '2024-02-29', '12:34:56.789',
  '-12:34:56', 2024, b'1111111111', b'1', 'ö', NULL, 'β', NULL, NULL, NULL, NULL, NULL);

-- Identifiers that need quoting and a table without a key (duplicate rows too).
CREATE TABLE `no pk ``tick`` 日本` (`select` INT, `a``b` VARCHAR(20), `c d` BLOB);
INSERT INTO `no pk ``tick`` 日本` SELECT seq % 7, CONCAT('v', seq), UNHEX(HEX(seq)) FROM seq_1_to_1000;
INSERT INTO `no pk ``tick`` 日本` VALUES (NULL, NULL, NULL), (1, '', X''), (1, '', X'');
CREATE TABLE `empty` (id INT PRIMARY KEY);
CREATE TABLE `latin1 table` (id INT PRIMARY KEY, v VARCHAR(20), t TEXT) DEFAULT CHARSET=latin1;
INSERT INTO `latin1 table` VALUES (1, 'naïve', 'Ærø'), (2, CONCAT('byte', CHAR(255)), CHAR(128, 129, 130));
CREATE TABLE `binary table` (id INT PRIMARY KEY, v VARCHAR(20), t TEXT) DEFAULT CHARSET=binary;
INSERT INTO `binary table` VALUES (1, X'00FF7F80', X'C328'), (2, '', NULL);
CREATE TABLE `order` (`key` VARCHAR(10) PRIMARY KEY, `group` INT) DEFAULT CHARSET=utf8mb4;
INSERT INTO `order` VALUES ('a', 1), ('B', 2), ('é', 3);
