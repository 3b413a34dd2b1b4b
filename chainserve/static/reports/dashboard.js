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

  var m = data.monthly;
  draw("chart-monthly", {
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
  draw("chart-categories", {
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
  draw("chart-overdue", {
    tooltip: { trigger: "axis" }, grid: { left: 170, right: 30, bottom: 20 },
    xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", inverse: true, data: d.overdue.names },
    series: [{ name: l.lOverdue, type: "bar", data: d.overdue.values, itemStyle: { color: "#dc3545" } }]
  });
  draw("chart-ranking", {
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

  if (data.chain_map) {
    var most = 1;
    (function walk(nodes) { nodes.forEach(function (n) { most = Math.max(most, n.open); walk(n.children || []); }); })(data.chain_map.children);
    draw("chart-map", {
      tooltip: { formatter: function (p) {
        var n = p.data || {};
        return echarts.format.encodeHTML(p.name) + "<br>" + l.lEnterprises + ": " + (n.count || 0) + "<br>" + l.lOpen + ": " + (n.open || 0);
      } },
      visualMap: { type: "continuous", min: 0, max: most, dimension: 1, inRange: { color: ["#d1e7dd", "#ffc107", "#dc3545"] },
                   calculable: false, orient: "horizontal", left: "center", bottom: 0, text: [l.lOpen, ""] },
      series: [{ type: "treemap", name: data.chain_map.name, data: data.chain_map.children, top: 10, bottom: 50,
                 leafDepth: 2, roam: false, visualDimension: 1, label: { show: true, formatter: "{b}" } }]
    });
  } else {
    document.getElementById("chart-map").textContent = l.lNochain;
  }

  var t = data.timeline;
  var timeline = draw("chart-timeline", {
    tooltip: { formatter: function (p) {
      var x = p.data.item;
      return echarts.format.encodeHTML(x.date + " " + x.kind) + "<br>" + echarts.format.encodeHTML(x.name) +
        (x.amount ? "<br>" + x.amount + " " + l.lAmount : "");
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
  window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
  window.reportCharts = charts;
})();
