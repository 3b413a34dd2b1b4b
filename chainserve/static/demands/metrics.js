/* Department ranking: response, resolution and satisfaction rates side by side. */
(function () {
  var el = document.getElementById("ranking-chart");
  var d = JSON.parse(document.getElementById("ranking-data").textContent);
  if (!d.names.length) {  // no department handled a demand in the period: say so, not empty axes
    el.classList.add("chart-empty");
    el.textContent = el.dataset.empty;
    return;
  }
  var chart = echarts.init(el);
  var labels = d.labels;
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0, data: labels },
    grid: { left: 40, right: 20, top: 40, bottom: 90 },
    xAxis: { type: "category", data: d.names, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: labels[0], type: "bar", data: d.response },
      { name: labels[1], type: "bar", data: d.resolution },
      { name: labels[2], type: "bar", data: d.satisfaction }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
