/* Charts of competition: the evaluation's radar (M4.4, one polygon per bidder on the 0–5 axes of the criteria)
   and the competitiveness matrix's heatmap (M2.2, 5 strong … 1 weak). Data comes from json_script; ECharts is
   the vendored copy, loaded here if the page has not loaded it already. */
(function () {
  const source = document.currentScript && document.currentScript.dataset.echarts;
  const palette = ['#0d6efd', '#dc3545', '#fd7e14', '#6f42c1', '#20c997', '#6c757d', '#d63384', '#0dcaf0'];
  const heat = ['#dc3545', '#fd7e14', '#ffc107', '#9bd18b', '#198754'];

  /* Break a long axis name into short lines (at spaces, or every few characters for Chinese) for phones. */
  function wrap(name, width) {
    const words = String(name).includes(' ') ? String(name).split(' ') : String(name).match(new RegExp(`.{1,${Math.ceil(width / 2)}}`, 'g')) || [''];
    const lines = [''];
    words.forEach((word) => {
      const last = lines.length - 1;
      if (lines[last] && (lines[last] + ' ' + word).length > width) lines.push(word);
      else lines[last] = lines[last] ? `${lines[last]}${String(name).includes(' ') ? ' ' : ''}${word}` : word;
    });
    return lines.join('\n');
  }

  function withECharts(fn) {
    if (window.echarts) return fn();
    let tag = document.querySelector('script[data-kam-echarts]');
    if (!tag) {
      tag = document.createElement('script');
      tag.src = source;
      tag.dataset.kamEcharts = '1';
      document.head.appendChild(tag);
    }
    tag.addEventListener('load', fn, { once: true });
  }

  function fresh(element) {
    const old = echarts.getInstanceByDom(element);
    if (old) old.dispose();
    const chart = echarts.init(element);
    window.addEventListener('resize', () => chart.resize());
    return chart;
  }

  window.kamRadar = function (element, data) {
    if (!element) return;
    withECharts(() => {
      const narrow = element.clientWidth < 576;
      fresh(element).setOption({
        animationDuration: 300,
        color: palette,
        tooltip: { trigger: 'item', confine: true },
        legend: { bottom: 0, data: data.series.map((s) => s.name) },
        radar: {
          indicator: data.indicators,
          radius: narrow ? '48%' : '64%',
          center: ['50%', '47%'],
          splitNumber: 5,
          axisName: { color: '#495057', fontSize: narrow ? 10 : 12, formatter: (name) => (narrow ? wrap(name, 11) : name) },
        },
        series: [{
          type: 'radar',
          data: data.series.map((s) => ({
            name: s.name,
            value: s.value.map((v) => (v === null ? 0 : v)),
            areaStyle: s.us ? { opacity: 0.18 } : undefined,
            lineStyle: { width: s.us ? 3 : 1.5 },
            symbolSize: s.us ? 6 : 4,
          })),
        }],
      });
    });
  };

  window.kamHeatmap = function (element, data) {
    if (!element || !data.rows.length) return;
    withECharts(() => {
      const narrow = element.clientWidth < 576;
      element.style.height = `${Math.max(160, data.rows.length * (narrow ? 34 : 38) + 70)}px`;
      const e = echarts.format.encodeHTML;
      fresh(element).setOption({
        animationDuration: 300,
        tooltip: {
          confine: true,
          formatter: (p) => `${e(data.rows[p.value[1]])} · ${e(data.columns[p.value[0]])}<br>${e(data.labels[p.value[2]])}`,
        },
        grid: { top: 30, bottom: 10, left: 8, right: 8, containLabel: true },
        xAxis: { type: 'category', data: data.columns, position: 'top', splitArea: { show: true },
                 axisLabel: { interval: 0, fontSize: narrow ? 10 : 12, width: narrow ? 60 : 110, overflow: 'break' } },
        yAxis: { type: 'category', data: data.rows, inverse: true, splitArea: { show: true },
                 axisLabel: { fontSize: narrow ? 10 : 12, width: narrow ? 96 : 210, overflow: 'truncate' } },
        visualMap: { show: false, min: 1, max: 5, inRange: { color: heat } },
        series: [{ type: 'heatmap', data: data.points, label: { show: true, fontWeight: 'bold' },
                   itemStyle: { borderColor: '#fff', borderWidth: 2 } }],
      });
    });
  };
})();
