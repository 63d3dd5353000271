// The metric pages' charts (templates/admin/metrics/): each holder names the JSON it draws (`data-source`, or the
// page's own #metric-chart-data), and the data says which kind of chart it is. Plotly is served from this
// installation; both scripts are deferred. On the RFM map a click on a tile submits that segment's form.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") {
    return;
  }
  const dark = document.documentElement.classList.contains("dark");
  const ink = dark ? "#e5e7eb" : "#374151";
  const LIGHT_TO_BLUE = [[0, "#f1f5f9"], [1, "#2563eb"]];
  const LIGHT_TO_GREEN = [[0, "#f0fdf4"], [1, "#15803d"]];
  const base = {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: ink },
    margin: { l: 70, r: 20, t: 50, b: 60 },
    height: 400,
  };

  function layout(chart, extra) {
    return Object.assign({}, base, { title: { text: chart.title } }, extra || {});
  }

  const draw = {
    treemap: function (holder, chart) {
      const text = chart.values.map(function (count, index) {
        return chart.contacts_label + ": " + count + "<br>" + chart.revenue_label + ": " + chart.revenue[index];
      });
      const trace = {
        type: "treemap",
        labels: chart.labels,
        parents: chart.labels.map(function () { return ""; }),
        values: chart.values,
        customdata: chart.keys,
        text: text,
        textinfo: "label+text",
        hoverinfo: "label+text",
      };
      Plotly.newPlot(holder, [trace], layout(chart), { displaylogo: false, responsive: true });
      holder.on("plotly_click", function (event) {
        const key = event.points && event.points[0] && event.points[0].customdata;
        const form = key && document.querySelector('form.rfm-make[data-segment="' + key + '"]');
        if (form) {
          form.requestSubmit();
        }
      });
    },
    heatmap: function (holder, chart) {
      // Light for little, dark for much (Plotly's named "Blues" runs the other way).
      const trace = { type: "heatmap", x: chart.x, y: chart.y, z: chart.z, colorscale: chart.colorscale || LIGHT_TO_BLUE, hoverongaps: false };
      if (chart.percent) {
        trace.zmin = 0;
        trace.zmax = 1;
        trace.hovertemplate = "%{y}, +%{x}: %{z:.0%}<extra></extra>";
      }
      Plotly.newPlot(holder, [trace], layout(chart, { xaxis: { title: { text: chart.x_title }, type: "category" }, yaxis: { type: "category", autorange: "reversed", automargin: true } }), { displaylogo: false, responsive: true });
    },
    matrix: function (holder, chart) {
      const lang = document.documentElement.lang || undefined;
      const counts = new Intl.NumberFormat(lang);
      const money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const text = chart.z.map(function (row, i) {
        return row.map(function (count, j) { return counts.format(count) + "<br>" + money.format(Number(chart.revenue[i][j])); });
      });
      const trace = { type: "heatmap", x: chart.x, y: chart.y, z: chart.z, text: text, texttemplate: "%{text}", colorscale: LIGHT_TO_GREEN, showscale: false };
      Plotly.newPlot(holder, [trace], layout(chart, { xaxis: { type: "category" }, yaxis: { type: "category", autorange: "reversed" } }), { displaylogo: false, responsive: true });
    },
    scatter: function (holder, chart) {
      const largest = Math.max.apply(null, chart.size.concat([1]));
      const trace = {
        type: "scatter",
        // Names beside a few points; with more they pile up, so they show on hover only.
        mode: chart.text.length <= 12 ? "markers+text" : "markers",
        x: chart.x,
        y: chart.y.map(function (value) { return value === null ? 1 : value; }),
        text: chart.text,
        hovertemplate: "%{text}<extra></extra>",
        textposition: "top center",
        marker: { size: chart.size.map(function (value) { return 12 + 38 * Math.sqrt(value / largest); }), opacity: 0.7 },
      };
      const lines = [
        { type: "line", x0: chart.x_line, x1: chart.x_line, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: ink } },
        { type: "line", y0: chart.y_line, y1: chart.y_line, xref: "paper", x0: 0, x1: 1, line: { dash: "dot", color: ink } },
      ];
      Plotly.newPlot(holder, [trace], layout(chart, { shapes: lines, xaxis: { title: { text: chart.x_title } }, yaxis: { title: { text: chart.y_title } } }), { displaylogo: false, responsive: true });
    },
    bars: function (holder, chart) {
      Plotly.newPlot(holder, [{ type: "bar", orientation: "h", x: chart.x, y: chart.y }], layout(chart, { margin: { l: 130, r: 20, t: 50, b: 40 } }), { displaylogo: false, responsive: true });
    },
    // Money per day as bars, a count per day as a line on its own axis (the dashboards' revenue and receipts).
    daily: function (holder, chart) {
      const most = Math.max.apply(null, chart.counts.concat([0]));
      const traces = [
        { type: "bar", x: chart.days, y: chart.amounts, name: chart.amount_label },
        { type: "scatter", mode: "lines+markers", x: chart.days, y: chart.counts, name: chart.count_label, yaxis: "y2" },
      ];
      Plotly.newPlot(holder, traces, layout(chart, {
        height: 340,
        margin: { l: 70, r: 60, t: chart.title ? 50 : 20, b: 60 },
        xaxis: { type: "date", tickformat: "%Y-%m-%d", hoverformat: "%Y-%m-%d" },
        yaxis: { title: { text: chart.amount_label }, rangemode: "tozero" },
        // Whole receipts: a tick each while they are few.
        yaxis2: { title: { text: chart.count_label }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false, dtick: most <= 10 ? 1 : undefined },
        legend: { orientation: "h" },
      }), { displaylogo: false, responsive: true });
    },
    histogram: function (holder, chart) {
      Plotly.newPlot(holder, [{ type: "bar", x: chart.x, y: chart.y }], layout(chart, { xaxis: { type: "category" } }), { displaylogo: false, responsive: true });
    },
  };

  function render(holder, sourceId) {
    const source = document.getElementById(sourceId);
    if (!holder || !source) {
      return;
    }
    const chart = JSON.parse(source.textContent);
    if (draw[chart.kind]) {
      draw[chart.kind](holder, chart);
    }
  }

  render(document.getElementById("metric-chart"), "metric-chart-data");
  document.querySelectorAll("[data-source]").forEach(function (holder) {
    render(holder, holder.getAttribute("data-source"));
  });
})();
