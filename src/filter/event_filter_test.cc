#include "filter/event_filter.h"

#include <gtest/gtest.h>

namespace dm::filter {
namespace {

config::FilterRule Rule(std::string schema, std::string table, std::vector<std::string> events,
                        std::vector<std::string> sql, config::FilterAction action) {
  config::FilterRule r;
  r.schema_pattern = std::move(schema);
  r.table_pattern = std::move(table);
  r.events = std::move(events);
  r.sql_pattern = std::move(sql);
  r.action = action;
  return r;
}

using A = config::FilterAction;
using E = EventType;

struct Case {
  std::string schema, table;
  EventType event;
  std::string sql;
  FilterAction want;
};

void Check(const BinlogEventFilter& f, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    auto got = f.Filter(c.schema, c.table, c.event, c.sql);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.schema << "." << c.table << " " << EventTypeName(c.event) << " '" << c.sql
                            << "'";
  }
}

BinlogEventFilter Build(const std::vector<config::FilterRule>& rules, bool case_sensitive = false) {
  auto f = BinlogEventFilter::Create(rules, case_sensitive);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f).value() : BinlogEventFilter();
}

const std::vector<std::string> kProcedures = {"^DROP\\s+PROCEDURE", "^CREATE\\s+PROCEDURE"};

// The cases of DM's binlog-filter TestFilter.
TEST(EventFilterTest, DmFilterCases) {
  BinlogEventFilter f = Build({
      Rule("Test_1_*", "abc*", {"delete", "insert", "create index", "drop index", "drop view"}, kProcedures,
           A::kIgnore),
      Rule("xxx_*", "abc_*", {"all dml", "none ddl"}, {}, A::kIgnore),
      Rule("yyy_*", "abc_*", {"ALL DML"}, {}, A::kDo),
  });
  Check(f, {
               {"test_1_a", "abc1", E::kDelete, "", A::kIgnore},
               {"test_1_a", "abc1", E::kInsert, "", A::kIgnore},
               {"test_1_a", "abc1", E::kUpdate, "", A::kDo},
               {"test_1_a", "abc1", E::kCreateIndex, "", A::kIgnore},
               {"test_1_a", "abc1", E::kRenameTable, "", A::kDo},
               {"test_1_a", "abc1", E::kNull, "drop procedure abc", A::kIgnore},
               {"test_1_a", "abc1", E::kNull, "create procedure abc", A::kIgnore},
               {"test_1_a", "abc1", E::kNull, "create function abc", A::kDo},
               {"xxx_1", "abc_1", E::kNull, "create function abc", A::kDo},
               {"xxx_1", "abc_1", E::kInsert, "", A::kIgnore},
               {"xxx_1", "abc_1", E::kCreateIndex, "", A::kDo},
               {"yyy_1", "abc_1", E::kInsert, "", A::kDo},
               {"yyy_1", "abc_1", E::kCreateIndex, "", A::kIgnore},
               {"test_1_a", "abc1", E::kDropView, "", A::kIgnore},
               {"xxx_a", "", E::kInsert, "", A::kDo},  // no rule for the schema level
           });
}

// DM's TestFilter after its rules were updated and a Do rule added on
// test_*.ab*: the table rule under the shorter schema prefix is visited first.
TEST(EventFilterTest, DmMultipleRulesCases) {
  BinlogEventFilter f = Build({
      Rule("Test_1_*", "abc*", {}, kProcedures, A::kIgnore),
      Rule("xxx_*", "abc_*", {"all dml", "none ddl"}, {}, A::kDo),
      Rule("yyy_*", "abc_*", {"ALL DDL"}, {}, A::kDo),
      Rule("test_*", "ab*", {"insert", "all ddl"}, {"^DROP\\s+PROCEDURE"}, A::kDo),
  });
  Check(f, {
               {"test_1_a", "abc1", E::kDelete, "", A::kIgnore},
               {"test_1_a", "abc1", E::kInsert, "", A::kDo},
               {"test_1_a", "abc1", E::kUpdate, "", A::kIgnore},
               {"test_1_a", "abc1", E::kCreateIndex, "", A::kDo},
               {"test_1_a", "abc1", E::kRenameTable, "", A::kDo},
               {"test_1_a", "abc1", E::kNull, "drop procedure abc", A::kIgnore},
               {"test_1_a", "abc1", E::kNull, "create procedure abc", A::kIgnore},
               {"test_1_a", "abc1", E::kNull, "create function abc", A::kIgnore},
               {"xxx_1", "abc_1", E::kNull, "create function abc", A::kDo},
               {"xxx_1", "abc_1", E::kInsert, "", A::kDo},
               {"xxx_1", "abc_1", E::kCreateIndex, "", A::kIgnore},
               {"yyy_1", "abc_1", E::kInsert, "", A::kIgnore},
               {"yyy_1", "abc_1", E::kCreateIndex, "", A::kDo},
               {"test_1_a", "abc1", E::kDropView, "", A::kDo},
           });
}

