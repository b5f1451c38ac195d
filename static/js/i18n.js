// The app's words: Swedish first (SPEC §2), English on switch. Times shown in the area's time zone (the server's
// word, from the signed-in user's area; until it is known, the server's default zone from config.js).
import { config, visitConfig } from "./config.js";

let TIMEZONE = config().timezone;
export const timezone = () => TIMEZONE;

const sv = {
  app: "fieldlog",
  skip: "Hoppa till innehållet",
  switch_lang: "English",
  sign_in: "Logga in",
  sign_out: "Logga ut",
  username: "Användarnamn",
  password: "Lösenord",
  signing_in: "Loggar in …",
  sign_in_failed: "Fel användarnamn eller lösenord, eller så är kontot avstängt.",
  sign_in_throttled: "För många försök. Vänta en stund och försök igen.",
  sign_in_offline: "Ingen anslutning. Första inloggningen på en enhet kräver nätet.",
  sign_in_error: "Inloggningen misslyckades ({code}).",
  sign_in_again: "Logga in igen för att ladda upp. Inget har försvunnit.",
  signed_in_as: "Inloggad som {name}",
  session_expired: "Inloggningen har gått ut.",
  session_revoked: "Enheten har loggats ut av en administratör.",
  lock: "Lås",
  lock_app: "Lås appen",
  locked_title: "Appen är låst",
  locked_text: "Skriv din PIN-kod för att låsa upp. Det fungerar utan nät.",
  pin: "PIN-kod",
  pin_repeat: "Upprepa PIN-koden",
  unlock: "Lås upp",
  unlocking: "Låser upp …",
  pin_wrong: "Fel PIN-kod. {n} försök kvar.",
  pin_blocked:
    "För många fel PIN-koder. Logga in med ditt lösenord för att låsa upp – inget som väntar på uppladdning försvinner.",
  pin_none: "Logga in med ditt lösenord för att låsa upp – inget som väntar på uppladdning försvinner.",
  pin_forgot: "Glömt PIN-koden? Logga in med lösenordet",
  pin_set_title: "Välj en PIN-kod",
  pin_set_text:
    "Appen låses när den har legat i bakgrunden i {minutes} minuter, när du trycker på Lås och varje gång den startar. Med PIN-koden låser du upp den på den här telefonen, även utan nät.",
  pin_rule: "Minst {n} siffror.",
  pin_save: "Spara PIN-koden",
  pin_too_short: "PIN-koden ska vara minst {n} siffror och bara siffror.",
  pin_mismatch: "PIN-koderna är inte lika.",
  lock_lost: "Det som fanns sparat på telefonen gick inte att låsa upp (enheten var utloggad) och har tagits bort.",
  pin_empty: "Skriv din PIN-kod.",
  passkey_unlock: "Lås upp med fingeravtryck eller skärmlås",
  passkey_cancelled:
    "Fingeravtrycket eller skärmlåset avbröts eller godkändes inte. Försök igen eller skriv PIN-koden.",
  passkey_failed: "Fingeravtryck och skärmlås fungerade inte på den här telefonen. Skriv PIN-koden.",
  pin_blocked_passkey:
    "Fingeravtryck och skärmlås låser inte heller upp förrän du har loggat in med lösenordet: så många fel PIN-koder kan betyda att någon annan har telefonen.",
  passkey_offer_title: "Lås upp med fingeravtryck eller skärmlås?",
  passkey_offer_text:
    "Då behöver du inte skriva PIN-koden där andra kan se den. PIN-koden fungerar fortfarande, också när fingeravtrycket inte gör det.",
  passkey_use: "Använd fingeravtryck eller skärmlås",
  passkey_not_now: "Inte nu",
  passkey_unsupported: "Den här telefonen kan inte låsa upp appen med fingeravtryck eller skärmlås. Använd PIN-koden.",
  passkey_continue: "Fortsätt",
  passkey_card_title: "Lås upp med fingeravtryck eller skärmlås",
  passkey_on_text: "Appen låses upp med telefonens fingeravtryck eller skärmlås. PIN-koden fungerar också.",
  passkey_off_text:
    "Lås upp appen med telefonens fingeravtryck eller skärmlås i stället för att skriva PIN-koden. Skriv PIN-koden för att slå på det.",
  passkey_remove: "Sluta använda fingeravtryck",
  passkey_removed: "Appen låses nu bara upp med PIN-koden.",
  passkey_added: "Klart: appen kan låsas upp med fingeravtryck eller skärmlås.",
  sign_out_confirm_title: "Besök väntar på uppladdning",
  sign_out_confirm: "{n} besök väntar på uppladdning. De sparas på telefonen och laddas upp när du loggar in igen.",
  sign_out_anyway: "Logga ut ändå",
  cancel: "Avbryt",
  close: "Stäng",
  err_local: "Det gick inte att spara på telefonen. Försök igen.",
  nav_main: "Huvudmeny",
  tab_hotspots: "Hot spots",
  tab_map: "Karta",
  tab_today: "Idag",
  tab_new: "Efterhand",
  hotspots: "Hot spots",
  area: "Område: {name}",
  no_hotspots: "Inga hot spots ännu. De hämtas när telefonen har anslutning.",
  priority: "Prioritet {p}",
  priority_1: "Prioritet 1 (hög)",
  priority_2: "Prioritet 2",
  priority_3: "Prioritet 3 (låg)",
  hot_now: "Het nu",
  hot_hours: "Heta timmar: {v}",
  last_visit: "Senaste besök: {v}",
  never_visited: "Senaste besök: inget",
  target: "Mål: {n} besök/vecka",
  overdue: "Försenad",
  on_track: "I fas",
  distance: "Avstånd: {v}",
  no_position: "Position okänd",
  arrive: "Anländ",
  arrive_at: "Anländ vid {name}",
  log_after: "Logga i efterhand",
  ongoing: "Pågående besök vid {name}",
  open_visit: "Öppna besöket",
  visit: "Besök",
  visit_at: "Besök: {name}",
  leave: "Lämna",
  elapsed: "Närvarotid",
  koper_window: "Målfönster {from}–{to} minuter",
  koper_before: "{n} min kvar till {from} minuter",
  koper_inside: "Inom {from}–{to} minuter: bra tid att lämna",
  koper_after: "Över {to} minuter",
  started: "Start",
  ended: "Slut",
  date: "Datum",
  from: "Från",
  to: "Till",
  duration_min: "{n} min",
  position: "Position",
  position_acc: "Position tagen (±{n} m)",
  position_pending: "Hämtar position …",
  position_none: "Ingen position (platstjänster nekade eller otillgängliga). Besöket sparas ändå.",
  on_site: "På platsen",
  off_site: "Utanför platsen ({n} m bort)",
  mode: "Färdsätt",
  officers: "Antal poliser",
  observations: "Iakttagelser",
  activities: "Åtgärder",
  contacts: "Kontakter (personer du talat med)",
  notes: "Anteckningar",
  notes_warning: "Skriv inga namn eller andra personuppgifter.",
  decrease: "Minska {what}",
  increase: "Öka {what}",
  save: "Spara",
  saved: "Sparat. Väntar på uppladdning.",
  delete: "Ta bort besöket",
  delete_confirm: "Ta bort besöket? Det går inte att ångra.",
  hotspot: "Hot spot",
  choose_hotspot: "Välj hot spot",
  today: "Dagens besök",
  no_visits_today: "Inga besök idag.",
  needs_action_title: "Behöver åtgärd",
  state_pending: "Väntar på uppladdning",
  state_synced: "Uppladdad",
  state_attention: "Behöver åtgärd",
  state_ongoing: "Pågår",
  flagged: "Flaggad: {comment}",
  flagged_by: "Flaggad av {by}: {comment}",
  status_waiting: "{n} väntar på uppladdning",
  status_uploading: "Laddar upp {done}/{total}",
  status_attention: "{n} behöver åtgärd",
  status_synced: "Allt uppladdat",
  status_offline: "Offline",
  status_retrying: "Nytt försök snart",
  status_pulling: "Hämtar …",
  status_sign_in: "Logga in igen",
  reason_conflict: "Besöket har ändrats på servern sedan du hämtade det.",
  reason_rejected: "Servern tog inte emot ändringen: {message}",
  fix: "Rätta",
  fix_hint: "Rätta uppgifterna nedan och tryck Spara: besöket skickas igen.",
  keep_mine: "Behåll min",
  take_server: "Ta serverns",
  discard: "Kasta",
  update_ready: "En ny version finns.",
  reload: "Ladda om",
  map: "Karta",
  map_loading: "Laddar kartan …",
  map_failed: "Kartan kunde inte laddas utan anslutning. Listan fungerar ändå.",
  err_required: "Fyll i {field}.",
  err_order: "Slut måste vara efter start.",
  err_too_long: "Ett besök kan vara högst {hours} timmar.",
  err_future: "Starttiden ligger i framtiden.",
  err_too_old: "Besöket är äldre än {days} dagar.",
  err_exclusive: "”Inget att rapportera” kan inte kombineras med andra iakttagelser.",
  fields_error: "{field}: {message}",
  ago_now: "nyss",
  ago_min: "för {n} min sedan",
  ago_h: "för {n} h sedan",
  ago_d: "för {n} d sedan",
  km: "{n} km",
  m: "{n} m",
  loading: "Laddar …",
  field_hotspot_id: "Hot spot",
  field_started_at: "Start",
  field_ended_at: "Slut",
  field_mode: "Färdsätt",
  field_officers: "Antal poliser",
  field_observations: "Iakttagelser",
  field_activities: "Åtgärder",
  field_contacts: "Kontakter",
  field_notes: "Anteckningar",
  field_position: "Position",
  field_entry: "Registrering",
  field_name: "Namn",
  why_hotspot_id: "hot spoten finns inte (längre) i ditt område. Välj en annan.",
  why_started_at: "starttiden godtas inte: den får inte ligga i framtiden eller vara för gammal.",
  why_ended_at:
    "sluttiden godtas inte: den ska vara efter starten, inom {hours} timmar och inte i framtiden. Ett besök som pågått mer än {hours} timmar behöver en sluttid.",
  why_mode: "välj ett färdsätt ur listan.",
  why_officers: "ange 1–20 poliser.",
  why_observations:
    "”Inget att rapportera” kan inte kombineras med andra iakttagelser, och varje iakttagelse får väljas en gång.",
  why_activities: "varje åtgärd får väljas en gång.",
  why_contacts: "ange 0–999 kontakter.",
  why_notes: "anteckningarna får vara högst 2000 tecken.",
  why_position: "positionen godtas inte.",
  why_entry: "typen av registrering godtas inte.",
  why_name: "ange ett namn på högst 200 tecken.",
  why_other: "uppgiften godtas inte.",
  err_code_validation_error: "Servern tog inte emot uppgifterna.",
  err_code_not_found: "Besöket finns inte längre på servern.",
  err_code_forbidden: "Besöket hör till någon annan och kan inte ändras härifrån.",
  err_code_conflict: "Besöket har ändrats på servern sedan du hämtade det.",
  err_code_mutation_id_reused: "Ändringen skickades redan med annat innehåll. Spara igen så skickas den på nytt.",
  err_code_unknown_mutation_type:
    "Servern känner inte igen den här sortens ändring. Uppdatera appen; besöket finns kvar.",
  err_code_token_expired: "Inloggningen har gått ut. Logga in igen; inget har försvunnit.",
  err_code_token_revoked: "Enheten har loggats ut av en administratör. Logga in igen; inget har försvunnit.",
  err_code_unauthorized: "Du är inte inloggad. Logga in igen; inget har försvunnit.",
  err_code_invalid_credentials: "Fel användarnamn eller lösenord, eller så är kontot avstängt.",
  err_code_payload_too_large: "Besöket är för stort för att skickas. Korta anteckningarna och spara igen.",
  err_code_too_many_requests: "För många försök. Vänta en stund och försök igen.",
  err_code_server: "Servern svarar inte just nu. Appen försöker igen av sig själv.",
  err_code_network: "Ingen anslutning. Appen försöker igen när nätet är tillbaka.",
  err_code_bad_request: "Servern förstod inte vad appen skickade. Uppdatera appen; besöket finns kvar.",
  err_code_unsupported_protocol: "Appen är för gammal för servern. Uppdatera appen; besöket finns kvar.",
  err_code_unsupported_media_type: "Servern förstod inte vad appen skickade. Uppdatera appen; besöket finns kvar.",
  err_code_precondition_failed: "Uppgifterna har ändrats på servern. Ladda om och försök igen.",
  err_code_other: "Servern tog inte emot ändringen (felkod {code}).",
  err_order_times: "Till är före Från. Ändra tiderna.",
  position_after: "Loggat i efterhand, utan position.",
  on_site_phone: "På platsen",
  off_site_phone: "Utanför platsen ({n} m bort)",
  entry_after: "I efterhand",
  hot_when: "Het: {v}",
  hot_none: "Inga heta timmar angivna",
  days_all: "alla dagar",
  notice_from: "{from} minuter: bra tid att lämna när du vill.",
  notice_to: "{to} minuter: dags att gå vidare till nästa plats.",
  done_title: "Besöket är avslutat",
  done_summary: "{name} · {n} min",
  done_left: "Kvar att fylla i: {list}.",
  done_complete: "Allt är ifyllt. Ändra nedan om något är fel.",
  done_mode: "Färdsätt: {mode}.",
  done_back: "Klar – till listan",
  drive_question: "Besöket var kortare än 2 minuter. Var det en genomkörning?",
  drive_yes: "Ja, genomkörning",
  drive_set: "Färdsätt ändrat till genomkörning.",
  shift_note: "Besök de senaste 16 timmarna (skiftet).",
  saved_synced: "Sparat och uppladdat.",
  saved_plain: "Sparat.",
  device: "Den här enheten",
  device_name: "Enhetens namn",
  device_save: "Spara namnet",
  device_saved: "Namnet är sparat.",
  device_offline: "Namnet kan bara ändras med anslutning.",
  working: "Arbetar …",
  // Activities (SPEC §6)
  tab_activities: "Aktiviteter",
  activities_title: "Aktiviteter",
  activity_new: "Ny aktivitet",
  activity: "Aktivitet",
  activity_edit: "Aktivitet: {type}",
  activities_upcoming: "Planerade i området",
  activities_own: "Mina senaste",
  activities_own_note: "Dina aktiviteter de senaste {days} dagarna.",
  activities_none_upcoming: "Inga planerade aktiviteter i området.",
  activities_none_own: "Inga aktiviteter de senaste {days} dagarna.",
  act_type: "Typ",
  act_status: "Planerad eller genomförd",
  act_place: "Plats",
  act_hotspot: "Hot spot (om den hölls vid en)",
  act_no_hotspot: "Ingen hot spot",
  act_school: "Skola",
  act_grades: "Årskurser",
  act_grades_more: "Andra årskurser",
  act_grade: "Åk {n}",
  act_group: "Klass",
  act_group_hint: "Till exempel 5B.",
  act_participants: "Antal deltagare",
  act_staff: "Antal personal (skola, Folkhälsan m.fl.)",
  act_topics: "Ämnen",
  act_partners: "Samverkan med",
  act_notes_warning: "Skriv inga namn eller personuppgifter.",
  act_counts_only: "Bara antal – aldrig namn på elever, föräldrar eller boende.",
  act_optional: "(valfritt)",
  act_end_optional: "Till (valfritt)",
  act_mark_done: "Markera som genomförd",
  act_mark_done_hint: "Fyll i antal deltagare och tryck Spara.",
  act_log_done: "Logga som genomförd",
  act_by: "Planerad av {name}",
  act_readonly: "Den här aktiviteten är någon annans. Du kan logga ett eget genomförande av den.",
  act_delete: "Ta bort aktiviteten",
  act_delete_confirm: "Ta bort aktiviteten? Det går inte att ångra.",
  act_saved: "Aktiviteten är sparad. Väntar på uppladdning.",
  act_saved_synced: "Aktiviteten är sparad och uppladdad.",
  act_fix_hint: "Rätta uppgifterna nedan och tryck Spara: aktiviteten skickas igen.",
  act_participants_n: "{n} deltagare",
  act_grades_list: "åk {list}",
  err_act_participants: "Ange antal deltagare för en genomförd aktivitet (0–9999).",
  err_act_school: "Ange skola för en skollektion.",
  err_act_grades: "Välj minst en årskurs för en skollektion.",
  err_act_future: "En genomförd aktivitet kan inte börja mer än {minutes} minuter fram i tiden. Välj Planerad.",
  err_act_ahead: "En planerad aktivitet kan ligga högst {days} dagar fram.",
  err_act_too_old: "Aktiviteten är äldre än {days} dagar.",
  err_act_too_long: "En aktivitet kan vara högst {hours} timmar.",
  err_act_number: "{field}: ange ett heltal {min}–{max}.",
  err_act_length: "{field}: högst {max} tecken.",
  field_type: "Typ",
  field_status: "Status",
  field_starts_at: "Start",
  field_ends_at: "Slut",
  field_place: "Plats",
  field_school: "Skola",
  field_grades: "Årskurser",
  field_group: "Klass",
  field_participants: "Antal deltagare",
  field_staff: "Antal personal",
  field_topics: "Ämnen",
  field_partners: "Samverkan",
  why_activity_type: "välj en typ ur listan.",
  why_activity_status: "välj planerad, genomförd eller inställd.",
  why_activity_starts_at:
    "starttiden godtas inte: en genomförd aktivitet får inte ligga i framtiden, en planerad högst {ahead} dagar fram, och ingen får vara äldre än {days} dagar.",
  why_activity_ends_at: "sluttiden godtas inte: den ska vara efter starten och inom {hours} timmar.",
  why_activity_hotspot_id: "hot spoten finns inte (längre) i ditt område. Välj en annan eller ingen.",
  why_activity_place: "platsen får vara högst 200 tecken.",
  why_activity_school: "ange skola (högst 200 tecken); en skollektion behöver en skola.",
  why_activity_grades: "välj årskurser 0–9, var och en en gång; en skollektion behöver minst en.",
  why_activity_group: "klassen får vara högst 20 tecken, till exempel 5B.",
  why_activity_participants: "ange 0–9999 deltagare; en genomförd aktivitet behöver antalet.",
  why_activity_staff: "ange 0–99 personal.",
  why_activity_topics: "välj ämnen ur listan, vart och ett en gång.",
  why_activity_partners: "välj samverkanspartner ur listan, var och en en gång.",
  why_activity_notes: "anteckningarna får vara högst 2000 tecken.",
  err_code_not_found_activity: "Aktiviteten finns inte längre på servern.",
  err_code_forbidden_activity: "Aktiviteten hör till någon annan och kan inte ändras härifrån.",
  err_code_conflict_activity: "Aktiviteten har ändrats på servern sedan du hämtade den.",
  err_code_unknown_mutation_type_activity:
    "Servern känner inte igen aktiviteter ännu. Aktiviteten finns kvar på telefonen; försök igen senare.",
  err_code_payload_too_large_activity: "Aktiviteten är för stor för att skickas. Korta anteckningarna och spara igen.",
  err_code_bad_request_activity: "Servern förstod inte vad appen skickade. Uppdatera appen; aktiviteten finns kvar.",
  reason_conflict_activity: "Aktiviteten har ändrats på servern sedan du hämtade den.",
  sign_out_confirm_title_records: "Ändringar väntar på uppladdning",
  sign_out_confirm_records:
    "{list} väntar på uppladdning. De sparas på telefonen och laddas upp när du loggar in igen.",
  n_visits: "{n} besök",
  n_activities_1: "1 aktivitet",
  n_activities: "{n} aktiviteter",
  n_survey_responses: "{n} enkätsvar",
  and: "och",
};

