// DM's cert-allowed-cn check for client connections: after the TLS handshake,
// the common name of the server certificate, or of a certificate in its
// verified chain, must be in the allowed list (as TiDB's util/security
// VerifyPeerCertificate, which DM uses for database links).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

struct st_mysql;

namespace dm::mysql {

// REQUIRES: `mysql` is connected. Returns OK when a CN matches,
// FailedPrecondition naming the CNs seen when none does or when the session
// is not encrypted, and Internal when libmariadb was built without OpenSSL
// (the check needs the peer certificate, which Connector/C 3.3 exposes only
// through its OpenSSL session handle).
Status CheckServerCertificateCn(st_mysql* mysql, const std::vector<std::string>& allowed);

}  // namespace dm::mysql
