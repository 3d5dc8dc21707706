// tessera/features/time_features.hpp — calendar features of a timestamp column.
//
// From a timestamp (or int64) column of nanoseconds since 1970-01-01 UTC, in
// local time at a fixed UTC offset: hour (0-23), weekday (Monday = 0, as
// pandas' dt.weekday), month (1-12), day of month (1-31), day of year (1-366),
// weekend (Saturday or Sunday) and business hours (a weekday and
// business_start <= hour < business_end). Times before the epoch are floored
// (1969-12-31 23:59:59.999 is hour 23 of a Wednesday). The date is Howard
// Hinnant's civil_from_days (proleptic Gregorian calendar,
// http://howardhinnant.github.io/date_algorithms.html). A null timestamp gives
// null outputs. The features replace the timestamp column in place (or follow
// it, keep_original = true), named `<column>.hour`, `.weekday`, `.month`,
// `.day`, `.day_of_year` (int64) and `.weekend`, `.business_hours` (bool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

namespace detail::calendar {

struct civil {
    std::int64_t year;
    unsigned month;  // 1-12
    unsigned day;    // 1-31
};

// Hinnant's civil_from_days: days since 1970-01-01 -> proleptic Gregorian date.
constexpr civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<std::uint64_t>(z - era * 146097);           // [0, 146096]
    const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
    const std::uint64_t mp = (5 * doy + 2) / 153;                        // [0, 11]
    const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return {y + (m <= 2), m, d};
}

// Hinnant's days_from_civil: the inverse.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<std::uint64_t>(y - era * 400);
    const std::uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr std::int64_t ns_per_day = 86'400'000'000'000;
constexpr std::int64_t ns_per_hour = 3'600'000'000'000;

struct fields {
    std::int64_t hour, weekday, month, day, day_of_year;
};

// The local calendar fields of `ns` at `offset_minutes` east of UTC; floors
// before the epoch and never overflows for any int64 input.
constexpr fields local_fields(std::int64_t ns, std::int64_t offset_minutes) noexcept {
    std::int64_t days = ns / ns_per_day, rem = ns % ns_per_day;
    if (rem < 0) {
        rem += ns_per_day;
        --days;
    }
    rem += offset_minutes * 60'000'000'000;
    while (rem < 0) {
        rem += ns_per_day;
        --days;
    }
    while (rem >= ns_per_day) {
        rem -= ns_per_day;
        ++days;
    }
    const civil c = civil_from_days(days);
    const std::int64_t wd = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday (3)
    return {rem / ns_per_hour, wd, c.month, c.day, days - days_from_civil(c.year, 1, 1) + 1};
}

}  // namespace detail::calendar

