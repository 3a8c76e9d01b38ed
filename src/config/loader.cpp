#include "config/loader.hpp"

#include <glob.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <toml++/toml.h>

#include "codec/base64.hpp"
#include "config/holiday_file.hpp"
#include "config/lead.hpp"
#include "config/recurrence.hpp"
#include "config/toml_reader.hpp"
#include "util/parallel.hpp"

namespace deadlined::config {
namespace {

namespace fs = std::filesystem;
using namespace detail;

const std::vector<std::string> k_default_leads = {"7d", "3wd", "1d", "0d"};

class Loader {
 public:
  explicit Loader(fs::path file) : file_(std::move(file)) {}

  LoadResult load() {
    auto config = std::make_shared<Config>();
    config->file = file_;
    auto root = parse(file_);
    if (root) load_main(*root, *config);
    if (root) load_plans(*config);
    for (const auto& [unit, where] : escalate_refs_) {
      if (!config->find_unit(unit)) {
        Reporter(where.file, diagnostics_)
            .error(where, "escalate_to names unknown unit '" + unit + "'");
      }
    }
    LoadResult result;
    result.diagnostics = in_reading_order(std::move(diagnostics_));
    if (!has_errors(result.diagnostics)) result.config = std::move(config);
    return result;
  }

 private:
  std::optional<toml::table> parse(const fs::path& path) { return parse_file(path, diagnostics_); }

  /// A path from the config, relative to the main file's folder unless absolute.
  fs::path resolve(const fs::path& path) const {
    return resolve_against(file_.parent_path(), path);
  }

  std::vector<Lead> read_leads(TableReader& reader) {
    std::vector<Lead> leads;
    auto texts = reader.strings("leads");
    if (!texts) return leads;
    std::set<std::string> seen;
    for (const auto& [text, where] : *texts) {
      auto lead = parse_lead(text);
      if (!lead) {
        reader.reporter().error(where, "malformed lead '" + text +
                                           "': expected a whole number followed by d (days), "
                                           "wd (working days), h, m or s, such as \"3wd\"");
      } else if (!seen.insert(text).second) {
        reader.reporter().error(where, "duplicate lead '" + text + "'");
      } else {
        leads.push_back(*lead);
      }
    }
    return leads;
  }

  void load_main(const toml::table& root, Config& config) {
    Reporter reporter(file_.string(), diagnostics_);
    TableReader top(root, "the main file", reporter);
    load_service(top, config);
    load_holidays(config.service);
    load_email(top, config);
    load_webhooks(top, config);
    load_http(top, config);
    load_units(top, config);
    top.finish();
    if (!overdue_set_) config.service.chase.enabled = config.http.enabled;
    if (!digest_set_) config.service.digest = config.service.chase.enabled;
    if (digest_set_ && config.service.digest && config.service.monitor.empty()) {
      reporter.error(reporter.file_pos(), "digest = true needs a monitor unit in [service]");
    }

    if (!config.service.monitor.empty() && !config.find_unit(config.service.monitor)) {
      reporter.error(monitor_pos_, "monitor names unknown unit '" + config.service.monitor + "'");
    }
    bool any_email = std::any_of(config.units.begin(), config.units.end(),
                                 [](const auto& u) { return !u.second.emails.empty(); });
    if (any_email && config.email.transport == EmailConfig::Transport::none) {
      reporter.error(reporter.file_pos(),
                     "units have email addresses but there is no [email] section");
    }
  }

