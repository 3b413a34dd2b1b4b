/* Proposals by lead unit: received and answered on time side by side. */
(function () {
  var el = document.getElementById("proposals-chart");
  var d = JSON.parse(document.getElementById("proposals-data").textContent);
  if (!d.names.length) {  // no proposal in the period: say so, not empty axes
    el.classList.add("chart-empty");
    el.textContent = el.dataset.empty;
    return;
  }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0, data: d.labels },
    grid: { left: 40, right: 20, top: 40, bottom: 90 },
    xAxis: { type: "category", data: d.names, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.labels[0], type: "bar", data: d.received },
      { name: d.labels[1], type: "bar", data: d.on_time }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
