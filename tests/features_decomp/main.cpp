#define BOOST_TEST_MODULE test_features_decomp
#include <boost/test/unit_test.hpp>
