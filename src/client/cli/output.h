// chimectl's --output formats for a response document (already in model order):
//  * json:  byte-identical to the AWS CLI (json.dumps(indent=4, ensure_ascii=False));
//  * text:  the AWS CLI's text layout: one line per object, IDENTIFIER then its scalar values
//           tab-separated in key order, nested objects and list items on their own lines;
//  * table: boxed tables, one per object or list of objects, for reading by people.
#pragma once

#include <rapidjson/document.h>

#include <ostream>
#include <string>
#include <string_view>

namespace chime::client::cli {

// True for "json", "text" and "table".
bool IsOutputFormat(std::string_view format);

// Writes `doc` in `format` followed by a newline. `title` (the operation name) heads a table.
// An empty object prints nothing, as the AWS CLI does for operations without output.
void PrintDocument(const rapidjson::Value& doc, std::string_view format, std::string_view title,
                   std::ostream& out);

}  // namespace chime::client::cli
