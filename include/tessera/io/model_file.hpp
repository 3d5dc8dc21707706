// tessera/io/model_file.hpp — the versioned, checksummed model-file container.
//
// `io::save(obj, path)` / `io::load<T>(path)` for any `serializable` T (fitted
// transformer, predictor, fitted pipeline), and the in-memory pair
// `save_to_string` / `load_from_string`. Byte layout (little-endian, no padding;
// docs/io.md has the full table and every error message):
//
//   magic "TSRAMDL\0" (8) | format version u32 | library version u16 x3 |
//   type tag length u32 | type tag | payload length u64 | payload |
//   XXH64 (seed 0) of everything before it, u64
//
// Writing follows the usual atomic-replace recipe (write a unique temporary in
// the target's directory, fsync, rename over the target, fsync the directory),
// so a crash never leaves a half-written file where a good one stood. Reading
// trusts nothing before it has checked the magic, the format version, the
// lengths and the checksum, in that order; then the type tag; then the payload
// must decode and be consumed exactly. POSIX only (open/fsync/rename).
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/hash.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/version.hpp>

namespace tessera::io {

inline constexpr std::string_view model_magic{"TSRAMDL\0", 8};
// The container layout this build writes and the newest it reads.
inline constexpr std::uint32_t model_format_version = 1;
// Type tags longer than this are treated as corruption, not allocated.
inline constexpr std::uint32_t max_type_tag_size = 1u << 16;

// What the header of a checked model file says.
struct model_header {
    std::uint32_t format_version = 0;
    version_info library_version{};  // the tessera that wrote the file
    std::string type_tag;
    std::uint64_t payload_size = 0;
};

namespace detail {

using tessera::detail::concat;

struct parsed_model {
    model_header header;
    std::string_view payload;
};

inline std::string hex64(std::uint64_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int i = 15; i >= 0; --i) s += digits[(v >> (4 * i)) & 0xF];
    return s;
}

// Checks everything that does not depend on the type: magic, format version,
// lengths and checksum. `source` names the file (or "in-memory model") in errors.
inline parsed_model parse_model(std::string_view bytes, std::string_view source) {
    const std::size_t size = bytes.size();
    const auto truncated = [&](std::string_view inside, std::uint64_t need) {
        return format_error(concat(source, ": truncated model file: it has ", size,
                                   " bytes and ends inside the ", inside, " (needs at least ",
                                   need, " bytes)"));
    };
    if (size < model_magic.size() || bytes.substr(0, model_magic.size()) != model_magic) {
        if (size < model_magic.size() && model_magic.substr(0, size) == bytes)
            throw truncated("magic bytes", model_magic.size());
        throw format_error(concat(source, ": not a tessera model file (the first 8 bytes are ",
                                  "not the magic \"TSRAMDL\\0\")"));
    }
    std::size_t pos = model_magic.size();
    const auto get = [&]<class U>(U& out, std::string_view field) {
        if (size - pos < sizeof(U)) throw truncated(field, pos + sizeof(U));
        std::memcpy(&out, bytes.data() + pos, sizeof(U));
        pos += sizeof(U);
    };
    parsed_model m;
    get(m.header.format_version, "format version");
    if (m.header.format_version == 0)
        throw format_error(concat(source, ": format version 0 is not valid; the file is corrupt"));
    if (m.header.format_version > model_format_version)
        throw format_error(concat(source, ": model format version ", m.header.format_version,
                                  " is newer than this build of tessera (", version_string,
                                  ") reads: it reads format version ", model_format_version,
                                  "; load the file with a newer tessera"));
    get(m.header.library_version.major, "library version");
    get(m.header.library_version.minor, "library version");
    get(m.header.library_version.patch, "library version");
    std::uint32_t tag_size = 0;
    get(tag_size, "type tag length");
    if (tag_size > max_type_tag_size)
        throw format_error(concat(source, ": type tag length ", tag_size,
                                  " exceeds the maximum of ", max_type_tag_size,
                                  "; the file is corrupt"));
    if (size - pos < tag_size) throw truncated("type tag", pos + tag_size);
    m.header.type_tag.assign(bytes.data() + pos, tag_size);
    pos += tag_size;
    get(m.header.payload_size, "payload length");
    constexpr std::size_t checksum_size = sizeof(std::uint64_t);
    if (m.header.payload_size > size - pos || size - pos - m.header.payload_size < checksum_size)
        throw format_error(concat(source, ": truncated model file: it has ", size,
                                  " bytes, but its header announces a ", m.header.payload_size,
                                  "-byte payload, which with the 8-byte checksum needs ",
                                  concat(pos, " + ", m.header.payload_size, " + 8"), " bytes"));
    m.payload = bytes.substr(pos, static_cast<std::size_t>(m.header.payload_size));
    pos += static_cast<std::size_t>(m.header.payload_size);
    if (size - pos > checksum_size)
        throw format_error(concat(source, ": ", size - pos - checksum_size,
                                  " unexpected bytes after the checksum; the file is corrupt"));
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + pos, checksum_size);
    const std::uint64_t computed = hash64(bytes.data(), pos);
    if (stored != computed)
        throw format_error(concat(source, ": checksum mismatch (stored ", hex64(stored),
                                  ", computed ", hex64(computed), "): the file is corrupted"));
    return m;
}

