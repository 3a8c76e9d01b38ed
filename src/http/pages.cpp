#include "http/pages.hpp"

namespace deadlined::http {
std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string page(std::string_view title, std::string_view body_html) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>";
  out += escape_html(title);
  out +=
      "</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
      "color:#1a1a1a;line-height:1.5}\n"
      "h1{font-size:1.4rem}h2{font-size:1.2rem}table{border-collapse:collapse;width:100%}\n"
      "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;"
      "vertical-align:top}\n"
      ".ok{color:#11632b;font-weight:600}.warn{color:#8a1c1c;font-weight:600}\n"
      // The desk: at a phone's width nothing is wider than the screen.
      "td,li,code{overflow-wrap:anywhere}table{table-layout:fixed}\n"
      ".filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}"
      ".filters label{display:flex;flex-direction:column;font-size:.9rem;min-width:0;"
      "flex:1 1 9rem}.filters select,.filters input{max-width:100%}\n"
      ".occurrence{border:1px solid #ddd;border-radius:6px;padding:.2rem .8rem;margin:.8rem 0}"
      "h3{font-size:1.05rem;margin:.5rem 0 .2rem}.meta{margin:0 0 .4rem;color:#444}\n"
      ".units{list-style:none;padding:0;margin:0}.units li{padding:.4rem 0 .4rem .6rem;"
      "border-left:4px solid #999;margin:.3rem 0}.unit{font-weight:600}\n"
      ".st-on-time{border-color:#11632b!important}.st-on-time .state{color:#11632b}\n"
      ".st-late{border-color:#9a5b00!important}.st-late .state{color:#9a5b00}\n"
      ".st-open{border-color:#1f4e8c!important}.st-open .state{color:#1f4e8c}\n"
      ".st-overdue{border-color:#8a1c1c!important}.st-overdue .state{color:#8a1c1c;"
      "font-weight:600}\n.note{white-space:pre-line}.keys{font-size:.8rem;color:#666}\n"
      ".act{margin:.3rem 0}.act form{display:flex;flex-direction:column;gap:.3rem;"
      "max-width:28rem}.act label{display:flex;flex-direction:column;font-size:.9rem}"
      ".act input,.act textarea{max-width:100%;box-sizing:border-box}\n"
      "button{font-size:1rem;padding:.5rem 1.2rem;background:#11632b;color:#fff;border:0;"
      "border-radius:4px;cursor:pointer}\n"
      "textarea{width:100%;min-height:4rem}.muted{color:#666;font-size:.9rem}\n"
      "</style>\n</head>\n<body>\n";
  out += body_html;
  out += "\n</body>\n</html>\n";
  return out;
}

std::string message_page(std::string_view title, std::string_view message) {
  return page(title, "<h1>" + escape_html(title) + "</h1>\n<p>" + escape_html(message) + "</p>");
}

Response html_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response text_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace deadlined::http
