#include "api/json_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chime::api {
namespace {

// Writes the same document through `W`: an object of every string (as member and as value),
// then an array of them.
template <class W>
std::string Document(const std::vector<std::string>& strings) {
  rapidjson::StringBuffer buf;
  W w(buf);
  w.StartObject();
  for (const std::string& s : strings) {
    w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.Key("Plain");
  w.String("NotSent");
  w.Key("List");
  w.StartArray();
  for (const std::string& s : strings) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.Int(7);
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

TEST(JsonWriterTest, SameOutputAsRapidjson) {
  std::vector<std::string> strings = {"", "UserId", "2018-12-20T18:45:25.231Z",
                                      "quote\"d", "back\\slash", "tab\there", "line\nbreak",
                                      std::string("nul\x00in", 6), "\x1f\x7f", "caf\xc3\xa9 \xf0\x9f\x98\x80",
                                      "slash/ok", std::string(300, 'x')};
  for (int c = 0; c < 256; ++c) strings.push_back(std::string(1, static_cast<char>(c)) + "ab");
  EXPECT_EQ(Document<JsonWriter>(strings),
            Document<rapidjson::Writer<rapidjson::StringBuffer>>(strings));
}

}  // namespace
}  // namespace chime::api
