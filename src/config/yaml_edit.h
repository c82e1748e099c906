// Targeted edits of a stack.yaml's text for `blueprint config set|rm`: one key path
// changes, every other line (comments, blank lines, order, quoting) stays as the user
// wrote it. Re-emitting the whole document through a YAML library would drop the
// comments and reflow the file, so the editor works on lines and uses yaml-cpp only to
// find where each key is.
//
// What it handles: keys in block mappings (the usual layout) at any depth, values on
// the key's line or in a block below it, and missing parent sections (created as
// block mappings). A key whose parent is a flow mapping (`features: {waf: true}`) is
// edited by rewriting that one flow mapping on its line(s); comments inside it, if
// any, are lost, and the result says so.
#pragma once
#include <string>
#include <vector>

#include "util/diag.h"

namespace bp {

struct YamlEditResult {
  std::string text;        // the edited document
  bool rewrote_flow = false;  // a flow mapping was re-emitted
};

// Sets `path` (["network", "cidr"]) to `value_yaml`, one line of YAML (a scalar or a
// flow collection such as [a, b] or {secure: "v1:..."}).
bool YamlSetKey(const std::string& text, const std::vector<std::string>& path, const std::string& value_yaml,
                YamlEditResult* out, Diagnostics* diags);

// Removes `path` and its value. `*found` is false (and the text unchanged) when the
// key is not in the document.
bool YamlRemoveKey(const std::string& text, const std::vector<std::string>& path, YamlEditResult* out,
                   bool* found, Diagnostics* diags);

// `s` as a YAML scalar that reads back as the same string: plain when that is
// unambiguous, double-quoted otherwise.
std::string YamlQuote(const std::string& s);

}  // namespace bp