const en = {
  app: "fieldlog",
  skip: "Skip to content",
  switch_lang: "Svenska",
  sign_in: "Sign in",
  sign_out: "Sign out",
  username: "Username",
  password: "Password",
  signing_in: "Signing in …",
  sign_in_failed: "Wrong username or password, or the account is deactivated.",
  sign_in_throttled: "Too many attempts. Wait a while and try again.",
  sign_in_offline: "No connection. The first sign-in on a device needs the network.",
  sign_in_error: "Sign-in failed ({code}).",
  sign_in_again: "Sign in again to upload. Nothing has been lost.",
  signed_in_as: "Signed in as {name}",
  session_expired: "Your sign-in has expired.",
  session_revoked: "This device was signed out by an administrator.",
  lock: "Lock",
  lock_app: "Lock the app",
  locked_title: "The app is locked",
  locked_text: "Enter your PIN to unlock. This works without a connection.",
  pin: "PIN",
  pin_repeat: "Repeat the PIN",
  unlock: "Unlock",
  unlocking: "Unlocking …",
  pin_wrong: "Wrong PIN. {n} tries left.",
  pin_blocked: "Too many wrong PINs. Sign in with your password to unlock – nothing waiting to upload is lost.",
  pin_none: "Sign in with your password to unlock – nothing waiting to upload is lost.",
  pin_forgot: "Forgot the PIN? Sign in with the password",
  pin_set_title: "Choose a PIN",
  pin_set_text:
    "The app locks after {minutes} minutes in the background, when you tap Lock and every time it starts. The PIN unlocks it on this phone, even without a connection.",
  pin_rule: "At least {n} digits.",
  pin_save: "Save the PIN",
  pin_too_short: "The PIN must be at least {n} digits, digits only.",
  pin_mismatch: "The PINs do not match.",
  lock_lost:
    "What was stored on the phone could not be unlocked (the device had been signed out) and has been removed.",
  pin_empty: "Enter your PIN.",
  passkey_unlock: "Unlock with fingerprint or screen lock",
  passkey_cancelled: "The fingerprint or screen lock was cancelled or not accepted. Try again or enter the PIN.",
  passkey_failed: "Fingerprint and screen lock did not work on this phone. Enter the PIN.",
  pin_blocked_passkey:
    "Fingerprint and screen lock do not unlock either until you have signed in with your password: that many wrong PINs may mean someone else has the phone.",
  passkey_offer_title: "Unlock with fingerprint or screen lock?",
  passkey_offer_text:
    "Then you need not type the PIN where others can see it. The PIN still works, also when the fingerprint does not.",
  passkey_use: "Use fingerprint or screen lock",
  passkey_not_now: "Not now",
  passkey_unsupported: "This phone cannot unlock the app with fingerprint or screen lock. Use the PIN.",
  passkey_continue: "Continue",
  passkey_card_title: "Unlock with fingerprint or screen lock",
  passkey_on_text: "The app unlocks with the phone's fingerprint or screen lock. The PIN works too.",
  passkey_off_text:
    "Unlock the app with the phone's fingerprint or screen lock instead of typing the PIN. Enter the PIN to turn it on.",
  passkey_remove: "Stop using fingerprint",
  passkey_removed: "The app now unlocks with the PIN only.",
  passkey_added: "Done: the app can be unlocked with fingerprint or screen lock.",
  sign_out_confirm_title: "Visits waiting to upload",
  sign_out_confirm: "{n} visits are waiting to upload. They stay on this phone and upload when you sign in again.",
  sign_out_anyway: "Sign out anyway",
  cancel: "Cancel",
  close: "Close",
  err_local: "This could not be saved on the phone. Try again.",
  nav_main: "Main menu",
  tab_hotspots: "Hot spots",
  tab_map: "Map",
  tab_today: "Today",
  tab_new: "Log later",
  hotspots: "Hot spots",
  area: "Area: {name}",
  no_hotspots: "No hot spots yet. They are fetched when the phone has a connection.",
  priority: "Priority {p}",
  priority_1: "Priority 1 (high)",
  priority_2: "Priority 2",
  priority_3: "Priority 3 (low)",
  hot_now: "Hot now",
  hot_hours: "Hot hours: {v}",
  last_visit: "Last visit: {v}",
  never_visited: "Last visit: none",
  target: "Target: {n} visits/week",
  overdue: "Overdue",
  on_track: "On track",
  distance: "Distance: {v}",
  no_position: "Position unknown",
  arrive: "Arrive",
  arrive_at: "Arrive at {name}",
  log_after: "Log after the fact",
  ongoing: "Visit in progress at {name}",
  open_visit: "Open the visit",
  visit: "Visit",
  visit_at: "Visit: {name}",
  leave: "Leave",
  elapsed: "Presence time",
  koper_window: "Target window {from}–{to} minutes",
  koper_before: "{n} min to {from} minutes",
  koper_inside: "Within {from}–{to} minutes: a good time to leave",
  koper_after: "Over {to} minutes",
  started: "Start",
  ended: "End",
  date: "Date",
  from: "From",
  to: "To",
  duration_min: "{n} min",
  position: "Position",
  position_acc: "Position taken (±{n} m)",
  position_pending: "Getting position …",
  position_none: "No position (location denied or unavailable). The visit is saved anyway.",
  on_site: "On site",
  off_site: "Off site ({n} m away)",
  mode: "Mode",
  officers: "Number of officers",
  observations: "Observations",
  activities: "Activities",
  contacts: "Contacts (people you spoke with)",
  notes: "Notes",
  notes_warning: "Do not write names or other personal data.",
  decrease: "Decrease {what}",
  increase: "Increase {what}",
  save: "Save",
  saved: "Saved. Waiting to upload.",
  delete: "Delete the visit",
  delete_confirm: "Delete the visit? This cannot be undone.",
  hotspot: "Hot spot",
  choose_hotspot: "Choose a hot spot",
  today: "Today's visits",
  no_visits_today: "No visits today.",
  needs_action_title: "Needs attention",
  state_pending: "Waiting to upload",
  state_synced: "Synced",
  state_attention: "Needs attention",
  state_ongoing: "In progress",
  flagged: "Flagged: {comment}",
  flagged_by: "Flagged by {by}: {comment}",
  status_waiting: "{n} waiting to upload",
  status_uploading: "Uploading {done}/{total}",
  status_attention: "{n} need attention",
  status_synced: "All synced",
  status_offline: "Offline",
  status_retrying: "Retrying soon",
  status_pulling: "Fetching …",
  status_sign_in: "Sign in again",
  reason_conflict: "The visit was changed on the server since you fetched it.",
  reason_rejected: "The server did not accept the change: {message}",
  fix: "Fix",
  fix_hint: "Correct the details below and tap Save: the visit is sent again.",
  keep_mine: "Keep mine",
  take_server: "Take the server's",
  discard: "Discard",
  update_ready: "A new version is available.",
  reload: "Reload",
  map: "Map",
  map_loading: "Loading the map …",
  map_failed: "The map cannot load without a connection. The list still works.",
  err_required: "Fill in {field}.",
  err_order: "The end must be after the start.",
  err_too_long: "A visit can last at most {hours} hours.",
  err_future: "The start lies in the future.",
  err_too_old: "The visit is older than {days} days.",
  err_exclusive: "“Nothing to report” cannot be combined with other observations.",
  fields_error: "{field}: {message}",
  ago_now: "just now",
  ago_min: "{n} min ago",
  ago_h: "{n} h ago",
  ago_d: "{n} d ago",
  km: "{n} km",
  m: "{n} m",
  loading: "Loading …",
  field_hotspot_id: "Hot spot",
  field_started_at: "Start",
  field_ended_at: "End",
  field_mode: "Mode",
  field_officers: "Number of officers",
  field_observations: "Observations",
  field_activities: "Activities",
  field_contacts: "Contacts",
  field_notes: "Notes",
  field_position: "Position",
  field_entry: "Entry",
  field_name: "Name",
  why_hotspot_id: "the hot spot is not (or no longer) in your area. Choose another one.",
  why_started_at: "the start is not accepted: it may not lie in the future or be too old.",
  why_ended_at:
    "the end is not accepted: it must be after the start, within {hours} hours and not in the future. A visit running for more than {hours} hours needs an end.",
  why_mode: "choose a mode from the list.",
  why_officers: "enter 1–20 officers.",
  why_observations:
    "“Nothing to report” cannot be combined with other observations, and each observation may be chosen once.",
  why_activities: "each activity may be chosen once.",
  why_contacts: "enter 0–999 contacts.",
  why_notes: "the notes may be at most 2000 characters.",
  why_position: "the position is not accepted.",
  why_entry: "the kind of entry is not accepted.",
  why_name: "enter a name of at most 200 characters.",
  why_other: "the value is not accepted.",
  err_code_validation_error: "The server did not accept the details.",
  err_code_not_found: "The visit no longer exists on the server.",
  err_code_forbidden: "The visit belongs to someone else and cannot be changed from here.",
  err_code_conflict: "The visit was changed on the server since you fetched it.",
  err_code_mutation_id_reused: "The change was already sent with other content. Save again to send it anew.",
  err_code_unknown_mutation_type: "The server does not know this kind of change. Update the app; the visit is kept.",
  err_code_token_expired: "Your sign-in has expired. Sign in again; nothing has been lost.",
  err_code_token_revoked: "This device was signed out by an administrator. Sign in again; nothing has been lost.",
  err_code_unauthorized: "You are not signed in. Sign in again; nothing has been lost.",
  err_code_invalid_credentials: "Wrong username or password, or the account is deactivated.",
  err_code_payload_too_large: "The visit is too large to send. Shorten the notes and save again.",
  err_code_too_many_requests: "Too many attempts. Wait a while and try again.",
  err_code_server: "The server is not answering right now. The app tries again by itself.",
  err_code_network: "No connection. The app tries again when the network is back.",
  err_code_bad_request: "The server did not understand what the app sent. Update the app; the visit is kept.",
  err_code_unsupported_protocol: "The app is too old for the server. Update the app; the visit is kept.",
  err_code_unsupported_media_type:
    "The server did not understand what the app sent. Update the app; the visit is kept.",
  err_code_precondition_failed: "The details changed on the server. Reload and try again.",
  err_code_other: "The server did not accept the change (error code {code}).",
  err_order_times: "To is before From. Change the times.",
  position_after: "Logged after the fact, without a position.",
  on_site_phone: "On site",
  off_site_phone: "Off site ({n} m away)",
  entry_after: "After the fact",
  hot_when: "Hot: {v}",
  hot_none: "No hot hours set",
  days_all: "every day",
  notice_from: "{from} minutes: a good time to leave whenever you like.",
  notice_to: "{to} minutes: time to move on to the next place.",
  done_title: "The visit has ended",
  done_summary: "{name} · {n} min",
  done_left: "Left to fill in: {list}.",
  done_complete: "Everything is filled in. Change below if something is wrong.",
  done_mode: "Mode: {mode}.",
  done_back: "Done – back to the list",
  drive_question: "The visit was shorter than 2 minutes. Was it a drive-through?",
  drive_yes: "Yes, drive-through",
  drive_set: "Mode changed to drive-through.",
  shift_note: "Visits of the last 16 hours (the shift).",
  saved_synced: "Saved and uploaded.",
  saved_plain: "Saved.",
  device: "This device",
  device_name: "Device name",
  device_save: "Save the name",
  device_saved: "The name is saved.",
  device_offline: "The name can only be changed with a connection.",
  working: "Working …",
  // Activities (SPEC §6)
  tab_activities: "Activities",
  activities_title: "Activities",
  activity_new: "New activity",
  activity: "Activity",
  activity_edit: "Activity: {type}",
  activities_upcoming: "Planned in the area",
  activities_own: "My recent",
  activities_own_note: "Your activities of the last {days} days.",
  activities_none_upcoming: "No planned activities in the area.",
  activities_none_own: "No activities in the last {days} days.",
  act_type: "Type",
  act_status: "Planned or done",
  act_place: "Place",
  act_hotspot: "Hot spot (if it was held at one)",
  act_no_hotspot: "No hot spot",
  act_school: "School",
  act_grades: "Grades",
  act_grades_more: "Other grades",
  act_grade: "Grade {n}",
  act_group: "Class",
  act_group_hint: "For example 5B.",
  act_participants: "Number of participants",
  act_staff: "Number of staff (school, public health etc.)",
  act_topics: "Topics",
  act_partners: "Together with",
  act_notes_warning: "Do not write names or personal data.",
  act_counts_only: "Counts only – never names of pupils, parents or residents.",
  act_optional: "(optional)",
  act_end_optional: "To (optional)",
  act_mark_done: "Mark as done",
  act_mark_done_hint: "Fill in the number of participants and tap Save.",
  act_log_done: "Log as done",
  act_by: "Planned by {name}",
  act_readonly: "This activity is someone else's. You can log your own session of it.",
  act_delete: "Delete the activity",
  act_delete_confirm: "Delete the activity? This cannot be undone.",
  act_saved: "The activity is saved. Waiting to upload.",
  act_saved_synced: "The activity is saved and uploaded.",
  act_fix_hint: "Correct the details below and tap Save: the activity is sent again.",
  act_participants_n: "{n} participants",
  act_grades_list: "grades {list}",
  err_act_participants: "Enter the number of participants of a done activity (0–9999).",
  err_act_school: "Enter the school of a school session.",
  err_act_grades: "Choose at least one grade for a school session.",
  err_act_future: "A done activity cannot start more than {minutes} minutes ahead. Choose Planned.",
  err_act_ahead: "A planned activity can lie at most {days} days ahead.",
  err_act_too_old: "The activity is older than {days} days.",
  err_act_too_long: "An activity can last at most {hours} hours.",
  err_act_number: "{field}: enter a whole number {min}–{max}.",
  err_act_length: "{field}: at most {max} characters.",
  field_type: "Type",
  field_status: "Status",
  field_starts_at: "Start",
  field_ends_at: "End",
  field_place: "Place",
  field_school: "School",
  field_grades: "Grades",
  field_group: "Class",
  field_participants: "Number of participants",
  field_staff: "Number of staff",
  field_topics: "Topics",
  field_partners: "Together with",
  why_activity_type: "choose a type from the list.",
  why_activity_status: "choose planned, done or cancelled.",
  why_activity_starts_at:
    "the start is not accepted: a done activity may not lie in the future, a planned one at most {ahead} days ahead, and none may be older than {days} days.",
  why_activity_ends_at: "the end is not accepted: it must be after the start and within {hours} hours.",
  why_activity_hotspot_id: "the hot spot is not (or no longer) in your area. Choose another or none.",
  why_activity_place: "the place may be at most 200 characters.",
  why_activity_school: "enter the school (at most 200 characters); a school session needs one.",
  why_activity_grades: "choose grades 0–9, each once; a school session needs at least one.",
  why_activity_group: "the class may be at most 20 characters, for example 5B.",
  why_activity_participants: "enter 0–9999 participants; a done activity needs the number.",
  why_activity_staff: "enter 0–99 staff.",
  why_activity_topics: "choose topics from the list, each once.",
  why_activity_partners: "choose partners from the list, each once.",
  why_activity_notes: "the notes may be at most 2000 characters.",
  err_code_not_found_activity: "The activity no longer exists on the server.",
  err_code_forbidden_activity: "The activity belongs to someone else and cannot be changed from here.",
  err_code_conflict_activity: "The activity was changed on the server since you fetched it.",
  err_code_unknown_mutation_type_activity:
    "The server does not know activities yet. The activity stays on the phone; try again later.",
  err_code_payload_too_large_activity: "The activity is too large to send. Shorten the notes and save again.",
  err_code_bad_request_activity:
    "The server did not understand what the app sent. Update the app; the activity is kept.",
  reason_conflict_activity: "The activity was changed on the server since you fetched it.",
  sign_out_confirm_title_records: "Changes waiting to upload",
  sign_out_confirm_records: "{list} waiting to upload. They stay on this phone and upload when you sign in again.",
  n_visits: "{n} visits",
  n_activities_1: "1 activity",
  n_activities: "{n} activities",
  n_survey_responses: "{n} survey responses",
  and: "and",
};

