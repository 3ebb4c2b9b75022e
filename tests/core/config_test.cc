#include "arq/core/config.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"

namespace arq {
namespace {

Config small_config() {
  Config c;
  c.declare("run.steps", int64_t{10}, "steps");
  c.declare("run.name", std::string("x"), "name");
  c.declare("optim.lr", 0.5, "learning rate");
  c.declare("optim.clip", true, "clip");
  c.declare("net.widths", std::vector<int64_t>{1, 2}, "widths");
  return c;
}

TEST(Config, TomlValuesReplaceDefaultsAndRecordTheirSource) {
  Config c = small_config();
  c.load_toml_string(
      "[run]\nsteps = 1_000\nname = \"breakout\"\n[optim]\nlr = 1e-4\n"
      "clip = false\n[net]\nwidths = [400, 200, 200]\n",
      "preset.toml");
  EXPECT_EQ(c.get_int("run.steps"), 1000);
  EXPECT_EQ(c.get_string("run.name"), "breakout");
  EXPECT_DOUBLE_EQ(c.get_double("optim.lr"), 1e-4);
  EXPECT_FALSE(c.get_bool("optim.clip"));
  EXPECT_EQ(c.get_ints("net.widths"), (std::vector<int64_t>{400, 200, 200}));
  EXPECT_EQ(c.source("run.steps"), "preset.toml");
}

TEST(Config, IntegerKeysAcceptWholeFloatsButNotFractions) {
  Config c = small_config();
  c.load_toml_string("[run]\nsteps = 1e6\n", "a.toml");
  EXPECT_EQ(c.get_int("run.steps"), 1000000);
  EXPECT_THROW(c.load_toml_string("[run]\nsteps = 1.5\n", "b.toml"), Error);
}

TEST(Config, UnknownKeyNamesTheKeyAndTheFile) {
  Config c = small_config();
  try {
    c.load_toml_string("[optim]\nlearning_rate = 3\n", "preset.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("optim.learning_rate"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("preset.toml"), std::string::npos) << e.what();
  }
}

TEST(Config, WrongTypeNamesTheExpectedType) {
  Config c = small_config();
  try {
    c.load_toml_string("[optim]\nclip = \"yes\"\n", "p.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("boolean"), std::string::npos) << e.what();
  }
}

TEST(Config, OverridesParseByDeclaredType) {
  Config c = small_config();
  c.apply_override("run.steps=1e6");
  c.apply_override("optim.lr = 2.5e-4");
  c.apply_override("optim.clip=false");
  c.apply_override("run.name=\"seaquest\"");
  c.apply_override("net.widths=[128,96,96]");
  EXPECT_EQ(c.get_int("run.steps"), 1000000);
  EXPECT_DOUBLE_EQ(c.get_double("optim.lr"), 2.5e-4);
  EXPECT_FALSE(c.get_bool("optim.clip"));
  EXPECT_EQ(c.get_string("run.name"), "seaquest");
  EXPECT_EQ(c.get_ints("net.widths"), (std::vector<int64_t>{128, 96, 96}));
  EXPECT_EQ(c.source("optim.lr"), "--set");
  EXPECT_THROW(c.apply_override("run.steps=ten"), Error);
  EXPECT_THROW(c.apply_override("optim.clip=maybe"), Error);
  EXPECT_THROW(c.apply_override("nokey=1"), Error);
  EXPECT_THROW(c.apply_override("run.steps"), Error);
}

TEST(Config, MalformedTomlReportsTheLine) {
  Config c = small_config();
  try {
    c.load_toml_string("[run]\nsteps = \n", "broken.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(ParseInteger, AcceptsSeparatorsAndScientificWholeNumbers) {
  EXPECT_EQ(parse_integer("1_000_000", "x"), 1000000);
  EXPECT_EQ(parse_integer("2e3", "x"), 2000);
  EXPECT_EQ(parse_integer("-5", "x"), -5);
  EXPECT_THROW(parse_integer("2.5", "x"), Error);
  EXPECT_THROW(parse_integer("", "x"), Error);
}

}  // namespace
}  // namespace arq

namespace arq {
namespace {

// The message of the Error `work` throws ("" if none).
template <typename Work>
std::string config_error(Work work) {
  try {
    work();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigStrict, SetListsAreTomlArraysNotLooseCommaText) {
  Config c = small_config();
  EXPECT_NE(config_error([&] { c.apply_override("net.widths=[64,"); }).find("--set net.widths"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              c.apply_override("net.widths=[64,,48]");
            }).find("expected a list of integers"),
            std::string::npos);
  EXPECT_NE(config_error([&] { c.apply_override("net.widths=[64, 4.5]"); }), "");
  EXPECT_EQ(c.get_ints("net.widths"), (std::vector<int64_t>{1, 2}));  // unchanged
  c.apply_override("net.widths=[64, 48]");
  EXPECT_EQ(c.get_ints("net.widths"), (std::vector<int64_t>{64, 48}));
  c.apply_override("net.widths=32,16");
  EXPECT_EQ(c.get_ints("net.widths"), (std::vector<int64_t>{32, 16}));
}

TEST(ConfigStrict, RangesDeclaredWithTheKeyAreCheckedWhereverTheValueComesFrom) {
  Config c;
  c.declare("agent.gamma", 0.99, "discount", ConfigRange::between(0, 1));
  c.declare("run.steps", int64_t{10}, "steps", ConfigRange::at_least(1));
  c.declare("optim.lr", 1e-4, "learning rate", ConfigRange::above(0));
  c.declare("net.widths", std::vector<int64_t>{4}, "widths", ConfigRange::at_least(1));
  EXPECT_EQ(config_error([&] { c.apply_override("agent.gamma=2"); }),
            "--set: key 'agent.gamma' must be in [0, 1], got 2");
  EXPECT_NE(config_error([&] {
              c.load_toml_string("[run]\nsteps = 0\n", "p.toml");
            }).find("p.toml: key 'run.steps' must be >= 1, got 0"),
            std::string::npos);
  EXPECT_NE(config_error([&] { c.apply_override("optim.lr=0"); }).find("> 0"), std::string::npos);
  EXPECT_NE(config_error([&] { c.apply_override("net.widths=[4,0]"); }).find("0 (in the list)"),
            std::string::npos);
  c.apply_override("agent.gamma=1");
  EXPECT_EQ(c.get_double("agent.gamma"), 1.0);
  EXPECT_NE(c.describe().find(", in [0, 1]): discount"), std::string::npos) << c.describe();
}

TEST(ConfigStrict, AConfigPathMustBeARegularFile) {
  Config c = small_config();
  const std::string folder = ::testing::TempDir();
  EXPECT_NE(config_error([&] { c.load_toml_file(folder); }).find("not a regular file"),
            std::string::npos);
  EXPECT_NE(config_error([&] { c.load_toml_file(folder + "/no-such.toml"); }).find("no such file"),
            std::string::npos);
}

// Found by fuzz/config_fuzz.cc (inputs in fuzz/corpus/config/): a string holding a control
// character was written raw into config.toml, which TOML forbids, so the run's own config could
// not be read back (resume, eval); bytes that are not UTF-8 from --set did the same.
TEST(ConfigStrict, ToTomlReadsBackWithControlCharactersInStrings) {
  Config c = small_config();
  c.load_toml_string("[run]\nname = \"a\\u0001b\\tc\\u007f\\\"d\\\\\"\n", "preset.toml");
  ASSERT_EQ(c.get_string("run.name"), std::string("a\x01"
                                                  "b\tc\x7f\"d\\"));
  Config reloaded = small_config();
  reloaded.load_toml_string(c.to_toml(), "config.toml");
  EXPECT_EQ(reloaded.get_string("run.name"), c.get_string("run.name"));
  EXPECT_EQ(reloaded.to_toml(), c.to_toml());
}

TEST(ConfigStrict, SetStringsMustBePrintableUtf8) {
  Config c = small_config();
  EXPECT_NE(config_error([&] { c.apply_override("run.name=\xff\xfe"); }).find("--set run.name"),
            std::string::npos);
  EXPECT_THROW(c.apply_override("run.name=a\x01"), Error);
  c.apply_override("run.name=caf\xc3\xa9");  // UTF-8 is fine
  Config reloaded = small_config();
  reloaded.load_toml_string(c.to_toml(), "config.toml");
  EXPECT_EQ(reloaded.get_string("run.name"), "caf\xc3\xa9");
}

}  // namespace
}  // namespace arq
