#include "recap/core/threads.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace {

// Sets an environment variable for one test and puts the old value back.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) had_ = true, old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (had_) ::setenv(name_, old_.c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

TEST(WorkerThreads, FollowTheItkVariableWhenItHoldsAPositiveNumber) {
  {
    EnvVar v("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", "1");
    EXPECT_EQ(recap::workerThreads(), 1u);
  }
  {
    EnvVar v("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", "3");
    EXPECT_EQ(recap::workerThreads(), 3u);
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (const char* bad : {"0", "-2", "two", "2x", ""}) {
    EnvVar v("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", bad);
    EXPECT_EQ(recap::workerThreads(), cores) << "'" << bad << "'";
  }
  EnvVar v("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", nullptr);
  EXPECT_EQ(recap::workerThreads(), cores);
}

}  // namespace
