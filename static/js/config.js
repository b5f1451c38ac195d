// What the server decides, read in one place: the visit's wire fields, defaults and bounds, the code lists, the
// limits operators configure and the time zone to show until the signed-in area names its own
// (fieldlog/officer/shell.py). The page reads it from the shell (`data-config`, precached, so it works offline);
// the service worker from its own text, which the server fills in the same way.
let cached = null;

export function config() {
  if (!cached) {
    cached =
      typeof document !== "undefined"
        ? JSON.parse(document.documentElement.dataset.config)
        : globalThis.FIELDLOG_CONFIG;
  }
  return cached;
}

/** The visit's declaration: {fields, defaults, bounds, codes, limits}. */
export const visitConfig = () => config().visit;
