/**
 * Offline sentiment of review text with wink-nlp's English model: a score in
 * [-1, 1] and a label. No network: the model is an npm package. Loading it
 * parses a few megabytes of model (a few hundred ms of CPU), so the web
 * process loads it after it listens and the first score waits for it.
 */
export type SentimentLabel = "positive" | "neutral" | "negative";

export const SENTIMENT_LABELS: readonly SentimentLabel[] = ["positive", "neutral", "negative"];

export interface Sentiment {
  /** -1 (very negative) … 1 (very positive), rounded to 4 decimals as stored. */
  readonly score: number;
  readonly label: SentimentLabel;
}

/** Scores this close to 0 are mixed or factual text: neutral. */
export const NEUTRAL_BAND = 0.1;

export function labelFor(score: number): SentimentLabel {
  if (score >= NEUTRAL_BAND) return "positive";
  if (score <= -NEUTRAL_BAND) return "negative";
  return "neutral";
}

type Scorer = (text: string) => number;

async function loadScorer(): Promise<Scorer> {
  const [{ default: winkNLP }, { default: model }] = await Promise.all([import("wink-nlp"), import("wink-eng-lite-web-model")]);
  // Sentence boundaries and negation are what the sentiment step needs; skip POS and entities.
  const nlp = winkNLP(model, ["sbd", "negation", "sentiment"]);
  const its = nlp.its;
  return (text) => nlp.readDoc(text).out(its.sentiment) as number;
}

export class SentimentAnalyzer {
  #scorer: Promise<Scorer> | undefined;

  /** Starts loading the model (once); resolves when it is ready. */
  load(): Promise<void> {
    this.#scorer ??= loadScorer();
    return this.#scorer.then(() => undefined);
  }

  async analyze(text: string): Promise<Sentiment> {
    this.#scorer ??= loadScorer();
    const raw = (await this.#scorer)(text);
    const score = Math.round(Math.max(-1, Math.min(1, Number.isFinite(raw) ? raw : 0)) * 10_000) / 10_000;
    return { score, label: labelFor(score) };
  }
}