// Throws io_error "<what> '<path>': <strerror(errno)>".
[[noreturn]] inline void throw_errno(std::string_view what, const std::filesystem::path& path,
                                     int err) {
    throw io_error(concat("tessera::io: ", what, " '", path.string(), "': ",
                          std::strerror(err)));
}

inline void write_all(int fd, const std::string& bytes, const std::filesystem::path& tmp) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ::ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("cannot write", tmp, errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

// "<target>.tmp-<pid>-<counter>-<time>": unique within the process by the
// counter, across processes by the pid; O_EXCL guards the rest.
inline std::filesystem::path temp_name(const std::filesystem::path& target) {
    static std::atomic<std::uint64_t> counter{0};
    const auto now = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    std::filesystem::path tmp = target;
    tmp += concat(".tmp-", ::getpid(), "-", counter.fetch_add(1), "-", hex64(now).substr(10));
    return tmp;
}

inline void write_file_atomically(const std::string& bytes, const std::filesystem::path& path) {
    std::filesystem::path tmp;
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        tmp = temp_name(path);
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && (errno != EEXIST || attempt == 100))
            throw io_error(concat("tessera::io::save: cannot create the temporary file '",
                                  tmp.string(), "' to write '", path.string(), "': ",
                                  std::strerror(errno)));
    }
    try {
        write_all(fd, bytes, tmp);
        if (::fsync(fd) != 0) throw_errno("cannot flush (fsync)", tmp, errno);
        const int rc = ::close(fd);
        fd = -1;
        if (rc != 0) throw_errno("cannot close", tmp, errno);
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw io_error(concat("tessera::io::save: cannot rename '", tmp.string(), "' to '",
                                  path.string(), "': ", std::strerror(errno)));
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    // Persist the rename itself. Best effort: the new file is already in place.
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

inline std::string read_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot open", path, errno);
    std::string bytes;
    try {
        struct ::stat st {};
        if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) throw_errno("cannot read", path, EISDIR);
        if (st.st_size > 0) bytes.reserve(static_cast<std::size_t>(st.st_size));
        char buf[1 << 16];
        for (;;) {
            const ::ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno("cannot read", path, errno);
            }
            if (n == 0) break;
            bytes.append(buf, static_cast<std::size_t>(n));
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return bytes;
}

inline std::string file_source(const std::filesystem::path& path) {
    return concat("model file '", path.string(), "'");
}

}  // namespace detail

// The complete model file for `obj`, as bytes.
template <serializable T>
std::string save_to_string(const T& obj) {
    writer payload;
    obj.save(payload);
    const std::string_view tag = T::type_tag;
    writer w;
    w.put_bytes(model_magic.data(), model_magic.size());
    w.put<std::uint32_t>(model_format_version);
    w.put<std::uint16_t>(version.major);
    w.put<std::uint16_t>(version.minor);
    w.put<std::uint16_t>(version.patch);
    w.put<std::uint32_t>(static_cast<std::uint32_t>(tag.size()));
    w.put_bytes(tag.data(), tag.size());
    w.put<std::uint64_t>(payload.bytes().size());
    w.put_bytes(payload.bytes().data(), payload.bytes().size());
    w.put<std::uint64_t>(hash64(w.bytes().data(), w.bytes().size()));
    return w.take();
}

// Checks the container (magic, format version, lengths, checksum) and returns
// its header without decoding the payload.
inline model_header inspect_string(std::string_view bytes,
                                   std::string_view source = "in-memory model") {
    return detail::parse_model(bytes, source).header;
}

// Decodes a T from the bytes of a model file; `source` names it in error
// messages. T may be cv-qualified (`load<decltype(model)>` with a const model).
template <class T>
    requires serializable<std::remove_cvref_t<T>>
std::remove_cvref_t<T> load_from_string(std::string_view bytes,
                                        std::string_view source = "in-memory model") {
    using U = std::remove_cvref_t<T>;
    const detail::parsed_model m = detail::parse_model(bytes, source);
    const std::string_view expected = U::type_tag;
    if (m.header.type_tag != expected)
        throw format_error(detail::concat(source, ": type tag mismatch: the file holds a '",
                                          m.header.type_tag, "', but a '", expected,
                                          "' was requested"));
    reader r(m.payload, detail::concat(source, " payload"));
    U obj = U::load(r);
    r.expect_end();
    return obj;
}

// Writes `obj` to `path` atomically: the target is either left as it was or
// replaced by the complete new file. Throws io_error naming the path and errno.
template <serializable T>
void save(const T& obj, const std::filesystem::path& path) {
    detail::write_file_atomically(save_to_string(obj), path);
}

template <class T>
    requires serializable<std::remove_cvref_t<T>>
std::remove_cvref_t<T> load(const std::filesystem::path& path) {
    const std::string bytes = detail::read_file(path);
    return load_from_string<T>(bytes, detail::file_source(path));
}

inline model_header inspect(const std::filesystem::path& path) {
    const std::string bytes = detail::read_file(path);
    return inspect_string(bytes, detail::file_source(path));
}

}  // namespace tessera::io
