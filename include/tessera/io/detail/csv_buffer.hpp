// tessera/io/detail/csv_buffer.hpp — uninitialised column storage for the CSV
// reader. A std::vector value-initialises what it grows into, which for the
// reader's final columns (232 MB for the GBDT benchmark file) was a pass of
// zero-filling over memory the parser overwrites anyway. value_array never
// writes what it allocates: large arrays are anonymous mappings (the kernel
// supplies a zeroed page on the first write, which the parser makes), small
// ones come from operator new. The reader writes every row it keeps, and the
// frame column takes the storage over (column::from_buffer).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <cstdint>

#include <sys/mman.h>

namespace tessera::io::detail::csv {

template <class T>
class value_array {
public:
    using value_type = T;

    value_array() = default;
    value_array(value_array&&) noexcept = default;
    value_array& operator=(value_array&&) noexcept = default;
    value_array(const value_array&) = delete;
    value_array& operator=(const value_array&) = delete;

    T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T& operator[](std::size_t i) const noexcept { return data_[i]; }

    // Keeps the first min(size(), n) values; the others are unspecified until
    // written. Growing past the capacity moves the values to new storage.
    void resize(std::size_t n) {
        if (n > cap_) {
            std::shared_ptr<T> more = allocate(n);
            if (size_ > 0) std::memcpy(more.get(), data_, size_ * sizeof(T));
            own_ = std::move(more);
            data_ = own_.get();
            cap_ = n;
        }
        size_ = n;
    }
    void assign(const T* b, const T* e) {
        size_ = 0;
        resize(static_cast<std::size_t>(e - b));
        if (b != e) std::memcpy(data_, b, size_ * sizeof(T));
    }
    // The storage (its owner) for column::from_buffer; the array is empty after.
    std::shared_ptr<T> share() && {
        if (!own_) resize(1);  // a column of 0 rows still needs an address
        std::shared_ptr<T> out = std::move(own_);
        data_ = nullptr;
        size_ = cap_ = 0;
        return out;
    }

    // Asks the kernel for the pages holding elements [b, e) in one call
    // (MADV_POPULATE_WRITE, Linux 5.14), instead of one page fault per 4 KiB
    // page as the parser first writes them (in this VM a fault costs more
    // than clearing the page). Only a hint: values are not changed, and an
    // older kernel just refuses it. Pages shared with a neighbour's range are
    // populated by whichever comes first.
    void prefault(std::size_t b, std::size_t e) const noexcept {
#if defined(MADV_POPULATE_WRITE)
        if (b >= e || e > size_) return;
        constexpr std::uintptr_t page = 4096;
        const auto lo = reinterpret_cast<std::uintptr_t>(data_ + b) / page * page;
        const auto hi = (reinterpret_cast<std::uintptr_t>(data_ + e) + page - 1) / page * page;
        ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_POPULATE_WRITE);
#else
        (void)b;
        (void)e;
#endif
    }

private:
    // Mappings from this size on: below it, page granularity wastes memory
    // and many small chunks would use up the process's mapping count.
    static constexpr std::size_t map_from = std::size_t{1} << 20;

    static std::shared_ptr<T> allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes >= map_from) {
            void* m = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m != MAP_FAILED)
                return std::shared_ptr<T>(static_cast<T*>(m), [bytes](T* p) { ::munmap(p, bytes); });
            throw std::bad_alloc();
        }
        return std::shared_ptr<T>(static_cast<T*>(::operator new(bytes)),
                                  [](T* p) { ::operator delete(p); });
    }

    std::shared_ptr<T> own_;
    T* data_ = nullptr;
    std::size_t size_ = 0, cap_ = 0;
};

}  // namespace tessera::io::detail::csv
