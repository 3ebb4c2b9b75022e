#pragma once
// Learning-curve plots: lines with shaded confidence bands, methods overlaid. Written as SVG by
// our own writer (no dependency) and, when gnuplot is installed, as PNG through it.
#include <string>
#include <vector>

#include "arq/plot/plot_frame.h"  // nice_ticks, compact_number, the palette

namespace arq::plot {

struct PlotSeries {
  std::string label;
  std::vector<double> x, y, low, high;  // same length; low/high bound the band
};

struct PlotSpec {
  std::string title;
  std::string x_label = "environment steps";
  std::string y_label = "evaluation return";
  std::vector<PlotSeries> series;
};

std::string render_svg(const PlotSpec& plot);

// The gnuplot program that draws `plot` from `data_path` into a PNG at `png_path`, and the data
// file it reads (one block per series: x y low high). Give paths relative to the program's folder
// (run_gnuplot runs it there), so a report folder can move, and be committed, as a whole.
std::string gnuplot_data(const PlotSpec& plot);
std::string gnuplot_program(const PlotSpec& plot, const std::string& data_path,
                            const std::string& png_path);

// Path of gnuplot on PATH, or empty.
std::string find_gnuplot();

// Runs gnuplot on a program file, in the program's folder; returns false and fills `error` when
// it fails.
bool run_gnuplot(const std::string& gnuplot, const std::string& program_path, std::string* error);

}  // namespace arq::plot
