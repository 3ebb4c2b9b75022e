#include "arq/experiments/line_plot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>

#include "arq/core/error.h"

namespace arq::experiments {
namespace {

// Colour-blind-friendly palette (Okabe-Ito), then repeats.
constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int kColorCount = 8;

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

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isfinite(v)) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  bool empty() const { return !(low <= high); }
};

}  // namespace

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
  char buffer[32];
  auto trimmed = [&](double v, const char* suffix) {
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
    std::string text = buffer;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text + suffix;
  };
  if (magnitude >= 1e6) return trimmed(value / 1e6, "M");
  if (magnitude >= 1e4) return trimmed(value / 1e3, "k");
  return trimmed(value, "");
}

std::string render_svg(const PlotSpec& plot) {
  constexpr double kWidth = 720, kHeight = 440;
  constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 55;
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kHeight - kTop - kBottom;

  Range x_range, y_range;
  for (const auto& s : plot.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      x_range.add(s.x[i]);
      y_range.add(s.y[i]);
      y_range.add(s.low[i]);
      y_range.add(s.high[i]);
    }
  }
  if (x_range.empty()) x_range = {0.0, 1.0};
  if (y_range.empty()) y_range = {0.0, 1.0};
  const auto x_ticks = nice_ticks(x_range.low, x_range.high);
  const auto y_ticks = nice_ticks(y_range.low, y_range.high);
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
  // Grid and tick labels.
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

  // Bands first so every line stays visible on top of all bands.
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    if (s.x.size() < 2) continue;
    svg << "<polygon fill=\"" << kColors[k % kColorCount]
        << "\" fill-opacity=\"0.2\" stroke=\"none\" points=\"";
    for (size_t i = 0; i < s.x.size(); ++i)
      svg << fixed(px(s.x[i])) << "," << fixed(py(s.high[i])) << " ";
    for (size_t i = s.x.size(); i-- > 0;)
      svg << fixed(px(s.x[i])) << "," << fixed(py(s.low[i])) << " ";
    svg << "\"/>\n";
  }
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    const char* color = kColors[k % kColorCount];
    if (s.x.size() == 1) {
      svg << "<circle cx=\"" << fixed(px(s.x[0])) << "\" cy=\"" << fixed(py(s.y[0]))
          << "\" r=\"3\" fill=\"" << color << "\"/>\n";
      continue;
    }
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < s.x.size(); ++i)
      svg << fixed(px(s.x[i])) << "," << fixed(py(s.y[i])) << " ";
    svg << "\"/>\n";
  }
  // Legend, top left inside the frame.
  svg << "<g>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const double y = kTop + 16 + 18.0 * static_cast<double>(k);
    svg << "<line x1=\"" << fixed(kLeft + 10) << "\" y1=\"" << fixed(y - 4) << "\" x2=\""
        << fixed(kLeft + 34) << "\" y2=\"" << fixed(y - 4) << "\" stroke=\""
        << kColors[k % kColorCount] << "\" stroke-width=\"3\"/>\n";
    svg << "<text x=\"" << fixed(kLeft + 40) << "\" y=\"" << fixed(y) << "\" fill=\"#111\">"
        << escape_xml(plot.series[k].label) << "</text>\n";
  }
  svg << "</g>\n</svg>\n";
  return svg.str();
}

std::string gnuplot_data(const PlotSpec& plot) {
  std::ostringstream data;
  data.precision(10);
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    data << "# " << s.label << "\n";
    for (size_t i = 0; i < s.x.size(); ++i) {
      data << s.x[i] << " " << s.y[i] << " " << s.low[i] << " " << s.high[i] << "\n";
    }
    data << "\n\n";  // two blank lines end a gnuplot data block (an `index`)
  }
  return data.str();
}

std::string gnuplot_program(const PlotSpec& plot, const std::string& data_path,
                            const std::string& png_path) {
  std::ostringstream gp;
  gp << "set terminal pngcairo size 960,600 enhanced font 'sans,11'\n";
  gp << "set output " << gnuplot_quote(png_path) << "\n";
  gp << "set title " << gnuplot_quote(plot.title) << " noenhanced\n";
  gp << "set xlabel " << gnuplot_quote(plot.x_label) << "\nset ylabel "
     << gnuplot_quote(plot.y_label) << "\n";
  gp << "set grid\nset key top left noenhanced\nset style fill transparent solid 0.2 noborder\n";
  gp << "plot ";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    gp << (k ? ", \\\n     " : "") << gnuplot_quote(data_path) << " index " << k
       << " using 1:3:4 with filledcurves lc rgb '" << kColors[k % kColorCount] << "' notitle";
  }
  for (size_t k = 0; k < plot.series.size(); ++k) {
    gp << ", \\\n     " << gnuplot_quote(data_path) << " index " << k
       << " using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb '" << kColors[k % kColorCount]
       << "' title " << gnuplot_quote(plot.series[k].label);
  }
  gp << "\n";
  return gp.str();
}

std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream folders(path);
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    const std::filesystem::path candidate = std::filesystem::path(folder) / "gnuplot";
    if (!folder.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

bool run_gnuplot(const std::string& gnuplot, const std::string& program_path, std::string* error) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = "cannot start gnuplot";
    return false;
  }
  if (pid == 0) {
    ::execl(gnuplot.c_str(), "gnuplot", program_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *error = "waiting for gnuplot failed";
      return false;
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = "gnuplot failed on '" + program_path + "'";
    return false;
  }
  return true;
}

}  // namespace arq::experiments
