// Number formatting for reason texts, and the names of enum values.
#include <cstdio>

#include "internal.h"
#include "recap/response/case.h"
#include "recap/response/profile.h"
#include "recap/response/result.h"

namespace recap::response {

namespace detail {

std::string num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string mm(double v) { return num(v) + " mm"; }
std::string mm2(double v) { return num(v) + " mm²"; }
std::string dims(double ldi, double sdi) { return num(ldi) + " × " + num(sdi) + " mm"; }

std::string pct(double v) {
  const std::string s = num(v);
  return (v > 0 && s != "0" ? "+" : "") + s + " %";
}

std::string suv(double v) { return num(v, 2); }

}  // namespace detail

const char* toString(LesionKind k) { return k == LesionKind::Nodal ? "nodal" : "extranodal"; }

const char* toString(MeasurementState s) {
  switch (s) {
    case MeasurementState::Measured: return "measured";
    case MeasurementState::TooSmall: return "too_small";
    case MeasurementState::Absent: return "absent";
  }
  return "?";
}

const char* toString(CtCategory c) {
  switch (c) {
    case CtCategory::CR: return "CR";
    case CtCategory::PR: return "PR";
    case CtCategory::SD: return "SD";
    case CtCategory::PD: return "PD";
    case CtCategory::IR: return "IR";
  }
  return "?";
}

const char* toString(MetabolicCategory c) {
  switch (c) {
    case MetabolicCategory::CMR: return "CMR";
    case MetabolicCategory::PMR: return "PMR";
    case MetabolicCategory::NMR: return "NMR";
    case MetabolicCategory::PMD: return "PMD";
  }
  return "?";
}

const char* toString(QpetCategory c) {
  switch (c) {
    case QpetCategory::Ds1to2: return "1-2";
    case QpetCategory::Ds3: return "3";
    case QpetCategory::Ds4: return "4";
    case QpetCategory::Ds5: return "5";
  }
  return "?";
}

const char* toString(LiverStatistic s) { return s == LiverStatistic::Mean ? "mean" : "max"; }
const char* toString(SpleenReference r) { return r == SpleenReference::Baseline ? "baseline" : "nadir"; }

}  // namespace recap::response
