/* Charts of planning: attractiveness vs results (M2.1: the matrix's total against the win rate, bubbles sized by
   revenue) and the key-account base's revenue composition by industry (100 % = the total). Data comes from
   json_script; ECharts is the vendored copy loaded by the page. */
(function () {
  const classColours = { key: '#198754', potential: '#0d6efd', watch: '#6c757d' };

  function chartOn(element) {
    const old = echarts.getInstanceByDom(element);
    if (old) old.dispose();
    const chart = echarts.init(element);
    window.addEventListener('resize', () => chart.resize());
    return chart;
  }

  function readJSON(id) {
    const tag = document.getElementById(id);
    return tag ? JSON.parse(tag.textContent) : null;
  }

  function scatter(element) {
    const data = readJSON(element.dataset.source);
    if (!data || !data.points.length) return;
    const labels = element.dataset;
    const biggest = Math.max(1, ...data.points.map((p) => p.revenue));
    const e = echarts.format.encodeHTML;
    chartOn(element).setOption({
      animationDuration: 300,
      grid: { left: 48, right: 24, top: 40, bottom: 48 },
      tooltip: {
        confine: true,
        formatter: (p) => `<b>${e(p.data.name)}</b><br>${e(labels.xLabel)}: ${p.data.value[0]}<br>${e(labels.yLabel)}: ${p.data.value[1] === null ? '—' : p.data.value[1] + ' %'}<br>${e(labels.revenueLabel)}: ${p.data.revenue.toLocaleString()}`,
      },
      xAxis: { name: labels.xLabel, nameLocation: 'middle', nameGap: 28, type: 'value', scale: true },
      yAxis: { name: labels.yLabel, type: 'value', min: 0, max: 100 },
      series: [{
        type: 'scatter',
        data: data.points.map((p) => ({
          name: p.name,
          revenue: p.revenue,
          value: [p.total, p.win_rate === null ? 0 : p.win_rate],
          symbol: p.win_rate === null ? 'emptyCircle' : 'circle',
          symbolSize: 12 + 30 * Math.sqrt(p.revenue / biggest),
          itemStyle: { color: classColours[p.class], opacity: p.win_rate === null ? 0.35 : 0.85 },
          label: { show: true, position: 'right', formatter: p.name, fontSize: 11 },
        })),
      }],
    });
  }

  function pie(element) {
    const data = readJSON(element.dataset.source);
    if (!data || !data.slices.length) return;
    const narrow = element.clientWidth < 576;
    chartOn(element).setOption({
      animationDuration: 300,
      tooltip: { trigger: 'item', confine: true, formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0, type: 'scroll' },
      series: [{
        type: 'pie',
        radius: narrow ? ['30%', '58%'] : ['35%', '68%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}\n{d}%', fontSize: narrow ? 10 : 12 },
        data: data.slices,
      }],
    });
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll('[data-planning-chart="scatter"]').forEach(scatter);
    document.querySelectorAll('[data-planning-chart="pie"]').forEach(pie);
  }

  document.addEventListener('DOMContentLoaded', draw);
})();
