#include "config/yaml_edit.h"

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "util/strings.h"

namespace bp {

namespace {

std::vector<std::string> SplitLines(const std::string& text, bool* trailing_newline) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  *trailing_newline = text.empty() || text.back() == '\n';
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines, bool trailing_newline) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    if (i + 1 < lines.size() || trailing_newline) out += '\n';
  }
  return out;
}

size_t Indent(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

bool IsBlankOrComment(const std::string& line) {
  size_t i = Indent(line);
  return i == line.size() || line[i] == '#' || line[i] == '\r';
}

// One past the last line of the value of the key at (line, col): the lines indented
// deeper, or block-sequence items at the key's own indentation.
size_t BlockEnd(const std::vector<std::string>& lines, size_t line, size_t col) {
  size_t last = line;
  for (size_t i = line + 1; i < lines.size(); ++i) {
    if (IsBlankOrComment(lines[i])) continue;
    size_t ind = Indent(lines[i]);
    bool seq_item = ind == col && lines[i][ind] == '-' && (ind + 1 == lines[i].size() || lines[i][ind + 1] == ' ');
    if (ind > col || seq_item) last = i;
    else break;
  }
  return last + 1;
}

// End of a quoted scalar starting at `i` (one past the closing quote), or npos.
size_t QuotedEnd(const std::string& s, size_t i) {
  char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (q == '"' && s[j] == '\\') { ++j; continue; }
    if (s[j] == q) {
      if (q == '\'' && j + 1 < s.size() && s[j + 1] == '\'') { ++j; continue; }
      return j + 1;
    }
  }
  return std::string::npos;
}

// Position just after the ':' that ends the key starting at `col`.
size_t AfterColon(const std::string& line, size_t col) {
  size_t i = col;
  if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
    i = QuotedEnd(line, i);
    if (i == std::string::npos) return line.size();
  }
  size_t c = line.find(':', i);
  return c == std::string::npos ? line.size() : c + 1;
}

// The inline value after `from`: [begin, end), end excluding a trailing comment.
// `closed` is false for a flow collection not closed on this line.
struct Span {
  size_t begin = 0, end = 0;
  bool closed = true;
};
Span InlineValue(const std::string& line, size_t from) {
  Span s;
  size_t i = from;
  while (i < line.size() && line[i] == ' ') ++i;
  s.begin = s.end = i;
  if (i == line.size() || line[i] == '#') return s;
  if (line[i] == '"' || line[i] == '\'') {
    size_t e = QuotedEnd(line, i);
    s.end = e == std::string::npos ? line.size() : e;
    s.closed = e != std::string::npos;
    return s;
  }
  if (line[i] == '[' || line[i] == '{') {
    int depth = 0;
    for (size_t j = i; j < line.size(); ++j) {
      char c = line[j];
      if (c == '"' || c == '\'') {
        size_t e = QuotedEnd(line, j);
        if (e == std::string::npos) break;
        j = e - 1;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (--depth == 0) {
          s.end = j + 1;
          return s;
        }
      }
    }
    s.end = line.size();
    s.closed = false;
    return s;
  }
  size_t e = line.find(" #", i);
  if (e == std::string::npos) e = line.size();
  while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\r')) --e;
  s.end = e;
  return s;
}

// One step of a key path found in the document.
struct Found {
  YAML::Node key;
  YAML::Node value;
  YAML::Node parent;
};

// Walks `path` from the root; returns how many components exist.
size_t Walk(const YAML::Node& root, const std::vector<std::string>& path, std::vector<Found>* steps) {
  YAML::Node node;
  node.reset(root);
  for (const auto& name : path) {
    if (!node.IsMap()) break;
    bool hit = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == name) {
        steps->push_back({it->first, it->second, node});
        node.reset(it->second);  // rebinds; `node = ...` would overwrite the document
        hit = true;
        break;
      }
    }
    if (!hit) break;
  }
  return steps->size();
}

std::string EmitFlow(const YAML::Node& node) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << node;
  return e.c_str();
}

bool LoadDoc(const std::string& text, YAML::Node* root, Diagnostics* diags) {
  try {
    *root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags->Error({}, "", "not valid YAML: " + e.msg);
    return false;
  }
  if (!root->IsMap() && !root->IsNull()) {
    diags->Error({}, "", "the top level is not a mapping");
    return false;
  }
  return true;
}

// Rewrites the flow collection that is the value of steps[at] after `change`
// was applied to a copy of it.
bool RewriteFlow(std::vector<std::string>* lines, const Found& owner, const YAML::Node& replaced,
                 const std::string& what, Diagnostics* diags) {
  size_t l = owner.key.Mark().line, c = owner.key.Mark().column;
  std::string& line = (*lines)[l];
  Span v = InlineValue(line, AfterColon(line, c));
  if (!v.closed || v.begin == v.end) {
    diags->Error({}, "", what + " is inside a flow mapping spread over several lines; edit it by hand");
    return false;
  }
  line = line.substr(0, v.begin) + EmitFlow(replaced) + line.substr(v.end);
  return true;
}

// The first step (from the root) whose value is a flow collection, or -1.
int FirstFlow(const std::vector<Found>& steps, size_t upto) {
  for (size_t i = 0; i < upto && i < steps.size(); ++i)
    if ((steps[i].value.IsMap() || steps[i].value.IsSequence()) && steps[i].value.Style() == YAML::EmitterStyle::Flow)
      return static_cast<int>(i);
  return -1;
}

