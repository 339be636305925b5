/* Run `fn` once the page (and its deferred scripts, e.g. ECharts) is ready — or now, after an htmx swap. */
window.kamReady = function (fn) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
  else fn();
};
