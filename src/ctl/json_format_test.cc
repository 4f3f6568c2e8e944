#include "ctl/json_format.h"

#include <gtest/gtest.h>

namespace dm::ctl {
namespace {

using nlohmann::ordered_json;

TEST(JsonFormatTest, ProtobufStyleMatchesJsonpbLayout) {
  auto response = ordered_json::parse(R"({"result": true, "msg": "", "sources": [
      {"result": true, "msg": "", "source": "mysql-01", "worker": "w1", "errors": []}], "names": ["a", "b"]})");
  EXPECT_EQ(FormatJson(response, JsonStyle::kProtobuf),
            "{\n"
            "    \"result\": true,\n"
            "    \"msg\": \"\",\n"
            "    \"sources\": [\n"
            "        {\n"
            "            \"result\": true,\n"
            "            \"msg\": \"\",\n"
            "            \"source\": \"mysql-01\",\n"
            "            \"worker\": \"w1\",\n"
            "            \"errors\": [\n"
            "            ]\n"
            "        }\n"
            "    ],\n"
            "    \"names\": [\n"
            "        \"a\",\n"
            "        \"b\"\n"
            "    ]\n"
            "}");
}

TEST(JsonFormatTest, EmptyContainersDifferBetweenStyles) {
  auto value = ordered_json::parse(R"({"list": [], "object": {}, "none": null, "n": 3})");
  EXPECT_EQ(FormatJson(value, JsonStyle::kProtobuf),
            "{\n    \"list\": [\n    ],\n    \"object\": {\n\n    },\n    \"none\": null,\n    \"n\": 3\n}");
  EXPECT_EQ(FormatJson(value, JsonStyle::kGoJson),
            "{\n    \"list\": [],\n    \"object\": {},\n    \"none\": null,\n    \"n\": 3\n}");
}

TEST(JsonFormatTest, StringsAreEscapedAsGoDoes) {
  ordered_json value = {{"sql", "a<b && c>d \"q\" \\ \n\t\x01 \xE2\x80\xA8 é"}};
  EXPECT_EQ(FormatJson(value, JsonStyle::kProtobuf),
            "{\n    \"sql\": \"a\\u003cb \\u0026\\u0026 c\\u003ed \\\"q\\\" \\\\ \\n\\t\\u0001 \\u2028 é\"\n}");
}

TEST(JsonFormatTest, KeysKeepTheMastersOrder) {
  auto value = ordered_json::parse(R"({"z": 1, "a": 2, "m": 3})");
  EXPECT_EQ(FormatJson(value, JsonStyle::kGoJson), "{\n    \"z\": 1,\n    \"a\": 2,\n    \"m\": 3\n}");
}

TEST(JsonFormatTest, CheckFailureReportIsPrintedRaw) {
  ordered_json response = {
      {"result", false},
      {"msg", "[code=26005] fail to check synchronization configuration with type: check was failed\n detail: {\n"
              "  \"results\": [\"x<y\"]\n}"}};
  EXPECT_EQ(FormatCheckResponse(response, "msg"),
            "{\n    \"result\": false,\n"
            "    \"msg\": \"[code=26005] fail to check synchronization configuration with type: check was failed\n"
            "    \tdetail: {\n  \"results\": [\"x<y\"]\n}\"\n}");
}

TEST(JsonFormatTest, OtherCheckAnswersAreEscapedNormally) {
  ordered_json response = {{"result", true}, {"msg", "pre-check is passed. "}, {"checkResult", "a\nb"}};
  EXPECT_EQ(FormatCheckResponse(response, "checkResult"), FormatJson(response, JsonStyle::kProtobuf));
}

}  // namespace
}  // namespace dm::ctl
