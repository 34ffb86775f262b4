/**
 * Listening by hour of the day, from recently played, as one inline SVG bar
 * chart in the visitor's time zone: no script, readable by screen readers
 * (each bar has a title, the figure a caption).
 */
import { html, type SafeHtml } from "../shared/web/html.js";
import { hourIn } from "../time-zone.js";

/** Plays per hour of the day (index 0 = 00:00–01:00) in the zone. */
export function playsByHour(playedAt: readonly string[], timeZone: string): number[] {
  const counts = Array.from({ length: 24 }, () => 0);
  for (const instant of playedAt) {
    const date = new Date(instant);
    if (Number.isNaN(date.getTime())) continue;
    const hour = hourIn(date, timeZone);
    counts[hour] = (counts[hour] ?? 0) + 1;
  }
  return counts;
}

const WIDTH = 480;
const HEIGHT = 170;
const LEFT = 26;
const RIGHT = 4;
const TOP = 16;
const BOTTOM = 28;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
const SLOT = (WIDTH - LEFT - RIGHT) / 24;
const BAR = SLOT - 3;

const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
const plays = (count: number) => `${count} play${count === 1 ? "" : "s"}`;

function round(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}

export function renderListeningByHour(counts: readonly number[], timeZone: string): SafeHtml {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return html`<p class="muted">Nothing played recently.</p>`;
  const max = Math.max(...counts);
  const busiest = counts.indexOf(max);
  const bars = counts.map((count, hour) => {
    const height = (count / max) * PLOT_HEIGHT;
    const x = LEFT + hour * SLOT;
    return html`<rect class="bar" data-hour="${hour}" data-count="${count}" x="${round(x)}" y="${round(TOP + PLOT_HEIGHT - height)}" width="${round(BAR)}" height="${round(height)}" rx="2"><title>${hourLabel(hour)}–${hourLabel((hour + 1) % 24)}: ${plays(count)}</title></rect>`;
  });
  const ticks = [0, 6, 12, 18].map(
    (hour) => html`<text x="${round(LEFT + hour * SLOT + BAR / 2)}" y="${HEIGHT - 6}" text-anchor="middle">${hourLabel(hour)}</text>`,
  );
  const caption = `Most plays around ${hourLabel(busiest)} (${plays(max)} of the last ${total}), times in ${timeZone}.`;
  return html`<figure class="chart"><svg id="listening-by-hour" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-caption" preserveAspectRatio="xMidYMid meet">
<line x1="${LEFT}" y1="${TOP + PLOT_HEIGHT}" x2="${WIDTH - RIGHT}" y2="${TOP + PLOT_HEIGHT}" class="axis"/>
<text x="2" y="${TOP + 5}">${max}</text><text x="2" y="${TOP + PLOT_HEIGHT}">0</text>
${bars}${ticks}</svg><figcaption id="chart-caption" class="muted">${caption}</figcaption></figure>`;
}
