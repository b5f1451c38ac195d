// The officer app's entry: a cold start's first screen, from as few modules as it needs. Since the app lock (issue 15)
// every start of a phone that has signed in shows the lock screen, which needs only the lock's plain record (one
// IndexedDB read) and the lock view's own modules — not the session, the outbox, sync or the other views. The rest of
// the app (main.js) loads once the lock screen is drawn, from the service worker's precache, while the officer types
// the PIN; then it takes over (routing, the top bar, sync). Without a lock (never signed in) main.js draws the first
// view itself.
// vault.js first: storage.js, which it imports, starts opening IndexedDB as it is evaluated — before the others are.
import { readLock } from "./vault.js";
import { replace } from "./dom.js";
import { getLang, setLang, t } from "./i18n.js";
import { brand, langButton } from "./views/bar.js";
import { renderLock } from "./views/lock.js";

const main = document.getElementById("main");
const bar = document.getElementById("bar");

// main.js once it has taken over; until then the lock screen's calls wait for it (an unlock before it is there).
let takenOver;
const app = new Promise((resolve) => {
  takenOver = resolve;
});
const later =
  (name) =>
  (...args) =>
    app.then((started) => started.ctx[name](...args));
const lockCtx = {
  unlocked: later("unlocked"),
  pinSet: later("pinSet"),
  lock: later("lock"),
  navigate: later("navigate"),
};

async function drawLock(record) {
  document.documentElement.lang = getLang();
  document.getElementById("skip").textContent = t("skip");
  // The bar main.js draws on a locked screen (no session: no sync state, Lock or Sign out), so nothing moves later.
  bar.hidden = false;
  replace(
    bar,
    brand(),
    langButton(() => {
      setLang(getLang() === "sv" ? "en" : "sv");
      drawLock(); // read again: a wrong PIN meanwhile may have blocked it
    }),
  );
  await renderLock(main, lockCtx, record);
}

async function boot() {
  setLang(getLang());
  let record;
  let lockDrawn = false;
  try {
    record = await readLock();
    // The sign-in asked for by address (a forgotten PIN) is main.js's; so is a phone without a lock.
    if (record && !location.hash.startsWith("#/signin")) {
      await drawLock(record);
      lockDrawn = true;
      performance.mark("fieldlog-lock-ready");
    }
  } catch {
    // main.js reads the record again, and shows what fails.
    record = undefined;
  }
  const started = await import("./main.js");
  await started.start({ record, lockDrawn });
  takenOver(started);
}

boot();