  void load_service(TableReader& top, Config& config) {
    const toml::node* node = top.node("service", true);
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return top.wrong_type(*node, "service", "a table");
    ServiceConfig& s = config.service;
    TableReader r(*table, "[service]", top.reporter());

    if (auto tz = r.string("timezone")) s.timezone = *tz;
    try {
      s.zone = date::locate_zone(s.timezone);
    } catch (const std::exception&) {
      const toml::node* n = table->get("timezone");
      r.reporter().error(n ? n->source() : table->source(),
                         "unknown time zone '" + s.timezone + "'");
    }

    if (auto dir = r.string("state_dir")) {
      s.state_dir = resolve(*dir);
    } else if (const char* env = std::getenv("STATE_DIRECTORY"); env && *env) {
      s.state_dir = std::string(env).substr(0, std::string(env).find(':'));
    } else {
      s.state_dir = resolve("state");
    }
    s.state_dir = s.state_dir.lexically_normal();

    if (auto globs = r.strings("plans", true)) {
      for (auto& [glob, where] : *globs)
        s.plan_globs.push_back(glob), plan_glob_pos_.push_back(where);
    }
    bool digest_time_set = table->contains("digest_time");
    for (auto [key, target] : {std::pair{"send_time", &s.send_time},
                               {"day_end", &s.day_end},
                               {"digest_time", &s.digest_time}}) {
      const toml::node* n = r.node(key);
      if (!n) continue;
      if (auto text = n->value_exact<std::string>()) {
        if (auto minutes = parse_time_of_day(*text)) {
          *target = *minutes;
        } else {
          r.reporter().error(n->source(), "invalid time '" + *text + "' for '" + key +
                                              "': expected HH:MM between 00:00 and 23:59");
        }
      } else if (auto t = n->value_exact<toml::time>()) {
        *target = std::chrono::duration_cast<std::chrono::minutes>(to_seconds(*t));
      } else {
        r.wrong_type(*n, key, "a time such as \"08:00\"");
      }
    }
    if (!digest_time_set) s.digest_time = s.send_time;
    if (auto b = r.boolean("digest")) s.digest = *b, digest_set_ = true;
    if (s.send_time >= s.day_end) {
      r.reporter().error(table->source(), "send_time must be earlier than day_end in [service]");
    }

    if (auto days = r.strings("workdays")) {
      static constexpr std::array<std::string_view, 7> k_names = {"sun", "mon", "tue", "wed",
                                                                  "thu", "fri", "sat"};
      s.workdays.fill(false);
      for (const auto& [name, where] : *days) {
        auto it = std::find(k_names.begin(), k_names.end(), name);
        if (it == k_names.end()) {
          r.reporter().error(
              where, "unknown weekday '" + name + "': use mon, tue, wed, thu, fri, sat or sun");
        } else {
          s.workdays[static_cast<std::size_t>(it - k_names.begin())] = true;
        }
      }
      if (std::none_of(s.workdays.begin(), s.workdays.end(), [](bool b) { return b; }) &&
          !days->empty()) {
        // every name was wrong; already reported
      } else if (days->empty()) {
        r.reporter().error(table->get("workdays")->source(), "workdays must name at least one day");
      }
    }

    if (auto rules = r.string("holiday_rules")) {
      if (*rules == "none") {
        s.vietnam_holidays = false;
      } else if (*rules != "vietnam") {
        r.reporter().error(table->get("holiday_rules")->source(),
                           "unknown holiday_rules '" + *rules + "': use \"vietnam\" or \"none\"");
      }
    }
    if (auto globs = r.strings("holidays")) {
      s.holidays_where = r.reporter().pos(table->get("holidays")->source());
      for (auto& [glob, where] : *globs)
        s.holiday_globs.push_back(glob), holiday_glob_pos_.push_back(where);
    }
    if (table->contains("leads")) {
      s.leads = read_leads(r);
    } else {
      for (const auto& text : k_default_leads)
        s.leads.push_back(*parse_lead(text));
    }
    if (auto monitor = r.string("monitor")) {
      s.monitor = *monitor;
      monitor_pos_ = r.reporter().pos(table->get("monitor")->source());
    }
    read_chase(r, s.chase);
    if (auto d = r.duration("retry_initial")) s.retry_initial = *d;
    if (auto d = r.duration("retry_max")) s.retry_max = *d;
    if (auto d = r.duration("give_up_after")) s.give_up_after = *d;
    r.finish();
  }

