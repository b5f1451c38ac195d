// The map: the area's hot spots on Leaflet, loaded only when the map is opened (not part of the first load).
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { loadData, onTeardown } from "./shared.js";

export async function renderMap(main, ctx) {
  const data = await loadData(ctx.userId);
  const status = h("p", { role: "status" }, t("map_loading"));
  const box = h("div", { id: "map", class: "map", role: "region", "aria-label": t("map") });
  replace(main, h("h1", {}, t("map")), status, box);
  let L;
  try {
    L = await loadLeaflet();
  } catch {
    status.textContent = t("map_failed");
    return;
  }
  if (!main.contains(box)) return;
  status.textContent = "";
  const spots = data.hotspots.filter((s) => !s.deleted);
  const map = L.map(box, { zoomControl: true });
  const tiles = document.documentElement.dataset.tileUrl;
  if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  const bounds = [];
  for (const s of spots) {
    const marker = L.circleMarker([s.lat, s.lon], { radius: 12, weight: 3, color: "#0b4f9c", fillOpacity: 0.5 });
    // Names are text, never HTML (B8): Leaflet renders a string as markup, so it gets elements built as text.
    marker.bindPopup(() =>
      h("div", {}, h("strong", {}, s.name), h("br"), h("a", { href: `#/new?hotspot=${s.id}` }, t("log_after"))),
    );
    marker.bindTooltip(() => h("span", {}, s.name));
    marker.addTo(map);
    bounds.push([s.lat, s.lon]);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  else map.setView([57.4955, 13.109], 13);
  onTeardown(() => map.remove());
}

let leafletPromise = null;
function loadLeaflet() {
  if (!leafletPromise) {
    const css = h("link", { rel: "stylesheet", href: "/static/vendor/leaflet/leaflet.css" });
    document.head.append(css);
    leafletPromise = import("/static/vendor/leaflet/leaflet-src.esm.js").catch((error) => {
      leafletPromise = null;
      css.remove();
      throw error;
    });
  }
  return leafletPromise;
}
