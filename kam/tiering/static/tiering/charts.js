/* The tiering section's charts (ECharts). Each reads its data from a json_script element. */
(function () {
  'use strict';
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const draw = (id, option) => {
    const element = document.getElementById(id);
    if (!element || !window.echarts) return;
    const chart = echarts.init(element);
    chart.setOption({ animationDuration: 300, ...option });
    window.addEventListener('resize', () => chart.resize());
  };

  /* The cumulative-share curve, with the top-20 % and the 80 % lines. */
  function pareto(id, dataId) {
    const data = read(dataId);
    const points = data.curve.map(([x, y]) => [Number(x), Number(y)]);
    draw(id, {
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      tooltip: { trigger: 'axis', formatter: (p) => `${data.labels.accounts}: ${p[0].value[0]} %<br>${data.labels.value}: ${p[0].value[1]} %` },
      xAxis: { type: 'value', min: 0, max: 100, name: data.labels.accounts, nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: '{value} %' } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: [{
        type: 'line', data: points, showSymbol: false, areaStyle: { opacity: 0.15 },
        markLine: { symbol: 'none', label: { formatter: '{b}', position: 'insideEndTop' }, lineStyle: { type: 'dashed' },
          data: [{ name: data.labels.top, xAxis: data.top }, { name: data.labels.line, yAxis: data.line }] },
      }],
    });
  }

  /* The value pyramid: few accounts at the top. */
  function pyramid(id, dataId) {
    const data = read(dataId);
    draw(id, {
      tooltip: { trigger: 'item', formatter: (p) => `${echarts.format.encodeHTML(p.name)}<br>${data.labels.accounts}: ${p.value}<br>${data.labels.value}: ${p.data.money.toLocaleString()}` },
      series: [{
        type: 'funnel', sort: 'ascending', left: '10%', width: '80%', minSize: '20%', gap: 2,
        label: { position: 'inside', formatter: (p) => `${p.name}: ${p.value}` },
        data: data.rows.map((row) => ({ name: row.name, value: row.value, money: row.money })),
      }],
    });
  }

  /* Current × potential value: accounts per 20-point band of each. */
  function matrix(id, dataId) {
    const data = read(dataId);
    const max = Math.max(1, ...data.cells.map((c) => c[2]));
    draw(id, {
      grid: { left: 64, right: 16, top: 16, bottom: 72 },
      tooltip: { formatter: (p) => `${data.labels.current}: ${data.bands[p.value[1]]}<br>${data.labels.potential}: ${data.bands[p.value[0]]}<br>${data.labels.accounts}: ${p.value[2]}` },
      xAxis: { type: 'category', data: data.bands, name: data.labels.potential, nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'category', data: data.bands, name: data.labels.current, nameLocation: 'middle', nameGap: 48 },
      visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120 },
      series: [{ type: 'heatmap', data: data.cells, label: { show: true } }],
    });
  }

  /* The tier distribution run after run (stacked bars). */
  function history(id, dataId) {
    const data = read(dataId);
    draw(id, {
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: data.runs.map((r) => `#${r.run} ${r.as_of}`) },
      yAxis: { type: 'value' },
      series: data.tiers.map((tier) => ({ name: tier.label, type: 'bar', stack: 'tiers', itemStyle: { color: tier.color }, data: data.runs.map((r) => r[tier.key]) })),
    });
  }

  window.kamTiering = { pareto, pyramid, matrix, history };
})();
