#include "deploy/leftovers.h"

#include <algorithm>
#include <tuple>

namespace bp {

namespace {

bool SameKey(const StackKey& a, const StackKey& b) {
  return a.account == b.account && a.region == b.region && a.stack == b.stack;
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Deletion order: consumers first (a main stack reads its global stack's outputs).
int RoleRank(const std::string& role) { return role == "main" ? 0 : role == "global" ? 1 : 2; }

}  // namespace

std::vector<Leftover> FindLeftovers(const std::vector<RecordedStack>& records, const std::vector<StackKey>& assembled,
                                    const App& planned, const LeftoverScope& scope) {
  std::vector<Leftover> out;
  for (const RecordedStack& r : records) {
    if (std::any_of(assembled.begin(), assembled.end(), [&](const StackKey& k) { return SameKey(k, r.key); }))
      continue;
    const Stack* plan = nullptr;
    for (const Stack& s : planned.stacks)
      if (SameKey(StackKey{s.account, s.region, s.name}, r.key)) plan = &s;
    bool listed = r.has_meta && !r.environments.empty() &&
                  std::all_of(r.environments.begin(), r.environments.end(),
                              [&](const std::string& e) { return Contains(scope.environments, e); });
    if (!scope.all && !listed && !plan) continue;
    Leftover l;
    l.record = r;
    if (l.record.role.empty() && plan) l.record.role = RoleName(plan->role);
    l.shared = r.key.stack == kAccountStackName;
    const std::vector<std::string>& envs = r.has_meta ? r.environments : plan ? plan->envs : r.environments;
    if (envs.size() == 1) l.environment = envs.front();
    out.push_back(std::move(l));
  }
  std::stable_sort(out.begin(), out.end(), [](const Leftover& a, const Leftover& b) {
    auto rank = [](const Leftover& l) {
      return std::make_tuple(l.shared, RoleRank(l.record.role), l.record.key.account, l.record.key.region,
                             l.record.key.stack);
    };
    return rank(a) < rank(b);
  });
  return out;
}

}  // namespace bp
