/* The service pages' charts (ECharts): the 25-cell grid, the contact pattern, the dashboard. Each reads its
   data from json_script elements, so the page works (tables) without them. */
(function () {
  'use strict';
  const read = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const draw = (id, option) => {
    const element = document.getElementById(id);
    if (!element || !window.echarts) return;
    const chart = echarts.init(element);
    chart.setOption({ animationDuration: 300, ...option });
    window.addEventListener('resize', () => chart.resize());
  };
  const esc = (text) => echarts.format.encodeHTML(String(text));

  /* Heatmap of contacts per cell (depth across, E→A up) with each moved contact's path over time. The count
     sits in the cell's top-left corner and the names to the right of the path's end, stacked when several
     paths end in one cell, so a name never covers a count. */
  function grid(labels) {
    const data = read('grid-data');
    const element = document.getElementById('grid-chart');
    if (!data || !element) return;
    const cellWidth = Math.max(48, (element.clientWidth - 90) / 5);
    const endings = {};
    const lines = data.lines.map((line) => {
      const end = line.points[line.points.length - 1];
      const key = `${end[0]}:${end[1]}`;
      const slot = (endings[key] = (endings[key] || 0) + 1) - 1;
      return {
        type: 'line', name: line.name, data: line.points.map((p) => [p[0], p[1], p[2]]), symbolSize: 6,
        lineStyle: { width: 2 }, z: 3, tooltip: { formatter: (p) => `${esc(line.name)}<br>${esc(p.value[2])}` },
        endLabel: { show: true, formatter: line.name, fontSize: 11, offset: [0, 4 + slot * 14],
          width: Math.max(44, cellWidth / 2 - 10), overflow: 'truncate' },
      };
    });
    draw('grid-chart', {
      tooltip: { position: 'top' },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: labels.depth, splitArea: { show: true }, axisLabel: { interval: 0, fontSize: 10, width: 60, overflow: 'break' } },
      yAxis: { type: 'category', data: labels.level, splitArea: { show: true }, axisLabel: { fontSize: 10 } },
      visualMap: { min: 0, max: data.max, show: false, inRange: { color: ['#f8f9fa', '#0d6efd'] } },
      series: [{ type: 'heatmap', data: data.cells,
        label: { show: true, position: 'insideTopLeft', distance: 4, fontSize: 11, fontWeight: 'bold', color: '#212529',
          backgroundColor: 'rgba(255,255,255,0.9)', borderRadius: 3, padding: [1, 4], formatter: (p) => (p.value[2] ? p.value[2] : '') },
        tooltip: { formatter: (p) => `${esc(labels.depth[p.value[0]])} · ${esc(labels.level[p.value[1]])}<br>${esc(labels.contacts)}: ${p.value[2]}` } }, ...lines],
    });
  }

  /* The bipartite graph of the contact pattern: our people left, theirs right. */
  function pattern(labels) {
    const data = read('pattern-data');
    if (!data) return;
    const height = Math.max(data.nodes.filter((n) => n.side === 'o').length, data.nodes.filter((n) => n.side === 't').length, 1);
    const element = document.getElementById('pattern-chart');
    if (element) element.style.minHeight = `${Math.max(260, height * 44)}px`;
    const narrow = element && element.clientWidth < 600;
    draw('pattern-chart', {
      tooltip: { formatter: (p) => (p.dataType === 'edge' ? `${esc(labels.meetings)}: ${p.data.value}` : esc(p.data.name)) },
      legend: { data: [labels.ours, labels.theirs], bottom: 0 },
      series: [{
        type: 'graph', layout: 'none', roam: false, left: narrow ? '30%' : '22%', right: narrow ? '30%' : '22%', top: 20, bottom: 40,
        categories: [{ name: labels.ours }, { name: labels.theirs }],
        data: data.nodes.map((n) => ({ ...n, category: n.side === 'o' ? 0 : 1, symbolSize: 14,
          label: { show: true, position: n.side === 'o' ? 'left' : 'right', fontSize: 11, width: 150, overflow: 'truncate' } })),
        links: data.links.map((l) => ({ ...l, lineStyle: { width: 1 + Math.min(l.value, 6), opacity: 0.6 } })),
      }],
    });
  }

  /* Slices keep their colour whichever others are empty (and empty slices are left out). */
  const colored = (rows, colors) => rows.map((row, i) => ({ ...row, itemStyle: { color: colors[i] } })).filter((row) => row.value > 0);

  function dashboard() {
    const data = read('dashboard-data');
    if (!data) return;
    draw('stage-chart', {
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: data.stages.map((s) => s.name), axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: data.stages.map((s) => s.value) }],
    });
    draw('loyalty-chart', {
      tooltip: { trigger: 'item' }, legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '70%'], data: colored(data.bands, ['#198754', '#6c757d', '#dc3545']), label: { formatter: '{c}' } }],
    });
    draw('risk-chart', {
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100 },
      yAxis: { type: 'category', data: data.at_risk.map((r) => r.name), inverse: true, axisLabel: { width: 120, overflow: 'truncate' } },
      series: [{ type: 'bar', data: data.at_risk.map((r) => r.value), itemStyle: { color: '#dc3545' } }],
    });
    draw('sla-chart', {
      tooltip: { trigger: 'item' }, legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '70%'], data: colored(data.sla, ['#198754', '#fd7e14', '#dc3545', '#0d6efd']), label: { formatter: '{c}' } }],
    });
  }

  window.kamReady(() => {
    const labels = read('service-labels');
    if (labels) { grid(labels); pattern(labels); }
    dashboard();
  });
}());
