/* Run `fn` once the page (and its deferred scripts, e.g. ECharts) is ready — or now, after an htmx swap. */
window.kamReady = function (fn) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
  else fn();
};

/* Tables scroll sideways inside their card on a phone instead of widening the page: every .table gets a
   .table-responsive wrapper, in the page as loaded and in what htmx swaps in. */
window.kamWrapTables = function (root) {
  const tables = root.matches && root.matches('table.table') ? [root] : root.querySelectorAll('table.table');
  tables.forEach((table) => {
    if (!table.parentElement || table.parentElement.classList.contains('table-responsive')) return;
    const wrapper = document.createElement('div');
    wrapper.className = 'table-responsive';
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  });
};
document.addEventListener('htmx:load', (event) => kamWrapTables(event.detail.elt));
kamReady(() => kamWrapTables(document.body));
