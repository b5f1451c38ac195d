// The respondent's map (SPEC §7): up to five marks, each with when and why, instead of the named places.
// The page works without this script: the named list is a plain form. The map replaces the list only once its
// background has loaded; if the tiles fail (or none are configured), the list stays and a note says why.
// Marks are posted as ordinary form fields (mark-<i>-lat, -lon, -when, -reasons): the same POST as without a map.
import { loadLeaflet } from "../supervisor/map-common.js";

const ui = document.getElementById("places-map-ui");
const list = document.getElementById("places-list");
const mode = document.getElementById("places-mode");

function say(text) {
  const status = document.getElementById("map-status");
  status.textContent = "";
  // A fresh text node after a tick, so that a screen reader announces a repeated message too.
  setTimeout(() => {
    status.textContent = text;
  }, 50);
}

function fill(template, n) {
  return template.replace("{n}", String(n));
}

function setDisabled(root, disabled) {
  for (const input of root.querySelectorAll("input, select, textarea")) input.disabled = disabled;
}

// Map or named list: the one not in use is hidden and its fields disabled, so that only one of them is posted.
function useMap(on) {
  ui.hidden = !on;
  list.hidden = on;
  setDisabled(list, on);
  setDisabled(document.getElementById("marks"), !on);
  mode.value = on ? "map" : "list";
}

function noteNoTiles() {
  if (document.getElementById("no-tiles")) return;
  const note = document.createElement("p");
  note.id = "no-tiles";
  note.className = "map-note";
  note.textContent = ui.dataset.noTiles;
  ui.before(note);
}

class Marks {
  constructor(L, map) {
    this.L = L;
    this.map = map;
    this.max = Number(ui.dataset.max) || 5;
    this.items = []; // {marker, li}
    this.list = document.getElementById("marks");
    this.template = document.getElementById("mark-template");
  }

  add(latlng, values = {}, announce = true) {
    if (this.items.length >= this.max) {
      say(fill(ui.dataset.full, this.max));
      return;
    }
    const L = this.L;
    const n = this.items.length + 1;
    const icon = L.divIcon({ className: "survey-mark", html: `<span>${n}</span>`, iconSize: [32, 32] });
    const marker = L.marker(latlng, {
      icon,
      draggable: true,
      keyboard: true,
      title: fill(ui.dataset.marker, n),
      alt: fill(ui.dataset.marker, n),
    }).addTo(this.map);
    const li = this.template.content.firstElementChild.cloneNode(true);
    // The text nodes that name the place by its number ("Place __N__"), with their wording, for renumbering.
    const texts = [];
    const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.includes("__N__")) texts.push([node, node.nodeValue]);
    }
    const item = { marker, li, texts };
    marker.on("dragend", () => this.setPosition(item));
    li.querySelector(".mark-remove").addEventListener("click", () => this.remove(item));
    this.list.append(li);
    this.items.push(item);
    this.renumber();
    this.setPosition(item);
    if (values.when) {
      const radio = li.querySelector(`input[type=radio][value="${CSS.escape(values.when)}"]`);
      if (radio) radio.checked = true;
    }
    for (const reason of values.reasons || []) {
      const box = li.querySelector(`input[type=checkbox][value="${CSS.escape(reason)}"]`);
      if (box) box.checked = true;
    }
    if (announce) say(fill(ui.dataset.added, n));
  }

  setPosition(item) {
    const { lat, lng } = item.marker.getLatLng();
    item.li.querySelector(".mark-lat").value = lat.toFixed(6);
    item.li.querySelector(".mark-lon").value = lng.toFixed(6);
  }

  remove(item) {
    item.marker.remove();
    item.li.remove();
    this.items = this.items.filter((i) => i !== item);
    this.renumber();
    say(ui.dataset.removed);
    document.getElementById("mark-centre").focus();
  }

  // Field names and labels follow the order: mark-0 is "Place 1". Checked boxes keep their state when renamed.
  renumber() {
    this.items.forEach((item, i) => {
      const n = i + 1;
      for (const el of item.li.querySelectorAll("[name]")) {
        el.name = el.name.replace(/^mark-(?:__I__|\d+)-/, `mark-${i}-`);
      }
      for (const [node, text] of item.texts) node.nodeValue = text.replaceAll("__N__", String(n));
      item.marker.setIcon(this.L.divIcon({ className: "survey-mark", html: `<span>${n}</span>`, iconSize: [32, 32] }));
      item.marker.options.title = fill(ui.dataset.marker, n);
    });
  }
}

async function main() {
  if (!ui || !list) return;
  const tiles = ui.dataset.tiles;
  if (!tiles || !ui.dataset.lat) {
    noteNoTiles();
    return;
  }
  const L = await loadLeaflet();
  if (!L) {
    noteNoTiles();
    return;
  }
  // Shown (still beside the list) so that Leaflet can measure it and ask for tiles.
  ui.hidden = false;
  setDisabled(document.getElementById("marks"), true);
  const map = L.map(document.getElementById("places-map"), { scrollWheelZoom: false });
  map.setView([Number(ui.dataset.lat), Number(ui.dataset.lon)], 14);
  const marks = new Marks(L, map);
  let loaded = false;
  const layer = L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" });
  layer.on("tileload", () => {
    if (loaded) return;
    loaded = true;
    useMap(true);
    map.invalidateSize();
  });
  layer.on("tileerror", () => {
    if (loaded) return;
    loaded = null; // failed: the list stays
    ui.hidden = true;
    setDisabled(document.getElementById("marks"), true);
    noteNoTiles();
  });
  layer.addTo(map);
  map.on("click", (e) => marks.add(e.latlng));
  document.getElementById("mark-centre").addEventListener("click", () => marks.add(map.getCenter()));
  document.getElementById("use-list").addEventListener("click", () => {
    useMap(false);
    list.querySelector("input")?.focus();
  });
  // Marks sent before and shown again (the form came back with a message): put them back on the map.
  let previous = [];
  try {
    previous = JSON.parse(ui.dataset.marks || "[]");
  } catch {
    previous = [];
  }
  for (const m of previous) marks.add([m.lat, m.lon], m, false);
  if (previous.length) {
    map.fitBounds(
      previous.map((m) => [m.lat, m.lon]),
      { padding: [30, 30], maxZoom: 16 },
    );
  }
}

main();
