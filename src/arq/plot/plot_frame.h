#pragma once
// What the line and scatter plots share: the palette, text quoting for SVG and gnuplot, tick
// choice, and the SVG frame (title, grid, tick labels, axis labels) around the data area.
#include <cstddef>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace arq::plot {

// Colour-blind-friendly palette (Okabe-Ito); series/group `index` wraps around it.
const char* plot_color(size_t index);

// `text` safe inside SVG text and attribute values.
std::string escape_xml(const std::string& text);

// An SVG coordinate with one decimal ("12.5").
std::string svg_number(double value);

// `text` as a double-quoted gnuplot string.
std::string gnuplot_quote(const std::string& text);

// Tick positions covering [low, high] at a 1-2-5 spacing, about `target` of them.
std::vector<double> nice_ticks(double low, double high, int target = 6);

// "1.5M", "250k", "40": compact labels for step counts and returns.
std::string compact_number(double value);

// The finite values seen along one axis.
struct ValueRange {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double value);  // ignores NaN and infinities
  bool empty() const { return !(low <= high); }
};

// Where the data area sits in the picture and how data maps into it.
struct PlotArea {
  double left = 0, top = 0, width = 0, height = 0;
  double x_low = 0, x_high = 1, y_low = 0, y_high = 1;  // the outer ticks
  double x(double value) const { return left + (value - x_low) / (x_high - x_low) * width; }
  double y(double value) const { return top + (1.0 - (value - y_low) / (y_high - y_low)) * height; }
};

struct FrameSpec {
  double width = 640, height = 480;
  std::string title, x_label, y_label;
  ValueRange x, y;  // the data to cover; an empty range becomes [0, 1]
};

// Writes the opening <svg> element, background, title, grid, tick and axis labels and the frame;
// the caller draws the data into the returned area, then closes with "</svg>".
PlotArea write_svg_frame(const FrameSpec& frame, std::ostream& svg);

}  // namespace arq::plot
