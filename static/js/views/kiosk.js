// The survey kiosk's screens (SPEC §7, issue 13): the officer starts it for an open survey of the area; residents
// then answer the questionnaire face to face, one screen per question group, with big touch targets — Swedish first,
// every question may be skipped, places picked among the area's hot spots by name (no map). "Next respondent" starts
// over with nothing of the previous answers left on the screen. Each respondent's answers go into the outbox as one
// `survey_response.create` and upload through the usual sync, with or without signal at the time.
//
// The questionnaire's codes, texts and limits are the server's (config.js ← fieldlog/officer/shell.py ←
// fieldlog/surveys/questionnaire.py); the words of the kiosk's own buttons are here, in both languages.
import { h, replace } from "../dom.js";
import { getLang } from "../i18n.js";
import { attentionEntries, resolve } from "../outbox.js";
import {
  RESPONSE_KIND,
  kioskSurvey,
  openSurveys,
  questionnaire,
  queueResponse,
  refreshSurveys,
  PASSKEY,
  startKiosk,
  tryExit,
} from "../kiosk.js";
import { getAll, getMeta } from "../storage.js";
import { hasPasskey, readLock } from "../vault.js";
import { once, showError, submitOnce } from "./shared.js";

const WORDS = {
  sv: {
    switch_lang: "English",
    kiosk: "Enkätkiosk",
    card_title: "Trygghetsenkät",
    card_text:
      "Låt boende svara på enkäten på den här enheten, även utan täckning. Dina egna uppgifter döljs så länge kiosken är igång.",
    card_start: "Starta enkätkiosk",
    card_none: "Ingen enkät är öppen i ditt område just nu.",
    card_waiting: "{n} enkätsvar väntar på uppladdning.",
    card_refused: "{n} enkätsvar togs inte emot av servern.",
    refused_survey_closed: "Enkäten hade stängt när de laddades upp.",
    refused_other: "Servern godtog inte svaren.",
    card_discard: "Kasta svaren som inte togs emot",
    start_title: "Starta enkätkiosk",
    start_intro: "Välj enkät. Du avslutar kiosken med appens PIN-kod, samma som låser upp appen.",
    survey: "Enkät",
    pin: "PIN-kod",
    wrong_pin: "Fel PIN-kod. {n} försök kvar.",
    start: "Starta kiosken",
    back: "Tillbaka",
    welcome: "Hur trygg känner du dig där du bor?",
    closed: "Enkäten har stängt. Tack till alla som svarade!",
    welcome_text:
      "Polisen och kommunen vill veta var och när du känner dig otrygg. Enkäten är anonym och tar några minuter. Du kan hoppa över alla frågor.",
    begin: "Börja",
    step: "Steg {n} av {total}",
    optional: "Alla frågor är frivilliga – hoppa över det du inte vill svara på.",
    next: "Nästa",
    previous: "Föregående",
    send: "Skicka svaren",
    thanks: "Tack för dina svar!",
    thanks_text: "Dina svar är sparade. Lämna gärna över till nästa person.",
    next_person: "Nästa person",
    places_pick: "Välj upp till {max} platser.",
    places_max: "Du har valt {max} platser: avmarkera en för att välja en annan.",
    no_places: "Inga platser att välja på.",
    chars_left: "Högst {max} tecken.",
    exit: "Avsluta kiosken",
    exit_title: "Avsluta kiosken",
    exit_text: "För poliser: skriv appens PIN-kod för att avsluta kiosken.",
    exit_button: "Avsluta",
    exit_passkey: "Avsluta med fingeravtryck eller skärmlås",
    passkey_failed: "Fingeravtrycket eller skärmlåset gick inte igenom. Försök igen eller skriv PIN-koden.",
    cancel: "Avbryt",
  },
  en: {
    switch_lang: "Svenska",
    kiosk: "Survey kiosk",
    card_title: "Safety survey",
    card_text:
      "Let residents answer the survey on this device, even without signal. Your own data is hidden while the kiosk runs.",
    card_start: "Start the survey kiosk",
    card_none: "No survey is open in your area right now.",
    card_waiting: "{n} survey responses waiting to upload.",
    card_refused: "{n} survey responses were not accepted by the server.",
    refused_survey_closed: "The survey had closed when they were uploaded.",
    refused_other: "The server did not accept the answers.",
    card_discard: "Discard the responses not accepted",
    start_title: "Start the survey kiosk",
    start_intro: "Choose the survey. You leave the kiosk with the app's PIN, the one that unlocks the app.",
    survey: "Survey",
    pin: "PIN",
    wrong_pin: "Wrong PIN. {n} tries left.",
    start: "Start the kiosk",
    back: "Back",
    welcome: "How safe do you feel where you live?",
    closed: "The survey has closed. Thank you to everyone who answered!",
    welcome_text:
      "The police and the municipality want to know where and when you feel unsafe. The survey is anonymous and takes a few minutes. You may skip any question.",
    begin: "Begin",
    step: "Step {n} of {total}",
    optional: "Every question is optional – skip what you do not want to answer.",
    next: "Next",
    previous: "Previous",
    send: "Send the answers",
    thanks: "Thank you for your answers!",
    thanks_text: "Your answers are saved. Please hand over to the next person.",
    next_person: "Next person",
    places_pick: "Choose up to {max} places.",
    places_max: "You have chosen {max} places: untick one to choose another.",
    no_places: "No places to choose from.",
    chars_left: "At most {max} characters.",
    exit: "Leave the kiosk",
    exit_title: "Leave the kiosk",
    exit_text: "For officers: type the app's PIN to leave the kiosk.",
    exit_button: "Leave",
    exit_passkey: "Leave with fingerprint or screen lock",
    passkey_failed: "The fingerprint or screen lock did not go through. Try again or enter the PIN.",
    cancel: "Cancel",
  },
};

