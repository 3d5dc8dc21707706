// tessera/learners/linear.hpp — the linear learners: least squares / ridge
// (learners::linear_regression, scikit-learn's LinearRegression and Ridge) and
// L2-regularised binary and multinomial logistic regression
// (learners::logistic_regression, scikit-learn's LogisticRegression). See
// docs/linear.md.
#pragma once

#include <tessera/learners/linear/linear_regression.hpp>
#include <tessera/learners/linear/logistic_regression.hpp>
