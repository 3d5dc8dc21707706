#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <tessera/kernels/rank.hpp>
