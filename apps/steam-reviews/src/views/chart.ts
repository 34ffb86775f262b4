/**
 * A line chart as inline SVG: no script, no library, scales to the width of
 * a phone. Bars behind the line show how many reviews each point stands on;
 * each point has a tooltip (<title>) with its exact value.
 */
import { html, type SafeHtml } from "../shared/web/html.js";

export interface ChartPoint {
  /** Label of the point (a date). */
  readonly label: string;
  /** undefined: no value here (the line skips it). */
  readonly value: number | undefined;
  /** Drawn as a bar, scaled to the largest. */
  readonly weight: number;
}

export interface ChartOptions {
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly min: number;
  readonly max: number;
  /** Labels of the y axis, from min to max. */
  readonly ticks: readonly number[];
  readonly format: (value: number) => string;
  /** What the bars count, for their tooltips. */
  readonly weightLabel: string;
}

const WIDTH = 480;
const HEIGHT = 220;
const LEFT = 50;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 32;

const round = (value: number) => Math.round(value * 10) / 10;

export function lineChart(options: ChartOptions): SafeHtml {
  const { points } = options;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = points.length > 1 ? plotWidth / (points.length - 1) : 0;
  const x = (index: number) => round(points.length > 1 ? LEFT + index * step : LEFT + plotWidth / 2);
  const y = (value: number) => round(TOP + plotHeight - ((value - options.min) / (options.max - options.min)) * plotHeight);
  const heaviest = Math.max(1, ...points.map((point) => point.weight));
  const barWidth = Math.max(1, Math.min(24, points.length > 1 ? step * 0.7 : 24));

  const grid = options.ticks.map(
    (tick) => html`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e3e8ec"/><text x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="15" fill="#5d6d7e">${options.format(tick)}</text>`,
  );
  const bars = points.map((point, index) => {
    const height = round((point.weight / heaviest) * plotHeight * 0.9);
    return html`<rect class="bar" x="${round(x(index) - barWidth / 2)}" y="${round(TOP + plotHeight - height)}" width="${round(barWidth)}" height="${height}" fill="#d6e4ef"><title>${point.label}: ${point.weight} ${options.weightLabel}</title></rect>`;
  });
  const valued = points.flatMap((point, index) => (point.value === undefined ? [] : [{ point, index, value: point.value }]));
  const line = valued.map(({ index, value }) => `${x(index)},${y(value)}`).join(" ");
  const dots = valued.map(
    ({ point, index, value }) => html`<circle class="point" cx="${x(index)}" cy="${y(value)}" r="3.5" fill="#1a73b8"><title>${point.label}: ${options.format(value)}</title></circle>`,
  );
  const labelIndexes = points.length === 0 ? [] : [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])];
  const xLabels = labelIndexes.map(
    (index) => {
      // The first and last labels keep inside the frame.
      const anchor = points.length === 1 ? "middle" : index === 0 ? "start" : index === points.length - 1 ? "end" : "middle";
      const at = points.length === 1 ? x(index) : index === 0 ? LEFT : index === points.length - 1 ? WIDTH - RIGHT : x(index);
      return html`<text x="${at}" y="${HEIGHT - 10}" text-anchor="${anchor}" font-size="15" fill="#5d6d7e">${points[index]!.label}</text>`;
    },
  );
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">
<title>${options.title}</title>${grid}${bars}
${valued.length > 1 ? html`<polyline points="${line}" fill="none" stroke="#1a73b8" stroke-width="2.5" stroke-linejoin="round"/>` : ""}${dots}${xLabels}</svg>`;
}
