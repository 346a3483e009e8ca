// Names the calling thread, so that `top -H`, `ps -L`, perf and gdb tell chimed's threads
// apart (the I/O threads, the store's writer, its checkpointer...). Linux keeps at most 15
// bytes of a thread's name; longer names are cut there. Failure is ignored: a name is a
// convenience for whoever watches the process, never something chimed relies on.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chime {

inline constexpr std::size_t kMaxThreadNameBytes = 15;

void NameThisThread(std::string_view name);

// The calling thread's name as the kernel reports it ("" if it cannot be read).
std::string ThisThreadName();

}  // namespace chime
