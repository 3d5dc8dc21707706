// tessera/drift/detail/detector_common.hpp — what the streaming detectors share:
// the parameter range checks (config_error naming the field and the valid
// range), the non-finite-input error, and the detection state with its
// lifecycle (River >= 0.15: the update after a detection starts afresh).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <string_view>

#include <tessera/core/errors.hpp>

namespace tessera::drift::detail {

// Ranges, written as they appear in the message.
inline void check_open_unit(std::string_view owner, std::string_view field, double v) {
    if (!(v > 0.0 && v < 1.0)) throw errors::out_of_range(owner, field, v, "(0, 1)");
}
inline void check_closed_unit(std::string_view owner, std::string_view field, double v) {
    if (!(v >= 0.0 && v <= 1.0)) throw errors::out_of_range(owner, field, v, "[0, 1]");
}
inline void check_unit_open_left(std::string_view owner, std::string_view field, double v) {
    if (!(v > 0.0 && v <= 1.0)) throw errors::out_of_range(owner, field, v, "(0, 1]");
}
inline void check_positive(std::string_view owner, std::string_view field, double v) {
    if (!(v > 0.0 && std::isfinite(v))) throw errors::out_of_range(owner, field, v, "(0, inf), finite");
}
inline void check_non_negative(std::string_view owner, std::string_view field, double v) {
    if (!(v >= 0.0 && std::isfinite(v))) throw errors::out_of_range(owner, field, v, "[0, inf), finite");
}
inline void check_at_least(std::string_view owner, std::string_view field, std::int64_t v,
                           std::int64_t lo) {
    if (v < lo) throw errors::out_of_range(owner, field, v, tessera::detail::concat("[", lo, ", inf)"));
}

// A NaN or infinity would poison every running sum for good (River accepts it
// silently); the row is the 0-based update index since construction or reset().
[[noreturn]] inline void throw_non_finite(std::string_view owner, double x, std::uint64_t index) {
    throw data_error(tessera::detail::concat(owner, "::update: non-finite value ", x, " at update ",
                                             index, "; the detector's state is unchanged"),
                     std::string{}, static_cast<std::size_t>(index));
}

// The drift flag and the counters, for a detector D with a `restart()` that
// returns it to its freshly constructed state (D befriends this class). D's
// update calls begin_update() first and returns end_update().
template <class D>
class detector_state {
public:
    bool drift_detected() const noexcept { return drift_; }
    // A fresh detector: state restarted, counters zero.
    void reset() {
        static_cast<D&>(*this).restart();
        n_updates_ = n_detections_ = 0;
    }
    // Since construction or the last reset(); the automatic fresh start after a
    // detection keeps them (River's n_detections restarts with its window).
    std::uint64_t n_detections() const noexcept { return n_detections_; }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

protected:
    void begin_update() {
        if (drift_) static_cast<D&>(*this).restart();
        ++n_updates_;
    }
    bool end_update() noexcept {
        n_detections_ += drift_;
        return drift_;
    }

    bool drift_ = false;
    std::uint64_t n_updates_ = 0, n_detections_ = 0;
};

// Error-stream detectors (DDM, EDDM, HDDM_A, HDDM_W): a warning flag, and
// update(x) compiles for bool only. D declares `using error_detector_state<D>::update;`
// beside its update(bool) so the deleted overload takes every other type.
template <class D>
class error_detector_state : public detector_state<D> {
public:
    bool warning_detected() const noexcept { return warning_; }
    // Error streams take bool: update(prediction != label). A double here is almost
    // always a score or probability passed by mistake.
    template <class T>
        requires(!std::same_as<T, bool>)
    bool update(T) = delete;

protected:
    bool warning_ = false;
};

}  // namespace tessera::drift::detail
