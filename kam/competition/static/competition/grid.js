/* The editable grids (an evaluation's criteria × bidders, a matrix's rows × columns): add a row from the
   page's <template>, confirm before removing rows, and — on the score grid — show the total of the weights
   and each bidder's weighted total while typing. Integer arithmetic in thousandths (weights have at most
   three decimals), so 0.1 + 0.2 is 0.3 here as on the server, which checks everything again. */
(function () {
  const thousandths = (text) => {
    const value = String(text || '').trim().replace(',', '.');
    if (value === '' || Number.isNaN(Number(value))) return null;
    return Math.round(Number(value) * 1000);
  };
  const format = (t) => (Math.abs(t) % 10 === 0 ? (t / 1000).toFixed(2) : (t / 1000).toFixed(3));
  const filled = (row) => Array.from(row.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), select'))
    .some((input) => input.value.trim() !== '');
  const removed = (row) => { const box = row.querySelector('.kam-remove'); return box && box.checked; };

  function addRows(form) {
    const button = form.querySelector('[data-add-row]');
    const template = form.querySelector('template[data-row-template]');
    const count = form.querySelector('input[name=rows]');
    if (!button || !template || !count) return;
    button.addEventListener('click', () => {
      const index = parseInt(count.value, 10) || 0;
      const html = template.innerHTML.replaceAll('__I__', String(index)).replaceAll('__N__', String(index + 1));
      const body = form.querySelector(template.dataset.rowTemplate);
      body.insertAdjacentHTML('beforeend', html);
      count.value = String(index + 1);
      const first = body.lastElementChild.querySelector('input:not([type=hidden]), select');
      if (first) first.focus();
      form.dispatchEvent(new Event('input'));
    });
  }

  function confirmRemoval(form) {
    form.addEventListener('submit', (event) => {
      const checked = form.querySelectorAll('.kam-remove:checked').length;
      if (checked && !window.confirm(form.dataset.confirmRemove.replace('__COUNT__', String(checked)))) {
        event.preventDefault();
      }
    });
  }

  function totals(form) {
    const weightOut = form.querySelector('[data-weight-total]');
    if (!weightOut) return;
    const show = () => {
      let weightSum = 0, anyWeight = false;
      const sums = {}, weighted = {}, missing = {};
      form.querySelectorAll('tbody tr').forEach((row) => {
        if (removed(row) || !filled(row)) return;
        const weight = thousandths(row.querySelector('.kam-weight')?.value);
        if (weight !== null) { weightSum += weight; anyWeight = true; }
        row.querySelectorAll('.kam-score').forEach((input) => {
          const column = input.dataset.column, score = parseInt(input.value, 10);
          if (!(score >= 1 && score <= 5) || weight === null) { missing[column] = true; return; }
          sums[column] = (sums[column] || 0) + score;
          weighted[column] = (weighted[column] || 0) + weight * score;
        });
      });
      weightOut.textContent = anyWeight ? format(weightSum) : '—';
      const ok = anyWeight && weightSum === 1000;
      weightOut.className = anyWeight ? (ok ? 'text-success fw-semibold' : 'text-danger fw-semibold') : '';
      const hint = form.querySelector('[data-weight-hint]');
      if (hint) hint.hidden = !anyWeight || ok;
      form.querySelectorAll('[data-total]').forEach((out) => {
        const column = out.dataset.total;
        out.textContent = missing[column] || weighted[column] === undefined ? '—' : format(weighted[column]);
      });
      form.querySelectorAll('[data-sum]').forEach((out) => {
        const column = out.dataset.sum;
        out.textContent = missing[column] || sums[column] === undefined ? '—' : String(sums[column]);
      });
    };
    form.addEventListener('input', show);
    form.addEventListener('change', show);
    show();
  }

  window.kamGrid = function (form) {
    if (!form) return;
    addRows(form);
    confirmRemoval(form);
    totals(form);
  };
})();
