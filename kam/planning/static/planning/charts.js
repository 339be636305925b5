/* Charts of planning: attractiveness vs results (M2.1: the matrix's total against the win rate, bubbles sized by
   revenue, or against the revenue itself) and the key-account base's revenue composition by industry (100 % =
   the total). Data comes from json_script; ECharts is the vendored copy loaded by the page. */
(function () {
  const classColours = { key: '#198754', potential: '#0d6efd', watch: '#6c757d' };

  function chartOn(element) {
    const drawn = echarts.getInstanceByDom(element);
    if (drawn) {
      drawn.clear();
      return drawn;
    }
    const chart = echarts.init(element);
    window.addEventListener('resize', () => chart.resize());
    return chart;
  }

  function readJSON(id) {
    const tag = document.getElementById(id);
    return tag ? JSON.parse(tag.textContent) : null;
  }

  function scatter(element, axis) {
    const data = readJSON(element.dataset.source);
    if (!data || !data.points.length) return;
    const labels = element.dataset;
    const byRevenue = axis === 'revenue';
    const biggest = Math.max(1, ...data.points.map((p) => p.revenue));
    const e = echarts.format.encodeHTML;
    const winRate = (p) => (p.win_rate === null ? '—' : p.win_rate + ' %');
    chartOn(element).setOption({
      animationDuration: 300,
      grid: { left: byRevenue ? 72 : 48, right: 24, top: 40, bottom: 48 },
      tooltip: {
        confine: true,
        formatter: (p) => `<b>${e(p.data.name)}</b><br>${e(labels.xLabel)}: ${p.data.value[0]}<br>${e(labels.yLabel)}: ${winRate(p.data.point)}<br>${e(labels.revenueLabel)}: ${p.data.point.revenue.toLocaleString()}`,
      },
      xAxis: { name: labels.xLabel, nameLocation: 'middle', nameGap: 28, type: 'value', scale: true },
      yAxis: byRevenue
        ? { name: labels.revenueLabel, type: 'value', min: 0 }
        : { name: labels.yLabel, type: 'value', min: 0, max: 100 },
      series: [{
        type: 'scatter',
        data: data.points.map((p) => {
          const hollow = !byRevenue && p.win_rate === null;
          return {
            name: p.name,
            point: p,
            value: [p.total, byRevenue ? p.revenue : (p.win_rate === null ? 0 : p.win_rate)],
            symbol: hollow ? 'emptyCircle' : 'circle',
            symbolSize: byRevenue ? 16 : 12 + 30 * Math.sqrt(p.revenue / biggest),
            itemStyle: { color: classColours[p.class], opacity: hollow ? 0.35 : 0.85 },
            label: { show: true, position: 'right', formatter: p.name, fontSize: 11 },
          };
        }),
      }],
    });
    const note = document.querySelector('[data-testid="scatter-note"]');
    if (note) note.hidden = byRevenue;
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
    const checked = document.querySelector('[data-planning-axis="scatter"]:checked');
    document.querySelectorAll('[data-planning-chart="scatter"]').forEach((el) => scatter(el, checked && checked.value));
    document.querySelectorAll('[data-planning-chart="pie"]').forEach(pie);
  }

  document.addEventListener('DOMContentLoaded', () => {
    draw();
    document.querySelectorAll('[data-planning-axis="scatter"]').forEach((radio) => radio.addEventListener('change', draw));
  });
})();
