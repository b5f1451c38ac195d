// Hot spot logic for the list: hot now (inside the spot's hot hours), how overdue (time since the last visit against
// the target), distance — and the order the officer sees them in.
import { zonedParts } from "./i18n.js";
import { distanceM } from "./location.js";

const minutesOf = (hhmm) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** Inside one of the spot's hot-hours windows now (the area's time); `to` before `from` runs past midnight. */
export function isHotNow(hotspot, now = new Date()) {
  const p = zonedParts(now);
  const minute = p.h * 60 + p.mi;
  const yesterday = p.weekday === 1 ? 7 : p.weekday - 1;
  return (hotspot.hot_hours || []).some((w) => {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) return w.days.includes(p.weekday) && minute >= from && minute < to;
    return (w.days.includes(p.weekday) && minute >= from) || (w.days.includes(yesterday) && minute < to);
  });
}

/** The latest visit start known: the server's status (when it was fetched) or the phone's own visits. */
export function lastVisitAt(hotspot, status, ownVisits) {
  let best = status?.last_visit_at ? new Date(status.last_visit_at).getTime() : null;
  for (const v of ownVisits) {
    if (v.hotspot_id !== hotspot.id || v.deleted) continue;
    const t = new Date(v.started_at).getTime();
    if (best === null || t > best) best = t;
  }
  return best === null ? null : new Date(best).toISOString();
}

/** Time since the last visit divided by the target interval (7 days / target visits); Infinity if never visited. */
export function overdueRatio(hotspot, last, now = Date.now()) {
  const perWeek = hotspot.target_visits_per_week;
  if (!perWeek) return 0;
  if (!last) return Infinity;
  const intervalMs = (7 * 24 * 3600 * 1000) / perWeek;
  return (now - new Date(last).getTime()) / intervalMs;
}

/**
 * Rows for the list: by priority (1 first); within a priority the spots that are hot now first (D1), then the most
 * overdue (in half-interval steps), then the nearest.
 */
export function rank(hotspots, statusById, ownVisits, position, now = new Date()) {
  const rows = hotspots
    .filter((h) => !h.deleted && h.active !== false)
    .map((h) => {
      const last = lastVisitAt(h, statusById?.[h.id], ownVisits);
      const ratio = overdueRatio(h, last, now.getTime());
      return {
        hotspot: h,
        last,
        ratio,
        overdue: ratio >= 1,
        hotNow: isHotNow(h, now),
        distance: position ? distanceM(position, h) : null,
      };
    });
  const bucket = (r) => Math.min(4, Math.floor(r.ratio * 2) / 2);
  rows.sort(
    (a, b) =>
      (a.hotspot.priority ?? 2) - (b.hotspot.priority ?? 2) ||
      Number(b.hotNow) - Number(a.hotNow) ||
      bucket(b) - bucket(a) ||
      (a.distance ?? Infinity) - (b.distance ?? Infinity) ||
      a.hotspot.name.localeCompare(b.hotspot.name),
  );
  return rows;
}
