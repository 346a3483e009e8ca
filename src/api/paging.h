// What ListAccounts and ListUsers share: the max-results / next-token query members and the
// {"<Items>": [...], "NextToken": ...} answer over a keyset page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/call.h"
#include "api/page_token.h"
#include "api/render.h"
#include "store/store.h"

namespace chime::api {

// Reads MaxResults (1..200, default 100) and NextToken (a token of `kind`) from the query.
Status ParsePaging(const Call& call, std::string_view kind, int* limit, int64_t* after_seq);

// Renders one page; `write_item(JsonWriter&, const T&)` writes each item.
template <typename T, typename WriteItem>
std::string RenderPage(const char* member, const store::Page<T>& page, std::string_view kind,
                       WriteItem write_item) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key(member);
  w.StartArray();
  for (const T& item : page.items) write_item(w, item);
  w.EndArray();
  if (page.next_seq) {
    w.Key("NextToken");
    WriteString(w, EncodePageToken(kind, *page.next_seq));
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace chime::api
