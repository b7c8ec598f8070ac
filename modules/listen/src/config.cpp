#include "recap/listen/config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "recap/core/error.h"

namespace recap::listen {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad(const fs::path& file, const std::string& key, const std::string& why) {
  throw Error(ErrorCode::Usage, file.string(), key + ": " + why);
}

template <typename T>
T as(const YAML::Node& n, const fs::path& file, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    bad(file, key, "wrong type");
  }
}

std::string aeTitle(const YAML::Node& n, const fs::path& file, const std::string& key) {
  const auto ae = as<std::string>(n, file, key);
  if (ae.empty() || ae.size() > 16) bad(file, key, "an AE title has 1 to 16 characters: '" + ae + "'");
  return ae;
}

int port(const YAML::Node& n, const fs::path& file, const std::string& key) {
  const int p = as<int>(n, file, key);
  if (p < 1 || p > 65535) bad(file, key, "port outside 1..65535: " + std::to_string(p));
  return p;
}

}  // namespace

Config loadConfig(const fs::path& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw Error(ErrorCode::NoInput, path.string(), "cannot read the configuration");
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::Usage, path.string(), std::string("not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) throw Error(ErrorCode::Usage, path.string(), "the configuration must be a YAML mapping");
  const fs::path base = fs::absolute(path).parent_path();
  auto folder = [&](const YAML::Node& n, const std::string& key) {
    const fs::path p = as<std::string>(n, path, key);
    return (p.is_absolute() ? p : base / p).lexically_normal();
  };
  static const std::set<std::string> keys = {"ae_title",     "port",           "allowed_callers", "archive",
                                             "registry",     "state",          "stable_age_s",    "max_jobs",
                                             "destinations", "send_attempts",  "send_backoff_s"};
  Config c;
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (!keys.count(key)) bad(path, key, "unknown key");
    if (key == "ae_title") c.ae_title = aeTitle(v, path, key);
    else if (key == "port") c.port = port(v, path, key);
    else if (key == "allowed_callers") {
      if (!v.IsSequence()) bad(path, key, "a list of AE titles");
      for (size_t i = 0; i < v.size(); ++i) c.allowed_callers.push_back(aeTitle(v[i], path, key + "[" + std::to_string(i) + "]"));
    } else if (key == "archive") c.archive = folder(v, key);
    else if (key == "registry") c.registry = folder(v, key);
    else if (key == "state") c.state = folder(v, key);
    else if (key == "stable_age_s") {
      c.stable_age_s = as<double>(v, path, key);
      if (!(c.stable_age_s > 0)) bad(path, key, "must be > 0");
    } else if (key == "max_jobs" || key == "send_attempts") {
      const int n = as<int>(v, path, key);
      if (n < 1) bad(path, key, "must be >= 1");
      (key == "max_jobs" ? c.max_jobs : c.send_attempts) = n;
    } else if (key == "send_backoff_s") {
      c.send_backoff_s = as<double>(v, path, key);
      if (c.send_backoff_s < 0) bad(path, key, "must be >= 0");
    } else if (key == "destinations") {
      if (!v.IsSequence()) bad(path, key, "a list of {ae_title, host, port}");
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string k = key + "[" + std::to_string(i) + "]";
        if (!v[i].IsMap()) bad(path, k, "a mapping {ae_title, host, port}");
        Destination d;
        for (const auto& dk : v[i]) {
          const auto name = dk.first.as<std::string>();
          if (name == "ae_title") d.ae_title = aeTitle(dk.second, path, k + ".ae_title");
          else if (name == "host") d.host = as<std::string>(dk.second, path, k + ".host");
          else if (name == "port") d.port = port(dk.second, path, k + ".port");
          else bad(path, k + "." + name, "unknown key (allowed: ae_title, host, port)");
        }
        if (d.ae_title.empty() || d.host.empty()) bad(path, k, "ae_title and host are required");
        c.destinations.push_back(d);
      }
    }
  }
  if (c.archive.empty()) bad(path, "archive", "required");
  if (c.registry.empty()) bad(path, "registry", "required");
  if (c.allowed_callers.empty()) bad(path, "allowed_callers", "required: the calling AE titles to accept");
  if (c.state.empty()) c.state = c.archive / ".recap";
  return c;
}

}  // namespace recap::listen
