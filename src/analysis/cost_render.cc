// The words of a cost estimate (cost.h computes it): the breakdown `cost` prints, its
// JSON form, and the monthly change `preview` shows. Amounts are rounded here, for
// display only.
#include "analysis/cost_render.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "pricing/prices.h"

namespace bp::analysis {

namespace {

using cfn::Json;

// Amounts as text: "$1,234.56"; unknown as "unknown".
std::string Usd(double v) {
  std::string digits = fmt::format("{:.2f}", std::fabs(v));
  std::string out;
  size_t dot = digits.find('.');
  for (size_t i = 0; i < dot; ++i) {
    if (i > 0 && (dot - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < -0.004 ? "-$" : "$") + out + digits.substr(dot);
}

// A number without exponent: "10000000", "0.05", "591.1".
std::string Plain(double q, int significant) {
  if (q == std::floor(q) && std::fabs(q) < 1e15) return fmt::format("{:.0f}", q);
  std::string s = fmt::format("{:.{}g}", q, significant);
  if (s.find('e') == std::string::npos) return s;
  return fmt::format("{:.4f}", q);
}

std::string Quantity(double q) { return Plain(q, 4); }

std::string AssumptionText(const CostLine& l) {
  std::string out;
  for (const auto& [key, value] : l.assumptions) out += (out.empty() ? "" : ", ") + key + "=" + Plain(value, 6);
  return out;
}

// Pads to `width` display columns; the tree glyphs are three bytes and one column each.
std::string Pad(const std::string& s, size_t width) {
  size_t glyphs = 0;
  for (unsigned char c : s) glyphs += (c & 0xC0) == 0x80;  // continuation bytes
  size_t shown = s.size() - glyphs;
  return shown >= width ? s : s + std::string(width - shown, ' ');
}

double Cents(double v) { return std::round(v * 100) / 100; }

Json AmountOrNull(bool known, double v) { return known ? Json(Cents(v)) : Json(nullptr); }

const char* StatusName(CostStatus s) {
  switch (s) {
    case CostStatus::kPriced: return "priced";
    case CostStatus::kFree: return "free";
    case CostStatus::kNotPriced: return "not_priced";
  }
  return "";
}

// Every line the total leaves out, in one place under the resources: which resource,
// which charge, and why its amount is unknown.
std::string UnknownList(const StackCost& s) {
  std::string rows;
  int n = 0;
  for (const auto& r : s.resources)
    for (const auto& l : r.lines)
      if (!l.known) {
        rows += "   " + r.logical_id + " / " + l.name + ": " + l.why_unknown + "\n";
        ++n;
      }
  if (n == 0) return "";
  return fmt::format("\n Unknown, left out of the total ({} line{}):\n", n, n == 1 ? "" : "s") + rows;
}

// The prices the stack's known lines used: key, USD per unit, the AWS page and the
// date the value holds (data/prices.json has where it was read, `--json` too).
std::string PriceList(const StackCost& s) {
  std::map<std::string, const Price*> used;
  for (const auto& r : s.resources)
    for (const auto& l : r.lines)
      if (l.known) used.emplace(l.price_key, FindPrice(s.region, l.price_key));
  if (used.empty()) return "";
  std::string out = fmt::format("\n Prices used ({}, USD):\n", s.region);
  for (const auto& [key, price] : used)
    out += fmt::format("   {:<42} {:>9} per {:<17} {} (as of {})\n", key, Plain(price->usd, 6), price->unit,
                       price->source, price->read);
  return out;
}

std::string TotalText(double usd, int unknown) {
  if (unknown == 0) return Usd(usd);
  return Usd(usd) + fmt::format(" (incomplete: {} unknown)", unknown);
}

}  // namespace

std::string FormatCost(const std::vector<EnvCost>& envs) {
  constexpr const char* kRow = " {} {:>12}  {:<17} {:>12}\n";
  constexpr size_t kName = 62;
  std::string out;
  for (const auto& e : envs) {
    for (const auto& s : e.stacks) {
      out += fmt::format("Environment {} / stack {} ({})\n\n", e.env, s.name, s.region);
      out += fmt::format(kRow, Pad("Name", kName), "Monthly qty", "Unit", "Monthly cost");
      std::map<std::string, int> free_types;
      std::vector<std::string> not_priced;
      for (const auto& r : s.resources) {
        if (r.status == CostStatus::kFree) {
          free_types[r.type] += 1;
          continue;
        }
        if (r.status == CostStatus::kNotPriced) {
          not_priced.push_back(r.logical_id + " (" + r.type + ")");
          continue;
        }
        out += fmt::format("\n {} ({})\n", r.logical_id, r.type);
        for (size_t i = 0; i < r.lines.size(); ++i) {
          const CostLine& l = r.lines[i];
          std::string name = (i + 1 == r.lines.size() ? "└─ " : "├─ ") + l.name;
          std::string cost = l.known ? Usd(l.monthly_usd) : "unknown";
          std::string qty = l.price_key.empty() ? "-" : Quantity(l.quantity);
          out += fmt::format(kRow, Pad(name, kName), qty, l.price_key.empty() ? "-" : l.unit, cost);
          std::string indent = i + 1 == r.lines.size() ? "    " : "│   ";
          if (!l.assumptions.empty()) out += " " + indent + "assumes " + AssumptionText(l) + "\n";
          if (!l.known) out += " " + indent + l.why_unknown + "\n";
        }
        out += fmt::format(kRow, Pad("   Resource total", kName), "", "",
                           r.complete ? Usd(r.monthly_usd) : Usd(r.monthly_usd) + " + unknown");
      }
      out += UnknownList(s);
      if (!not_priced.empty()) {
        out += "\n Not priced (no pricing rule; the total leaves them out):\n";
        for (const auto& n : not_priced) out += "   " + n + "\n";
      }
      if (!free_types.empty()) {
        std::string list;
        int n = 0;
        for (const auto& [type, count] : free_types) {
          list += (list.empty() ? "" : ", ") + type + (count > 1 ? fmt::format(" x{}", count) : "");
          n += count;
        }
        out += fmt::format("\n Free ({} resources): {}\n", n, list);
      }
      out += fmt::format("\n Stack {} monthly total: {}\n", s.name, TotalText(s.monthly_usd, s.unknown));
      out += PriceList(s) + "\n";
    }
    out += fmt::format("Environment {} monthly total: {}\n\n", e.env, TotalText(e.monthly_usd, e.unknown));
  }
  out += "Prices: data/prices.json, assembled " + Prices().read +
         "; each stack lists the prices it used and the date each holds (docs/cost.md). Usage-based lines name the "
         "usage.* assumption they use; an unknown line is left out of the totals, which then say incomplete.\n";
  return out;
}

namespace {

Json StackJson(const StackCost& s) {
  Json resources = Json::array();
  for (const auto& r : s.resources) {
    Json lines = Json::array();
    for (const auto& l : r.lines) {
      Json assumptions = Json::object();
      for (const auto& [key, value] : l.assumptions) assumptions[key] = value;
      const Price* price = l.known ? FindPrice(s.region, l.price_key) : nullptr;
      lines.push_back(Json{{"name", l.name},
                           {"quantity", l.price_key.empty() ? Json(nullptr) : Json(l.quantity)},
                           {"unit", l.unit},
                           {"price_key", l.price_key},
                           {"unit_usd", l.known ? Json(l.unit_usd) : Json(nullptr)},
                           {"monthly_usd", AmountOrNull(l.known, l.monthly_usd)},
                           {"price_source", price ? Json(price->source) : Json(nullptr)},
                           {"price_read", price ? Json(price->read) : Json(nullptr)},
                           {"price_via", price && !price->via.empty() ? Json(price->via) : Json(nullptr)},
                           {"unknown_reason", l.known ? Json(nullptr) : Json(l.why_unknown)},
                           {"assumptions", assumptions}});
    }
    resources.push_back(Json{{"logical_id", r.logical_id},
                             {"type", r.type},
                             {"status", StatusName(r.status)},
                             {"note", r.note},
                             {"monthly_usd", Cents(r.monthly_usd)},
                             {"complete", r.complete},
                             {"lines", lines}});
  }
  return Json{{"stack", s.name},         {"region", s.region},         {"monthly_usd", Cents(s.monthly_usd)},
              {"complete", s.complete()}, {"unknown", s.unknown},       {"resources", resources}};
}

}  // namespace

Json CostToJson(const std::vector<EnvCost>& envs) {
  Json out = Json::array();
  for (const auto& e : envs) {
    Json stacks = Json::array();
    for (const auto& s : e.stacks) stacks.push_back(StackJson(s));
    out.push_back(Json{{"environment", e.env},
                       {"monthly_usd", Cents(e.monthly_usd)},
                       {"complete", e.complete()},
                       {"unknown", e.unknown},
                       {"stacks", stacks}});
  }
  return Json{{"currency", "USD"},
              {"prices_read", Prices().read},
              {"hours_per_month", Prices().hours_per_month},
              {"environments", out}};
}

namespace {

std::string Amount(const ResourceCost* r) {
  if (!r) return "-";
  if (r->complete) return Usd(r->monthly_usd);
  return r->monthly_usd == 0 ? "unknown" : Usd(r->monthly_usd) + "+";
}

std::string Signed(double delta) { return (delta >= 0.005 ? "+" : "") + Usd(delta); }

}  // namespace

std::string FormatCostChange(const StackCost& before, const StackCost& after) {
  double delta = after.monthly_usd - before.monthly_usd;
  std::string out = fmt::format("  Monthly cost: {} -> {} ({}{})\n", before.resources.empty() ? "$0.00" : TotalText(before.monthly_usd, before.unknown),
                                TotalText(after.monthly_usd, after.unknown), Signed(delta),
                                before.complete() && after.complete() ? "" : ", known prices only");
  for (const auto& d : CostDeltas(before, after)) {
    char mark = !d.before ? '+' : !d.after ? '-' : '~';
    double b = d.before ? d.before->monthly_usd : 0, a = d.after ? d.after->monthly_usd : 0;
    out += fmt::format("    {} {:<30} {:>12} -> {:<12} {}\n", mark, d.id, Amount(d.before), Amount(d.after), Signed(a - b));
  }
  return out;
}

Json CostChangeToJson(const StackCost& before, const StackCost& after) {
  Json resources = Json::array();
  for (const auto& d : CostDeltas(before, after)) {
    resources.push_back(Json{{"logical_id", d.id},
                             {"type", d.type},
                             {"before_usd", d.before ? Json(Cents(d.before->monthly_usd)) : Json(nullptr)},
                             {"after_usd", d.after ? Json(Cents(d.after->monthly_usd)) : Json(nullptr)},
                             {"complete", (!d.before || d.before->complete) && (!d.after || d.after->complete)}});
  }
  return Json{{"before_usd", Cents(before.monthly_usd)},
              {"after_usd", Cents(after.monthly_usd)},
              {"change_usd", Cents(after.monthly_usd - before.monthly_usd)},
              {"complete", before.complete() && after.complete()},
              {"resources", resources}};
}

}  // namespace bp::analysis