  void load_email(TableReader& top, Config& config) {
    const toml::node* node = top.node("email");
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return top.wrong_type(*node, "email", "a table");
    EmailConfig& e = config.email;
    TableReader r(*table, "[email]", top.reporter());

    auto transport = r.string("transport", true);
    if (transport == "smtp") {
      e.transport = EmailConfig::Transport::smtp;
    } else if (transport == "maildir") {
      e.transport = EmailConfig::Transport::maildir;
    } else if (transport) {
      r.reporter().error(
          table->get("transport")->source(),
          "unknown email transport '" + *transport + "': use \"smtp\" or \"maildir\"");
    }
    if (auto from = r.string("from", true)) {
      std::string text = trim(*from);
      auto open = text.rfind('<');
      if (open != std::string::npos && text.back() == '>') {
        e.from_address = trim(text.substr(open + 1, text.size() - open - 2));
        e.from_name = trim(text.substr(0, open));
        if (e.from_name.size() >= 2 && e.from_name.front() == '"' && e.from_name.back() == '"') {
          e.from_name = e.from_name.substr(1, e.from_name.size() - 2);
        }
      } else {
        e.from_address = text;
      }
      if (!valid_email(e.from_address)) {
        r.reporter().error(table->get("from")->source(),
                           "invalid 'from' address '" + *from +
                               "': expected \"Name <user@example.org>\" or \"user@example.org\"");
      }
    }

    auto url = r.string("url");
    auto tls = r.string("tls");
    auto maildir = r.string("maildir");
    if (auto t = r.duration("timeout")) e.timeout = *t;
    if (auto v = r.boolean("insecure_skip_verify")) e.insecure_skip_verify = *v;
    if (auto user = r.string("username")) e.username = *user;
    e.password = read_secret(r, "password", file_.parent_path());
    if (auto ca = r.string("ca_file")) e.ca_file = resolve(*ca);

    if (e.transport == EmailConfig::Transport::smtp) {
      if (!url) {
        r.reporter().error(table->source(),
                           "missing required key 'url' in [email] for transport \"smtp\"");
      } else if (url->rfind("smtp://", 0) != 0 && url->rfind("smtps://", 0) != 0) {
        r.reporter().error(
            table->get("url")->source(),
            "invalid SMTP url '" + *url + "': expected smtp://host:port or smtps://host:port");
      } else if (has_userinfo(*url)) {
        r.reporter().error(table->get("url")->source(),
                           "the SMTP url must not contain credentials; use 'username' and "
                           "'password_file' or 'password_env'");
      } else {
        e.url = *url;
      }
      if (tls == "required") {
        e.tls_required = true;
      } else if (tls && *tls != "opportunistic") {
        r.reporter().error(
            table->get("tls")->source(),
            "unknown tls mode '" + *tls + "': use \"required\" or \"opportunistic\"");
      }
      if (maildir) {
        r.reporter().error(table->get("maildir")->source(),
                           "'maildir' applies only to transport \"maildir\"");
      }
    } else if (e.transport == EmailConfig::Transport::maildir) {
      fs::path dir = maildir ? fs::path(*maildir) : fs::path("outbox");
      e.maildir = (dir.is_absolute() ? dir : config.service.state_dir / dir).lexically_normal();
      if (url)
        r.reporter().error(table->get("url")->source(), "'url' applies only to transport \"smtp\"");
    }
    r.finish();
  }

  void load_http(TableReader& top, Config& config) {
    const toml::node* node = top.node("http");
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return top.wrong_type(*node, "http", "a table");
    HttpConfig& h = config.http;
    h.enabled = true;
    TableReader r(*table, "[http]", top.reporter());
    if (auto listen = r.string("listen")) {
      auto colon = listen->rfind(':');
      std::string host = colon == std::string::npos ? "" : listen->substr(0, colon);
      if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
      int port = 0;
      std::string digits = colon == std::string::npos ? "" : listen->substr(colon + 1);
      bool numeric =
          !digits.empty() && digits.size() <= 5 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (numeric) port = std::stoi(digits);
      if (host.empty() || port < 1 || port > 65535) {
        r.reporter().error(
            table->get("listen")->source(),
            "invalid listen '" + *listen +
                "': expected HOST:PORT such as \"127.0.0.1:8765\" or \"[::1]:8765\"");
      } else {
        h.host = host;
        h.port = static_cast<std::uint16_t>(port);
      }
    }
    if (auto url = r.string("public_url")) {
      h.public_url = *url;
      while (!h.public_url.empty() && h.public_url.back() == '/')
        h.public_url.pop_back();
      bool http_url =
          h.public_url.rfind("http://", 0) == 0 || h.public_url.rfind("https://", 0) == 0;
      if (!http_url || has_userinfo(h.public_url)) {
        r.reporter().error(table->get("public_url")->source(),
                           "public_url must be an http:// or https:// url without credentials");
      }
    } else {
      bool v6 = h.host.find(':') != std::string::npos;
      h.public_url = "http://" + (v6 ? "[" + h.host + "]" : h.host) + ":" + std::to_string(h.port);
    }
    h.secret = read_secret(r, "secret", file_.parent_path());
    if (h.secret.empty() && !table->contains("secret_file") && !table->contains("secret_env") &&
        !table->contains("secret_credential")) {
      r.reporter().error(table->source(),
                         "[http] needs the key that signs confirmation links: secret_file, "
                         "secret_env or secret_credential");
    } else if (!h.secret.empty() && h.secret.value.size() < 16) {
      r.reporter().error(table->source(),
                         "the [http] secret is too short: use at least 16 characters, e.g. "
                         "`openssl rand -base64 32`");
    }
    h.admin_token = read_secret(r, "admin_token", file_.parent_path());
    if (auto d = r.duration("link_grace")) h.link_grace = *d;
    if (auto b = r.boolean("trust_proxy")) h.trust_proxy = *b;
    r.finish();
  }

