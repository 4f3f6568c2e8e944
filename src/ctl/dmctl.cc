#include "ctl/dmctl.h"

#include <ostream>

#include "common/cli.h"
#include "common/encrypt.h"
#include "common/version.h"

namespace dm::ctl {
namespace {

struct GlobalOptions {
  std::string master_addr;
  std::string secret_key_path;
  std::string legacy_encrypt;  // v1.0's `dmctl -encrypt TEXT`
};

// As DM before v8, encryption happens in dmctl itself; the key comes from
// --secret-key-path (DM v8's master key file) or is DM's built-in key, so the
// output is accepted by both DM and dm.
int Encrypt(const GlobalOptions& options, const std::string& plaintext, std::ostream& out, std::ostream& err) {
  auto key = crypto::ResolveSecretKey(options.secret_key_path);
  if (!key.ok()) {
    err << "dmctl: " << key.status().message() << "\n";
    return 1;
  }
  auto cipher = crypto::Encrypt(plaintext, *key);
  if (!cipher.ok()) {
    err << "dmctl: encrypt failed: " << cipher.status().message() << "\n";
    return 1;
  }
  out << *cipher << "\n";
  return 0;
}

}  // namespace

int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"dmctl: the command-line client of dm-master", "dmctl"};
  app.require_subcommand(0, 1);
  GlobalOptions options;
  bool version = false;
  app.add_flag("-V,--version", version, "print version information and exit");
  app.add_option("--master-addr", options.master_addr, "dm-master address, host:port");
  app.add_option("--secret-key-path", options.secret_key_path,
                 "file with the 64-hex-character AES key for passwords (default: DM's built-in key)");
  app.add_option("--encrypt", options.legacy_encrypt, "encrypt TEXT (DM v1.0 form of the encrypt command)")
      ->group("");

  std::string plaintext;
  CLI::App* encrypt = app.add_subcommand("encrypt", "encrypt a plaintext password for source/task files");
  encrypt->add_option("plaintext", plaintext, "the password to encrypt")->required();

  if (int code = ParseCommandLine(app, argc, argv, out, err); code >= 0) return code;
  if (version) {
    out << VersionBlock();
    return 0;
  }
  if (encrypt->parsed()) return Encrypt(options, plaintext, out, err);
  if (!options.legacy_encrypt.empty()) return Encrypt(options, options.legacy_encrypt, out, err);
  out << app.help();
  return 2;
}

}  // namespace dm::ctl
