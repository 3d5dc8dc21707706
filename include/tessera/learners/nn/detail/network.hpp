// tessera/learners/nn/detail/network.hpp — a compile-time stack of layers with
// run-time widths: plans the widths and parameter offsets, initialises the
// parameters, and runs forward and backward over one batch through buffers
// allocated once (setup) and reused for every batch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <tessera/learners/nn/layers.hpp>

namespace tessera::nn::detail {

template <class... L>
class network {
public:
    static constexpr std::size_t n_layers = sizeof...(L);
    static constexpr std::size_t n_dense = (std::size_t{0} + ... + (L::is_dense ? 1 : 0));
    static_assert(n_layers > 0, "nn::mlp needs at least one layer");
    static_assert(std::tuple_element_t<n_layers - 1, std::tuple<L...>>::is_dense,
                  "nn::mlp: the last layer must be a dense layer (it produces the outputs the "
                  "loss reads); write nn::dense<> last");

    // "dense<relu>,dropout,dense<identity>": stored in model files, checked on load.
    static std::string signature() {
        std::string s;
        ((s += (s.empty() ? "" : ","), s += L::name()), ...);
        return s;
    }

    // Plans widths (hidden: the widths of the dense layers but the last; the
    // last has d_out) and sizes every buffer for batches of up to `rows` rows.
    void setup(std::size_t d_in, const std::vector<std::size_t>& hidden, std::size_t d_out,
               std::size_t rows) {
        d_in_ = d_in;
        rows_ = rows;
        std::size_t poff = 0, soff = 0, in = d_in, dense_i = 0, widest = d_in;
        std::size_t idx = 0;
        std::apply(
            [&](auto&... layer) {
                (
                    [&](auto& l) {
                        std::size_t out = in;
                        if constexpr (std::remove_reference_t<decltype(l)>::is_dense) {
                            out = dense_i + 1 < n_dense ? hidden[dense_i] : d_out;
                            ++dense_i;
                        }
                        l.setup(in, out, poff, soff, rows, idx++);
                        in = l.width();
                        widest = std::max(widest, in);
                    }(layer),
                    ...);
            },
            layers_);
        n_params_ = poff;
        n_state_ = soff;
        d_out_ = in;
        ga_.assign(rows * widest, 0.0f);
        gb_.assign(rows * widest, 0.0f);
    }

    std::size_t n_params() const noexcept { return n_params_; }
    std::size_t n_state() const noexcept { return n_state_; }
    std::size_t d_out() const noexcept { return d_out_; }
    std::size_t max_rows() const noexcept { return rows_; }

    void init(float* params, float* state, std::uint64_t seed, init_kind kind) const {
        std::apply([&](const auto&... l) { (l.init(params, state, seed, kind), ...); }, layers_);
    }

    // Runs the stack on n <= max_rows() rows of x (n x d_in); returns the
    // outputs (n x d_out), valid until the next forward.
    template <class P>
    const float* forward(const P& pol, layer_context& c, const float* x, std::size_t n, bool train) {
        inputs_[0] = x;
        forward_from<0>(pol, c, n, train);
        return inputs_[n_layers];
    }

    // Where the caller writes d loss / d outputs (n x d_out) before backward.
    float* output_grad() noexcept { return ga_.data(); }

    // Backward through the batch of the last forward(train = true); fills c.grads.
    template <class P>
    void backward(const P& pol, layer_context& c, std::size_t n) {
        backward_from<n_layers - 1>(pol, c, n, ga_.data());
    }

    template <std::size_t I>
    auto& layer() noexcept {
        return std::get<I>(layers_);
    }

private:
    template <std::size_t I, class P>
    void forward_from(const P& pol, layer_context& c, std::size_t n, bool train) {
        if constexpr (I < n_layers) {
            inputs_[I + 1] = std::get<I>(layers_).forward(pol, c, inputs_[I], n, train);
            forward_from<I + 1>(pol, c, n, train);
        }
    }

    template <std::size_t I, class P>
    void backward_from(const P& pol, layer_context& c, std::size_t n, float* dy) {
        float* scratch = dy == ga_.data() ? gb_.data() : ga_.data();
        float* dx = std::get<I>(layers_).backward(pol, c, inputs_[I], n, dy, I == 0 ? nullptr : scratch);
        if constexpr (I > 0) backward_from<I - 1>(pol, c, n, dx);
    }

    std::tuple<L...> layers_;
    std::array<const float*, n_layers + 1> inputs_{};
    std::vector<float> ga_, gb_;
    std::size_t d_in_ = 0, d_out_ = 0, rows_ = 0, n_params_ = 0, n_state_ = 0;
};

}  // namespace tessera::nn::detail