// The fitted stage (stateless but for the checked options). Immutable; thread-safe.
class time_features_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.time_features";
    static constexpr std::uint32_t payload_version = 1;

    struct options {
        std::string column;
        dtype type = dtype::timestamp;
        std::int32_t utc_offset_minutes = 0;
        std::int32_t business_start = 9;
        std::int32_t business_end = 17;
        bool keep_original = false;
    };

    explicit time_features_fitted(options o) : o_(std::move(o)) {}
    const options& get_options() const noexcept { return o_; }

    static constexpr std::string_view suffixes[7] = {".hour", ".weekday", ".month", ".day",
                                                     ".day_of_year", ".weekend",
                                                     ".business_hours"};

    template <exec::execution_policy P>
    frame transform(const P& policy, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            const column& c = detail::frame_cols::fitted_column(X, o_.column, o_.type,
                                                                "time_features::transform");
            const std::size_t n = c.size();
            const auto ts = c.values<std::int64_t>();
            const auto valid = c.validity();
            std::vector<std::int64_t> ints[5];
            for (auto& v : ints) v.assign(n, 0);
            // std::vector<bool> is not safe to write from several threads: bytes first.
            std::vector<std::uint8_t> flags[2];
            for (auto& v : flags) v.assign(n, 0);
            const auto rows = [&](std::size_t b, std::size_t e) {
                for (std::size_t r = b; r < e; ++r) {
                    if (!valid.empty() && !valid[r]) continue;
                    const auto f = detail::calendar::local_fields(ts[r], o_.utc_offset_minutes);
                    ints[0][r] = f.hour;
                    ints[1][r] = f.weekday;
                    ints[2][r] = f.month;
                    ints[3][r] = f.day;
                    ints[4][r] = f.day_of_year;
                    flags[0][r] = f.weekday >= 5;
                    flags[1][r] = f.weekday < 5 && f.hour >= o_.business_start &&
                                  f.hour < o_.business_end;
                }
            };
            detail::frame_cols::for_items(policy, n, 1, rows);
            std::vector<bool> mask;
            if (!valid.empty()) mask.assign(valid.begin(), valid.end());
            std::vector<column> out;
            if (o_.keep_original) out.push_back(c);
            for (std::size_t i = 0; i < 5; ++i)
                out.push_back(column::int64(o_.column + std::string(suffixes[i]), std::move(ints[i]), mask));
            for (std::size_t i = 0; i < 2; ++i)
                out.push_back(column::boolean(o_.column + std::string(suffixes[5 + i]),
                                              std::vector<bool>(flags[i].begin(), flags[i].end()),
                                              mask));
            std::vector<std::pair<std::string, std::vector<column>>> replaced;
            replaced.emplace_back(o_.column, std::move(out));
            return detail::frame_cols::replace_columns(X, std::move(replaced));
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(o_.column);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(o_.type));
        w.put<std::int32_t>(o_.utc_offset_minutes);
        w.put<std::int32_t>(o_.business_start);
        w.put<std::int32_t>(o_.business_end);
        w.put<std::uint8_t>(o_.keep_original ? 1 : 0);
    }
    static time_features_fitted load(io::reader& r) {
        constexpr std::string_view owner = "time_features";
        namespace fc = detail::frame_cols;
        fc::check_version(r, owner, payload_version);
        options o;
        o.column = r.get_string("column");
        o.type = fc::get_dtype(r, owner);
        o.utc_offset_minutes = r.get<std::int32_t>("utc_offset_minutes");
        o.business_start = r.get<std::int32_t>("business_start");
        o.business_end = r.get<std::int32_t>("business_end");
        o.keep_original = fc::get_enum(r, owner, "keep_original", std::uint8_t{1}) == 1;
        if (o.type != dtype::timestamp && o.type != dtype::int64)
            throw format_error(tessera::detail::concat(owner, ": column dtype ", dtype_name(o.type),
                                                       " is not timestamp or int64"));
        return time_features_fitted(std::move(o));
    }

private:
    options o_;
};

// The estimator:  features::time_features{{.column = "ts", .utc_offset_minutes = 60}}
class time_features {
public:
    struct params {
        std::string column{};                 // a timestamp or int64 column (ns since the epoch, UTC)
        std::int32_t utc_offset_minutes = 0;  // local time = UTC + offset; in [-1440, 1440]
        std::int32_t business_start = 9;      // business hours: weekday and start <= hour < end,
        std::int32_t business_end = 17;       //   0 <= start < end <= 24
        bool keep_original = false;           // keep the timestamp column before its features
    };
    using fitted = time_features_fitted;

    time_features() = default;
    explicit time_features(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P&, const frame& X) const {
        constexpr std::string_view owner = "time_features";
        const auto& p = params_;
        if (p.column.empty())
            throw config_error("time_features: parameter 'column' is empty; name the timestamp column",
                               "column");
        if (p.utc_offset_minutes < -1440 || p.utc_offset_minutes > 1440)
            throw errors::out_of_range(owner, "utc_offset_minutes", p.utc_offset_minutes,
                                       "[-1440, 1440]");
        if (p.business_start < 0 || p.business_start > 23)
            throw errors::out_of_range(owner, "business_start", p.business_start, "[0, 23]");
        if (p.business_end <= p.business_start || p.business_end > 24)
            throw errors::out_of_range(owner, "business_end", p.business_end,
                                       "(business_start, 24]");
        const auto names = detail::frame_cols::resolve(
            X, {p.column}, "time_features::fit", "timestamp or int64",
            [](dtype t) { return t == dtype::timestamp || t == dtype::int64; },
            [](dtype) { return false; });
        return fitted({names[0], X.column(names[0]).type(), p.utc_offset_minutes,
                       p.business_start, p.business_end, p.keep_original});
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    params params_{};
};

static_assert(transformer<time_features, frame>);

}  // namespace tessera::features
