// The visit timer: time on site against the 10–16 minute window, with a notice (and a buzz) at 10 and 16 minutes;
// the screen stays on meanwhile.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { onTeardown } from "./shared.js";

const KOPER_FROM = 10;
const KOPER_TO = 16;
const SCALE_MIN = 20;

function keepAwake() {
  if (!("wakeLock" in navigator)) return;
  let lock = null;
  let stopped = false;
  const acquire = () => {
    if (stopped || document.visibilityState !== "visible") return;
    navigator.wakeLock
      .request("screen")
      .then((l) => {
        if (stopped) l.release().catch(() => undefined);
        else lock = l;
      })
      .catch(() => undefined);
  };
  // The lock is dropped when the page is hidden; take it again on return.
  const onVisible = () => {
    if (!lock || lock.released) acquire();
  };
  document.addEventListener("visibilitychange", onVisible);
  acquire();
  onTeardown(() => {
    stopped = true;
    document.removeEventListener("visibilitychange", onVisible);
    lock?.release().catch(() => undefined);
  });
}

export function timer(visit) {
  const clock = h("span", { class: "clock", id: "clock" });
  const fill = h("div", { class: "fill" });
  const advice = h("p", { class: "advice", id: "koper" });
  const alertBox = h("p", { class: "alert-notice", role: "alert", id: "timer-alert" });
  alertBox.hidden = true;
  const meter = h(
    "div",
    { class: "window", role: "img", "aria-label": t("koper_window") },
    h("div", { class: "zone" }),
    fill,
  );
  let lastAdvice = "";
  // Marks already passed when the view opened are not announced again; those crossed while watching are.
  const startMin = Math.floor((Date.now() - new Date(visit.started_at).getTime()) / 60000);
  const announced = new Set([KOPER_FROM, KOPER_TO].filter((m) => startMin >= m));
  const tick = () => {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(visit.started_at).getTime()) / 1000));
    const mm = Math.floor(seconds / 60);
    clock.textContent = `${String(mm).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
    fill.style.width = `${Math.min(100, (seconds / 60 / SCALE_MIN) * 100)}%`;
    let text;
    if (mm < KOPER_FROM) text = t("koper_before", { n: KOPER_FROM - mm });
    else if (mm <= KOPER_TO) text = `✓ ${t("koper_inside")}`;
    else text = `⚠ ${t("koper_after")}`;
    if (text !== lastAdvice) {
      advice.textContent = text;
      advice.className = mm < KOPER_FROM ? "advice" : mm <= KOPER_TO ? "advice advice-in" : "advice advice-over";
      lastAdvice = text;
    }
    for (const mark of [KOPER_FROM, KOPER_TO]) {
      if (mm >= mark && !announced.has(mark)) {
        announced.add(mark);
        alertBox.textContent = t(`notice_${mark}`);
        alertBox.hidden = false;
        navigator.vibrate?.(mark === KOPER_FROM ? [300, 150, 300] : [300, 150, 300, 150, 300]);
      }
    }
  };
  tick();
  const handle = setInterval(tick, 1000);
  onTeardown(() => clearInterval(handle));
  keepAwake();
  return h(
    "section",
    { class: "timer", "aria-labelledby": "timer-title" },
    h("h2", { id: "timer-title" }, t("elapsed")),
    clock,
    meter,
    h(
      "p",
      { class: "scale", "aria-hidden": "true" },
      h("span", {}, "0"),
      h("span", {}, "10"),
      h("span", {}, "16"),
      h("span", {}, "20 min"),
    ),
    h("p", { class: "muted" }, t("koper_window")),
    advice,
    alertBox,
  );
}