  void load_webhooks(TableReader& top, Config& config) {
    const toml::node* node = top.node("webhooks");
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return top.wrong_type(*node, "webhooks", "a table");
    for (auto&& [key, value] : *table) {
      std::string name(key.str());
      std::string context = "[webhooks." + name + "]";
      if (!valid_id(name)) {
        top.reporter().error(
            key.source(), "invalid webhook name '" + name + "': use letters, digits, '-' and '_'");
        continue;
      }
      const toml::table* hook = value.as_table();
      if (!hook) {
        top.reporter().error(value.source(), context + " must be a table");
        continue;
      }
      WebhookConfig w;
      w.name = name;
      TableReader r(*hook, context, top.reporter());
      if (auto url = r.string("url", true)) {
        if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
          r.reporter().error(hook->get("url")->source(),
                             "invalid webhook url '" + *url + "': expected http:// or https://");
        } else if (has_userinfo(*url)) {
          r.reporter().error(hook->get("url")->source(),
                             "the webhook url must not contain credentials; use 'headers' with "
                             "a secret kept out of the url");
        }
        w.url = *url;
      }
      Secret raw = read_secret(r, "secret", file_.parent_path());
      if (!raw.empty()) {
        const toml::node* where =
            hook->get("secret_file") ? hook->get("secret_file") : hook->get("secret_env");
        std::string_view text = raw.value;
        std::optional<std::string> decoded;
        if (text.rfind("whsec_", 0) == 0) decoded = codec::base64_decode(text.substr(6));
        if (!decoded || decoded->empty()) {
          r.reporter().error(where->source(),
                             "the secret of " + context + " must be 'whsec_' followed by base64");
        } else {
          w.secret.value = std::move(*decoded);
        }
      }
      if (const toml::node* headers = r.node("headers")) {
        if (const toml::table* t = headers->as_table()) {
          for (auto&& [hkey, hvalue] : *t) {
            if (auto v = hvalue.value_exact<std::string>()) {
              w.headers.emplace_back(std::string(hkey.str()), *v);
            } else {
              r.reporter().error(hvalue.source(), "header '" + std::string(hkey.str()) + "' in " +
                                                      context + " must be a string");
            }
          }
        } else {
          r.wrong_type(*headers, "headers", "a table");
        }
      }
      if (auto t = r.duration("timeout")) w.timeout = *t;
      if (auto v = r.boolean("insecure_skip_verify")) w.insecure_skip_verify = *v;
      r.finish();
      config.webhooks.emplace(name, std::move(w));
    }
  }

  void load_units(TableReader& top, Config& config) {
    const toml::node* node = top.node("units", true);
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return top.wrong_type(*node, "units", "a table");
    for (auto&& [key, value] : *table) {
      std::string id(key.str());
      std::string context = "[units." + id + "]";
      if (!valid_id(id)) {
        top.reporter().error(key.source(),
                             "invalid unit id '" + id + "': use letters, digits, '-' and '_'");
        continue;
      }
      const toml::table* t = value.as_table();
      if (!t) {
        top.reporter().error(value.source(), context + " must be a table");
        continue;
      }
      Unit unit;
      unit.id = id;
      unit.where = top.reporter().pos(t->source());
      TableReader r(*t, context, top.reporter());
      if (auto name = r.string("name", true)) unit.name = *name;
      if (auto emails = r.strings("email")) {
        for (auto& [address, where] : *emails) {
          if (!valid_email(address)) {
            r.reporter().error(where, "invalid email address '" + address + "' in " + context);
          } else {
            unit.emails.push_back(address);
          }
        }
      }
      if (auto hooks = r.strings("webhooks")) {
        for (auto& [name, where] : *hooks) {
          if (!config.webhooks.count(name)) {
            r.reporter().error(where, "unit '" + id + "' names unknown webhook '" + name + "'");
          } else {
            unit.webhooks.push_back(name);
          }
        }
      }
      r.finish();
      if (!t->contains("email") && !t->contains("webhooks")) {
        r.reporter().warning(
            unit.where, "unit '" + id + "' has no email and no webhook; it cannot be reminded");
      }
      config.units.emplace(id, std::move(unit));
    }
  }

