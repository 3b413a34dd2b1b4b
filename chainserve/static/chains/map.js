/* The chain map: an ECharts tree of chain → stage → segments, coloured by strength; open investment
   leads are counted on the segments that have them. */
(function () {
  var el = document.getElementById("chain-map");
  var data = JSON.parse(document.getElementById("chain-map-data").textContent);
  var colours = ["#dc3545", "#fd7e14", "#0d6efd", "#198754"];
  function decorate(node, depth) {
    var level = node.level === undefined ? 2 : node.level;
    node.symbolSize = depth < 2 ? 18 : Math.max(8, Math.min(30, 8 + Math.sqrt(node.value || 0) * 3));
    node.symbol = "circle";
    node.itemStyle = { color: depth < 2 ? "#6c757d" : colours[level],
                       borderColor: node.importDependent ? "#212529" : "#fff", borderWidth: node.importDependent ? 3 : 1 };
    var leads = node.leads ? " · " + el.dataset.lLeads + " " + node.leads : "";
    node.label = { formatter: node.name + (depth >= 1 ? " (" + (node.value || 0) + ")" : "") + leads };
    (node.children || []).forEach(function (c) { decorate(c, depth + 1); });
  }
  decorate(data, 0);
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "item", formatter: function (p) {
      var d = p.data;
      if (d.id === undefined) { return echarts.format.encodeHTML(d.name) + ": " + d.value; }
      var l = el.dataset;
      return "<b>" + echarts.format.encodeHTML(d.name) + "</b><br>" + l.lOwn + ": " + d.count + "<br>" +
        l.lTotal + ": " + d.value + "<br>" + l.lOwners + ": " + d.owners + " · " + l.lListed + ": " + d.listed +
        " · " + l.lStrength + ": " + d.strength + "<br>" + l.lLeads + ": " + (d.leads || 0);
    } },
    series: [{
      type: "tree", data: [data], top: "2%", left: "16%", bottom: "2%", right: "22%",
      initialTreeDepth: -1, expandAndCollapse: false, roam: true,
      label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
      leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
      lineStyle: { color: "#adb5bd" }, animationDuration: 300
    }]
  });
  chart.on("click", function (p) {
    if (p.data && p.data.id !== undefined) { window.location = el.dataset.urlBase + p.data.id; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.chainMap = chart;
})();
