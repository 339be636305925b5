/* The buying-center map (M4.1 + M4.3): the account's org chart as an ECharts graph, laid out on the server
   (x = column, y = level) and drawn on hidden value axes, so circles stay round whatever the box's shape. Stakeholders are coloured by attitude, sized by their weight in the phase shown
   and carry their buying-role badges; everybody else is a small grey dot. */
(function () {
  const plain = (text) => String(text || '').replace(/[{}|]/g, ' ');

  function label(d) {
    if (!d.stakeholder) return `{muted|${plain(d.name)}}`;
    const attitude = d.attitude ? `${d.attitude}${d.arrow ? ' ' + d.arrow : ''}` : '?';
    const lines = [`{name|${plain(d.name)}}`, `{meta|${plain(attitude)} · ${d.weight} %}`];
    if (d.badges.length) lines.push(d.badges.map((b) => `{badge|${plain(b)}}`).join(' '));
    return lines.join('\n');
  }

  function tooltip(d) {
    const e = echarts.format.encodeHTML;
    const parts = [`<strong>${e(d.name)}</strong>`, e([d.title, d.department].filter(Boolean).join(' · '))];
    if (d.stakeholder) {
      parts.push(`${e(d.stance)}${d.attitude ? ' (' + e(d.attitude) + ')' : ''} · ${d.weight} %`);
      if (d.badges.length) parts.push(e(d.badges.join(', ')));
    }
    return parts.filter(Boolean).join('<br>');
  }

  window.kamBuyingCenterMap = function (element, data) {
    if (!element || !window.echarts) return;
    const old = echarts.getInstanceByDom(element);
    if (old) old.dispose();
    const rows = Math.max(1, ...data.nodes.map((n) => n.y + 1));
    const narrow = element.clientWidth < 576;
    element.style.height = `${Math.max(narrow ? 320 : 360, rows * (narrow ? 120 : 140) + 120)}px`;
    const columns = Math.max(1, ...data.nodes.map((n) => n.x + 1));
    const nodes = data.nodes.map((d) => ({
      ...d,
      value: [d.x, d.y],
      symbolSize: d.stakeholder ? (narrow ? 14 + d.weight * 0.35 : 16 + d.weight * 0.5) : 9,
      itemStyle: d.stakeholder
        ? { color: d.colour, borderColor: '#212529', borderWidth: d.coach || d.informant ? 3 : 1 }
        : { color: '#dee2e6', borderColor: '#adb5bd', borderWidth: 1 },
      label: { show: true, position: 'bottom', distance: 4, align: 'center', formatter: () => label(d) },
      z: d.stakeholder ? 3 : 1,
    }));
    const chart = echarts.init(element);
    chart.setOption({
      animationDuration: 300,
      tooltip: { trigger: 'item', formatter: (p) => (p.dataType === 'node' ? tooltip(p.data) : '') },
      grid: { top: 40, bottom: 80, left: narrow ? 50 : 90, right: narrow ? 50 : 90 },
      xAxis: { type: 'value', show: false, min: -0.5, max: columns - 0.5 },
      yAxis: { type: 'value', show: false, inverse: true, min: 0, max: Math.max(1, rows - 1) },
      series: [{
        type: 'graph', coordinateSystem: 'cartesian2d', layout: 'none',
        data: nodes, links: data.links,
        lineStyle: { color: '#adb5bd', width: 1.5, curveness: 0 },
        emphasis: { focus: 'adjacency' },
        label: {
          rich: {
            name: { fontWeight: 'bold', fontSize: 12, color: '#212529', lineHeight: 16 },
            meta: { fontSize: 11, color: '#495057', lineHeight: 15 },
            badge: { fontSize: 10, color: '#084298', backgroundColor: '#e7f1ff', borderRadius: 3, padding: [1, 4] },
            muted: { fontSize: 10, color: '#868e96' },
          },
        },
      }],
    });
    if (!element.dataset.kamResize) {
      element.dataset.kamResize = '1';
      window.addEventListener('resize', () => { const c = echarts.getInstanceByDom(element); if (c) c.resize(); });
    }
  };

  /* On a phone the phase pills scroll sideways: bring the one shown into view. */
  window.kamShowActivePhase = function (nav) {
    const active = nav && nav.querySelector('.active');
    if (active) nav.scrollLeft = active.offsetLeft - (nav.clientWidth - active.offsetWidth) / 2;
  };
})();
