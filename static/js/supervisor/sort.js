// Sortable tables: each sortable column heading becomes a button; aria-sort tells which order is shown.
for (const table of document.querySelectorAll("table[data-sortable]")) {
  const headers = [...table.querySelectorAll("thead th")];
  headers.forEach((th, index) => {
    const kind = th.dataset.sort;
    if (!kind) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    const arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    arrow.className = "sort-arrow";
    button.append(arrow);
    th.append(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((other) => {
        other.removeAttribute("aria-sort");
        const mark = other.querySelector(".sort-arrow");
        if (mark) mark.textContent = "";
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      arrow.textContent = ascending ? " ▲" : " ▼";
      const body = table.tBodies[0];
      const rows = [...body.rows];
      const value = (row) => {
        const cell = row.cells[index];
        const raw = cell.dataset.value ?? cell.textContent.trim();
        return kind === "number" ? Number(raw) : raw.toLocaleLowerCase();
      };
      rows.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = kind === "number" ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
}
