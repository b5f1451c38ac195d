// When the app locks (issue 15): on every cold start (the data key is only ever in memory), when the officer taps
// Lock, and after LOCK_AFTER_MINUTES in the background — timed from `visibilitychange`, checked again when the page
// comes back (a background tab's timers may run late) and by a timer while away (which also takes the key back from
// the service worker). `onLock` redraws the app as the lock screen.
import { hasKey } from "./cipher.js";
import { lock } from "./vault.js";

export const LOCK_AFTER_MINUTES = 10;
const LOCK_AFTER_MS = LOCK_AFTER_MINUTES * 60_000;

let hiddenAt = null;
let timer = null;

export function startLockTriggers(onLock) {
  const lockNow = () => {
    clearTimeout(timer);
    hiddenAt = null;
    if (!hasKey()) return;
    lock();
    onLock();
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      hiddenAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(lockNow, LOCK_AFTER_MS);
      return;
    }
    clearTimeout(timer);
    if (hiddenAt !== null && Date.now() - hiddenAt >= LOCK_AFTER_MS) lockNow();
    hiddenAt = null;
  });
  return lockNow;
}
