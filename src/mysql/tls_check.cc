#include "mysql/tls_check.h"

#include <fmt/format.h>
#include <mysql.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

// Connector/C 3.3 has no API for the peer certificate (3.4 adds
// MARIADB_TLS_PEER_CERT_INFO). Its installed ma_pvio.h/ma_tls.h describe the
// TLS layer, whose `ssl` member is the OpenSSL SSL* when the library is built
// with OpenSSL, which the check confirms via MARIADB_TLS_LIBRARY first.
// ma_tls.h uses `uchar` before ma_pvio.h defines it.
using uchar = unsigned char;
#define HAVE_TLS 1
#include <ma_pvio.h>
#undef HAVE_TLS

namespace dm::mysql {

namespace {

std::string SubjectCn(X509* cert) {
  char buf[256];
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf));
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

SSL* SessionSsl(MYSQL* mysql) {
  if (mysql->net.pvio == nullptr || mysql->net.pvio->ctls == nullptr) return nullptr;
  return static_cast<SSL*>(mysql->net.pvio->ctls->ssl);
}

}  // namespace

Status CheckServerCertificateCn(st_mysql* mysql, const std::vector<std::string>& allowed) {
  const char* library = nullptr;
  mariadb_get_infov(mysql, MARIADB_TLS_LIBRARY, &library);
  if (library == nullptr || std::string_view(library).substr(0, 7) != "OpenSSL") {
    return Status::Internal(fmt::format("cert-allowed-cn needs libmariadb built with OpenSSL, got '{}'",
                                        library == nullptr ? "none" : library));
  }
  SSL* ssl = SessionSsl(mysql);
  if (ssl == nullptr) return Status::FailedPrecondition("cert-allowed-cn is set but the connection is not encrypted");

  std::vector<std::string> seen;
  auto matches = [&](X509* cert) {
    std::string cn = SubjectCn(cert);
    seen.push_back(cn);
    return std::find(allowed.begin(), allowed.end(), cn) != allowed.end();
  };
  // The verified chain includes the leaf; it is empty when the chain was not
  // verified (no ssl-ca), so the leaf is checked on its own as well.
  std::unique_ptr<X509, decltype(&X509_free)> leaf(SSL_get1_peer_certificate(ssl), &X509_free);
  if (leaf && matches(leaf.get())) return Status::OK();
  if (STACK_OF(X509)* chain = SSL_get0_verified_chain(ssl); chain != nullptr) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      if (matches(sk_X509_value(chain, i))) return Status::OK();
    }
  }
  std::string names;
  for (const auto& s : seen) names += (names.empty() ? "'" : ", '") + s + "'";
  std::string allowed_list;
  for (const auto& s : allowed) allowed_list += (allowed_list.empty() ? "'" : ", '") + s + "'";
  return Status::FailedPrecondition(
      fmt::format("server certificate common names [{}] are not in cert-allowed-cn [{}]", names, allowed_list));
}

}  // namespace dm::mysql
