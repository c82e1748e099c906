// Base64 (RFC 4648, standard alphabet, '=' padding) through OpenSSL's
// EVP_EncodeBlock / EVP_DecodeBlock, for the encrypted config values and their salt.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bp {

std::string Base64Encode(const std::vector<unsigned char>& bytes);

// Strict: the length is a multiple of 4, only the alphabet, '=' only as the last one
// or two characters, no whitespace. False (and `out` empty) otherwise.
bool Base64Decode(std::string_view text, std::vector<unsigned char>* out);

}  // namespace bp