const CODES = {
  sv: {
    mode: {
      foot: "Till fots",
      vehicle: "Bil, parkerad och synlig",
      bicycle: "Cykel",
      drive_through: "Genomkörning",
      other: "Annat",
    },
    observations: {
      nothing_to_report: "Inget att rapportera",
      youth_gathering: "Ungdomar i grupp",
      disorder: "Ordningsstörning",
      drugs: "Misstänkt narkotikahantering",
      vandalism: "Skadegörelse",
      graffiti: "Klotter",
      intoxication: "Berusade personer",
      littering: "Nedskräpning",
      traffic: "Trafikproblem",
      fire: "Brand",
      other: "Annat",
    },
    activities: {
      visible_presence: "Synlig närvaro",
      dialogue: "Dialog",
      check: "Kontroll",
      intervention: "Ingripande",
      report_filed: "Anmälan upprättad",
    },
  },
  en: {
    mode: {
      foot: "On foot",
      vehicle: "Car, parked and visible",
      bicycle: "Bicycle",
      drive_through: "Drive-through",
      other: "Other",
    },
    observations: {
      nothing_to_report: "Nothing to report",
      youth_gathering: "Youth gathering",
      disorder: "Disorder",
      drugs: "Suspected drug dealing",
      vandalism: "Vandalism",
      graffiti: "Graffiti",
      intoxication: "Intoxicated people",
      littering: "Littering",
      traffic: "Traffic problems",
      fire: "Fire",
      other: "Other",
    },
    activities: {
      visible_presence: "Visible presence",
      dialogue: "Dialogue",
      check: "Check",
      intervention: "Intervention",
      report_filed: "Report filed",
    },
  },
};

