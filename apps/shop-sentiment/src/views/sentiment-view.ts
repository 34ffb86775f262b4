/** How a sentiment reads on a page: a labelled chip, and a bar of the positive/neutral/negative split. */
import type { Sentiment, SentimentSummary } from "../catalog/schemas.js";
import { labelFor, SENTIMENT_LABELS, type SentimentLabel } from "../sentiment.js";
import { html, type SafeHtml } from "../shared/web/html.js";

const LABELS: Record<SentimentLabel, string> = { positive: "Positive", neutral: "Neutral", negative: "Negative" };

export function sentimentChip(sentiment: Sentiment): SafeHtml {
  return html`<span class="chip ${sentiment.label}" title="score ${sentiment.score.toFixed(2)}">${LABELS[sentiment.label]}</span>`;
}

export function averageChip(summary: SentimentSummary): SafeHtml {
  if (summary.average === null) return html`<span class="muted">No reviews yet</span>`;
  return sentimentChip({ score: summary.average, label: labelFor(summary.average) });
}

function percentages(summary: SentimentSummary): Record<SentimentLabel, number> {
  const total = summary.positive + summary.neutral + summary.negative;
  const share = (count: number) => (total === 0 ? 0 : Math.round((count / total) * 100));
  return { positive: share(summary.positive), neutral: share(summary.neutral), negative: share(summary.negative) };
}

export function sentimentBar(summary: SentimentSummary): SafeHtml {
  const shares = percentages(summary);
  return html`<div class="bar" role="img" aria-label="${SENTIMENT_LABELS.map((label) => `${shares[label]}% ${label}`).join(", ")}">${SENTIMENT_LABELS.map(
    (label) => html`<span class="${label}" style="width:${shares[label]}%"></span>`,
  )}</div>`;
}

export function sentimentBreakdown(summary: SentimentSummary): SafeHtml {
  const shares = percentages(summary);
  return html`<div class="breakdown" id="breakdown">${SENTIMENT_LABELS.map(
    (label) => html`<div data-label="${label}"><span class="chip ${label}">${LABELS[label]}</span> <strong class="count">${summary[label]}</strong> <span class="muted">(${shares[label]}%)</span></div>`,
  )}</div>`;
}
