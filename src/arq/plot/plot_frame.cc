#include "arq/plot/plot_frame.h"

#include <algorithm>
#include <cmath>

#include "arq/core/number_text.h"

namespace arq::plot {

const char* plot_color(size_t index) {
  static constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                            "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  return kColors[index % std::size(kColors)];
}

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string svg_number(double value) {
  return fixed_decimals(value, 1);
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(std::isfinite(low) && std::isfinite(high))) return {0.0, 1.0};
  if (high < low) std::swap(low, high);
  if (high - low < 1e-12 * std::max(1.0, std::fabs(high))) {
    const double pad = std::fabs(high) > 0 ? std::fabs(high) * 0.1 : 1.0;
    low -= pad;
    high += pad;
  }
  const double raw = (high - low) / std::max(1, target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double step = (fraction <= 1.0   ? 1.0
                       : fraction <= 2.0 ? 2.0
                       : fraction <= 5.0 ? 5.0
                                         : 10.0) *
                      magnitude;
  std::vector<double> ticks;
  const double first = std::floor(low / step + 1e-9) * step;
  for (double t = first; t < high + step * 0.999; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    if (ticks.size() > 100) break;
  }
  if (ticks.size() < 2) ticks.push_back(ticks.back() + step);
  return ticks;
}

std::string compact_number(double value) {
  const double magnitude = std::fabs(value);
  auto trimmed = [&](double v, const char* suffix) {
    std::string text = fixed_decimals(v, 2);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text + suffix;
  };
  if (magnitude >= 1e6) return trimmed(value / 1e6, "M");
  if (magnitude >= 1e4) return trimmed(value / 1e3, "k");
  return trimmed(value, "");
}

void ValueRange::add(double value) {
  if (std::isfinite(value)) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
}

PlotArea write_svg_frame(const FrameSpec& frame, std::ostream& svg) {
  constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 55;
  const ValueRange x_range = frame.x.empty() ? ValueRange{0.0, 1.0} : frame.x;
  const ValueRange y_range = frame.y.empty() ? ValueRange{0.0, 1.0} : frame.y;
  const auto x_ticks = nice_ticks(x_range.low, x_range.high);
  const auto y_ticks = nice_ticks(y_range.low, y_range.high);
  const PlotArea area{kLeft,
                      kTop,
                      frame.width - kLeft - kRight,
                      frame.height - kTop - kBottom,
                      x_ticks.front(),
                      x_ticks.back(),
                      y_ticks.front(),
                      y_ticks.back()};
  const double bottom = area.top + area.height;

  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << frame.width << "\" height=\""
      << frame.height << "\" viewBox=\"0 0 " << frame.width << " " << frame.height
      << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << svg_number(frame.width / 2)
      << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" << escape_xml(frame.title)
      << "</text>\n";
  // Grid and tick labels.
  svg << "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (double t : x_ticks) {
    svg << "<line x1=\"" << svg_number(area.x(t)) << "\" y1=\"" << svg_number(area.top)
        << "\" x2=\"" << svg_number(area.x(t)) << "\" y2=\"" << svg_number(bottom) << "\"/>\n";
  }
  for (double t : y_ticks) {
    svg << "<line x1=\"" << svg_number(area.left) << "\" y1=\"" << svg_number(area.y(t))
        << "\" x2=\"" << svg_number(area.left + area.width) << "\" y2=\"" << svg_number(area.y(t))
        << "\"/>\n";
  }
  svg << "</g>\n<g fill=\"#333\">\n";
  for (double t : x_ticks) {
    svg << "<text x=\"" << svg_number(area.x(t)) << "\" y=\"" << svg_number(bottom + 18)
        << "\" text-anchor=\"middle\">" << compact_number(t) << "</text>\n";
  }
  for (double t : y_ticks) {
    svg << "<text x=\"" << svg_number(area.left - 8) << "\" y=\"" << svg_number(area.y(t) + 4)
        << "\" text-anchor=\"end\">" << compact_number(t) << "</text>\n";
  }
  svg << "<text x=\"" << svg_number(area.left + area.width / 2) << "\" y=\""
      << svg_number(frame.height - 12) << "\" text-anchor=\"middle\">" << escape_xml(frame.x_label)
      << "</text>\n";
  svg << "<text transform=\"translate(18," << svg_number(area.top + area.height / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape_xml(frame.y_label) << "</text>\n";
  svg << "</g>\n";
  svg << "<rect x=\"" << svg_number(area.left) << "\" y=\"" << svg_number(area.top) << "\" width=\""
      << svg_number(area.width) << "\" height=\"" << svg_number(area.height)
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
  return area;
}

}  // namespace arq::plot
