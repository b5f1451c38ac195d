// Location: one fix at Arrive (the app records presence per hot spot, not the officer's movements), and the
// latest known position for sorting hot spots by distance. Denied or unavailable location is not an error.
let last = null;

/** One GPS fix {lat, lon, accuracy_m}, or null when denied, unavailable or too slow. */
export function getFix({ timeout = 15000, maximumAge = 30000 } = {}) {
  if (!("geolocation" in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => {
        last = {
          lat: p.coords.latitude,
          lon: p.coords.longitude,
          accuracy_m: Math.round(p.coords.accuracy * 10) / 10,
          at: Date.now(),
        };
        resolve({ lat: last.lat, lon: last.lon, accuracy_m: last.accuracy_m });
      },
      () => resolve(null),
      { enableHighAccuracy: true, timeout, maximumAge },
    );
  });
}

export const lastFix = () => last;

/** Great-circle distance in metres. */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}
