// tessera/kernels/detail/chan_merge.hpp — the pairwise update of a sample
// summary (count, mean, M2 = sum of squared deviations): Chan, Golub & LeVeque
// (1979). One definition serves every path that merges moments: the CPU kernels
// (blocks and chunks), the standard scaler (per column), and the Thrust/CUDA
// reduction functor (hence TESSERA_HD and no library calls). `Tag` keeps the
// per-ISA dispatch translation units' copies distinct symbols (reduce_impl.hpp
// explains the weak-symbol hazard).
#pragma once

#include <tessera/core/config.hpp>

namespace tessera::kernels::detail {

// Folds (nb, mb, qb) into (na, ma, qa). C is the count type (an unsigned integer
// or double); an empty side leaves the other unchanged.
template <class Tag = void, class C>
TESSERA_HD constexpr void chan_fold(C& na, double& ma, double& qa, C nb, double mb,
                                    double qb) noexcept {
    if (nb == C(0)) return;
    if (na == C(0)) {
        na = nb;
        ma = mb;
        qa = qb;
        return;
    }
    const double a = static_cast<double>(na);
    const double b = static_cast<double>(nb);
    const double n = a + b;
    const double delta = mb - ma;
    ma = ma + delta * (b / n);
    qa = qa + qb + delta * delta * (a * b / n);
    na = na + nb;
}

}  // namespace tessera::kernels::detail
