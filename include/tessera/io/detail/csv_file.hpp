// tessera/io/detail/csv_file.hpp — the file side of read_csv / write_csv:
// a memory-mapped read-only view (pages handed back as they are parsed) and the
// atomic replace of io::save (temporary in the target's directory, fsync,
// rename, fsync the directory). Kept apart from model_file.hpp so that
// <tessera/io/csv.hpp> does not pull in the serializer and xtensor.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tessera/core/errors.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io::detail::csv {

using tessera::detail::concat;

[[noreturn]] inline void throw_errno(std::string_view who, std::string_view what,
                                     const std::filesystem::path& path, int e) {
    throw io_error(concat("tessera::io::", who, ": ", what, " '", path.string(), "': ",
                          std::strerror(e)));
}

// A read-only view of a file's bytes: mmap for regular files, a buffer for
// anything else (pipes, /proc files) or when mmap fails.
class file_bytes {
public:
    explicit file_bytes(const std::filesystem::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_errno("read_csv", "cannot open", path, errno);
        struct ::stat st {};
        int err = ::fstat(fd, &st) != 0 ? errno : (S_ISDIR(st.st_mode) ? EISDIR : 0);
        if (err == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            void* m = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE,
                             fd, 0);
            if (m != MAP_FAILED) {
                map_ = static_cast<const char*>(m);
                size_ = static_cast<std::size_t>(st.st_size);
            }
        }
        while (err == 0 && !map_) {
            char buf[1 << 16];
            const ::ssize_t n = ::read(fd, buf, sizeof buf);
            if (n == 0) break;
            if (n > 0) buffer_.append(buf, static_cast<std::size_t>(n));
            else if (errno != EINTR) err = errno;
        }
        ::close(fd);
        if (err != 0) throw_errno("read_csv", "cannot read", path, err);  // map_ is null here
    }
    ~file_bytes() {
        if (map_) ::munmap(const_cast<char*>(map_), size_);
        map_ = nullptr;
    }
    file_bytes(const file_bytes&) = delete;
    file_bytes& operator=(const file_bytes&) = delete;

    std::string_view view() const noexcept {
        return map_ ? std::string_view(map_, size_) : std::string_view(buffer_);
    }
    // Drops the whole pages inside [b, e) from this process; touching them
    // again maps them back from the page cache. Keeps peak memory near the
    // parsed columns' size rather than file + columns.
    void release(const char* b, const char* e) const noexcept {
        if (!map_) return;
        const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
        const auto lo = (reinterpret_cast<std::uintptr_t>(b) + page - 1) / page * page;
        const auto hi = reinterpret_cast<std::uintptr_t>(e) / page * page;
        if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
    }

private:
    const char* map_ = nullptr;
    std::size_t size_ = 0;
    std::string buffer_;
};

// Writes `bytes` to `path` atomically: either the old file (or nothing) or
// the complete new one is at `path`, never a part.
inline void write_atomically(std::string_view bytes, const std::filesystem::path& path) {
    static std::atomic<std::uint64_t> counter{0};
    std::filesystem::path tmp;
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        tmp = path;
        tmp += concat(".tmp-", ::getpid(), "-", counter.fetch_add(1));
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && (errno != EEXIST || attempt == 100))
            throw io_error(concat("tessera::io::write_csv: cannot create the temporary file '",
                                  tmp.string(), "' to write '", path.string(), "': ",
                                  std::strerror(errno)));
    }
    const auto fail = [&](std::string_view what, const std::filesystem::path& p) {
        const int e = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw_errno("write_csv", what, p, e);
    };
    for (std::size_t done = 0; done < bytes.size();) {
        const ::ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno != EINTR) fail("cannot write", tmp);
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot flush (fsync)", tmp);
    const int rc = ::close(fd);
    fd = -1;
    if (rc != 0) fail("cannot close", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename the temporary file to", path);
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);  // best effort: the new file is already in place
        ::close(dfd);
    }
}

}  // namespace tessera::io::detail::csv
