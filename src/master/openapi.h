// DM's OpenAPI (`/api/v1/...`, dm/openapi/spec/dm.yaml) on dm-master's one
// port, served when the master config sets `openapi = true` (as DM). A path
// with a dmctl counterpart is a translation: the OpenAPI request becomes a request to the
// dmctl-facing handler with the same meaning (so both APIs share one
// implementation of each operation), and its answer becomes DM's OpenAPI
// object (openapi_model.h). docs/design/cluster.md lists the paths.
//
// The paths dmctl has no command for (the upstream's schemas and tables, a
// task's migrate targets, the task converter, task update, source
// enable/disable and /api/v1/cluster/info) read etcd and the upstream
// themselves (ClusterAccess).
//
// As DM: success is 200 (201 for a create, 204 for a delete, without a
// body); every failure is 400 with `{"error_msg", "error_code"}`, except a
// missing source or task on GET (404) and no reachable leader or etcd (503).
// Followers forward every OpenAPI request to the leader, as the control API.
#pragma once

#include <functional>

#include "common/encrypt.h"
#include "etcd/client.h"
#include "http/server.h"

namespace dm::master::openapi {

// The dmctl-facing handlers the OpenAPI translates to, each as it runs on
// the leader (not wrapped in forwarding), with its route's captures.
struct ControlApi {
  http::Handler operate_source;   // PUT /apis/v1alpha1/sources
  http::Handler transfer_source;  // POST /apis/v1alpha1/sources/transfer
  http::Handler start_task;       // POST /apis/v1alpha1/tasks
  http::Handler operate_task;     // PUT /apis/v1alpha1/tasks/{name}; captures[1] = name
  http::Handler list_tasks;       // GET /apis/v1alpha1/status
  http::Handler query_status;     // GET /apis/v1alpha1/status/{name}; captures[1] = name
  http::Handler list_members;     // GET /apis/v1alpha1/members
  http::Handler get_config;       // GET /apis/v1alpha1/config/{type}/{name}; captures[1] = type, [2] = name
  http::Handler offline_member;   // DELETE /apis/v1alpha1/members/{type}/{name}; captures[1] = type, [2] = name
  // Makes a handler run on the leader: a follower forwards the request.
  std::function<http::Handler(http::Handler)> on_leader;
};

// What the paths without a dmctl counterpart read themselves: the cluster's
// etcd (stored source and task files, DM's /dm-cluster keys) and the key
// that decrypts the passwords in those files, so the upstream and schema
// paths can connect to a source as its worker does.
struct ClusterAccess {
  etcd::Client* client = nullptr;  // not owned; outlives the server
  crypto::SecretKey key;
};

// Installs the OpenAPI paths on `server`. The handlers in `api` are copied
// and must stay callable while the server runs, as must `access.client`.
// REQUIRES: before server.Start(); access.client != nullptr.
void Register(http::Server& server, ControlApi api, ClusterAccess access);

}  // namespace dm::master::openapi