const say = (lang, key, vars = {}) =>
  (WORDS[lang][key] ?? WORDS.sv[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? `{${k}}`));
// The officer's own screens speak the app's language; the respondent's, the kiosk's (Swedish for each new person).
const o = (key, vars) => say(getLang(), key, vars);

// --- The officer's entry: a card on the Today view

/** The kiosk's card on the Today view: start it (an open survey of the area), and what waits to upload. */
export async function kioskCard(ctx) {
  // The first time, the list is fetched before the card shows; later, the cached list shows at once and a fresh one
  // comes for the next time (each sync refreshes it too).
  const refreshed = refreshSurveys();
  if (!(await getMeta("surveys"))) await refreshed;
  const [surveys, entries] = await Promise.all([openSurveys(), getAll("outbox")]);
  const mine = entries.filter((e) => e.user_id === ctx.userId && e.type.startsWith(`${RESPONSE_KIND}.`));
  const waiting = mine.filter((e) => e.state === "pending").length;
  const refused = (await attentionEntries(ctx.userId)).filter((e) => e.type.startsWith(`${RESPONSE_KIND}.`));
  if (!surveys.length && !mine.length) return null;
  const discard = once(async () => {
    for (const e of refused) await resolve(e.seq, "discard");
    ctx.refresh("force");
  });
  return h(
    "section",
    { class: "card kiosk-card", "aria-labelledby": "kiosk-card-title" },
    h("h2", { id: "kiosk-card-title" }, o("card_title")),
    surveys.length
      ? [
          h("p", {}, o("card_text")),
          h("a", { class: "button primary wide-link", href: "#/kiosk", id: "kiosk-start-link" }, o("card_start")),
        ]
      : h("p", {}, o("card_none")),
    waiting ? h("p", { class: "notice" }, o("card_waiting", { n: waiting })) : null,
    refused.length
      ? h(
          "div",
          { class: "attention" },
          h("p", {}, o("card_refused", { n: refused.length })),
          // Why, in words (never the server's code): a closed wave is the one a kiosk meets in practice.
          h(
            "p",
            {},
            o(refused.every((e) => e.error?.code === "survey_closed") ? "refused_survey_closed" : "refused_other"),
          ),
          h("button", { type: "button", onclick: discard }, o("card_discard")),
        )
      : null,
  );
}

