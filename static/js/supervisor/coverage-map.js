// The dashboard map: one marker per hot spot, coloured and labelled by its compliance.
import { baseMap, loadLeaflet, STATUS_COLOURS } from "./map-common.js";

const el = document.getElementById("coverage-map");
const rows = [...document.querySelectorAll("table.coverage tbody tr[data-lat]")];

async function main() {
  if (!el || rows.length === 0) return;
  const L = await loadLeaflet();
  if (!L) return;
  const map = baseMap(L, el);
  const bounds = [];
  for (const row of rows) {
    const lat = Number(row.dataset.lat);
    const lon = Number(row.dataset.lon);
    const status = row.dataset.status;
    const label = `${row.dataset.name}: ${el.dataset[status] || ""}`;
    const symbol = { below: "▼", met: "✓", none: "○" }[status] || "";
    L.circle([lat, lon], { radius: Number(row.dataset.radius) || 150, color: STATUS_COLOURS[status], weight: 2 }).addTo(
      map,
    );
    const marker = L.marker([lat, lon], {
      title: label,
      alt: label,
      icon: L.divIcon({ className: `spot-marker spot-${status}`, html: symbol, iconSize: [28, 28] }),
    }).addTo(map);
    const link = document.createElement("a");
    link.href = row.dataset.href;
    link.textContent = label;
    marker.bindPopup(link);
    bounds.push([lat, lon]);
  }
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
}

main();
