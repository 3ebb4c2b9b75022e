#pragma once
// Scatter plots with one colour per group (e.g. PC1 vs PC2 coloured by action), as SVG by our own
// writer and as a gnuplot program for PNG, in the style of line_plot.h.
#include <string>
#include <vector>

namespace arq::plot {

struct ScatterGroup {
  std::string label;
  std::vector<double> x, y;  // same length
};

struct ScatterSpec {
  std::string title, x_label, y_label;
  std::vector<ScatterGroup> groups;
};

std::string render_scatter_svg(const ScatterSpec& plot);

// gnuplot's data (one block per group: x y) and the program that draws it into `png_path`
// (paths relative to the program's folder, where run_gnuplot runs it).
std::string scatter_gnuplot_data(const ScatterSpec& plot);
std::string scatter_gnuplot_program(const ScatterSpec& plot, const std::string& data_path,
                                    const std::string& png_path);

}  // namespace arq::plot