// --- Starting the kiosk (#/kiosk, while it does not run)

export async function renderKioskStart(main, ctx) {
  const surveys = await openSurveys();
  if (!surveys.length) {
    replace(main, h("h1", {}, o("start_title")), h("p", {}, o("card_none")), h("a", { href: "#/today" }, o("back")));
    return;
  }
  const select = h(
    "select",
    { id: "kiosk-survey", name: "survey" },
    surveys.map((s) =>
      h("option", { value: s.id }, s.title.includes(String(s.year)) ? s.title : `${s.title} (${s.year})`),
    ),
  );
  const button = h("button", { type: "submit", class: "primary wide" }, o("start"));
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("label", { for: "kiosk-survey" }, o("survey")),
    select,
    button,
  );
  submitOnce(
    form,
    button,
    () => surveys.find((s) => s.id === select.value) || null,
    async (survey) => {
      await startKiosk(survey);
      ctx.navigate("#/");
    },
  );
  replace(
    main,
    h("h1", {}, o("start_title")),
    h("p", {}, o("start_intro")),
    form,
    h("p", {}, h("a", { href: "#/today" }, o("back"))),
  );
}

// --- The running kiosk

// One respondent at a time, in memory only: a reload starts a new respondent (nothing of the previous one shown).
let respondent = null;
const fresh = () => ({ lang: "sv", screen: -1, answers: {}, places: new Map(), done: false, exiting: false });

export async function renderKiosk(main, ctx) {
  if (!respondent) respondent = fresh();
  const survey = kioskSurvey();
  const form = questionnaire(survey?.questionnaire);
  document.documentElement.classList.add("kiosk-mode");
  document.documentElement.lang = respondent.lang;
  // The places a respondent may name without a map: the area's public hot spots (the server takes no other).
  const hotspots = (await getAll("hotspots"))
    .filter((s) => s.public && s.active !== false && !s.deleted)
    .sort((a, b) => a.name.localeCompare(b.name, "sv"));
  draw(main, ctx, survey, form, hotspots);
}

/** The kiosk left the screen (the officer left it): the next start is a new respondent. */
export function leaveKioskScreen() {
  respondent = null;
  document.documentElement.classList.remove("kiosk-mode");
}

function draw(main, ctx, survey, form, hotspots) {
  const r = respondent;
  const w = (key, vars) => say(r.lang, key, vars);
  const redraw = () => {
    draw(main, ctx, survey, form, hotspots);
    main.focus();
    window.scrollTo(0, 0);
  };
  const top = h(
    "div",
    { class: "kiosk-top" },
    h("span", { class: "kiosk-name" }, w("kiosk")),
    h(
      "button",
      {
        type: "button",
        lang: r.lang === "sv" ? "en" : "sv",
        id: "kiosk-lang",
        onclick: () => {
          r.lang = r.lang === "sv" ? "en" : "sv";
          document.documentElement.lang = r.lang;
          redraw();
        },
      },
      w("switch_lang"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "kiosk-exit",
        id: "kiosk-exit",
        onclick: () => {
          r.exiting = true;
          redraw();
        },
      },
      w("exit"),
    ),
  );
  let body;
  if (r.exiting) body = exitScreen(ctx, w, redraw);
  else if (!form) body = h("p", { class: "error" }, w("no_places"));
  else if (r.done) body = thanksScreen(w, redraw);
  // Answers after the close would be refused at upload: the kiosk says so instead of asking.
  else if (Date.now() >= new Date(survey.closes_at).getTime()) body = h("p", { class: "notice" }, w("closed"));
  else if (r.screen < 0) body = welcomeScreen(survey, w, redraw);
  else body = questionScreen(form, hotspots, w, redraw);
  replace(main, h("div", { class: "kiosk" }, top, body));
}