  /// The files a glob from the main file names, sorted, each once across all globs in
  /// `seen`; reports a glob that matches nothing or cannot be read.
  std::vector<fs::path> expand(const std::string& pattern, const SourcePos& where,
                               std::string_view what, std::set<fs::path>& seen) {
    Reporter reporter(file_.string(), diagnostics_);
    fs::path full = resolve(pattern);
    glob_t matches{};
    int rc = ::glob(full.c_str(), GLOB_ERR, nullptr, &matches);
    std::vector<fs::path> files;
    for (std::size_t m = 0; rc == 0 && m < matches.gl_pathc; ++m)
      files.emplace_back(matches.gl_pathv[m]);
    globfree(&matches);
    if (rc == GLOB_ABORTED) {
      reporter.error(where,
                     "cannot read the folder of " + std::string(what) + " glob '" + pattern + "'");
      return {};
    }
    if (files.empty()) {
      reporter.warning(where, std::string(what) + " glob '" + pattern + "' matches no file");
      return {};
    }
    std::sort(files.begin(), files.end());
    std::vector<fs::path> out;
    for (const fs::path& file : files) {
      std::error_code ec;
      fs::path canonical = fs::weakly_canonical(file, ec);
      if (seen.insert(ec ? file : canonical).second) out.push_back(file);
    }
    return out;
  }

  /// What one plan file yields, loaded on its own so that files load in parallel.
  struct PlanFile {
    std::optional<Plan> plan;
    std::optional<SourcePos> id_where;  ///< of a valid plan id, for the duplicate check
    std::vector<Diagnostic> diagnostics;
    std::vector<std::pair<std::string, SourcePos>> escalate_refs;
  };

  /// Plan files are parsed and read on every core, each by its own Loader; each toml++
  /// document is freed once its plan is read, so memory holds the plans plus a document per
  /// core, not every document. Plans, diagnostics and the duplicate-id check then follow
  /// the files' order, as if read one by one.
  void load_plans(Config& config) {
    std::set<fs::path> seen_files;
    std::vector<fs::path> files;
    for (std::size_t i = 0; i < config.service.plan_globs.size(); ++i) {
      for (fs::path& file :
           expand(config.service.plan_globs[i], plan_glob_pos_[i], "plans", seen_files))
        files.push_back(std::move(file));
    }
    std::vector<PlanFile> loaded(files.size());
    util::parallel_for(files.size(), [&](std::size_t i) {
      Loader one(file_);
      PlanFile& out = loaded[i];
      out.plan = one.load_plan_file(files[i], config, out.id_where);
      out.diagnostics = std::move(one.diagnostics_);
      out.escalate_refs = std::move(one.escalate_refs_);
    });
    std::map<std::string, SourcePos> plan_ids;
    for (PlanFile& one : loaded) {
      std::move(one.diagnostics.begin(), one.diagnostics.end(), std::back_inserter(diagnostics_));
      std::move(one.escalate_refs.begin(), one.escalate_refs.end(),
                std::back_inserter(escalate_refs_));
      if (!one.plan) continue;
      if (one.id_where) {
        if (auto [it, inserted] = plan_ids.emplace(one.plan->id, *one.id_where); !inserted) {
          Reporter(one.id_where->file, diagnostics_)
              .error(*one.id_where, "duplicate plan id '" + one.plan->id + "' (first defined at " +
                                        it->second.file + ":" + std::to_string(it->second.line) +
                                        ":" + std::to_string(it->second.column) + ")");
        }
      }
      config.plans.push_back(std::move(*one.plan));
    }
  }

  void load_holidays(ServiceConfig& service) {
    std::set<fs::path> seen_files;
    DecisionPlaces places;
    for (std::size_t i = 0; i < service.holiday_globs.size(); ++i) {
      for (const fs::path& file :
           expand(service.holiday_globs[i], holiday_glob_pos_[i], "holidays", seen_files))
        load_holiday_file(file, service, places, diagnostics_);
    }
    // A holiday fixed by law on a rest day needs a compensatory day in its decision.
    for (const auto& [key, where] : places) {
      for (const auto& day :
           calendar::uncompensated_holidays(key.first, service.workdays, service.decisions)) {
        if (day.occasion != key.second) continue;
        Reporter(where.file, diagnostics_)
            .warning(where, day.name + " (" + date::format("%d/%m/%Y", day.date) +
                                ") falls on a weekly rest day, and this decision gives no day "
                                "off in the week after it (nghỉ bù, Labor Code 2019 Art. 111); "
                                "list it under 'compensatory'");
      }
    }
  }

