// tessera/core/errors.hpp — the error hierarchy and the message catalogue.
//
// Every run-time failure a user can cause is reported by one of these types.
// Messages name what was expected, what was found and where (column, row, line,
// field), so a person can act on them without a debugger (DESIGN.md, "Errors").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace tessera {

class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Bad data: carries the column, row and (for files) line where it was found.
// `npos` means "not applicable".
class data_error : public error {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    explicit data_error(const std::string& what, std::string column = {},
                        std::size_t row = npos, std::size_t line = npos)
        : error(what), column_(std::move(column)), row_(row), line_(line) {}

    const std::string& column() const noexcept { return column_; }
    std::size_t row() const noexcept { return row_; }
    std::size_t line() const noexcept { return line_; }

private:
    std::string column_;
    std::size_t row_;
    std::size_t line_;
};

class shape_error : public error {
public:
    using error::error;
};

// A hyperparameter out of its valid range; carries the field's name.
class config_error : public error {
public:
    explicit config_error(const std::string& what, std::string field = {})
        : error(what), field_(std::move(field)) {}
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

class io_error : public error {
public:
    using error::error;
};

// A file that is not what it claims to be: wrong magic, version, type or checksum.
class format_error : public error {
public:
    using error::error;
};

namespace detail {

template <class... Args>
std::string concat(Args&&... args) {
    std::ostringstream os;
    os.precision(std::numeric_limits<double>::max_digits10);
    (os << ... << std::forward<Args>(args));
    return os.str();
}

}  // namespace detail

// The catalogue: one function per kind of message, so wording stays uniform.
namespace errors {

// "<where>: expected <n> elements, found <m>"
inline shape_error size_mismatch(std::string_view where, std::size_t expected,
                                 std::size_t found) {
    return shape_error(detail::concat(where, ": size mismatch: expected ", expected,
                                      " elements, found ", found));
}

inline shape_error empty_input(std::string_view where) {
    return shape_error(detail::concat(where, ": input is empty"));
}

// numpy's nanargmin/nanargmax raise "All-NaN slice encountered".
inline shape_error all_nan(std::string_view where, std::size_t n) {
    return shape_error(detail::concat(where, ": All-NaN slice encountered: all ", n,
                                      " values are NaN, so no element can be chosen"));
}

// "<owner>: <field> = <value> is out of range; valid: <range>"
template <class V>
config_error out_of_range(std::string_view owner, std::string_view field, const V& value,
                          std::string_view valid) {
    return config_error(detail::concat(owner, ": parameter '", field, "' = ", value,
                                       " is out of range; valid range: ", valid),
                        std::string(field));
}

inline data_error non_finite(std::string_view where, std::string_view column,
                             std::size_t row) {
    return data_error(detail::concat(where, ": non-finite value in column '", column,
                                     "' at row ", row),
                      std::string(column), row);
}

inline data_error unknown_column(std::string_view where, std::string_view column) {
    return data_error(detail::concat(where, ": no column named '", column, "'"),
                      std::string(column));
}

inline data_error type_mismatch(std::string_view where, std::string_view column,
                                std::string_view expected, std::string_view found) {
    return data_error(detail::concat(where, ": column '", column, "' has type ", found,
                                     ", expected ", expected),
                      std::string(column));
}

// "<where>: duplicate column name '<column>'"
inline data_error duplicate_column(std::string_view where, std::string_view column) {
    return data_error(detail::concat(where, ": duplicate column name '", column, "'"),
                      std::string(column));
}

// "<where>: column '<column>' has <found> rows, expected <expected>"
inline data_error length_mismatch(std::string_view where, std::string_view column,
                                  std::size_t expected, std::size_t found) {
    return data_error(detail::concat(where, ": column '", column, "' has ", found,
                                     " rows, expected ", expected),
                      std::string(column));
}

// "<where>: <what> <index> is out of bounds; size is <size>"
inline shape_error out_of_bounds(std::string_view where, std::string_view what,
                                 std::size_t index, std::size_t size) {
    return shape_error(detail::concat(where, ": ", what, " ", index,
                                      " is out of bounds; size is ", size));
}

// "<where>: <what> [<begin>, <end>) is invalid for <size> rows; need begin <= end <= <size>"
inline shape_error invalid_range(std::string_view where, std::string_view what,
                                 std::size_t begin, std::size_t end, std::size_t size) {
    return shape_error(detail::concat(where, ": ", what, " [", begin, ", ", end,
                                      ") is invalid for ", size,
                                      " rows; need begin <= end <= ", size));
}

// Categorical data: a code outside [-1, dictionary size) or a repeated label.
inline data_error invalid_code(std::string_view where, std::string_view column,
                               std::size_t row, std::int64_t code, std::size_t dict_size) {
    return data_error(detail::concat(where, ": column '", column, "' has code ", code,
                                     " at row ", row, "; valid codes are -1 (null) to ",
                                     static_cast<std::int64_t>(dict_size) - 1),
                      std::string(column), row);
}
inline data_error duplicate_category(std::string_view where, std::string_view column,
                                     std::string_view label) {
    return data_error(detail::concat(where, ": column '", column,
                                     "' has the category '", label,
                                     "' twice in its dictionary"),
                      std::string(column));
}

}  // namespace errors
}  // namespace tessera
