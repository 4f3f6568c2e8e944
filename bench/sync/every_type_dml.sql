-- Updates, key changes, deletes and inserts across every column type, run on
-- the upstream in the middle of bench/sync's backlog (inside the database
-- where tests/data/sql/every_type.sql was loaded before the start position).
-- Row-based binlog: whatever values the upstream ends up with are what both
-- targets must end up with.

-- Copies of rows 1-4 (every type, edge values, all NULLs) as rows 11-14.
INSERT INTO types (id, ti, tu, si, su, mi, mu, i, iu, bi, bu, dc, dc65, d0, f, d, c, vc, l1, bc, bn, vb, tb, bl, mb,
  lb, tt, tx, mt, lt, js, dt, dt0, ts, dd, tm, tm0, yr, b, b64, e, el, s, g, pt, i4, i6, uu)
SELECT id + 10, ti, tu, si, su, mi, mu, i, iu, bi, bu, dc, dc65, d0, f, d, c, vc, l1, bc, bn, vb, tb, bl, mb,
  lb, tt, tx, mt, lt, js, dt, dt0, ts, dd, tm, tm0, yr, b, b64, e, el, s, g, pt, i4, i6, uu
FROM types WHERE id BETWEEN 1 AND 4;

-- Every column of every copy takes another copy's value (both row images hold
-- every type, NULL to value and value to NULL).
UPDATE types t JOIN types s ON s.id = 11 + (t.id - 10) % 4
SET t.ti = s.ti, t.tu = s.tu, t.si = s.si, t.su = s.su, t.mi = s.mi, t.mu = s.mu, t.i = s.i, t.iu = s.iu,
  t.bi = s.bi, t.bu = s.bu, t.dc = s.dc, t.dc65 = s.dc65, t.d0 = s.d0, t.f = s.f, t.d = s.d, t.c = s.c,
  t.vc = s.vc, t.l1 = s.l1, t.bc = s.bc, t.bn = s.bn, t.vb = s.vb, t.tb = s.tb, t.bl = s.bl, t.mb = s.mb,
  t.lb = s.lb, t.tt = s.tt, t.tx = s.tx, t.mt = s.mt, t.lt = s.lt, t.js = s.js, t.dt = s.dt, t.dt0 = s.dt0,
  t.ts = s.ts, t.dd = s.dd, t.tm = s.tm, t.tm0 = s.tm0, t.yr = s.yr, t.b = s.b, t.b64 = s.b64, t.e = s.e,
  t.el = s.el, t.s = s.s, t.g = s.g, t.pt = s.pt, t.i4 = s.i4, t.i6 = s.i6, t.uu = s.uu
WHERE t.id BETWEEN 11 AND 14;

-- Computed changes on the originals (generated columns follow).
UPDATE types SET f = f / 3, d = d / 3, dc = dc / 7, vc = CONCAT(COALESCE(vc, ''), ' ✓ \' \\'),
  js = JSON_ARRAY(id, vc, 1.5), lb = REVERSE(lb), mb = CONCAT(COALESCE(mb, X''), X'00FF'), b = b ^ 5,
  s = 'β,γ', e = 'ß', tm = '-1:02:03.4', i6 = '2001:db8::1', uu = 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  pt = POINT(id, -id), g = ST_GeomFromText('MULTIPOINT(1 1,2 2)')
WHERE id IN (1, 2, 4, 11);
UPDATE types SET ts = ts + INTERVAL 1 SECOND, dt = dt - INTERVAL 1 DAY WHERE id = 4;

-- A primary key change, then deletes.
UPDATE types SET id = id + 100 WHERE id = 12;
DELETE FROM types WHERE id IN (3, 13);

-- A table without a key: updates and deletes of rows with duplicates.
UPDATE `no pk ``tick`` 日本` SET `a``b` = CONCAT(`a``b`, '!'), `c d` = REVERSE(`c d`) WHERE `select` = 3;
DELETE FROM `no pk ``tick`` 日本` WHERE `select` = 5 LIMIT 20;
DELETE FROM `no pk ``tick`` 日本` WHERE `select` = 1 AND `a``b` = '' LIMIT 1;
UPDATE `no pk ``tick`` 日本` SET `select` = NULL WHERE `select` = 6 LIMIT 10;

-- Character sets and a string primary key.
UPDATE `latin1 table` SET v = CONCAT(v, 'é'), t = CHAR(200, 201) WHERE id = 1;
UPDATE `binary table` SET v = X'FF00', t = NULL WHERE id = 1;
DELETE FROM `binary table` WHERE id = 2;
UPDATE `order` SET `key` = 'ü', `group` = 20 WHERE `key` = 'B';
DELETE FROM `order` WHERE `key` = 'a';
INSERT INTO `empty` VALUES (1), (2);
DELETE FROM `empty` WHERE id = 1;