  /// One plan file; `id_where` is set to the position of a valid plan id.
  std::optional<Plan> load_plan_file(const fs::path& file, const Config& config,
                                     std::optional<SourcePos>& id_where) {
    auto root = parse(file);
    if (!root) return std::nullopt;
    Reporter reporter(file.string(), diagnostics_);
    TableReader top(*root, "the plan file", reporter);
    Plan plan;
    plan.where = reporter.file_pos();
    std::vector<Lead> plan_leads = config.service.leads;
    Chase plan_chase = config.service.chase;
    if (const toml::node* node = top.node("plan", true)) {
      if (const toml::table* t = node->as_table()) {
        TableReader r(*t, "[plan]", reporter);
        plan.where = reporter.pos(t->source());
        if (auto id = r.string("id", true)) {
          plan.id = *id;
          if (!valid_id(*id)) {
            reporter.error(t->get("id")->source(),
                           "invalid plan id '" + *id + "': use letters, digits, '-' and '_'");
          } else {
            id_where = reporter.pos(t->get("id")->source());
          }
        }
        if (auto v = r.string("number")) plan.number = *v;
        if (auto v = r.string("title", true)) plan.title = *v;
        if (auto v = r.string("basis")) plan.basis = *v;
        if (const toml::node* d = r.node("date")) {
          if (auto v = d->value_exact<toml::date>())
            plan.date = to_local_days(*v);
          else
            r.wrong_type(*d, "date", "a date such as 2020-07-15");
        }
        if (t->contains("leads")) plan_leads = read_leads(r);
        read_chase(r, plan_chase);
        r.finish();
      } else {
        top.wrong_type(*node, "plan", "a table");
      }
    }
    if (const toml::node* node = top.node("task")) {
      if (const toml::array* tasks = node->as_array(); tasks && tasks->is_array_of_tables()) {
        plan.tasks.reserve(tasks->size());
        std::map<std::string, SourcePos> task_ids;
        for (const toml::node& element : *tasks) {
          if (auto task = load_task(*element.as_table(), reporter, config, plan_leads, plan_chase,
                                    task_ids)) {
            plan.tasks.push_back(std::move(*task));
          }
        }
        check_dependencies(plan, task_ids, reporter);
      } else {
        top.wrong_type(*node, "task", "an array of tables ([[task]])");
      }
    } else {
      reporter.warning(plan.where, "plan '" + plan.id + "' has no [[task]]");
    }
    top.finish();
    return plan;
  }

  /// The chase keys of a [service], [plan] or [[task]] table over `chase` (the inherited
  /// values). Unit ids in escalate_to are checked once the units are known.
  void read_chase(TableReader& r, Chase& chase) {
    if (auto b = r.boolean("overdue")) chase.enabled = *b, overdue_set_ = true;
    if (const toml::node* d = r.node("overdue_delay")) {
      auto text = d->value_exact<std::string>();
      auto zero = text ? parse_duration(*text) : std::nullopt;
      if (zero && zero->count() == 0) {
        chase.delay = Seconds{0};  // "0s": at the deadline itself
      } else if (auto delay = r.duration("overdue_delay")) {
        chase.delay = *delay;
      }
    }
    auto working_days = [&](std::string_view key, int& target, bool zero_ok) {
      const toml::node* n = r.node(key);
      if (!n) return;
      auto text = n->value_exact<std::string>();
      auto lead = text ? parse_lead(*text) : std::nullopt;
      if (!lead || lead->kind != Lead::Kind::working_days || (!zero_ok && lead->amount == 0) ||
          lead->amount > 366) {
        r.reporter().error(n->source(), "'" + std::string(key) + "' in " + r.context() +
                                            " must be a number of working days such as \"" +
                                            (zero_ok ? "2wd" : "5wd") + "\"");
        return;
      }
      target = static_cast<int>(lead->amount);
    };
    working_days("overdue_every", chase.every, true);
    working_days("escalate_after", chase.escalate_after, true);
    working_days("overdue_until", chase.until, false);
    if (auto units = r.strings("escalate_to")) {
      chase.escalate_to.clear();
      for (auto& [unit, where] : *units) {
        chase.escalate_to.push_back(unit);
        escalate_refs_.emplace_back(unit, where);
      }
    }
  }

