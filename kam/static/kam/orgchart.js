/* The account's org chart (M4.1 step 1): an ECharts tree; clicking a person opens the
   "reports to" form, which posts with htmx and re-renders the chart block. */
window.kamOrgChart = function (element, roots, reportsToUrlTemplate) {
  if (!element || !window.echarts) return;
  const label = (n) => n.title ? `${n.name}\n${n.title}` : n.name;
  const convert = (n) => ({ name: label(n), value: n.id, department: n.department, reportsTo: n.reports_to_id,
                            children: (n.children || []).map(convert) });
  const data = roots.length === 1 ? convert(roots[0]) : { name: '', value: 0, children: roots.map(convert),
                                                           itemStyle: { opacity: 0 }, label: { show: false } };
  const chart = echarts.getInstanceByDom(element) || echarts.init(element);
  chart.setOption({
    tooltip: { trigger: 'item', formatter: (p) => p.data.value ? `${p.data.name.replace('\n', ' · ')}${p.data.department ? '<br>' + p.data.department : ''}` : '' },
    series: [{ type: 'tree', data: [data], orient: 'TB', top: 40, bottom: 70, left: 60, right: 60,
               symbol: 'circle', symbolSize: 8, edgeShape: 'polyline', edgeForkPosition: '50%',
               expandAndCollapse: false, initialTreeDepth: -1,
               lineStyle: { color: '#adb5bd', width: 1.5 },
               itemStyle: { color: '#0d6efd', borderColor: '#0d6efd' },
               label: { position: 'inside', fontSize: 12, lineHeight: 17, color: '#212529',
                        backgroundColor: '#fff', borderColor: '#0d6efd', borderWidth: 1, borderRadius: 6,
                        padding: [6, 10], align: 'center', verticalAlign: 'middle' },
               emphasis: { focus: 'descendant' } }],
  });
  window.addEventListener('resize', () => chart.resize());
  if (!reportsToUrlTemplate) return;
  chart.on('click', (params) => {
    const id = params.data && params.data.value;
    if (!id) return;
    const form = document.getElementById('reports-to-form');
    form.classList.remove('d-none');
    form.querySelector('#reports-to-name').textContent = params.data.name.split('\n')[0];
    const select = form.querySelector('select');
    select.value = params.data.reportsTo || '';
    Array.from(select.options).forEach(o => { o.disabled = o.value === String(id); });
    form.setAttribute('hx-post', reportsToUrlTemplate.replace('/0/', `/${id}/`));
    htmx.process(form);
    select.focus();
  });
};
