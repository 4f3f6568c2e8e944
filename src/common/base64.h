// Standard base64 (RFC 4648 §4, with '=' padding), as Go's
// encoding/base64.StdEncoding writes it: DM's encrypted passwords and the
// bytes fields of etcd's JSON gateway both use it.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace dm {

// Returns the padded base64 text of `bytes` ("" for no bytes).
std::string Base64Encode(std::string_view bytes);

// Decodes padded base64; "" decodes to no bytes. Fails with InvalidArgument
// when the length is not a multiple of 4 or a character is outside the
// alphabet. The message never contains the text itself (it may be a secret).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace dm
