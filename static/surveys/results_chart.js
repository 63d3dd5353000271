// A survey's results page (templates/admin/surveys/survey/results.html): a bar chart per question with counts,
// from the data the page carries as JSON. Plotly is served from this installation; both scripts are deferred, so the
// page is laid out (and each chart as wide as its place) when this runs. The tables under the charts say the same.
(function () {
  "use strict";
  const source = document.getElementById("survey-charts-data");
  if (!source || typeof Plotly === "undefined") {
    return;
  }
  const dark = document.documentElement.classList.contains("dark");
  const ink = dark ? "#e5e7eb" : "#374151";
  JSON.parse(source.textContent).forEach(function (chart) {
    const holder = document.getElementById(chart.id);
    if (!holder) {
      return;
    }
    const scale = chart.kind === "rating" || chart.kind === "nps";
    const colors = chart.labels.map(function (label) {
      if (chart.kind !== "nps") {
        return "#4f46e5";
      }
      const value = Number(label);
      return value >= 9 ? "#15803d" : value >= 7 ? "#a16207" : "#b91c1c";
    });
    const trace = scale
      ? { x: chart.labels, y: chart.counts, type: "bar", marker: { color: colors } }
      : { y: chart.labels, x: chart.counts, type: "bar", orientation: "h", marker: { color: colors } };
    // Counts are whole numbers: a tick per answer while they are few, Plotly's choice beyond.
    const most = Math.max.apply(null, chart.counts.concat([1]));
    const countAxis = { rangemode: "tozero", tickformat: "d", dtick: most <= 10 ? 1 : undefined };
    const layout = {
      height: scale ? 260 : Math.max(160, 40 * chart.labels.length + 60),
      margin: { l: scale ? 40 : 160, r: 20, t: 10, b: 40 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: ink },
      xaxis: scale ? { type: "category" } : countAxis,
      yaxis: scale ? countAxis : { type: "category", autorange: "reversed", automargin: true },
      showlegend: false,
    };
    holder.classList.add("drawn");
    Plotly.newPlot(holder, [trace], layout, { displaylogo: false, responsive: true });
  });
})();
