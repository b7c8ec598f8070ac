#include "recap/validate/html.h"

#include <gtest/gtest.h>

namespace recap::validate {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Html, BlandAltmanPlotHasOnePointPerPairAndItsLines) {
  const std::string svg = blandAltmanSvg({{30, 31}, {20, 21}, {15, 14}, {20, 23}}, "Bland-Altman: LDi", "mm");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_EQ(count(svg, "<circle "), 4u);
  EXPECT_NE(svg.find("bias 1.00"), std::string::npos);
  EXPECT_NE(svg.find("+1.96 SD 4.20"), std::string::npos) << svg;  // 1 + 1.96 x sqrt(8/3) = 4.2008
  EXPECT_NE(svg.find("-1.96 SD -2.20"), std::string::npos);
  EXPECT_NE(blandAltmanSvg({}, "x", "mm").find("nothing to compare"), std::string::npos);
}

// The markup recap assess writes (modules/report/src/html.cpp), two timepoints with a lesion each.
const char* kReport =
    "<section id=\"tp-baseline\"><h2>baseline</h2>\n"
    "<div class=\"lesion\" data-lesion=\"L1\">\n<h4>L1</h4>\n<div class=\"pair\">\n"
    "<figure><img src=\"data:image/png;base64,AAAA\" alt=\"L1 baseline CT\"><figcaption>c</figcaption></figure>\n"
    "<figure><img src=\"data:image/png;base64,BBBB\" alt=\"L1 baseline PET/CT\"><figcaption>c</figcaption></figure>\n"
    "</div>\n</div>\n"
    "<div class=\"lesion\" data-lesion=\"L2\">\n<div class=\"pair\">\n"
    "<figure><img src=\"data:image/png;base64,CCCC\" alt=\"L2 baseline CT\"></figure>\n</div>\n</div>\n</section>\n"
    "<section id=\"tp-fu&lt;1&gt;\"><div class=\"lesion\" data-lesion=\"L1\">\n"
    "<figure><img src=\"data:image/png;base64,DDDD\" alt=\"L1 fu CT\"></figure>\n</div>\n</section>\n";

TEST(Html, KeyImagesAreTakenFromTheLesionsOwnSection) {
  auto k = keyImagesFromReport(kReport, "baseline", "L1");
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k[0].src, "data:image/png;base64,AAAA");
  EXPECT_EQ(k[0].alt, "L1 baseline CT");
  EXPECT_EQ(k[1].src, "data:image/png;base64,BBBB");
  k = keyImagesFromReport(kReport, "baseline", "L2");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].src, "data:image/png;base64,CCCC");
  k = keyImagesFromReport(kReport, "fu<1>", "L1");  // labels are escaped in the page
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].src, "data:image/png;base64,DDDD");
  EXPECT_TRUE(keyImagesFromReport(kReport, "fu<1>", "L2").empty());  // not in that timepoint
  EXPECT_TRUE(keyImagesFromReport(kReport, "fu2", "L1").empty());
  EXPECT_TRUE(keyImagesFromReport("", "baseline", "L1").empty());
}

TEST(Html, PageHoldsChecksTablesPlotsAndEscapedNames) {
  RecordSet ref, rec;
  ref.timepoints = {{"P<1>", "fu1", std::string("PR"), 4, "r"}};
  rec.timepoints = {{"P<1>", "fu1", std::string("SD"), 4, "x"}};
  LesionRecord a;
  a.patient_id = "P<1>";
  a.timepoint = "fu1";
  a.lesion_id = "L1";
  a.status = "measured";
  a.ldi_mm = 20;
  a.sdi_mm = 10;
  a.ppd_mm2 = 200;
  LesionRecord b = a;
  b.ldi_mm = 22;
  b.ppd_mm2 = 220;
  ref.lesions = {a};
  rec.lesions = {b};
  const Validation v = compare(ref, rec);
  nlohmann::ordered_json j = toJson(v);
  j["reference"] = {"truth/<x>"};
  j["results"] = "res";
  j["checks"] = nlohmann::ordered_json::array({{{"metric", "ct_response.agreement"}, {"min", 1.0}, {"max", nullptr}, {"value", 0.0}, {"passed", false}}});
  j["passed"] = false;
  HtmlInput in;
  in.validation = &j;
  in.pairs = &v;
  in.worst_images = {{{"data:image/png;base64,QUJD", "P1 fu1 CT"}}};
  in.generator = "recap test";
  const std::string h = renderHtml(in);
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(h.find("</html>"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("P<1>"), std::string::npos);  // escaped
  EXPECT_NE(h.find("P&lt;1&gt;"), std::string::npos);
  EXPECT_NE(h.find("truth/&lt;x&gt;"), std::string::npos);
  EXPECT_NE(h.find("<span class=\"fail\">failed</span>"), std::string::npos);
  EXPECT_EQ(count(h, "class=\"bland-altman\""), 3u);
  EXPECT_NE(h.find("data-points=\"1\""), std::string::npos);
  EXPECT_EQ(count(h, "<table class=\"confusion\""), 2u);
  // Reference PR, recap SD: an off-diagonal cell holding 1.
  EXPECT_NE(h.find("<td class=\"num off\">1</td>"), std::string::npos);
  EXPECT_NE(h.find("CT response: reference PR, recap SD"), std::string::npos);
  EXPECT_NE(h.find("<img src=\"data:image/png;base64,QUJD\" alt=\"P1 fu1 CT\">"), std::string::npos);
}

}  // namespace
}  // namespace recap::validate
