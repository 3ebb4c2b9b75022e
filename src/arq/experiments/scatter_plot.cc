#include "arq/experiments/scatter_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "arq/core/error.h"
#include "arq/experiments/line_plot.h"

namespace arq::experiments {
namespace {

// The learning curves' colour-blind-friendly palette (Okabe-Ito).
constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int kColorCount = 8;

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

void check(const ScatterSpec& plot) {
  for (const auto& g : plot.groups) {
    if (g.x.size() != g.y.size()) {
      throw Error("scatter plot '" + plot.title + "': group '" + g.label +
                  "' has different numbers of x and y values");
    }
  }
}

}  // namespace

std::string render_scatter_svg(const ScatterSpec& plot) {
  check(plot);
  constexpr double kWidth = 640, kHeight = 480;
  constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 55;
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kHeight - kTop - kBottom;
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const auto& g : plot.groups) {
    for (size_t i = 0; i < g.x.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i])) continue;
      x_low = std::min(x_low, g.x[i]);
      x_high = std::max(x_high, g.x[i]);
      y_low = std::min(y_low, g.y[i]);
      y_high = std::max(y_high, g.y[i]);
    }
  }
  if (!(x_low <= x_high)) x_low = 0, x_high = 1;
  if (!(y_low <= y_high)) y_low = 0, y_high = 1;
  const auto x_ticks = nice_ticks(x_low, x_high);
  const auto y_ticks = nice_ticks(y_low, y_high);
  const double x0 = x_ticks.front(), x1 = x_ticks.back();
  const double y0 = y_ticks.front(), y1 = y_ticks.back();
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * plot_width; };
  auto py = [&](double y) { return kTop + (1.0 - (y - y0) / (y1 - y0)) * plot_height; };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
      << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << fixed(kWidth / 2) << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
      << escape_xml(plot.title) << "</text>\n";
  svg << "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (double t : x_ticks) {
    svg << "<line x1=\"" << fixed(px(t)) << "\" y1=\"" << fixed(kTop) << "\" x2=\"" << fixed(px(t))
        << "\" y2=\"" << fixed(kTop + plot_height) << "\"/>\n";
  }
  for (double t : y_ticks) {
    svg << "<line x1=\"" << fixed(kLeft) << "\" y1=\"" << fixed(py(t)) << "\" x2=\""
        << fixed(kLeft + plot_width) << "\" y2=\"" << fixed(py(t)) << "\"/>\n";
  }
  svg << "</g>\n<g fill=\"#333\">\n";
  for (double t : x_ticks) {
    svg << "<text x=\"" << fixed(px(t)) << "\" y=\"" << fixed(kTop + plot_height + 18)
        << "\" text-anchor=\"middle\">" << compact_number(t) << "</text>\n";
  }
  for (double t : y_ticks) {
    svg << "<text x=\"" << fixed(kLeft - 8) << "\" y=\"" << fixed(py(t) + 4)
        << "\" text-anchor=\"end\">" << compact_number(t) << "</text>\n";
  }
  svg << "<text x=\"" << fixed(kLeft + plot_width / 2) << "\" y=\"" << fixed(kHeight - 12)
      << "\" text-anchor=\"middle\">" << escape_xml(plot.x_label) << "</text>\n";
  svg << "<text transform=\"translate(18," << fixed(kTop + plot_height / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape_xml(plot.y_label) << "</text>\n";
  svg << "</g>\n";
  svg << "<rect x=\"" << fixed(kLeft) << "\" y=\"" << fixed(kTop) << "\" width=\""
      << fixed(plot_width) << "\" height=\"" << fixed(plot_height)
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (size_t k = 0; k < plot.groups.size(); ++k) {
    const auto& g = plot.groups[k];
    svg << "<g fill=\"" << kColors[k % kColorCount] << "\" fill-opacity=\"0.6\">\n";
    for (size_t i = 0; i < g.x.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i])) continue;
      svg << "<circle cx=\"" << fixed(px(g.x[i])) << "\" cy=\"" << fixed(py(g.y[i]))
          << "\" r=\"2.5\"/>\n";
    }
    svg << "</g>\n";
  }
  svg << "<g>\n";
  for (size_t k = 0; k < plot.groups.size(); ++k) {
    const double y = kTop + 16 + 18.0 * static_cast<double>(k);
    svg << "<circle cx=\"" << fixed(kLeft + 18) << "\" cy=\"" << fixed(y - 4)
        << "\" r=\"4\" fill=\"" << kColors[k % kColorCount] << "\"/>\n";
    svg << "<text x=\"" << fixed(kLeft + 28) << "\" y=\"" << fixed(y) << "\" fill=\"#111\">"
        << escape_xml(plot.groups[k].label) << "</text>\n";
  }
  svg << "</g>\n</svg>\n";
  return svg.str();
}

std::string scatter_gnuplot_data(const ScatterSpec& plot) {
  check(plot);
  std::ostringstream data;
  data.precision(10);
  for (const auto& g : plot.groups) {
    data << "# " << g.label << "\n";
    for (size_t i = 0; i < g.x.size(); ++i) data << g.x[i] << " " << g.y[i] << "\n";
    if (g.x.empty()) data << "NaN NaN\n";  // keeps the block (and its index) present
    data << "\n\n";
  }
  return data.str();
}

std::string scatter_gnuplot_program(const ScatterSpec& plot, const std::string& data_path,
                                    const std::string& png_path) {
  std::ostringstream gp;
  gp << "set terminal pngcairo size 800,600 enhanced font 'sans,11'\n";
  gp << "set output " << gnuplot_quote(png_path) << "\n";
  gp << "set title " << gnuplot_quote(plot.title) << " noenhanced\n";
  gp << "set xlabel " << gnuplot_quote(plot.x_label) << " noenhanced\nset ylabel "
     << gnuplot_quote(plot.y_label) << " noenhanced\n";
  gp << "set grid\nset key top left noenhanced\n";
  gp << "plot ";
  for (size_t k = 0; k < plot.groups.size(); ++k) {
    gp << (k ? ", \\\n     " : "") << gnuplot_quote(data_path) << " index " << k
       << " using 1:2 with points pt 7 ps 0.5 lc rgb '" << kColors[k % kColorCount] << "' title "
       << gnuplot_quote(plot.groups[k].label);
  }
  gp << "\n";
  return gp.str();
}

}  // namespace arq::experiments
