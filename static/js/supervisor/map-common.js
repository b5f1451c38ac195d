// Leaflet, loaded only on pages with a map; every page works without it (the figures are in tables).
const LEAFLET = "/static/vendor/leaflet/leaflet-src.esm.js";

export async function loadLeaflet() {
  try {
    return await import(LEAFLET);
  } catch {
    return null;
  }
}

// A map in `el`, with the configured tile layer when there is one; a note when the background cannot load.
export function baseMap(L, el) {
  const map = L.map(el, { scrollWheelZoom: false });
  const tiles = el.dataset.tiles;
  const note = document.createElement("p");
  note.className = "map-note";
  note.textContent = el.dataset.noTiles || "";
  if (tiles) {
    const layer = L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" });
    let failed = 0;
    layer.on("tileerror", () => {
      failed += 1;
      if (failed === 1) el.after(note);
    });
    layer.addTo(map);
  } else {
    el.after(note);
  }
  return map;
}

export const STATUS_COLOURS = { below: "#a40000", met: "#0a6b2d", none: "#555555" };

// Text for a tooltip or popup: Leaflet puts a string in as HTML, so names (typed by people) go in as a text node.
export function textContent(text) {
  const span = document.createElement("span");
  span.textContent = text || "";
  return span;
}
