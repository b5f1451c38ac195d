// The hot spot form's map: click or tap to place the spot; the circle follows the radius field.
import { baseMap, loadLeaflet } from "./map-common.js";

async function main() {
  const el = document.getElementById("hotspot-map");
  const lat = document.getElementById("lat");
  const lon = document.getElementById("lon");
  const radius = document.getElementById("radius_m");
  if (!el || !lat || !lon || !radius) return;
  const L = await loadLeaflet();
  if (!L) return;
  const map = baseMap(L, el);
  const here = () => [Number(lat.value) || 57.4955, Number(lon.value) || 13.109];
  const circle = L.circle(here(), { radius: Number(radius.value) || 150, color: "#0b4f9c" }).addTo(map);
  const centre = L.circleMarker(here(), { radius: 6, color: "#0b4f9c", fillOpacity: 1 }).addTo(map);
  map.setView(here(), 16);
  const redraw = () => {
    circle.setLatLng(here());
    centre.setLatLng(here());
    circle.setRadius(Number(radius.value) || 1);
  };
  map.on("click", (event) => {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    redraw();
  });
  for (const input of [lat, lon, radius]) input.addEventListener("input", redraw);
}

main();
