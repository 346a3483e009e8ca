#include "api/paging.h"

#include "api/operations/inputs.h"
#include "model/validation.h"

namespace chime::api {

Status ParsePaging(const Call& call, std::string_view kind, int* limit, int64_t* after_seq) {
  ASSIGN_OR_RETURN(auto max, QueryMember(call, "max-results"));
  ASSIGN_OR_RETURN(*limit, model::ParseMaxResults(max));
  ASSIGN_OR_RETURN(auto token, QueryMember(call, "next-token"));
  if (token) {
    ASSIGN_OR_RETURN(*after_seq, DecodePageToken(kind, *token));
  }
  return OkStatus();
}

}  // namespace chime::api
