// tessera/learners/linear/detail/optimize.hpp — the two smooth convex
// minimisers of logistic regression: Newton with Cholesky and backtracking
// (as scikit-learn's "newton-cholesky"), and L-BFGS (Nocedal & Wright 2006,
// Alg. 7.4, memory 10 as scipy's L-BFGS-B) with a weak-Wolfe bisection line
// search. Both stop when max_j |grad_j| <= tol.
//
// Near a tightly converged optimum the objective stops changing in double
// (f - f* ~ |g|^2 / lambda is below eps |f|), so a plain Armijo test on f can
// reject every step long before |g| <= 1e-10. Both line searches therefore
// also accept a step whose f is within round-off of the old one when the
// derivative information says it is a descent step (Hager & Zhang 2005,
// "approximate Wolfe" conditions).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <vector>

#include <tessera/learners/linear/detail/cholesky.hpp>

namespace tessera::learners::detail {

struct objective_value {
    double f = 0.0;
    std::vector<double> g;  // gradient, size p
    std::vector<double> H;  // Hessian, p x p row-major (Newton only)
};

struct solve_result {
    std::vector<double> x;
    std::size_t n_iter = 0;
    bool converged = false;
};

inline double max_abs(const std::vector<double>& v) {
    double m = 0.0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

inline double dotv(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// |f1 - f0| is within what double can resolve at this magnitude.
inline bool within_roundoff(double f1, double f0) {
    return f1 <= f0 + 64 * std::numeric_limits<double>::epsilon() * std::abs(f0);
}

// eval(x, want_hessian) -> objective_value.
template <class Eval>
solve_result newton(Eval&& eval, std::vector<double> x, std::size_t max_iter, double tol) {
    const std::size_t p = x.size();
    objective_value cur = eval(x, true);
    std::size_t it = 0;
    std::vector<double> dir(p), trial_x(p);
    for (;;) {
        const double gmax = max_abs(cur.g);
        if (gmax <= tol) return {std::move(x), it, true};
        if (it >= max_iter || !std::isfinite(gmax)) return {std::move(x), it, false};

        // The Hessian is positive definite (the L2 term); a failed factor means
        // round-off, so add a growing ridge rather than give up.
        std::vector<double> L = cur.H;
        double ridge = 0.0;
        double diag_max = 0.0;
        for (std::size_t i = 0; i < p; ++i) diag_max = std::max(diag_max, std::abs(cur.H[i * p + i]));
        while (cholesky_factor(L, p) < p) {
            ridge = ridge == 0.0 ? 1e-12 * std::max(diag_max, 1e-300) : ridge * 10;
            if (!(ridge < 1e300)) return {std::move(x), it, false};
            L = cur.H;
            for (std::size_t i = 0; i < p; ++i) L[i * p + i] += ridge;
        }
        for (std::size_t i = 0; i < p; ++i) dir[i] = -cur.g[i];
        cholesky_solve(L, p, dir.data());
        const double gd = dotv(cur.g, dir);

        bool accepted = false;
        double t = 1.0;
        for (int ls = 0; ls < 60 && !accepted; ++ls, t *= 0.5) {
            for (std::size_t i = 0; i < p; ++i) trial_x[i] = x[i] + t * dir[i];
            objective_value trial = eval(trial_x, true);
            if (!std::isfinite(trial.f)) continue;
            const bool armijo = trial.f <= cur.f + 1e-4 * t * gd;
            const bool flat = within_roundoff(trial.f, cur.f) && max_abs(trial.g) < gmax;
            if (armijo || flat) {
                x.swap(trial_x);
                cur = std::move(trial);
                accepted = true;
            }
        }
        if (!accepted) return {std::move(x), it, false};
        ++it;
    }
}

// eval(x, false) -> objective_value (H unused).
template <class Eval>
solve_result lbfgs(Eval&& eval, std::vector<double> x, std::size_t max_iter, double tol,
                   std::size_t memory = 10) {
    const std::size_t p = x.size();
    constexpr double c1 = 1e-4, c2 = 0.9;
    objective_value cur = eval(x, false);
    std::deque<std::vector<double>> S, Y;
    std::deque<double> rho;
    std::vector<double> d(p), trial_x(p), alpha(memory);
    std::size_t it = 0;
    for (;;) {
        const double gmax = max_abs(cur.g);
        if (gmax <= tol) return {std::move(x), it, true};
        if (it >= max_iter || !std::isfinite(gmax)) return {std::move(x), it, false};

        // Two-loop recursion: d = -H_k g.
        for (std::size_t i = 0; i < p; ++i) d[i] = -cur.g[i];
        const std::size_t k = S.size();
        for (std::size_t j = k; j-- > 0;) {
            alpha[j] = rho[j] * dotv(S[j], d);
            for (std::size_t i = 0; i < p; ++i) d[i] -= alpha[j] * Y[j][i];
        }
        if (k > 0) {
            const double gamma = dotv(S[k - 1], Y[k - 1]) / dotv(Y[k - 1], Y[k - 1]);
            for (double& v : d) v *= gamma;
        } else {
            const double gn = std::sqrt(dotv(cur.g, cur.g));
            for (double& v : d) v /= std::max(1.0, gn);
        }
        for (std::size_t j = 0; j < k; ++j) {
            const double beta = rho[j] * dotv(Y[j], d);
            for (std::size_t i = 0; i < p; ++i) d[i] += (alpha[j] - beta) * S[j][i];
        }
        double gd = dotv(cur.g, d);
        if (!(gd < 0.0)) {  // round-off broke the model: restart from steepest descent
            S.clear(), Y.clear(), rho.clear();
            for (std::size_t i = 0; i < p; ++i) d[i] = -cur.g[i];
            gd = -dotv(cur.g, cur.g);
        }

        // Weak Wolfe by bracketing and bisection (Lewis & Overton 2013).
        double lo = 0.0, hi = std::numeric_limits<double>::infinity(), t = 1.0;
        bool accepted = false;
        objective_value trial;
        for (int ls = 0; ls < 60; ++ls) {
            for (std::size_t i = 0; i < p; ++i) trial_x[i] = x[i] + t * d[i];
            trial = eval(trial_x, false);
            const double dgt = std::isfinite(trial.f) ? dotv(trial.g, d) : 0.0;
            const bool decrease =
                std::isfinite(trial.f) &&
                (trial.f <= cur.f + c1 * t * gd ||
                 (within_roundoff(trial.f, cur.f) && dgt <= (2 * 0.1 - 1) * gd));
            if (!decrease) {
                hi = t;
            } else if (dgt < c2 * gd) {
                lo = t;
            } else {
                accepted = true;
                break;
            }
            t = std::isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * t;
        }
        if (!accepted) return {std::move(x), it, false};

        std::vector<double> s(p), y(p);
        for (std::size_t i = 0; i < p; ++i) {
            s[i] = trial_x[i] - x[i];
            y[i] = trial.g[i] - cur.g[i];
        }
        const double sy = dotv(s, y);
        if (sy > 0.0) {
            if (S.size() == memory) S.pop_front(), Y.pop_front(), rho.pop_front();
            S.push_back(std::move(s));
            Y.push_back(std::move(y));
            rho.push_back(1.0 / sy);
        }
        x.swap(trial_x);
        cur = std::move(trial);
        ++it;
    }
}

}  // namespace tessera::learners::detail