const TABLES = { sv, en };
let lang = "sv";
try {
  lang = localStorage.getItem("fieldlog.lang") === "en" ? "en" : "sv";
} catch {
  lang = "sv";
}

export const getLang = () => lang;
export function setLang(value) {
  lang = value === "en" ? "en" : "sv";
  try {
    localStorage.setItem("fieldlog.lang", lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lang;
}

// The server's limits (config.js) fill in {hours} and {days}, and the Koper window {from}–{to} minutes
// (coverage/terms.py), wherever a sentence names them.
const limitVars = () => {
  const { max_hours: hours, max_age_days: days, koper_minutes: koper } = visitConfig().limits;
  return { hours, days, from: koper[0], to: koper[1] };
};

export function t(key, vars = {}) {
  vars = { ...limitVars(), ...vars };
  const text = TABLES[lang][key] ?? sv[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] === undefined ? `{${name}}` : String(vars[name])));
}

/** What signing out would leave waiting: [title, sentence] — "1 besök väntar …" for visits alone, else each kind
 * named ("2 besök och 1 aktivitet väntar …"). `byKind`: records per type; `total`: outbox entries. */
export function waitingSentences(byKind = {}, total = 0) {
  const { visit = 0, activity = 0, survey_response: responses = 0 } = byKind;
  if (!activity && !responses) return [t("sign_out_confirm_title"), t("sign_out_confirm", { n: total })];
  const parts = [];
  if (visit) parts.push(t("n_visits", { n: visit }));
  if (activity) parts.push(activity === 1 ? t("n_activities_1") : t("n_activities", { n: activity }));
  // A kiosk's survey responses (views/kiosk.js), waiting in the outbox like the rest.
  if (responses) parts.push(t("n_survey_responses", { n: responses }));
  return [t("sign_out_confirm_title_records"), t("sign_out_confirm_records", { list: parts.join(` ${t("and")} `) })];
}