function welcomeScreen(survey, w, redraw) {
  return h(
    "section",
    { class: "kiosk-screen" },
    h("p", { class: "muted" }, survey.title),
    h("h1", {}, w("welcome")),
    h("p", {}, w("welcome_text")),
    h(
      "button",
      {
        type: "button",
        class: "primary big",
        id: "kiosk-begin",
        onclick: () => {
          respondent.screen = 0;
          redraw();
        },
      },
      w("begin"),
    ),
  );
}

function thanksScreen(w, redraw) {
  return h(
    "section",
    { class: "kiosk-screen kiosk-thanks" },
    h("h1", {}, h("span", { "aria-hidden": "true" }, "✓ "), w("thanks")),
    h("p", {}, w("thanks_text")),
    h(
      "button",
      {
        type: "button",
        class: "primary big",
        id: "kiosk-next-person",
        onclick: () => {
          respondent = fresh();
          document.documentElement.lang = "sv";
          redraw();
        },
      },
      w("next_person"),
    ),
  );
}

const codesOf = (answers) => answers.map((a) => a.code);
const labelsOf = (answers) => Object.fromEntries(answers.map((a) => [a.code, a.label]));

/**
 * A question of the server's description (fieldlog.surveys.questionnaire.describe, one per language) as the kiosk
 * asks it: [what it takes — its kind, codes and limits; its words in `lang`].
 */
function ask(form, lang, name) {
  const d = (form[lang] || form.sv).questions[name];
  const q = { name };
  const text = { text: d.text };
  if (d.items) {
    Object.assign(q, { kind: "grid", items: codesOf(d.items), codes: codesOf(d.answers) });
    Object.assign(text, { items: labelsOf(d.items), codes: labelsOf(d.answers) });
  } else if (d.when) {
    Object.assign(q, {
      kind: "places",
      max: d.max,
      when: codesOf(d.when.answers),
      reasons: codesOf(d.reasons.answers),
    });
    Object.assign(text, {
      when: labelsOf(d.when.answers),
      when_text: d.when.text,
      reasons: labelsOf(d.reasons.answers),
      reasons_text: d.reasons.text,
    });
  } else if (d.answers) {
    Object.assign(q, { kind: "one", codes: codesOf(d.answers) });
    text.codes = labelsOf(d.answers);
  } else {
    Object.assign(q, { kind: "text", max_length: d.max_length });
    text.note = d.note;
  }
  return [q, text];
}

function radios(name, codes, labels, current, onPick) {
  return h(
    "div",
    { class: "kiosk-options" },
    codes.map((code) =>
      h(
        "label",
        { class: "kiosk-option" },
        h("input", {
          type: "radio",
          name,
          value: code,
          checked: current === code,
          onchange: () => onPick(code),
        }),
        h("span", {}, labels?.[code] || code),
      ),
    ),
  );
}

function questionScreen(form, hotspots, w, redraw) {
  const r = respondent;
  const names = form.screens[r.screen];
  const total = form.screens.length;
  const last = r.screen === total - 1;
  const parts = names.map((name) => {
    const [q, text] = ask(form, r.lang, name);
    if (q.kind === "one") return oneQuestion(q, text);
    if (q.kind === "grid") return gridQuestion(q, text);
    if (q.kind === "places") return placesQuestion(q, text, hotspots, w);
    if (q.kind === "text") return textQuestion(q, text, w);
    return null;
  });
  const go = (step) => () => {
    r.screen += step;
    redraw();
  };
  const send = once(async () => {
    await queueResponse(collect(form));
    r.done = true;
    redraw();
  });
  return h(
    "section",
    { class: "kiosk-screen" },
    h("p", { class: "muted", id: "kiosk-step" }, w("step", { n: r.screen + 1, total })),
    h("h1", {}, (form[r.lang] || form.sv).screen_titles[r.screen]),
    h("p", { class: "hint" }, w("optional")),
    parts,
    h(
      "div",
      { class: "kiosk-nav" },
      r.screen > 0 ? h("button", { type: "button", class: "big", onclick: go(-1) }, w("previous")) : null,
      last
        ? h("button", { type: "button", class: "primary big", id: "kiosk-send", onclick: send }, w("send"))
        : h("button", { type: "button", class: "primary big", id: "kiosk-next", onclick: go(1) }, w("next")),
    ),
  );
}

