// Small string helpers shared by the config parser, the naming rules and the CLI.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bp {

// Levenshtein distance, for "did you mean ...?".
int EditDistance(std::string_view a, std::string_view b);

// The closest candidate within a distance that scales with the word's length, or "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// FNV-1a 64-bit: a stable hash (same value on every machine and every run), used for
// name suffixes that must not change between syntheses.
uint64_t StableHash(std::string_view s);
// The first `len` hex digits of StableHash(s).
std::string StableHashHex(std::string_view s, size_t len);

std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// "a, b or c" for messages.
std::string JoinOr(const std::vector<std::string>& parts);
std::vector<std::string> SplitString(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
std::string ToLower(std::string_view s);

// The offset of the first byte that does not start a valid UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF included), or npos.
size_t InvalidUtf8At(std::string_view s);

// `text` with the bytes a terminal would act on written out instead: C0 controls but
// newline and tab (ESC, CR, BEL, backspace: "\x1b"), DEL ("\x7f"), C1 controls
// U+0080-U+009F ("\u009b") and bytes that are not UTF-8 ("\xff"). For text from outside
// (AWS answers) printed for a person: it cannot move the cursor, rewrite a line or
// retitle the window.
std::string EscapeControls(std::string_view text);

// `msg` with every '...'-quoted part longer than `max` characters cut to its first 60
// and its length ("'aaaa...' (3145728 characters)"), so a huge value never floods a
// message; a message still longer than 8 * `max` characters is cut there. Quoted parts
// under `max` stay whole (prose between two apostrophes is never that long).
std::string CutLongQuotes(std::string msg, size_t max = 1000);

}  // namespace bp
