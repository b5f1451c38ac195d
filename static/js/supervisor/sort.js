// Sortable tables: each sortable column heading becomes a button; aria-sort tells which order is shown.
for (const table of document.querySelectorAll('table[data-sortable]')) {
  const headers = [...table.querySelectorAll('thead th')];
  headers.forEach((th, index) => {
    const kind = th.dataset.sort;
    if (!kind) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach((other) => other.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      const rows = [...body.rows];
      const value = (row) => {
        const cell = row.cells[index];
        const raw = cell.dataset.value ?? cell.textContent.trim();
        return kind === 'number' ? Number(raw) : raw.toLocaleLowerCase();
      };
      rows.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = kind === 'number' ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
}
