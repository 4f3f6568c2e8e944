// Helpers shared by the DDL tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sync/ddl.h"

namespace dm::sync::testing {

// Parses `sql` and fails the test when it does not parse.
inline DdlStatement ParseOk(std::string_view sql, std::string_view schema = "db", SqlDialect dialect = SqlDialect()) {
  Result<DdlStatement> statement = ParseStatement(sql, schema, dialect);
  EXPECT_TRUE(statement.ok()) << statement.status().ToString();
  return statement.ok() ? std::move(statement).value() : DdlStatement();
}

// "schema.table" per name ("schema" for a database), in statement order.
inline std::vector<std::string> Names(const DdlStatement& statement) {
  std::vector<std::string> out;
  for (const NameRef& ref : statement.names) {
    out.push_back(ref.name.table.empty() ? ref.name.schema : ref.name.schema + "." + ref.name.table);
  }
  return out;
}

// The bytes each name was read from.
inline std::vector<std::string> NameTexts(const DdlStatement& statement) {
  std::vector<std::string> out;
  for (const NameRef& ref : statement.names) out.emplace_back(statement.Text(ref.begin, ref.end));
  return out;
}

}  // namespace dm::sync::testing
