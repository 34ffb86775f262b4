/** How times, shares and durations read on the pages. */

/** `2026-11-28 21:03 UTC`. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `Data current as of 2026-11-28 21:03 UTC`, or why there is no such time yet. */
export function currentAsOf(lastFetchedAt: Date | null): string {
  return lastFetchedAt ? `Data current as of ${formatUtc(lastFetchedAt)}` : "Not fetched from Steam yet";
}

/** `62%`; `–` when there is nothing to divide. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${Math.round((part / whole) * 100)}%`;
}

// Made once: an Intl formatter is costly to build, cheap to use.
const WHOLE = new Intl.NumberFormat("en-US");
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function count(value: number): string {
  return WHOLE.format(value);
}

/** Minutes of play as `12.5 h`. */
export function hours(minutes: number | null): string {
  if (minutes === null) return "–";
  return `${ONE_DECIMAL.format(minutes / 60)} h`;
}

/** Steam's API language codes, as people name the languages. */
const LANGUAGES: Record<string, string> = {
  english: "English",
  schinese: "Chinese (simplified)",
  tchinese: "Chinese (traditional)",
  japanese: "Japanese",
  koreana: "Korean",
  russian: "Russian",
  ukrainian: "Ukrainian",
  german: "German",
  french: "French",
  spanish: "Spanish (Spain)",
  latam: "Spanish (Latin America)",
  portuguese: "Portuguese",
  brazilian: "Portuguese (Brazil)",
  italian: "Italian",
  polish: "Polish",
  turkish: "Turkish",
  thai: "Thai",
  vietnamese: "Vietnamese",
  czech: "Czech",
  dutch: "Dutch",
  hungarian: "Hungarian",
  swedish: "Swedish",
  finnish: "Finnish",
  danish: "Danish",
  norwegian: "Norwegian",
  romanian: "Romanian",
  greek: "Greek",
  bulgarian: "Bulgarian",
  arabic: "Arabic",
  indonesian: "Indonesian",
};

export function languageName(code: string): string {
  return LANGUAGES[code] ?? code;
}