/** The codes of a list as the server declares them (config.js) for a record type, in its order, with labels. */
export const codes = (list, kind = "visit") =>
  config()[kind].codes[list].map((code) => [code, codeLabel(list, code, kind)]);

/** A code's label: the server's words where it sends them (the activity's lists, as its pages show them), else the
 * app's own (the visit's lists). */
export const codeLabel = (list, code, kind = "visit") =>
  config()[kind]?.labels?.[lang]?.[list]?.[code] || CODES[lang][list]?.[code] || code;

const formatters = {};
function fmt(kind) {
  const key = `${lang}:${kind}`;
  if (!formatters[key]) {
    const options = {
      time: { hour: "2-digit", minute: "2-digit" },
      datetime: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
      date: { year: "numeric", month: "2-digit", day: "2-digit" },
    }[kind];
    formatters[key] = new Intl.DateTimeFormat(lang === "sv" ? "sv-SE" : "en-GB", { ...options, timeZone: TIMEZONE });
  }
  return formatters[key];
}

export const formatTime = (iso) => (iso ? fmt("time").format(new Date(iso)) : "–");
export const formatDateTime = (iso) => (iso ? fmt("datetime").format(new Date(iso)) : "–");
export const formatNumber = (n, digits = 0) =>
  new Intl.NumberFormat(lang === "sv" ? "sv-SE" : "en-GB", { maximumFractionDigits: digits }).format(n);