function oneQuestion(q, text) {
  const a = respondent.answers;
  return h(
    "fieldset",
    { class: "kiosk-question", "data-question": q.name },
    h("legend", {}, text.text || q.name),
    radios(q.name, q.codes, text.codes, a[q.name], (code) => {
      a[q.name] = code;
    }),
  );
}

function gridQuestion(q, text) {
  const a = respondent.answers;
  return h(
    "div",
    { class: "kiosk-question", "data-question": q.name },
    h("h2", {}, text.text || q.name),
    q.items.map((item) =>
      h(
        "fieldset",
        { class: "kiosk-item", "data-item": item },
        h("legend", {}, text.items?.[item] || item),
        radios(`${q.name}-${item}`, q.codes, text.codes, a[q.name]?.[item], (code) => {
          a[q.name] = { ...(a[q.name] || {}), [item]: code };
        }),
      ),
    ),
  );
}

function textQuestion(q, text, w) {
  const a = respondent.answers;
  const id = `kiosk-${q.name}`;
  return h(
    "div",
    { class: "kiosk-question", "data-question": q.name },
    h("label", { for: id }, text.text || q.name),
    h(
      "p",
      { class: "hint", id: `${id}-hint` },
      text.note ? `${text.note} ` : "",
      w("chars_left", { max: q.max_length }),
    ),
    h("textarea", {
      id,
      rows: 5,
      maxlength: q.max_length,
      "aria-describedby": `${id}-hint`,
      value: a[q.name] || "",
      oninput: (event) => {
        a[q.name] = event.target.value;
      },
    }),
  );
}

// Places without a map: the area's hot spots by name; for each one chosen, when and why (both optional).
function placesQuestion(q, text, hotspots, w) {
  const picked = respondent.places;
  const note = h("p", { class: "hint", role: "status" }, w("places_pick", { max: q.max }));
  const rows = hotspots.map((spot) => {
    const id = `kiosk-place-${spot.id}`;
    const details = h("div", { class: "kiosk-place-details", hidden: !picked.has(spot.id) });
    const fillDetails = () => {
      const mark = picked.get(spot.id);
      replace(
        details,
        h(
          "fieldset",
          {},
          h("legend", {}, text.when_text),
          radios(`${id}-when`, q.when, text.when, mark?.when, (code) => {
            mark.when = code;
          }),
        ),
        h(
          "fieldset",
          {},
          h("legend", {}, text.reasons_text),
          h(
            "div",
            { class: "kiosk-options" },
            q.reasons.map((reason) =>
              h(
                "label",
                { class: "kiosk-option" },
                h("input", {
                  type: "checkbox",
                  value: reason,
                  checked: mark?.reasons.includes(reason),
                  onchange: (event) => {
                    mark.reasons = event.target.checked
                      ? [...mark.reasons, reason]
                      : mark.reasons.filter((x) => x !== reason);
                  },
                }),
                h("span", {}, text.reasons?.[reason] || reason),
              ),
            ),
          ),
        ),
      );
    };
    if (picked.has(spot.id)) fillDetails();
    const box = h("input", {
      type: "checkbox",
      id,
      value: spot.id,
      checked: picked.has(spot.id),
      onchange: (event) => {
        if (event.target.checked) {
          if (picked.size >= q.max) {
            event.target.checked = false;
            note.textContent = w("places_max", { max: q.max });
            return;
          }
          picked.set(spot.id, { hotspot: spot, when: null, reasons: [] });
          fillDetails();
          details.hidden = false;
        } else {
          picked.delete(spot.id);
          details.hidden = true;
          replace(details);
        }
        note.textContent = w("places_pick", { max: q.max });
      },
    });
    return h(
      "li",
      { class: "kiosk-place" },
      h("label", { class: "kiosk-option", for: id }, box, h("span", {}, spot.name)),
      details,
    );
  });
  return h(
    "fieldset",
    { class: "kiosk-question", "data-question": q.name },
    h("legend", {}, text.text || q.name),
    note,
    hotspots.length ? h("ul", { class: "kiosk-places" }, rows) : h("p", {}, w("no_places")),
  );
}