// DM's TestCaseSensitive: "Test_1_*" does not match "test_1_a".
TEST(EventFilterTest, CaseSensitiveRules) {
  BinlogEventFilter f = Build(
      {
          Rule("Test_1_*", "abc*", {"delete", "insert", "create index", "drop index"}, kProcedures, A::kIgnore),
          Rule("xxx_*", "abc_*", {"all dml", "none ddl"}, {}, A::kIgnore),
      },
      true);
  Check(f, {
               {"test_1_a", "abc1", E::kDelete, "", A::kDo},
               {"test_1_a", "abc1", E::kNull, "drop procedure abc", A::kDo},
               {"xxx_1", "abc_1", E::kInsert, "", A::kIgnore},
               {"xxx_1", "abc_1", E::kCreateIndex, "", A::kDo},
               {"Test_1_a", "abc1", E::kDelete, "", A::kIgnore},
           });
}

// DM's TestGlobalFilter: "*" rules also match empty schema/table names.
TEST(EventFilterTest, GlobalSqlPatternRules) {
  for (const std::string table_pattern : {"", "*"}) {
    BinlogEventFilter f = Build({Rule("*", table_pattern, {}, {"^FLUSH"}, A::kIgnore)});
    Check(f, {
                 {"db", "tbl", E::kNull, "FLUSH ENGINE LOGS", A::kIgnore},
                 {"db", "", E::kNull, "FLUSH ENGINE LOGS", A::kIgnore},
                 {"", "tbl", E::kNull, "FLUSH ENGINE LOGS", A::kIgnore},
                 {"", "", E::kNull, "flush engine logs", A::kIgnore},
                 {"db", "tbl", E::kNull, "CREATE TABLE x (a int)", A::kDo},
             });
  }
}

// DM's documented examples: ignore sharding deletions; only migrate DML.
TEST(EventFilterTest, DmDocumentedExamples) {
  BinlogEventFilter no_deletes = Build({
      Rule("test_*", "t_*", {"truncate table", "drop table", "delete"}, {}, A::kIgnore),
      Rule("test_*", "", {"drop database"}, {}, A::kIgnore),
  });
  Check(no_deletes, {
                        {"test_1", "t_1", E::kDelete, "", A::kIgnore},
                        {"test_1", "t_1", E::kTruncateTable, "", A::kIgnore},
                        {"test_1", "t_1", E::kInsert, "", A::kDo},
                        {"test_1", "", E::kDropDatabase, "", A::kIgnore},
                        {"test_1", "", E::kCreateDatabase, "", A::kDo},
                        {"prod", "t_1", E::kDelete, "", A::kDo},
                    });

  BinlogEventFilter only_dml = Build({
      Rule("test_*", "t_*", {"create table", "all dml"}, {}, A::kDo),
  });
  Check(only_dml, {
                      {"test_1", "t_1", E::kInsert, "", A::kDo},
                      {"test_1", "t_1", E::kCreateTable, "", A::kDo},
                      {"test_1", "t_1", E::kAlterTable, "", A::kIgnore},
                      {"test_1", "t_1", E::kDropTable, "", A::kIgnore},
                  });
}

TEST(EventFilterTest, ErrorActionAndIncompatibleDdl) {
  BinlogEventFilter f = Build({
      Rule("db", "*", {"incompatible ddl changes"}, {}, A::kError),
  });
  Check(f, {
               {"db", "t", E::kDropColumn, "", A::kError},
               {"db", "t", E::kTruncateTable, "", A::kError},
               {"db", "t", E::kCreateTable, "", A::kDo},  // plain DDL class
               {"db", "t", E::kInsert, "", A::kDo},
           });
}

TEST(EventFilterTest, EventNamesAndAliases) {
  EXPECT_EQ(*ParseEventType("Create Schema"), E::kCreateDatabase);
  EXPECT_EQ(*ParseEventType("drop schema"), E::kDropDatabase);
  EXPECT_EQ(*ParseEventType("alter schema"), E::kAlterDatabase);
  EXPECT_EQ(*ParseEventType("truncate table partition"), E::kTruncateTablePartition);
  EXPECT_EQ(EventTypeName(E::kModifyColumnsOrder), "modify columns order");
  EXPECT_FALSE(ParseEventType("truncate tables").ok());
  EXPECT_EQ(ClassifyEvent(E::kUpdate), EventClass::kDml);
  EXPECT_EQ(ClassifyEvent(E::kDropTable), EventClass::kIncompatibleDdl);
}

TEST(EventFilterTest, InvalidRulesAreRejected) {
  auto bad_event = BinlogEventFilter::Create({Rule("db", "", {"xxx"}, {}, A::kIgnore)}, false);
  ASSERT_FALSE(bad_event.ok());
  EXPECT_EQ(bad_event.status().error_code(), ErrorCode::kEventFilterInvalid);
  EXPECT_FALSE(BinlogEventFilter::Create({Rule("db", "", {}, {"("}, A::kIgnore)}, false).ok());
  EXPECT_FALSE(BinlogEventFilter::Create({Rule("", "", {"all"}, {}, A::kIgnore)}, false).ok());
  // Two rules on the same patterns (DM's selector refuses them too).
  EXPECT_FALSE(BinlogEventFilter::Create(
                   {Rule("db", "t", {"all"}, {}, A::kIgnore), Rule("DB", "T", {"insert"}, {}, A::kDo)}, false)
                   .ok());
  BinlogEventFilter f;
  EXPECT_FALSE(f.Filter("db", "t", E::kAllDml, "").ok());
  EXPECT_EQ(*f.Filter("db", "t", E::kInsert, ""), A::kDo);
}

}  // namespace
}  // namespace dm::filter
