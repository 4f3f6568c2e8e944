#include "http/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "common/version.h"

namespace dm::http {
namespace {

TEST(ServerTest, ServesStatusMetricsAndRoutesOnOnePort) {
  MetricsRegistry metrics;
  metrics.Gauge("dm_test_gauge", "a test gauge").WithLabels({}).Set(7);
  Server server(&metrics);
  server.Handle("GET", "/apis/v1alpha1/status/(.+)", [](const Request& req) {
    return Response{200, "application/json", "{\"task\":\"" + req.captures.at(1) + "\"}"};
  });
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  ASSERT_NE(server.port(), 0);

  httplib::Client client("127.0.0.1", server.port());
  auto status = client.Get("/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(status->body, VersionBlock());
  EXPECT_EQ(status->body.rfind("Release Version: ", 0), 0u);

  auto text = client.Get("/metrics");
  ASSERT_TRUE(text);
  EXPECT_NE(text->body.find("dm_test_gauge 7\n"), std::string::npos);

  auto task = client.Get("/apis/v1alpha1/status/my-task");
  ASSERT_TRUE(task);
  EXPECT_EQ(task->body, "{\"task\":\"my-task\"}");
  EXPECT_EQ(client.Get("/nope")->status, 404);
  server.Stop();
}

TEST(ServerTest, BusyPortIsAnErrorNamingTheAddress) {
  Server first(nullptr);
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  Server second(nullptr);
  Status s = second.Start("127.0.0.1", first.port());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos);
}

TEST(ServerTest, UnusableTlsFilesAreAnError) {
  Server server(nullptr, TlsOptions{"/nonexistent/ca.pem", "/nonexistent/cert.pem", "/nonexistent/key.pem", {}});
  Status s = server.Start("127.0.0.1", 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/cert.pem"), std::string::npos);
}

TEST(ParseListenAddressTest, AcceptsDmForms) {
  auto all = ParseListenAddress(":8262");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->first, "0.0.0.0");
  EXPECT_EQ(all->second, 8262);
  EXPECT_EQ(ParseListenAddress("127.0.0.1:8261")->first, "127.0.0.1");
  EXPECT_EQ(ParseListenAddress("[::1]:8261")->first, "::1");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1").ok());
  EXPECT_FALSE(ParseListenAddress("h:99999").ok());
  EXPECT_FALSE(ParseListenAddress("h:80x").ok());
}

}  // namespace
}  // namespace dm::http
