// Where a walk over a JSON value is: the keys and array indexes on the way down, kept as
// views and numbers and written out ("Bucket/Properties/Tags/0") only when something
// reads it, an error or a reference, so the walk builds no string per node.
#pragma once
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace bp {

class JsonTrail {
 public:
  // `key` must outlive the step: a key of the value being walked.
  void Push(std::string_view key) { steps_.push_back({key, kKey}); }
  void Push(size_t index) { steps_.push_back({{}, index}); }
  void Pop() { steps_.pop_back(); }

  // `prefix`, then "/step" for each step, into `path` (whose buffer is reused).
  void Render(std::string_view prefix, std::string* path) const {
    path->assign(prefix);
    char digits[24];
    for (const Step& s : steps_) {
      *path += '/';
      if (s.index == kKey) {
        *path += s.key;
      } else {
        auto end = std::to_chars(digits, digits + sizeof digits, s.index).ptr;
        path->append(digits, static_cast<size_t>(end - digits));
      }
    }
  }
  std::string Render(std::string_view prefix) const {
    std::string path;
    Render(prefix, &path);
    return path;
  }

 private:
  static constexpr size_t kKey = static_cast<size_t>(-1);
  struct Step {
    std::string_view key;
    size_t index;  // kKey for a key
  };
  std::vector<Step> steps_;
};

}  // namespace bp