export function formatAgo(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
  if (minutes < 2) return t("ago_now");
  if (minutes < 90) return t("ago_min", { n: minutes });
  if (minutes < 36 * 60) return t("ago_h", { n: Math.round(minutes / 60) });
  return t("ago_d", { n: Math.round(minutes / 1440) });
}

export function formatDistance(m) {
  if (m == null) return t("no_position");
  return m < 1000 ? t("m", { n: Math.round(m / 10) * 10 }) : t("km", { n: formatNumber(m / 1000, 1) });
}

// --- Times in the area's zone, without a library ---

const partsOptions = {
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  weekday: "short",
};
// Made on first use, not as the module loads: the first Intl.DateTimeFormat with a time zone brings ICU's zone data
// up (25–60 ms after a browser restart on the development machine, timed with performance marks around it), and the
// lock screen, drawn from this module's words before the rest of the app loads, shows no time.
let partsFormatter = null;
const zoneFormatter = () =>
  (partsFormatter ||= new Intl.DateTimeFormat("en-GB", { ...partsOptions, timeZone: TIMEZONE }));

/** Show times in this zone (the area's); an unknown zone name keeps the current one. */
export function setTimezone(zone) {
  if (!zone || zone === TIMEZONE) return;
  try {
    partsFormatter = new Intl.DateTimeFormat("en-GB", { ...partsOptions, timeZone: zone });
  } catch {
    return;
  }
  TIMEZONE = zone;
  for (const key of Object.keys(formatters)) delete formatters[key];
}
const WEEKDAYS = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock parts of an instant in the area's zone: {y, mo, d, h, mi, s, weekday (ISO 1..7)}. */
export function zonedParts(date) {
  const parts = zoneFormatter().formatToParts(date);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second, weekday: WEEKDAYS[p.weekday] };
}

