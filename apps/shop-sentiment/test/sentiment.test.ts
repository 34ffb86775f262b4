/** Sentiment is scored offline: clearly positive, negative and factual texts land in their labels. */
import { describe, expect, it } from "vitest";
import { labelFor, NEUTRAL_BAND, SentimentAnalyzer } from "../src/sentiment.js";

describe("sentiment", () => {
  const analyzer = new SentimentAnalyzer();

  it("labels clear reviews", async () => {
    expect(await analyzer.analyze("I love this product, it works great!")).toMatchObject({ label: "positive" });
    expect(await analyzer.analyze("Terrible. It broke after two days and I hate it.")).toMatchObject({ label: "negative" });
    expect(await analyzer.analyze("It is a phone.")).toEqual({ score: 0, label: "neutral" });
    expect(await analyzer.analyze("not good")).toMatchObject({ label: "negative" });
  });

  it("keeps scores in [-1, 1] with at most 4 decimals, as they are stored", async () => {
    for (const text of ["Amazing amazing amazing!!! Best ever, perfect, wonderful, love love love", "awful horrible terrible worst disgusting", "😀 great", ""]) {
      const { score } = await analyzer.analyze(text);
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
      expect(Math.round(score * 10_000) / 10_000).toBe(score);
    }
  });

  it("counts scores near zero as neutral", () => {
    expect(labelFor(NEUTRAL_BAND)).toBe("positive");
    expect(labelFor(NEUTRAL_BAND - 0.0001)).toBe("neutral");
    expect(labelFor(-NEUTRAL_BAND + 0.0001)).toBe("neutral");
    expect(labelFor(-NEUTRAL_BAND)).toBe("negative");
  });
});
