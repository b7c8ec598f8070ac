#include "recap/listen/queue.h"

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace recap::listen;

namespace {
fs::path freshDb(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recap_listen_q_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir / "jobs.sqlite";
}
InstanceInfo inst(const std::string& study, const std::string& sop, const std::string& modality = "CT") {
  return InstanceInfo{"P1", study, study + ".1", sop, "20230301", modality};
}
}  // namespace

TEST(ListenQueue, StudyIsStableAfterTheStableAgeWithNoOpenOrAbortedAssociation) {
  Queue q(freshDb("stable"));
  EXPECT_TRUE(q.recordInstance(inst("S1", "1"), "/a/1", 100.0));
  q.associationOpened("S1");
  EXPECT_TRUE(q.recordInstance(inst("S1", "2", "PT"), "/a/2", 101.0));
  EXPECT_FALSE(q.recordInstance(inst("S1", "2", "PT"), "/a/2", 101.5));  // same instance again: stored once
  EXPECT_TRUE(q.stableStudies(500.0, 60).empty());                       // association still open
  q.associationEnded("S1", /*aborted=*/false, 102.0);
  EXPECT_TRUE(q.stableStudies(161.9, 60).empty());  // 59.9 s after the end
  const auto s = q.stableStudies(162.0, 60);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].instances, 2);
  EXPECT_EQ(s[0].modalities, "CT\\PT");
  EXPECT_EQ(s[0].patient_id, "P1");
}

TEST(ListenQueue, AbortedDeliveryHoldsTheStudyUntilACompleteOne) {
  Queue q(freshDb("abort"));
  q.recordInstance(inst("S1", "1"), "/a/1", 100.0);
  q.associationOpened("S1");
  q.associationEnded("S1", /*aborted=*/true, 100.5);
  EXPECT_TRUE(q.stableStudies(10000.0, 2).empty());
  EXPECT_TRUE(q.study("S1")->aborted);
  q.recordInstance(inst("S1", "1"), "/a/1", 200.0);  // the sender tries again
  q.associationOpened("S1");
  q.recordInstance(inst("S1", "2"), "/a/2", 201.0);
  q.associationEnded("S1", false, 201.0);
  EXPECT_EQ(q.stableStudies(204.0, 2).size(), 1u);
}

TEST(ListenQueue, StateSurvivesReopeningAndRunningJobsRunAgain) {
  const fs::path db = freshDb("persist");
  {
    Queue q(db);
    q.recordInstance(inst("S1", "1"), "/a/1", 1.0);
    q.recordInstance(inst("S2", "9"), "/a/9", 1.0);
    q.associationOpened("S2");  // cut by the "crash"
    q.setStudyState("S1", "complete", "");
    EXPECT_TRUE(q.addJob("S1", "P1", 2.0));
    EXPECT_FALSE(q.addJob("S1", "P1", 3.0));  // every study assessed once
    const auto j = q.takePending(4.0);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->state, "running");
    EXPECT_FALSE(q.takePending(4.0));  // nothing else pending
  }
  Queue q(db);
  EXPECT_TRUE(q.study("S2")->aborted);  // its association was open when the service stopped
  const auto j = q.takePending(5.0);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->study_uid, "S1");
  EXPECT_EQ(j->attempts, 2);
  q.setJobState(j->id, "sending", "", 6.0);
  EXPECT_EQ(q.instancePaths("S1"), std::vector<std::string>{"/a/1"});
}

TEST(ListenQueue, AJobStoppedWhileSendingSendsAgainWithoutReassessing) {
  const fs::path db = freshDb("resend");
  {
    Queue q(db);
    q.addJob("S1", "P1", 1.0);
    const auto j = q.takePending(1.0);
    q.setJobState(j->id, "sending", "", 2.0);
    EXPECT_FALSE(q.takePending(2.0));  // being sent by this process: not taken twice
  }
  Queue q(db);
  const auto j = q.takePending(3.0);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->state, "sending");
  q.setJobState(j->id, "done", "sent", 4.0);
  EXPECT_EQ(q.jobs("done").size(), 1u);
  EXPECT_FALSE(q.takePending(5.0));
}

TEST(ListenQueue, CompleteStudiesAreOrderedByDate) {
  Queue q(freshDb("order"));
  q.recordInstance(InstanceInfo{"P1", "B", "B.1", "b", "20230601", "CT"}, "/b", 1.0);
  q.recordInstance(InstanceInfo{"P1", "A", "A.1", "a", "20230101", "CT"}, "/a", 1.0);
  q.recordInstance(InstanceInfo{"P2", "C", "C.1", "c", "20220101", "CT"}, "/c", 1.0);
  for (const char* s : {"A", "B", "C"}) q.setStudyState(s, "complete", "");
  const auto studies = q.completeStudies("P1");
  ASSERT_EQ(studies.size(), 2u);
  EXPECT_EQ(studies[0].study_uid, "A");
  EXPECT_EQ(studies[1].study_uid, "B");
}
