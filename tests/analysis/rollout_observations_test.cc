// read_rollout_observations: a valid file reads back, and malformed headers and records found by
// fuzzing (fuzz/corpus/rollout/) are refused with arq::Error naming the file and line, not a JSON
// library exception, undefined behaviour or a huge allocation.
#include "arq/analysis/rollout_observations.h"

#include <gtest/gtest.h>

#include <string>

#include "arq/core/error.h"
#include "test_folder.h"

namespace arq::analysis {
namespace {

using testing::TempFolder;
using testing::write_text;

const std::string kHeader = R"({"type":"header","env_id":"dmc/reacher-hard","obs_size":2})";
const std::string kReset = R"({"reset":0,"t":0,"obs":[0.5,-1]})";
const std::string kStep = R"({"t":0,"a":[0,0],"r":0,"term":false,"trunc":false,"obs":[1,2]})";

// The message of the arq::Error reading `text` throws; fails the test if it throws nothing.
std::string refusal(const std::string& text) {
  TempFolder folder;
  write_text(folder / "rollout.jsonl", text);
  try {
    read_rollout_observations(folder / "rollout.jsonl");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return "";
}

TEST(RolloutObservations, ReadsObservationsWithTheirEpisodeAndTime) {
  TempFolder folder;
  write_text(folder / "rollout.jsonl", kHeader + "\n" + kReset + "\n" + kStep + "\n");
  const RolloutObservations rollout = read_rollout_observations(folder / "rollout.jsonl");
  ASSERT_EQ(rollout.count(), 2);
  EXPECT_EQ(rollout.observation_size, 2);
  EXPECT_FLOAT_EQ(rollout.row(1)[1], 2.0f);
  EXPECT_EQ(rollout.times[1], 1);
  EXPECT_EQ(rollout.starts[0], 1);
}

TEST(RolloutObservations, HeaderFieldsOfTheWrongTypeAreRefusedNamingTheLine) {
  for (const std::string header : {R"({"type":"header","env_id":7,"obs_size":2})",
                                   R"({"type":"header","env_id":"x","obs_size":"2"})",
                                   R"({"type":"header","env_id":"x","obs_size":2.5})",
                                   R"({"type":"header","env_id":"x","obs_size":1e300})",
                                   R"({"type":"header","env_id":"x","obs_size":-3})",
                                   R"({"type":"header","env_id":"x","obs_size":0})",
                                   R"({"type":"header","env_id":"x","obs_shape":[0,140,1]})",
                                   R"({"type":"header","env_id":"x","obs_shape":[10,0]})",
                                   R"({"type":"header","env_id":"x","obs_shape":7})",
                                   R"({"type":"header","env_id":"x","obs_shape":[]})",
                                   R"({"type":"header","env_id":"x","obs_shape":[65536,65536]})"}) {
    EXPECT_NE(refusal(header + "\n" + kReset + "\n").find("line 1:"), std::string::npos) << header;
  }
}

TEST(RolloutObservations, AHugeClaimedObservationSizeAllocatesNothingBeforeARecordMatches) {
  // 2^31 - 1 floats would be 8 GB; the record does not match, so nothing that size is allocated.
  const std::string header = R"({"type":"header","env_id":"x","obs_size":2147483647})";
  EXPECT_NE(refusal(header + "\n" + kReset + "\n").find("line 2:"), std::string::npos);
}

TEST(RolloutObservations, RecordNumbersOutOfRangeAreRefusedNamingTheLine) {
  for (const std::string record :
       {R"({"reset":0,"t":1e300,"obs":[0,0]})",
        R"({"reset":0,"t":9223372036854775807,"obs":[0,0]})", R"({"reset":0,"t":-1,"obs":[0,0]})",
        R"({"reset":-1,"t":0,"obs":[0,0]})", R"({"reset":1e20,"t":0,"obs":[0,0]})",
        R"({"reset":0,"t":0,"obs":[1e300,0]})"}) {
    EXPECT_NE(refusal(kHeader + "\n" + record + "\n").find("line 2:"), std::string::npos) << record;
  }
}

}  // namespace
}  // namespace arq::analysis