/** "YYYY-MM-DD" and "HH:MM" of an instant in the area's zone (for date and time inputs). */
export function zonedInputs(iso) {
  const p = zonedParts(new Date(iso));
  const two = (n) => String(n).padStart(2, "0");
  return { date: `${p.y}-${two(p.mo)}-${two(p.d)}`, time: `${two(p.h)}:${two(p.mi)}` };
}

/** The instant (ISO, UTC) of an area's wall-clock date "YYYY-MM-DD" and time "HH:MM". */
export function zonedToIso(date, time) {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall;
  for (let i = 0; i < 2; i += 1) {
    const p = zonedParts(new Date(guess));
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi);
    guess += wall - shown;
  }
  return new Date(guess).toISOString();
}

// --- Hot hours, in words ---

const DAY_NAMES = {
  sv: ["mån", "tis", "ons", "tor", "fre", "lör", "sön"],
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
};

/** ISO weekdays as short runs: [1,2,3,4,5,7] → "mån–fre, sön". */
export function formatDays(days) {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return t("days_all");
  const names = DAY_NAMES[lang];
  const runs = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    if (run && d === run[1] + 1) run[1] = d;
    else runs.push([d, d]);
  }
  return runs
    .map(([a, b]) =>
      a === b ? names[a - 1] : b === a + 1 ? `${names[a - 1]}, ${names[b - 1]}` : `${names[a - 1]}–${names[b - 1]}`,
    )
    .join(", ");
}

