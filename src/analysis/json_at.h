// Reading a synthesized template's JSON where any member may be missing (an add-on, an
// override, a test's edit): the member, or null, never an exception.
#pragma once
#include "cfn/intrinsics.h"

namespace bp::analysis {

// The member `key` of `j`, or null when `j` is no object or lacks it.
inline const cfn::Json& At(const cfn::Json& j, const char* key) {
  static const cfn::Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

}  // namespace bp::analysis