/** The respondent's answers as the server takes them: codes; a skipped question is left out. */
function collect(form) {
  const r = respondent;
  const answers = {};
  for (const [name, value] of Object.entries(r.answers)) {
    const [q] = ask(form, "sv", name);
    if (value === null || value === undefined) continue;
    if (q.kind === "text") {
      if (value.trim()) answers[name] = value.trim().slice(0, q.max_length);
    } else if (q.kind === "grid") {
      if (Object.keys(value).length) answers[name] = { ...value };
    } else answers[name] = value;
  }
  const places = form.screens
    .flat()
    .map((name) => ask(form, "sv", name)[0])
    .find((q) => q.kind === "places");
  if (places && r.places.size) {
    // A named place: the server takes the hot spot's centre as the mark.
    answers[places.name] = [...r.places.values()].map(({ hotspot, when, reasons }) => ({
      hotspot_id: hotspot.id,
      ...(when ? { when } : {}),
      reasons: [...reasons],
    }));
  }
  return answers;
}

// --- Leaving: the app lock's PIN (verifyExit in kiosk.js), wrong tries counted against the lock's ten

function exitScreen(ctx, w, redraw) {
  const r = respondent;
  const message = h("p", { class: "error", role: "alert", id: "kiosk-exit-error", hidden: true });
  const input = h("input", {
    id: "kiosk-exit-pin",
    type: "password",
    inputmode: "numeric",
    pattern: "[0-9]*",
    autocomplete: "off",
  });
  const button = h("button", { type: "submit", class: "primary wide" }, w("exit_button"));
  const say = (text) => {
    message.textContent = text;
    message.hidden = false;
    input.focus();
  };
  // The answer of a try (PIN or passkey); false when the officer stays on this screen.
  const after = (result) => {
    if (result.ok) {
      leaveKioskScreen();
      ctx.navigate("#/today");
      return undefined;
    }
    // Blocked as the lock screen blocks: the app locks, and only a sign-in with the password opens it.
    if (result.blocked) return ctx.lock();
    input.value = "";
    say(w("wrong_pin", { n: result.left }));
    return false;
  };
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("label", { for: "kiosk-exit-pin" }, w("pin")),
    input,
    button,
  );
  submitOnce(
    form,
    button,
    () => input.value || (input.focus(), null),
    async (pin) => after(await tryExit(pin)),
  );
  // The device's passkey (fingerprint or screen lock), where the officer set it up and the device is not blocked.
  let busy = false;
  const passkey = h(
    "button",
    {
      type: "button",
      class: "wide",
      id: "kiosk-exit-passkey",
      hidden: true,
      onclick: async () => {
        if (busy) return;
        busy = true;
        passkey.disabled = true;
        try {
          after(await tryExit(PASSKEY));
        } catch (failure) {
          if (failure?.name !== "PasskeyError") showError(failure);
          else say(w("passkey_failed"));
        } finally {
          busy = false;
          passkey.disabled = false;
        }
      },
    },
    w("exit_passkey"),
  );
  readLock().then((record) => {
    passkey.hidden = !hasPasskey(record) || !!record.blocked;
  }, showError);
  return h(
    "section",
    { class: "kiosk-screen" },
    h("h1", {}, w("exit_title")),
    h("p", {}, w("exit_text")),
    message,
    form,
    passkey,
    h(
      "button",
      {
        type: "button",
        class: "wide",
        onclick: () => {
          r.exiting = false;
          redraw();
        },
      },
      w("cancel"),
    ),
  );
}
