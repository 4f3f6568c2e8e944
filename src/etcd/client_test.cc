// Client checks that need no etcd.
#include "etcd/client.h"

#include <gtest/gtest.h>

namespace dm::etcd {
namespace {

TEST(ClientCreateTest, MalformedEndpointsAreInvalidArgument) {
  for (const char* endpoint : {"ftp://127.0.0.1:1", "127.0.0.1", "http://127.0.0.1:", "http://h:1/path"}) {
    ClientOptions options;
    options.endpoints = {endpoint};
    EXPECT_EQ(Client::Create(options).status().code(), StatusCode::kInvalidArgument) << endpoint;
  }
  EXPECT_EQ(Client::Create(ClientOptions{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ClientCreateTest, BareHostPortMeansHttp) {
  ClientOptions options;
  options.endpoints = {"127.0.0.1:2379", "https://127.0.0.1:2380/"};
  auto client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ((*client)->endpoints(), (std::vector<std::string>{"http://127.0.0.1:2379", "https://127.0.0.1:2380"}));
}

}  // namespace
}  // namespace dm::etcd
