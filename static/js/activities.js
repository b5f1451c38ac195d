// Activities on the phone (SPEC §6): what the views share — reading the phone's copy, whose an activity is, and the
// one-line summary lists show. The activity's fields, codes and limits are the server's (config.js).
import { config } from "./config.js";
import { codeLabel, t } from "./i18n.js";
import { req, tx } from "./storage.js";

/** The activity's declaration: {fields, required, defaults, bounds, codes, limits}. */
export const activityConfig = () => config().activity;

/** The phone's activities (not deleted) and hot spots, for the signed-in user. */
export async function loadActivities(userId) {
  const [activities, hotspots] = await tx(["activities", "hotspots"], "readonly", (s) =>
    Promise.all([req(s.activities.getAll()), req(s.hotspots.getAll())]),
  );
  return {
    activities: activities.filter((a) => a.user_id === userId && !a.deleted),
    hotspots,
    byId: Object.fromEntries(hotspots.map((x) => [x.id, x])),
  };
}

/**
 * Whether the signed-in officer may change it: logged on this phone (not yet on the server), or theirs by the server's
 * word. An area's planned activity logged by someone else is only shown (the server would refuse a change).
 */
export const isMine = (activity, session) => !activity.officer || activity.officer === session?.user?.username;

/** "åk 4–6", "åk 4, 6" — the grades as people write them (a run of three or more with a dash). */
export function gradesText(grades) {
  const sorted = [...new Set(grades || [])].sort((a, b) => a - b);
  if (!sorted.length) return "";
  const run = sorted.length > 2 && sorted[sorted.length - 1] - sorted[0] === sorted.length - 1;
  return t("act_grades_list", { list: run ? `${sorted[0]}–${sorted[sorted.length - 1]}` : sorted.join(", ") });
}

/** What an activity was, in one line: type · school, grades, class · participants. */
export function activityLine(activity) {
  const where = [activity.school, gradesText(activity.grades), activity.group].filter(Boolean).join(" ");
  const parts = [codeLabel("type", activity.type, "activity"), where || activity.place];
  if (activity.participants !== null && activity.participants !== undefined) {
    parts.push(t("act_participants_n", { n: activity.participants }));
  }
  return parts.filter(Boolean).join(" · ");
}