  /// `recur`, `from` and `until`.
  void read_recurrence(TableReader& r, const toml::table& t, const std::string& label, Task& task) {
    Reporter& reporter = r.reporter();
    Recurrence& recurrence = task.recurrence;
    if (auto text = r.string("recur")) {
      if (auto parsed = parse_recurrence(*text)) {
        recurrence = *parsed;
      } else {
        reporter.error(t.get("recur")->source(),
                       "malformed recur '" + *text +
                           "': use monthly, quarterly, 6-monthly, 9-monthly or yearly (after "
                           "\"nd09 \" for the periods of Decree 09/2019), or \"every N days\", "
                           "\"every N weeks\", \"every N months\"");
      }
    }
    for (auto [key, target] : {std::pair{"from", &recurrence.from}, {"until", &recurrence.until}}) {
      const toml::node* n = r.node(key);
      if (!n) continue;
      if (auto d = n->value_exact<toml::date>()) {
        *target = to_local_days(*d);
      } else {
        r.wrong_type(*n, key, "a date");
      }
      if (!t.contains("recur")) {
        reporter.error(n->source(), "'" + std::string(key) + "' applies to recurring tasks; " +
                                        label + " has no 'recur'");
      }
    }
    bool every = recurrence.kind == Recurrence::Kind::every_days ||
                 recurrence.kind == Recurrence::Kind::every_months;
    if (every && !recurrence.from) {
      reporter.error(t.get("recur")->source(),
                     label +
                         " recurs every N days, weeks or months and needs 'from', the first "
                         "day of its first period");
    }
    if (recurrence.from && recurrence.until && *recurrence.until < *recurrence.from) {
      reporter.error(t.get("until")->source(), "'until' is before 'from' in " + label);
    }
  }

  /// `due` or `before`: a date, a date-time, or a rule computed per occurrence.
  void read_deadline(TableReader& r, const toml::table& t, const std::string& label, Task& task) {
    Reporter& reporter = r.reporter();
    const toml::node* due = r.node("due");
    const toml::node* before = r.node("before");
    bool recurring = task.recurrence.kind != Recurrence::Kind::none;
    if (due && before) {
      return reporter.error(before->source(),
                            label + " has both 'due' and 'before'; give exactly one");
    }
    if (!due && !before) {
      if (recurring && task.recurrence.nd09) {
        task.due.kind = DueSpec::Kind::rule;
        task.due.rule = nd09_due_rule();
        return;
      }
      return reporter.error(t.source(), label + " needs a deadline: 'due' or 'before'");
    }
    const toml::node& node = due ? *due : *before;
    std::string key = due ? "due" : "before";
    task.due_where = reporter.pos(node.source());
    if (auto text = node.value_exact<std::string>()) {
      auto rule = parse_due_rule(*text);
      if (!rule) {
        return reporter.error(node.source(),
                              "malformed " + key + " rule '" + *text +
                                  "': use \"day D\", \"day D of next month\", \"day D of month "
                                  "M\", \"N days after end\", \"Nwd after end\" or \"Nwd before "
                                  "TASK\"");
      }
      bool from_task = rule->kind == DueRule::Kind::before_task;
      if (from_task && recurring) {
        return reporter.error(
            t.get("recur")->source(),
            label + " takes its occurrences from task '" + rule->task + "'; remove 'recur'");
      }
      if (from_task && before) {
        return reporter.error(node.source(), "write '" + *text + "' as due, not before");
      }
      if (!from_task && !recurring && !t.contains("recur")) {
        return reporter.error(node.source(), key + " rule '" + *text +
                                                 "' counts from the period of a recurring "
                                                 "task, and " +
                                                 label + " has no 'recur'");
      }
      task.due.kind = DueSpec::Kind::rule;
      task.due.rule = std::move(*rule);
      task.due.rule_before = before != nullptr;
      return;
    }
    if (recurring) {
      return r.wrong_type(node, key, "a rule such as \"day 20 of next month\" in a recurring task");
    }
    if (before) {
      if (auto d = before->value_exact<toml::date>()) {
        task.due.kind = DueSpec::Kind::before;
        task.due.day = to_local_days(*d);
      } else {
        r.wrong_type(*before, "before", "a date");
      }
      return;
    }
    if (auto d = due->value_exact<toml::date>()) {
      task.due.kind = DueSpec::Kind::date;
      task.due.day = to_local_days(*d);
    } else if (auto dt = due->value_exact<toml::date_time>()) {
      LocalSeconds local{to_local_days(dt->date).time_since_epoch() + to_seconds(dt->time)};
      if (dt->offset) {
        task.due.kind = DueSpec::Kind::offset_datetime;
        task.due.instant =
            SysSeconds{local.time_since_epoch() - std::chrono::minutes{dt->offset->minutes}};
      } else {
        task.due.kind = DueSpec::Kind::local_datetime;
        task.due.local_time = local;
      }
    } else {
      r.wrong_type(*due, "due", "a date, a date-time or a rule such as \"3wd before report\"");
    }
  }

