// The licence-use chart (templates/admin/analytics/licenceusage/chart.html): active contacts per brand over time,
// a line per brand, from the data the page carries as JSON. Plotly is served from this installation; both scripts are
// deferred, so the page is laid out (and the chart as wide as its place) when this runs.
(function () {
  "use strict";
  const holder = document.getElementById("licence-chart");
  const source = document.getElementById("licence-chart-data");
  if (!holder || !source || typeof Plotly === "undefined") {
    return;
  }
  const chart = JSON.parse(source.textContent);
  const dark = document.documentElement.classList.contains("dark");
  const ink = dark ? "#e5e7eb" : "#374151";
  const traces = chart.series.map(function (line) {
    return { x: chart.days, y: line.values, name: line.name, type: "scatter", mode: "lines+markers", connectgaps: false };
  });
  const layout = {
    title: { text: chart.title },
    height: 360,
    margin: { l: 60, r: 20, t: 50, b: 50 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: ink },
    // A tick a day while the days fit, else Plotly's choice; never the hours between days.
    xaxis: {
      type: "date",
      tickformat: "%Y-%m-%d",
      hoverformat: "%Y-%m-%d",
      dtick: chart.days.length <= 14 ? 86400000 : undefined,
    },
    yaxis: { rangemode: "tozero" },
    showlegend: true,
    legend: { orientation: "h" },
  };
  Plotly.newPlot(holder, traces, layout, { displaylogo: false, responsive: true });
})();
