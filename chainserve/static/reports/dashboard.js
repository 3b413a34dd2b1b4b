/* The chain leader's dashboard: six ECharts charts drawn from the JSON the page carries (no inline JS). */
(function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var l = document.getElementById("charts").dataset;
  var charts = [];
  function draw(id, option) {
    var chart = echarts.init(document.getElementById(id));
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  function go(url) { if (url) { window.location = url; } }
  // A chart with nothing to show says so in words instead of drawing empty axes.
  function blank(series) { return series.every(function (a) { return !a || a.every(function (v) { return !v; }); }); }
  function empty(id, text) {
    var el = document.getElementById(id);
    el.classList.add("chart-empty");
    el.textContent = text;
  }

  var m = data.monthly;
  if (blank([m.received, m.resolved, m.meetings, m.activities])) { empty("chart-monthly", l.lEmpty); } else draw("chart-monthly", {
    tooltip: { trigger: "axis" }, legend: { top: 0, data: [l.lReceived, l.lResolved, l.lMeetings, l.lActivities] },
    grid: { left: 50, right: 50, top: 40, bottom: 30 },
    xAxis: { type: "category", data: m.labels },
    yAxis: [{ type: "value" }, { type: "value", minInterval: 1 }],
    series: [
      { name: l.lReceived, type: "line", data: m.received },
      { name: l.lResolved, type: "line", data: m.resolved },
      { name: l.lMeetings, type: "bar", yAxisIndex: 1, data: m.meetings },
      { name: l.lActivities, type: "bar", yAxisIndex: 1, data: m.activities }
    ]
  });

  var c = data.categories;
  if (!c.names.length) { empty("chart-categories", l.lEmpty); } else draw("chart-categories", {
    tooltip: { trigger: "axis" }, legend: { top: 0, data: [l.lResolved, l.lUnresolved, l.lOpen] },
    grid: { left: 50, right: 20, top: 40, bottom: 60 },
    xAxis: { type: "category", data: c.names, axisLabel: { rotate: 30 } }, yAxis: { type: "value" },
    series: [
      { name: l.lResolved, type: "bar", stack: "s", data: c.resolved },
      { name: l.lUnresolved, type: "bar", stack: "s", data: c.unresolved },
      { name: l.lOpen, type: "bar", stack: "s", data: c.open }
    ]
  });

  var d = data.departments;
  if (!d.overdue.names.length) { empty("chart-overdue", l.lNoOverdue); } else draw("chart-overdue", {
    tooltip: { trigger: "axis" }, grid: { left: 170, right: 30, bottom: 20 },
    xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", inverse: true, data: d.overdue.names },
    series: [{ name: l.lOverdue, type: "bar", data: d.overdue.values, itemStyle: { color: "#dc3545" } }]
  });
  if (!d.ranking.names.length) { empty("chart-ranking", l.lEmpty); } else draw("chart-ranking", {
    tooltip: { trigger: "axis" }, legend: { top: 0, data: [l.lResponse, l.lResolution, l.lSatisfaction] },
    grid: { left: 40, right: 20, top: 40, bottom: 90 },
    xAxis: { type: "category", data: d.ranking.names, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: l.lResponse, type: "bar", data: d.ranking.response },
      { name: l.lResolution, type: "bar", data: d.ranking.resolution },
      { name: l.lSatisfaction, type: "bar", data: d.ranking.satisfaction }
    ]
  });

  if (data.chain_map && !data.chain_map.children.length) {
    empty("chart-map", l.lEmpty);
  } else if (data.chain_map) {
    var most = 1;
    (function walk(nodes) { nodes.forEach(function (n) { most = Math.max(most, n.open); walk(n.children || []); }); })(data.chain_map.children);
    draw("chart-map", {
      tooltip: { formatter: function (p) {
        var n = p.data || {};
        return echarts.format.encodeHTML(p.name) + "<br>" + l.lEnterprises + ": " + (n.count || 0) + "<br>" + l.lOpen + ": " + (n.open || 0);
      } },
      // Pale fills under dark labels: every name stays readable, from no open demand (green) to many (red).
      visualMap: { type: "continuous", min: 0, max: most, dimension: 1, inRange: { color: ["#d1e7dd", "#ffe69c", "#f1aeb5"] },
                   calculable: false, orient: "horizontal", right: 10, top: 0, itemHeight: 80, text: [l.lOpen, ""] },
      series: [{ type: "treemap", name: data.chain_map.name, data: data.chain_map.children, top: 40, bottom: 36,
                 leafDepth: 2, roam: false, visualDimension: 1, breadcrumb: { bottom: 4 },
                 label: { show: true, formatter: "{b}", color: "#212529" },
                 upperLabel: { show: true, height: 22, color: "#212529" },
                 levels: [{ itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
                          { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 } }] }]
    });
  } else {
    document.getElementById("chart-map").textContent = l.lNochain;
  }

  var t = data.timeline;
  if (!t.activities.length && !t.agreements.length) { empty("chart-timeline", l.lEmpty); return finish(); }
  var timeline = draw("chart-timeline", {
    tooltip: { formatter: function (p) {
      var x = p.data.item;
      return echarts.format.encodeHTML(x.date + " " + x.kind) + "<br>" + echarts.format.encodeHTML(x.name) +
        (x.amount_text ? "<br>" + echarts.format.encodeHTML(x.amount_text) : "");
    } },
    legend: { top: 0, data: [l.lActivities, l.lAgreements] }, grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "time" }, yAxis: { type: "category", data: [l.lActivities, l.lAgreements] },
    series: [
      { name: l.lActivities, type: "scatter", symbolSize: 10,
        data: t.activities.map(function (a) { return { value: [a.date, l.lActivities], item: a }; }) },
      { name: l.lAgreements, type: "scatter",
        symbolSize: function (v, p) { return Math.min(40, 8 + Math.sqrt(p.data.item.amount || 0) * 4); },
        data: t.agreements.map(function (a) { return { value: [a.date, l.lAgreements], item: a }; }) }
    ]
  });
  timeline.on("click", function (p) { go(p.data && p.data.item && p.data.item.url); });
  finish();
  function finish() {
    window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
    window.reportCharts = charts;  // the charts drawn (one with nothing to show is words instead)
    window.reportChartsReady = true;
  }
})();
