#include "http/framing.h"

#include <array>

#include "http/message.h"

namespace chime::http {
namespace {

// RFC 9110 tchar, as a table: this runs for every byte of every header name.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~")) t[c] = true;
  return t;
}();

bool IsTokenChar(unsigned char c) { return kTokenChars[c]; }

// The two byte scans below run over every header byte of every request. They are written as
// byte-wide OR reductions without an early exit, a shape the compiler vectorises.

// Whether a field value holds a control character other than HTAB (RFC 9110 5.5).
bool HasControlChar(std::string_view value) {
  unsigned char bad = 0;
  for (unsigned char c : value) {
    bad |= static_cast<unsigned char>(((c < 0x20) & (c != '\t')) | (c == 0x7f));
  }
  return bad != 0;
}

// Whether a request-target holds a byte outside visible ASCII (space, controls, DEL, non-ASCII).
bool HasNonVisibleChar(std::string_view target) {
  unsigned char bad = 0;
  for (unsigned char c : target) bad |= static_cast<unsigned char>((c <= 0x20) | (c >= 0x7f));
  return bad != 0;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HeadCheck Reject(HeadVerdict verdict, const char* reason) { return {verdict, 0, reason}; }

// What the field lines said about message framing, gathered while scanning.
struct Framing {
  int content_length_fields = 0;
  int transfer_encoding_fields = 0;
  int host_fields = 0;
  int chunked_codings = 0;       // "chunked" may be applied once only
  std::string_view last_coding;  // the last transfer coding seen, trimmed
  bool http11 = false;
};

// Checks one field line (without its CRLF). Returns a rejection reason or nullptr.
const char* CheckField(std::string_view line, Framing& f) {
  if (line.front() == ' ' || line.front() == '\t') return "obsolete line folding is not allowed";
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "a header field has no colon";
  std::string_view name = line.substr(0, colon);
  if (name.empty()) return "a header field has an empty name";
  for (unsigned char c : name) {
    if (c == ' ' || c == '\t') return "whitespace before a header colon is not allowed";
    if (!IsTokenChar(c)) return "a header field name has an invalid character";
  }
  std::string_view value = TrimOws(line.substr(colon + 1));
  if (HasControlChar(value)) return "a header value has a control character";
  if (HeaderNameEquals(name, "content-length")) {
    ++f.content_length_fields;
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
      return "Content-Length must be a single decimal number";
    }
    if (value.size() > 18) return "Content-Length is out of range";
  } else if (HeaderNameEquals(name, "transfer-encoding")) {
    ++f.transfer_encoding_fields;
    for (std::string_view rest = value;;) {
      size_t comma = rest.find(',');
      f.last_coding = TrimOws(rest.substr(0, comma));
      std::string_view name = TrimOws(f.last_coding.substr(0, f.last_coding.find(';')));
      if (name.empty()) return "an empty transfer coding";
      for (unsigned char c : name) {
        if (!IsTokenChar(c)) return "a transfer coding has an invalid character";
      }
      if (HeaderNameEquals(f.last_coding, "chunked")) ++f.chunked_codings;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (HeaderNameEquals(name, "host")) {
    ++f.host_fields;
  }
  return nullptr;
}

// Checks "METHOD SP request-target SP HTTP/x.y" (without CRLF).
HeadCheck CheckRequestLine(std::string_view line, const HeadLimits& limits, Framing& f) {
  size_t sp1 = line.find(' ');
  if (sp1 == 0 || sp1 == std::string_view::npos) {
    return Reject(HeadVerdict::kBadRequest, "malformed request line");
  }
  for (unsigned char c : line.substr(0, sp1)) {
    if (!IsTokenChar(c)) return Reject(HeadVerdict::kBadRequest, "malformed method");
  }
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    if (line.size() - sp1 - 1 > limits.max_uri_bytes) {
      return Reject(HeadVerdict::kUriTooLong, "the request URI is too long");
    }
    return Reject(HeadVerdict::kBadRequest, "malformed request line");
  }
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.size() > limits.max_uri_bytes) {
    return Reject(HeadVerdict::kUriTooLong, "the request URI is too long");
  }
  if (target.empty()) return Reject(HeadVerdict::kBadRequest, "empty request target");
  if (HasNonVisibleChar(target)) {
    return Reject(HeadVerdict::kBadRequest, "the request target has an invalid character");
  }
  std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    f.http11 = true;
  } else if (version != "HTTP/1.0") {
    return Reject(HeadVerdict::kBadRequest, "unsupported HTTP version");
  }
  return {HeadVerdict::kOk, 0, ""};
}

// Message-level rules, once every field line has been seen (RFC 9112 6.1, 6.3, 3.2).
const char* CheckFraming(const Framing& f) {
  if (f.transfer_encoding_fields > 0) {
    if (f.content_length_fields > 0) return "Content-Length and Transfer-Encoding together";
    if (!HeaderNameEquals(f.last_coding, "chunked")) {
      return "the last transfer coding must be chunked";
    }
    if (f.chunked_codings > 1) return "chunked may be applied only once";
  }
  if (f.content_length_fields > 1) return "more than one Content-Length";
  if (f.http11 && f.host_fields != 1) return "an HTTP/1.1 request needs exactly one Host";
  return nullptr;
}

}  // namespace

HeadCheck CheckRequestHead(std::string_view data, const HeadLimits& limits) {
  Framing framing;
  size_t pos = 0;
  size_t fields = 0;
  bool request_line = true;
  for (;;) {
    size_t lf = data.find('\n', pos);
    size_t end = lf == std::string_view::npos ? data.size() : lf;
    // Bytes of an incomplete line are checked too, so a trickled bad byte is caught early.
    std::string_view line = data.substr(pos, end - pos);
    if (line.find('\0') != std::string_view::npos) {
      return Reject(HeadVerdict::kBadRequest, "NUL in the request head");
    }
    if (lf == std::string_view::npos) {
      if (request_line && line.size() > limits.max_uri_bytes + 32 &&
          line.find(' ', line.find(' ') + 1) == std::string_view::npos) {
        return Reject(HeadVerdict::kUriTooLong, "the request URI is too long");
      }
      if (data.size() > limits.max_header_bytes) {
        return Reject(HeadVerdict::kHeaderTooLarge, "the request header is too large");
      }
      return {HeadVerdict::kNeedMore, 0, ""};
    }
    if (line.empty() || line.back() != '\r') {
      return Reject(HeadVerdict::kBadRequest, "lines must end with CRLF");
    }
    line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) {
      return Reject(HeadVerdict::kBadRequest, "a bare CR in the request head");
    }
    pos = lf + 1;
    if (request_line) {
      HeadCheck c = CheckRequestLine(line, limits, framing);
      if (c.verdict != HeadVerdict::kOk) return c;
      request_line = false;
    } else if (line.empty()) {
      if (pos > limits.max_header_bytes) {
        return Reject(HeadVerdict::kHeaderTooLarge, "the request header is too large");
      }
      if (const char* why = CheckFraming(framing)) return Reject(HeadVerdict::kBadRequest, why);
      return {HeadVerdict::kOk, pos, ""};
    } else {
      if (++fields > limits.max_header_count) {
        return Reject(HeadVerdict::kHeaderTooLarge, "too many header fields");
      }
      if (const char* why = CheckField(line, framing)) {
        return Reject(HeadVerdict::kBadRequest, why);
      }
    }
    if (pos > limits.max_header_bytes) {
      return Reject(HeadVerdict::kHeaderTooLarge, "the request header is too large");
    }
  }
}

}  // namespace chime::http
