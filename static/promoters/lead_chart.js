// Leads per hour (or day) in the admin (templates/admin/promoters/figures.html): leads and new contacts as bars, from
// the JSON the page carries. Plotly is served from this installation; both scripts are deferred.
(function () {
  "use strict";
  const holder = document.getElementById("promo-chart");
  const source = document.getElementById("promo-chart-data");
  if (!holder || !source || typeof Plotly === "undefined") {
    return;
  }
  const chart = JSON.parse(source.textContent);
  const dark = document.documentElement.classList.contains("dark");
  const traces = [
    { x: chart.x, y: chart.leads, name: chart.labels.leads, type: "bar", marker: { color: "#0b5cab" } },
    { x: chart.x, y: chart.new_contacts, name: chart.labels.new_contacts, type: "bar", marker: { color: "#16a34a" } },
  ];
  const layout = {
    title: { text: chart.labels.title },
    height: 360,
    barmode: "group",
    margin: { l: 50, r: 20, t: 50, b: 60 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: dark ? "#e5e7eb" : "#374151" },
    xaxis: { type: "date", tickformat: chart.period === "hour" ? "%d.%m %H:%M" : "%Y-%m-%d" },
    // Whole leads only: a tick per lead while they are few.
    yaxis: { rangemode: "tozero", tickformat: "d", dtick: Math.max.apply(null, chart.leads.concat([0])) <= 10 ? 1 : undefined },
    legend: { orientation: "h" },
  };
  Plotly.newPlot(holder, traces, layout, { displaylogo: false, responsive: true });
})();
