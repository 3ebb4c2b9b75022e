// The shared JSON spelling of a NumpyRandomState: a saved state continues the stream exactly,
// and a damaged one is rejected with the field's name.
#include "arq/core/numpy_random_json.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"

namespace arq {
namespace {

TEST(NumpyRandomJson, SavedStateContinuesTheStreamExactly) {
  NumpyRandomState original(42);
  for (int i = 0; i < 700; ++i) original.rand();  // past one regeneration of the key
  original.standard_normal();                     // leaves a cached gaussian pending
  nlohmann::json json = {{"format", "test"}};
  add_numpy_random_state(original.state(), json);
  EXPECT_EQ(json.at("format"), "test");  // the caller's fields stay
  EXPECT_TRUE(json.at("has_gauss").get<bool>());

  NumpyRandomState restored(7);
  restored.set_state(numpy_random_state_from(nlohmann::json::parse(json.dump())));
  EXPECT_EQ(restored.words_drawn(), original.words_drawn());
  EXPECT_EQ(restored.standard_normal(), original.standard_normal());  // the cached value
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(restored.next32(), original.next32()) << i;
}

TEST(NumpyRandomJson, StatesWithoutAGaussianCacheStillLoad) {
  NumpyRandomState original(3);
  original.randint(10);
  nlohmann::json json;
  add_numpy_random_state(original.state(), json);
  json.erase("has_gauss");
  json.erase("gauss");
  const NumpyRandomState::State state = numpy_random_state_from(json);
  EXPECT_FALSE(state.has_gauss);
  EXPECT_EQ(state.position, original.state().position);
}

TEST(NumpyRandomJson, MissingOrMalformedFieldsAreNamed) {
  nlohmann::json json;
  add_numpy_random_state(NumpyRandomState(1).state(), json);
  for (const char* field : {"mt_key", "mt_position", "mt_words_drawn"}) {
    nlohmann::json damaged = json;
    damaged.erase(field);
    try {
      numpy_random_state_from(damaged);
      FAIL() << "expected an error without " << field;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
  json["mt_key"] = std::vector<int>{1, 2, 3};  // too short
  EXPECT_THROW(numpy_random_state_from(json), Error);
}

}  // namespace
}  // namespace arq
