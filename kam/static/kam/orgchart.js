/* The account's org chart (M4.1 step 1): an ECharts tree; clicking a person opens the
   "reports to" form, which posts with htmx and re-renders the chart block. */
(function () {
  const label = (n) => (n.title ? `${n.name}\n${n.title}` : n.name);
  const convert = (n) => ({ name: label(n), value: n.id, department: n.department, reportsTo: n.reports_to_id,
                            children: (n.children || []).map(convert) });
  const widest = (nodes) => {
    // the largest number of people on one level decides whether the tree fits top-to-bottom
    let level = nodes, most = nodes.length;
    while (level.length) { level = level.flatMap((n) => n.children || []); most = Math.max(most, level.length); }
    return most;
  };

  window.kamOrgChart = function (element, roots, reportsToUrlTemplate) {
    if (!element || !window.echarts) return;
    const old = echarts.getInstanceByDom(element);
    if (old) old.dispose();
    const breadth = widest(roots);
    const sideways = breadth > Math.max(4, Math.floor(element.clientWidth / 190));
    if (sideways) element.style.height = `${Math.max(320, breadth * 56)}px`;
    // several people at the top: one hidden root holds them; a node's lineStyle draws the edges to its children
    const data = roots.length === 1 ? convert(roots[0]) : { name: '', value: 0, children: roots.map(convert),
                                                             itemStyle: { opacity: 0 }, label: { show: false },
                                                             lineStyle: { opacity: 0 } };
    const chart = echarts.init(element);
    chart.setOption({
      tooltip: { trigger: 'item', formatter: (p) => (p.data.value ? `${echarts.format.encodeHTML(p.data.name).replace('\n', ' · ')}${p.data.department ? '<br>' + echarts.format.encodeHTML(p.data.department) : ''}` : '') },
      series: [{ type: 'tree', data: [data], orient: sideways ? 'LR' : 'TB',
                 top: 40, bottom: 40, left: sideways ? 110 : 60, right: sideways ? 180 : 60,
                 symbol: 'circle', symbolSize: 8, edgeShape: 'polyline', edgeForkPosition: '50%',
                 expandAndCollapse: false, initialTreeDepth: -1,
                 lineStyle: { color: '#adb5bd', width: 1.5 },
                 itemStyle: { color: '#0d6efd', borderColor: '#0d6efd' },
                 label: { position: 'inside', fontSize: 12, lineHeight: 17, color: '#212529',
                          backgroundColor: '#fff', borderColor: '#0d6efd', borderWidth: 1, borderRadius: 6,
                          padding: [6, 10], align: 'center', verticalAlign: 'middle' },
                 emphasis: { focus: 'descendant' } }],
    });
    if (!element.dataset.kamResize) {
      element.dataset.kamResize = '1';
      window.addEventListener('resize', () => { const c = echarts.getInstanceByDom(element); if (c) c.resize(); });
    }
    if (!reportsToUrlTemplate) return;
    chart.on('click', (params) => {
      const id = params.data && params.data.value;
      if (!id) return;
      const form = document.getElementById('reports-to-form');
      form.classList.remove('d-none');
      form.querySelector('#reports-to-name').textContent = params.data.name.split('\n')[0];
      const select = form.querySelector('select');
      select.value = params.data.reportsTo || '';
      Array.from(select.options).forEach((o) => { o.disabled = o.value === String(id); });
      form.setAttribute('hx-post', reportsToUrlTemplate.replace('/0/', `/${id}/`));
      htmx.process(form);
      select.focus();
    });
  };
})();