/** A spot's hot hours, e.g. "fre–lör 20:00–02:00; sön 18:00–22:00" (wall-clock times of the area). */
export function formatHotHours(windows) {
  return (windows || []).map((w) => `${formatDays(w.days || [])} ${w.from}–${w.to}`).join("; ");
}

// --- Server rejections, in the officer's language (by code and field, never the server's English) ---

const AUTH_CODES = new Set(["token_expired", "token_revoked", "unauthorized"]);

/** The sentence for an error code (of the API envelope, or "network" / "server" / an HTTP status); `kind` the record
 * type it is about, when it has a sentence of its own ("the activity …" rather than "the visit …"). */
export function errorSentence(code, status, kind = "visit") {
  let key = code;
  if (!key && status === 413) key = "payload_too_large";
  else if (!key && status === 429) key = "too_many_requests";
  else if (!key && status >= 500) key = "server";
  if (key === "service_unavailable" || key === "internal_error") key = "server";
  if (key && `err_code_${key}_${kind}` in TABLES[lang]) return t(`err_code_${key}_${kind}`);
  if (key && `err_code_${key}` in TABLES[lang]) return t(`err_code_${key}`);
  if (AUTH_CODES.has(key)) return t("err_code_unauthorized");
  return t("err_code_other", { code: key || status || "?" });
}

/** One line per field the server named: [field, "Label: why"] — what is wrong, in words the officer reads. */
export function fieldSentences(fields, kind = "visit") {
  const { limits } = config()[kind];
  const vars = { ahead: limits.planned_max_ahead_days, hours: limits.max_hours, days: limits.max_age_days };
  return Object.keys(fields || {}).map((field) => {
    const label = `field_${field}` in TABLES[lang] ? t(`field_${field}`) : field;
    const own = `why_${kind}_${field}`;
    const why =
      own in TABLES[lang] ? t(own, vars) : `why_${field}` in TABLES[lang] ? t(`why_${field}`) : t("why_other");
    return [field, t("fields_error", { field: label, message: why })];
  });
}
