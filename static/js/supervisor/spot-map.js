// One hot spot with its radius; on a visit page also the position at arrival and its accuracy.
import { baseMap, loadLeaflet, textContent } from "./map-common.js";

async function main() {
  const el = document.getElementById("spot-map");
  if (!el) return;
  const L = await loadLeaflet();
  if (!L) return;
  const map = baseMap(L, el);
  const centre = [Number(el.dataset.lat), Number(el.dataset.lon)];
  map.setView(centre, 16); // a circle's bounds need a map with a view
  const circle = L.circle(centre, { radius: Number(el.dataset.radius), color: "#0b4f9c" }).addTo(map);
  circle.bindTooltip(textContent(el.dataset.name));
  let bounds = circle.getBounds();
  if (el.dataset.visitLat) {
    const pos = [Number(el.dataset.visitLat), Number(el.dataset.visitLon)];
    L.circle(pos, { radius: Number(el.dataset.visitAccuracy) || 1, color: "#6a3d9a", dashArray: "4" }).addTo(map);
    L.circleMarker(pos, { radius: 6, color: "#6a3d9a", fillOpacity: 1 })
      .addTo(map)
      .bindTooltip(textContent(el.dataset.visitLabel));
    bounds = bounds.extend(pos);
  }
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
}

main();
