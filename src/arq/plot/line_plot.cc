#include "arq/plot/line_plot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace arq::plot {

std::string render_svg(const PlotSpec& plot) {
  FrameSpec frame{720, 440, plot.title, plot.x_label, plot.y_label, {}, {}};
  for (const auto& s : plot.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      frame.x.add(s.x[i]);
      frame.y.add(s.y[i]);
      frame.y.add(s.low[i]);
      frame.y.add(s.high[i]);
    }
  }
  std::ostringstream svg;
  const PlotArea area = write_svg_frame(frame, svg);
  auto px = [&](double x) { return svg_number(area.x(x)); };
  auto py = [&](double y) { return svg_number(area.y(y)); };

  // Bands first so every line stays visible on top of all bands.
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    if (s.x.size() < 2) continue;
    svg << "<polygon fill=\"" << plot_color(k)
        << "\" fill-opacity=\"0.2\" stroke=\"none\" points=\"";
    for (size_t i = 0; i < s.x.size(); ++i) svg << px(s.x[i]) << "," << py(s.high[i]) << " ";
    for (size_t i = s.x.size(); i-- > 0;) svg << px(s.x[i]) << "," << py(s.low[i]) << " ";
    svg << "\"/>\n";
  }
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    const char* color = plot_color(k);
    if (s.x.size() == 1) {
      svg << "<circle cx=\"" << px(s.x[0]) << "\" cy=\"" << py(s.y[0]) << "\" r=\"3\" fill=\""
          << color << "\"/>\n";
      continue;
    }
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < s.x.size(); ++i) svg << px(s.x[i]) << "," << py(s.y[i]) << " ";
    svg << "\"/>\n";
  }
  // Legend, top left inside the frame.
  svg << "<g>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const double y = area.top + 16 + 18.0 * static_cast<double>(k);
    svg << "<line x1=\"" << svg_number(area.left + 10) << "\" y1=\"" << svg_number(y - 4)
        << "\" x2=\"" << svg_number(area.left + 34) << "\" y2=\"" << svg_number(y - 4)
        << "\" stroke=\"" << plot_color(k) << "\" stroke-width=\"3\"/>\n";
    svg << "<text x=\"" << svg_number(area.left + 40) << "\" y=\"" << svg_number(y)
        << "\" fill=\"#111\">" << escape_xml(plot.series[k].label) << "</text>\n";
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
       << " using 1:3:4 with filledcurves lc rgb '" << plot_color(k) << "' notitle";
  }
  for (size_t k = 0; k < plot.series.size(); ++k) {
    gp << ", \\\n     " << gnuplot_quote(data_path) << " index " << k
       << " using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb '" << plot_color(k) << "' title "
       << gnuplot_quote(plot.series[k].label);
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
  const std::filesystem::path program(program_path);
  const std::string folder = program.has_parent_path() ? program.parent_path().string() : ".";
  const std::string file = program.filename().string();
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = "cannot start gnuplot";
    return false;
  }
  if (pid == 0) {
    if (::chdir(folder.c_str()) != 0) ::_exit(126);
    ::execl(gnuplot.c_str(), "gnuplot", file.c_str(), static_cast<char*>(nullptr));
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

}  // namespace arq::plot
