/**
 * Toxicity from a moderation answer: the highest category score (0–1). A
 * post or reply is flagged when it reaches TOXICITY_THRESHOLD, and the
 * categories shown are those that reach it, worst first. Both are decided
 * when read, so changing the threshold needs no rescoring.
 */
export type CategoryScores = Readonly<Record<string, number>>;

export function toxicityOf(scores: CategoryScores): number {
  let highest = 0;
  for (const score of Object.values(scores)) if (Number.isFinite(score) && score > highest) highest = score;
  return Math.min(1, highest);
}

export function isFlagged(toxicity: number | null, threshold: number): boolean {
  return toxicity !== null && toxicity >= threshold;
}

export function flaggedCategories(scores: CategoryScores, threshold: number): string[] {
  return Object.entries(scores)
    .filter(([, score]) => score >= threshold)
    .sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB))
    .map(([name]) => name);
}
