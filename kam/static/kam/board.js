/* Kanban drag and drop (SortableJS). A drop posts to the opportunity's move URL — the same gate as the
   form and the API. 204: the board reloads with new sums. 422: the refusal opens in a modal, where a
   reason can be given; cancelling reloads the board so the card goes back. */
(function () {
  function reloadBoard() { htmx.trigger(document.body, 'kam:board-changed'); }

  function bind() {
    document.querySelectorAll('.kam-cards').forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = '1';
      Sortable.create(list, {
        group: 'board', animation: 120, filter: '[data-locked]', draggable: '.kam-card', forceFallback: true,
        onEnd(event) {
          if (event.from === event.to) return;
          const card = event.item;
          htmx.ajax('POST', card.dataset.moveUrl, { values: { stage: event.to.dataset.stage }, target: '#gate-content', swap: 'innerHTML' });
        },
      });
    });
  }

  document.addEventListener('htmx:beforeSwap', (event) => {
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  document.addEventListener('htmx:afterSwap', (event) => {
    if (event.detail.target.id === 'gate-content') {
      const modal = bootstrap.Modal.getOrCreateInstance(document.getElementById('gate-modal'));
      if (event.detail.xhr.status === 422) { modal.show(); } else { modal.hide(); }
    }
    bind();
  });
  document.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.xhr.status === 204) {
      const modal = document.getElementById('gate-modal');
      if (modal) bootstrap.Modal.getOrCreateInstance(modal).hide();
    }
  });
  kamReady(() => {
    bind();
    const modal = document.getElementById('gate-modal');
    if (modal) modal.addEventListener('hidden.bs.modal', reloadBoard);
  });
})();