// In a clone of `node`, sets or removes the rest of the path.
void ApplyInClone(YAML::Node node, const std::vector<std::string>& rest, const YAML::Node* value) {
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    if (!node[rest[i]].IsMap()) node[rest[i]] = YAML::Node(YAML::NodeType::Map);
    node.reset(node[rest[i]]);
  }
  if (value) node[rest.back()] = *value;
  else node.remove(rest.back());
}

}  // namespace

std::string YamlQuote(const std::string& s) {
  static const char* kSpecial[] = {"null", "Null", "NULL", "~", "y", "Y", "n", "N", "yes", "Yes", "YES",
                                   "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"};
  // Plain when it is [A-Za-z0-9_./@+][A-Za-z0-9_./@+ :=-]* (checked by hand: linear, no
  // recursion) and nothing in it reads as YAML syntax.
  auto safe = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view(first ? "_./@+" : "_./@+ :=-").find(c) != std::string_view::npos;
  };
  bool plain = !s.empty();
  for (size_t i = 0; plain && i < s.size(); ++i) plain = safe(s[i], i == 0);
  plain = plain && s.back() != ' ' && s.back() != ':' &&
               s.find(": ") == std::string::npos && s.find(" #") == std::string::npos;
  for (const char* w : kSpecial) plain = plain && s != w;
  if (plain) return s;
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool YamlSetKey(const std::string& text, const std::vector<std::string>& path, const std::string& value_yaml,
                YamlEditResult* out, Diagnostics* diags) {
  YAML::Node root, value;
  if (!LoadDoc(text, &root, diags)) return false;
  try {
    value = YAML::Load(value_yaml);
  } catch (const YAML::Exception& e) {
    diags->Error({}, "", "the new value is not valid YAML: " + e.msg);
    return false;
  }
  bool nl = true;
  std::vector<std::string> lines = SplitLines(text, &nl);
  std::vector<Found> steps;
  size_t have = Walk(root, path, &steps);
  std::string dotted = Join(path, ".");

  // Inside a flow collection: rewrite that collection.
  int flow = FirstFlow(steps, have == path.size() ? have - 1 : have);
  if (flow >= 0) {
    YAML::Node copy = YAML::Clone(steps[flow].value);
    if (!copy.IsMap()) {
      diags->Error({}, "", Join({path.begin(), path.begin() + flow + 1}, ".") + " holds a list, not keys");
      return false;
    }
    ApplyInClone(copy, {path.begin() + flow + 1, path.end()}, &value);
    if (!RewriteFlow(&lines, steps[flow], copy, dotted, diags)) return false;
    *out = {JoinLines(lines, nl), true};
    return true;
  }

  if (have == path.size()) {
    // Replace the value in place; drop a block value's lines below the key.
    const Found& f = steps.back();
    size_t l = f.key.Mark().line, c = f.key.Mark().column;
    std::string& line = lines[l];
    size_t colon = AfterColon(line, c);
    Span v = InlineValue(line, colon);
    std::string rest = v.end < line.size() ? line.substr(v.end) : "";
    if (v.begin == v.end && !rest.empty()) rest = "  " + line.substr(v.begin);  // a lone comment
    line = line.substr(0, colon) + " " + value_yaml + rest;
    size_t end = BlockEnd(lines, l, c);
    lines.erase(lines.begin() + l + 1, lines.begin() + end);
    *out = {JoinLines(lines, nl), false};
    return true;
  }

  // Create the missing keys under the deepest existing one.
  size_t insert_at = lines.size(), indent = 0;
  if (have > 0) {
    const Found& f = steps[have - 1];
    size_t l = f.key.Mark().line, c = f.key.Mark().column;
    if (f.value.IsMap()) {
      insert_at = BlockEnd(lines, l, c);
      indent = f.value.begin()->first.Mark().column;
    } else if (Span v = InlineValue(lines[l], AfterColon(lines[l], c)); f.value.IsNull() && v.begin == v.end) {
      insert_at = l + 1;
      indent = c + 2;
    } else {
      diags->Error({}, "", Join({path.begin(), path.begin() + have}, ".") + " holds a value, not keys");
      return false;
    }
  } else {
    while (insert_at > 0 && lines[insert_at - 1].find_first_not_of(" \r") == std::string::npos) --insert_at;
  }
  std::vector<std::string> added;
  for (size_t i = have; i < path.size(); ++i) {
    std::string line = std::string(indent, ' ') + path[i] + ":";
    if (i + 1 == path.size()) line += " " + value_yaml;
    added.push_back(line);
    indent += 2;
  }
  lines.insert(lines.begin() + insert_at, added.begin(), added.end());
  *out = {JoinLines(lines, nl), false};
  return true;
}

bool YamlRemoveKey(const std::string& text, const std::vector<std::string>& path, YamlEditResult* out,
                   bool* found, Diagnostics* diags) {
  YAML::Node root;
  if (!LoadDoc(text, &root, diags)) return false;
  std::vector<Found> steps;
  *found = Walk(root, path, &steps) == path.size();
  if (!*found) {
    *out = {text, false};
    return true;
  }
  bool nl = true;
  std::vector<std::string> lines = SplitLines(text, &nl);
  int flow = FirstFlow(steps, path.size() - 1);
  if (flow >= 0) {
    YAML::Node copy = YAML::Clone(steps[flow].value);
    ApplyInClone(copy, {path.begin() + flow + 1, path.end()}, nullptr);
    if (!RewriteFlow(&lines, steps[flow], copy, Join(path, "."), diags)) return false;
    *out = {JoinLines(lines, nl), true};
    return true;
  }
  size_t l = steps.back().key.Mark().line, c = steps.back().key.Mark().column;
  lines.erase(lines.begin() + l, lines.begin() + BlockEnd(lines, l, c));
  *out = {JoinLines(lines, nl), false};
  return true;
}

}  // namespace bp
