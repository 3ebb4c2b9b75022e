#include "arq/plot/scatter_plot.h"

#include <cmath>
#include <sstream>

#include "arq/core/error.h"
#include "arq/plot/plot_frame.h"

namespace arq::plot {
namespace {

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
  FrameSpec frame{640, 480, plot.title, plot.x_label, plot.y_label, {}, {}};
  for (const auto& g : plot.groups) {
    for (size_t i = 0; i < g.x.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i])) continue;
      frame.x.add(g.x[i]);
      frame.y.add(g.y[i]);
    }
  }
  std::ostringstream svg;
  const PlotArea area = write_svg_frame(frame, svg);
  for (size_t k = 0; k < plot.groups.size(); ++k) {
    const auto& g = plot.groups[k];
    svg << "<g fill=\"" << plot_color(k) << "\" fill-opacity=\"0.6\">\n";
    for (size_t i = 0; i < g.x.size(); ++i) {
      if (!std::isfinite(g.x[i]) || !std::isfinite(g.y[i])) continue;
      svg << "<circle cx=\"" << svg_number(area.x(g.x[i])) << "\" cy=\""
          << svg_number(area.y(g.y[i])) << "\" r=\"2.5\"/>\n";
    }
    svg << "</g>\n";
  }
  svg << "<g>\n";
  for (size_t k = 0; k < plot.groups.size(); ++k) {
    const double y = area.top + 16 + 18.0 * static_cast<double>(k);
    svg << "<circle cx=\"" << svg_number(area.left + 18) << "\" cy=\"" << svg_number(y - 4)
        << "\" r=\"4\" fill=\"" << plot_color(k) << "\"/>\n";
    svg << "<text x=\"" << svg_number(area.left + 28) << "\" y=\"" << svg_number(y)
        << "\" fill=\"#111\">" << escape_xml(plot.groups[k].label) << "</text>\n";
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
       << " using 1:2 with points pt 7 ps 0.5 lc rgb '" << plot_color(k) << "' title "
       << gnuplot_quote(plot.groups[k].label);
  }
  gp << "\n";
  return gp.str();
}

}  // namespace arq::plot