  /// Each "before TASK" rule names a task of the plan, and no chain of them loops.
  void check_dependencies(const Plan& plan, const std::map<std::string, SourcePos>& task_ids,
                          Reporter& reporter) {
    for (const Task& task : plan.tasks) {
      if (task.due.kind != DueSpec::Kind::rule || task.due.rule.kind != DueRule::Kind::before_task)
        continue;
      const std::string& target = task.due.rule.task;
      if (!task_ids.count(target)) {
        reporter.error(task.due_where, "task '" + task.id + "' is due before unknown task '" +
                                           target + "' of plan '" + plan.id + "'");
        continue;
      }
      const Task* step = &task;
      for (std::size_t i = 0; step && i <= plan.tasks.size(); ++i) {
        if (step->due.kind != DueSpec::Kind::rule ||
            step->due.rule.kind != DueRule::Kind::before_task) {
          step = nullptr;
        } else {
          step = plan.find_task(step->due.rule.task);
          if (step == &task) break;
        }
      }
      if (step == &task) {
        reporter.error(task.due_where,
                       "task '" + task.id + "' depends on its own deadline through 'before'");
      }
    }
  }

  std::optional<Task> load_task(const toml::table& t, Reporter& reporter, const Config& config,
                                const std::vector<Lead>& plan_leads, const Chase& plan_chase,
                                std::map<std::string, SourcePos>& task_ids) {
    TableReader r(t, "[[task]]", reporter);
    Task task;
    task.where = reporter.pos(t.source());
    std::size_t errors_before = error_count();
    if (auto id = r.string("id", true)) {
      task.id = *id;
      SourcePos where = reporter.pos(t.get("id")->source());
      if (!valid_id(*id)) {
        reporter.error(where, "invalid task id '" + *id + "': use letters, digits, '-' and '_'");
      } else if (auto [it, inserted] = task_ids.emplace(*id, where); !inserted) {
        reporter.error(where, "duplicate task id '" + *id + "' (first defined at line " +
                                  std::to_string(it->second.line) + ")");
      }
    }
    std::string label = task.id.empty() ? std::string("task") : "task '" + task.id + "'";
    if (auto v = r.string("title", true)) task.title = *v;
    if (auto v = r.string("detail")) task.detail = *v;
    if (auto v = r.string("report_to")) task.report_to = *v;
    auto units = [&](std::string_view key, bool required, std::vector<std::string>& out) {
      auto list = r.strings(key, required);
      if (!list) return;
      if (list->empty() && required) {
        reporter.error(t.get(key)->source(), label + " has no " + std::string(key) + " unit");
      }
      for (auto& [unit, where] : *list) {
        if (!config.find_unit(unit)) {
          reporter.error(where, label + " names unknown unit '" + unit + "'");
        } else if (std::find(out.begin(), out.end(), unit) == out.end()) {
          out.push_back(unit);
        }
      }
    };
    units("responsible", true, task.responsible);
    units("coordinating", false, task.coordinating);

    read_recurrence(r, t, label, task);
    read_deadline(r, t, label, task);

    if (auto rule = r.string("non_working_day")) {
      if (*rule == "keep") {
        task.move_off_non_working_day = false;
      } else if (*rule != "next") {
        reporter.error(t.get("non_working_day")->source(),
                       "unknown non_working_day '" + *rule + "': use \"next\" or \"keep\"");
      }
    }
    task.leads = t.contains("leads") ? read_leads(r) : plan_leads;
    task.chase = plan_chase;
    read_chase(r, task.chase);
    r.finish();
    if (error_count() != errors_before) return std::nullopt;
    return task;
  }

  std::size_t error_count() const {
    return static_cast<std::size_t>(std::count_if(
        diagnostics_.begin(), diagnostics_.end(),
        [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; }));
  }

  fs::path file_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<SourcePos> plan_glob_pos_;
  std::vector<SourcePos> holiday_glob_pos_;
  std::vector<std::pair<std::string, SourcePos>> escalate_refs_;
  bool overdue_set_ = false;
  bool digest_set_ = false;
  SourcePos monitor_pos_;
};

}  // namespace

LoadResult load_config(const std::filesystem::path& file) {
  return Loader(file).load();
}

}  // namespace deadlined::config
