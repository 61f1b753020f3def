// Routing rules: parsing, wildcard matching, first match wins, defaults and results back to the
// sender. (The node test sends real studies through rules.)
#include <gtest/gtest.h>

#include "core/error.h"
#include "node/routing.h"

namespace {

using vigil::node::parse_route;
using vigil::node::route_study;
using vigil::node::StudyFacts;
using vigil::node::wildcard_match;

StudyFacts ct_from(const std::string& ae, const std::string& description = "THORAX 1.0 B60f") {
  StudyFacts f;
  f.calling_ae = ae;
  f.series.push_back({"CT", "CHEST", description});
  return f;
}

TEST(Routing, WildcardsAreCaseInsensitive) {
  EXPECT_TRUE(wildcard_match("*lung*", "CT LUNG 1mm"));
  EXPECT_TRUE(wildcard_match("CT", "ct"));
  EXPECT_TRUE(wildcard_match("CT_*", "CT_SCANNER_2"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_FALSE(wildcard_match("CT", "CTA"));
  EXPECT_FALSE(wildcard_match("*lung", "lung window"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYc"));
}

TEST(Routing, FirstMatchingRuleDecides) {
  const std::vector<vigil::node::RouteRule> rules{
      parse_route("match: calling_ae=ROUTER | pipeline: none | forward: ARCH@10.0.0.6:104"),
      parse_route("match: modality=CT series_description=*thorax* | pipeline: lung | results: PACS@10.0.0.5:104"),
      parse_route("match: modality=CT | pipeline: none | forward: OTHER@10.0.0.7:104")};
  const vigil::node::RoutingDefaults defaults{{"CT"}, {}, {}, {}};
  auto r = route_study(rules, defaults, ct_from("ROUTER"));
  EXPECT_FALSE(r.run_pipeline);
  ASSERT_EQ(r.forward.size(), 1u);
  EXPECT_EQ(r.forward[0].called_ae, "ARCH");
  r = route_study(rules, defaults, ct_from("CT_1"));
  EXPECT_TRUE(r.run_pipeline);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].port, 104);
  EXPECT_EQ(r.results[0].host, "10.0.0.5");
  r = route_study(rules, defaults, ct_from("CT_1", "ABDOMEN"));
  EXPECT_FALSE(r.run_pipeline);
  EXPECT_EQ(r.forward[0].called_ae, "OTHER");
}

TEST(Routing, DefaultsAndResultsBackToTheSender) {
  vigil::node::RoutingDefaults defaults{{"CT"}, {}, {}, {vigil::dicom::parse_pacs_address("CT_1@10.0.0.9:11112")}};
  auto r = route_study({}, defaults, ct_from("CT_1"));
  EXPECT_EQ(r.rule, "default");
  EXPECT_TRUE(r.run_pipeline);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].host, "10.0.0.9") << "results go back to the sending peer";
  EXPECT_TRUE(route_study({}, defaults, ct_from("UNKNOWN")).results.empty());
  StudyFacts mr = ct_from("CT_1");
  mr.series[0].modality = "MR";
  EXPECT_FALSE(route_study({}, defaults, mr).run_pipeline);
  defaults.results.push_back(vigil::dicom::parse_pacs_address("PACS@10.0.0.5:104"));
  r = route_study({}, defaults, ct_from("CT_1"));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].called_ae, "PACS") << "configured destinations win over the sender";
}

TEST(Routing, BadRulesAreRefusedWithTheReason) {
  EXPECT_THROW(parse_route("pipeline: lung"), vigil::Error);
  EXPECT_THROW(parse_route("match: colour=red"), vigil::Error);
  EXPECT_THROW(parse_route("match: modality=CT | pipeline: brain"), vigil::Error);
  EXPECT_THROW(parse_route("match: modality=CT | results: nowhere"), vigil::Error);
  EXPECT_THROW(parse_route("match: modality=CT | teleport: yes"), vigil::Error);
  try {
    parse_route("match: colour=red");
  } catch (const vigil::Error& e) {
    EXPECT_NE(std::string(e.what()).find("colour=red"), std::string::npos) << e.what();
  }
}

}  // namespace
