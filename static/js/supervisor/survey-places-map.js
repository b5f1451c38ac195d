// The survey places map: hot spots (solid circles) and candidate places (dashed), drawn from the page's own rows,
// which hold the same places and figures without JavaScript.
import { baseMap, loadLeaflet, textContent } from "./map-common.js";

const el = document.getElementById("places-map");
const rows = [...document.querySelectorAll("[data-kind][data-lat]")];

async function main() {
  if (!el || rows.length === 0) return;
  const L = await loadLeaflet();
  if (!L) return;
  const map = baseMap(L, el);
  const bounds = [];
  for (const row of rows) {
    const lat = Number(row.dataset.lat);
    const lon = Number(row.dataset.lon);
    const candidate = row.dataset.kind === "candidate";
    const label = `${candidate ? el.dataset.candidate : el.dataset.hotspot}: ${row.dataset.name}, ${row.dataset.marks} ${el.dataset.marks}`;
    L.circle([lat, lon], {
      radius: Number(row.dataset.radius) || 150,
      color: candidate ? "#7a4d00" : "#0b4f9c",
      weight: 2,
      dashArray: candidate ? "6 6" : null,
    })
      .addTo(map)
      .bindPopup(textContent(label));
    bounds.push([lat, lon]);
  }
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
}

main();
