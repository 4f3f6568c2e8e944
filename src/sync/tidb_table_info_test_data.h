// A TiDB model.TableInfo as DM writes it into a checkpoint row's table_info,
// shared by tidb_table_info_test.cc (the exact CREATE TABLE) and
// tidb_table_info_integration_test.cc (the server accepts it). Test-only.
//
// Written by hand from the documented meaning of each field (pingcap/tidb
// parser/model/model.go: TableInfo "name", "charset", "collate", "cols",
// "index_info", "pk_is_handle", "is_common_handle"; ColumnInfo "name",
// "offset", "type", "state", "hidden", "generated_expr_string",
// "generated_stored"; IndexInfo "idx_name", "idx_cols" with "name", "offset",
// "length" (-1 for no prefix), "is_unique", "is_primary", "state"; CIStr
// {"O","L"}; SchemaState public = 5. parser/types/field_type.go: the type's
// JSON keys "Tp", "Flag", "Flen", "Decimal", "Charset", "Collate", "Elems".
// parser/mysql/type.go: type codes and flag bits NotNull 1, PriKey 2,
// Unsigned 32, Zerofill 64, Binary 128, NoDefaultValue 4096).
#pragma once

namespace dm::sync::testing {

// Table `t_all` (utf8mb4_bin, integer handle `id`): every column type, a
// stored and a virtual generated column, a hidden column of an expression
// index, a column being added (write-only), a prefix UNIQUE key, a plain key,
// and keys that are not public or cover the hidden column.
inline constexpr const char* kTiDbAllTypes = R"json({
 "id": 112, "name": {"O": "t_all", "L": "t_all"}, "charset": "utf8mb4", "collate": "utf8mb4_bin",
 "cols": [
  {"id": 1, "name": {"O": "id", "L": "id"}, "offset": 0, "origin_default": null, "default": null,
   "default_bit": null, "default_is_expr": false, "generated_expr_string": "", "generated_stored": false,
   "dependences": null, "type": {"Tp": 8, "Flag": 4099, "Flen": 20, "Decimal": 0, "Charset": "binary",
   "Collate": "binary", "Elems": null, "ElemsIsBinaryLit": null, "Array": false},
   "state": 5, "comment": "", "hidden": false, "change_state_info": null, "version": 2},
  {"id": 2, "name": {"O": "c_ti", "L": "c_ti"}, "offset": 1, "default": "7",
   "type": {"Tp": 1, "Flag": 0, "Flen": 4, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 3, "name": {"O": "c_ti_u", "L": "c_ti_u"}, "offset": 2,
   "type": {"Tp": 1, "Flag": 32, "Flen": 3, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 4, "name": {"O": "c_si_z", "L": "c_si_z"}, "offset": 3,
   "type": {"Tp": 2, "Flag": 96, "Flen": 5, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 5, "name": {"O": "c_mi", "L": "c_mi"}, "offset": 4,
   "type": {"Tp": 9, "Flag": 0, "Flen": 9, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 6, "name": {"O": "c_i_u", "L": "c_i_u"}, "offset": 5,
   "type": {"Tp": 3, "Flag": 4129, "Flen": 10, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 7, "name": {"O": "c_bi_u", "L": "c_bi_u"}, "offset": 6,
   "type": {"Tp": 8, "Flag": 32, "Flen": 20, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 8, "name": {"O": "c_dec", "L": "c_dec"}, "offset": 7,
   "type": {"Tp": 246, "Flag": 0, "Flen": 20, "Decimal": 6, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 9, "name": {"O": "c_f", "L": "c_f"}, "offset": 8,
   "type": {"Tp": 4, "Flag": 0, "Flen": 12, "Decimal": -1, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 10, "name": {"O": "c_d", "L": "c_d"}, "offset": 9,
   "type": {"Tp": 5, "Flag": 32, "Flen": 22, "Decimal": -1, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 11, "name": {"O": "c_f2", "L": "c_f2"}, "offset": 10,
   "type": {"Tp": 4, "Flag": 0, "Flen": 7, "Decimal": 3, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 12, "name": {"O": "c_bit", "L": "c_bit"}, "offset": 11,
   "type": {"Tp": 16, "Flag": 32, "Flen": 13, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 13, "name": {"O": "c_year", "L": "c_year"}, "offset": 12,
   "type": {"Tp": 13, "Flag": 96, "Flen": 4, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 14, "name": {"O": "c_date", "L": "c_date"}, "offset": 13,
   "type": {"Tp": 10, "Flag": 128, "Flen": 10, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 15, "name": {"O": "c_time", "L": "c_time"}, "offset": 14,
   "type": {"Tp": 11, "Flag": 128, "Flen": 14, "Decimal": 3, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 16, "name": {"O": "c_dt", "L": "c_dt"}, "offset": 15,
   "type": {"Tp": 12, "Flag": 128, "Flen": 26, "Decimal": 6, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 17, "name": {"O": "c_dt0", "L": "c_dt0"}, "offset": 16,
   "type": {"Tp": 12, "Flag": 128, "Flen": 19, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 18, "name": {"O": "c_ts", "L": "c_ts"}, "offset": 17,
   "type": {"Tp": 7, "Flag": 128, "Flen": 26, "Decimal": 6, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 19, "name": {"O": "c_char", "L": "c_char"}, "offset": 18,
   "type": {"Tp": 254, "Flag": 0, "Flen": 10, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_bin", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 20, "name": {"O": "c_bin", "L": "c_bin"}, "offset": 19,
   "type": {"Tp": 254, "Flag": 128, "Flen": 8, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 21, "name": {"O": "c_vc", "L": "c_vc"}, "offset": 20,
   "type": {"Tp": 15, "Flag": 1, "Flen": 300, "Decimal": 0, "Charset": "latin1", "Collate": "latin1_swedish_ci", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 22, "name": {"O": "c_vb", "L": "c_vb"}, "offset": 21,
   "type": {"Tp": 15, "Flag": 128, "Flen": 20, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 23, "name": {"O": "c_tt", "L": "c_tt"}, "offset": 22,
   "type": {"Tp": 249, "Flag": 0, "Flen": 255, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_general_ci", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 24, "name": {"O": "c_text", "L": "c_text"}, "offset": 23,
   "type": {"Tp": 252, "Flag": 0, "Flen": 65535, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_bin", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 25, "name": {"O": "c_mb", "L": "c_mb"}, "offset": 24,
   "type": {"Tp": 250, "Flag": 128, "Flen": 16777215, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 26, "name": {"O": "c_lt", "L": "c_lt"}, "offset": 25,
   "type": {"Tp": 251, "Flag": 0, "Flen": 4294967295, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_bin", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 27, "name": {"O": "c_blob", "L": "c_blob"}, "offset": 26,
   "type": {"Tp": 252, "Flag": 128, "Flen": 65535, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 28, "name": {"O": "c_enum", "L": "c_enum"}, "offset": 27,
   "type": {"Tp": 247, "Flag": 0, "Flen": 10, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_bin",
   "Elems": ["a", "it's", "\u00fc", "back\\slash"], "ElemsIsBinaryLit": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 29, "name": {"O": "c_set", "L": "c_set"}, "offset": 28,
   "type": {"Tp": 248, "Flag": 0, "Flen": 3, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_bin", "Elems": ["x", "y"]},
   "state": 5, "hidden": false, "version": 2},
  {"id": 30, "name": {"O": "c_json", "L": "c_json"}, "offset": 29,
   "type": {"Tp": 245, "Flag": 128, "Flen": 4294967295, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 31, "name": {"O": "c_geo", "L": "c_geo"}, "offset": 30,
   "type": {"Tp": 255, "Flag": 128, "Flen": -1, "Decimal": -1, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 32, "name": {"O": "c_gen", "L": "c_gen"}, "offset": 31,
   "generated_expr_string": "`c_i_u` + 1", "generated_stored": false, "dependences": {"c_i_u": {}},
   "type": {"Tp": 8, "Flag": 0, "Flen": 20, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 33, "name": {"O": "c_gen_s", "L": "c_gen_s"}, "offset": 32,
   "generated_expr_string": "`c_dec` * 2", "generated_stored": true, "dependences": {"c_dec": {}},
   "type": {"Tp": 246, "Flag": 0, "Flen": 22, "Decimal": 6, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 5, "hidden": false, "version": 2},
  {"id": 34, "name": {"O": "_V$_expr_idx_0", "L": "_v$_expr_idx_0"}, "offset": 33,
   "generated_expr_string": "lower(`c_vc`)", "generated_stored": false,
   "type": {"Tp": 15, "Flag": 0, "Flen": 300, "Decimal": 0, "Charset": "latin1", "Collate": "latin1_swedish_ci", "Elems": null},
   "state": 5, "hidden": true, "version": 2},
  {"id": 35, "name": {"O": "c_adding", "L": "c_adding"}, "offset": 34,
   "type": {"Tp": 3, "Flag": 0, "Flen": 11, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null},
   "state": 2, "hidden": false, "version": 2}
 ],
 "index_info": [
  {"id": 1, "idx_name": {"O": "uk_vc", "L": "uk_vc"}, "tbl_name": {"O": "", "L": ""},
   "idx_cols": [{"name": {"O": "c_vc", "L": "c_vc"}, "offset": 20, "length": 100},
                {"name": {"O": "c_ti", "L": "c_ti"}, "offset": 1, "length": -1}],
   "state": 5, "backfill_state": 0, "comment": "", "index_type": 1, "is_unique": true, "is_primary": false,
   "is_invisible": false, "is_global": false, "mv_index": false},
  {"id": 2, "idx_name": {"O": "k_text", "L": "k_text"},
   "idx_cols": [{"name": {"O": "c_text", "L": "c_text"}, "offset": 23, "length": 10}],
   "state": 5, "index_type": 1, "is_unique": false, "is_primary": false},
  {"id": 3, "idx_name": {"O": "expr_idx", "L": "expr_idx"},
   "idx_cols": [{"name": {"O": "_V$_expr_idx_0", "L": "_v$_expr_idx_0"}, "offset": 33, "length": -1}],
   "state": 5, "index_type": 1, "is_unique": false, "is_primary": false},
  {"id": 4, "idx_name": {"O": "k_adding", "L": "k_adding"},
   "idx_cols": [{"name": {"O": "c_adding", "L": "c_adding"}, "offset": 34, "length": -1}],
   "state": 2, "index_type": 1, "is_unique": false, "is_primary": false}
 ],
 "constraint_info": null, "fk_info": null, "state": 5, "pk_is_handle": true, "is_common_handle": false,
 "common_handle_version": 0, "comment": "", "auto_inc_id": 0, "auto_id_cache": 0, "auto_rand_id": 0,
 "max_col_id": 35, "max_idx_id": 4, "max_fk_id": 0, "max_cst_id": 0, "update_timestamp": 445395817286893571,
 "ShardRowIDBits": 0, "max_shard_row_id_bits": 0, "auto_random_bits": 0, "auto_random_range_bits": 0,
 "pre_split_regions": 0, "partition": null, "compression": "", "view": null, "sequence": null, "Lock": null,
 "version": 5, "tiflash_replica": null, "is_columnar": false, "temp_table_type": 0, "cache_table_status": 0,
 "policy_ref_info": null, "stats_options": null, "exchange_partition_info": null, "ttl_info": null
})json";

// What TiDbTableInfoToCreateTable makes of kTiDbAllTypes.
inline constexpr const char* kTiDbAllTypesCreateTable =
    "CREATE TABLE `t_all` (\n"
    "  `id` BIGINT(20) NOT NULL,\n"
    "  `c_ti` TINYINT(4),\n"
    "  `c_ti_u` TINYINT(3) UNSIGNED,\n"
    "  `c_si_z` SMALLINT(5) UNSIGNED ZEROFILL,\n"
    "  `c_mi` MEDIUMINT(9),\n"
    "  `c_i_u` INT(10) UNSIGNED NOT NULL,\n"
    "  `c_bi_u` BIGINT(20) UNSIGNED,\n"
    "  `c_dec` DECIMAL(20,6),\n"
    "  `c_f` FLOAT,\n"
    "  `c_d` DOUBLE UNSIGNED,\n"
    "  `c_f2` FLOAT(7,3),\n"
    "  `c_bit` BIT(13),\n"
    "  `c_year` YEAR,\n"
    "  `c_date` DATE,\n"
    "  `c_time` TIME(3),\n"
    "  `c_dt` DATETIME(6),\n"
    "  `c_dt0` DATETIME,\n"
    "  `c_ts` TIMESTAMP(6) NULL,\n"
    "  `c_char` CHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
    "  `c_bin` BINARY(8),\n"
    "  `c_vc` VARCHAR(300) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,\n"
    "  `c_vb` VARBINARY(20),\n"
    "  `c_tt` TINYTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,\n"
    "  `c_text` TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
    "  `c_mb` MEDIUMBLOB,\n"
    "  `c_lt` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
    "  `c_blob` BLOB,\n"
    "  `c_enum` ENUM('a','it\\'s','\xC3\xBC','back\\\\slash') CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
    "  `c_set` SET('x','y') CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
    "  `c_json` JSON,\n"
    "  `c_geo` GEOMETRY,\n"
    "  `c_gen` BIGINT(20) AS (`c_i_u` + 1) VIRTUAL,\n"
    "  `c_gen_s` DECIMAL(22,6) AS (`c_dec` * 2) STORED,\n"
    "  PRIMARY KEY (`id`),\n"
    "  UNIQUE KEY `uk_vc` (`c_vc`(100),`c_ti`),\n"
    "  KEY `k_text` (`c_text`(10))\n"
    ") DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

}  // namespace dm::sync::testing
