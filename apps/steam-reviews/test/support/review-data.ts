/** Reviews as Steam's appreviews endpoint returns them, made up deterministically. */

/** One review in Steam's own shape (what the fake serves). */
export interface RawSteamReview {
  recommendationid: string;
  author: {
    steamid: string;
    num_games_owned: number;
    num_reviews: number;
    playtime_forever: number;
    playtime_last_two_weeks: number;
    playtime_at_review: number;
    last_played: number;
  };
  language: string;
  review: string;
  timestamp_created: number;
  timestamp_updated: number;
  voted_up: boolean;
  votes_up: number;
  votes_funny: number;
  weighted_vote_score: string | number;
  comment_count: number;
  steam_purchase: boolean;
  received_for_free: boolean;
  written_during_early_access: boolean;
  primarily_steam_deck: boolean;
}

const TEXTS: readonly { language: string; text: string; votedUp: boolean }[] = [
  { language: "english", text: "Great game, I love the combat and the music.", votedUp: true },
  { language: "english", text: "Bad performance, crashes every hour. Boring story.", votedUp: false },
  { language: "schinese", text: "很好玩的游戏,音乐很棒。", votedUp: true },
  { language: "russian", text: "Плохая оптимизация, игра вылетает.", votedUp: false },
  { language: "english", text: "Fun with friends, multiplayer is great.", votedUp: true },
  { language: "brazilian", text: "Jogo muito bom, recomendo!", votedUp: true },
];

/** 2026-11-01 00:00 UTC. */
export const BASE_TIME = 1_793_491_200;

/**
 * `count` reviews of `appId`, newest first (as filter=recent serves them),
 * one every `spacingSeconds`, the newest at `newestAt`.
 */
export function makeReviews(appId: number, count: number, options: { newestAt?: number; spacingSeconds?: number; idBase?: number } = {}): RawSteamReview[] {
  const newestAt = options.newestAt ?? BASE_TIME;
  const spacing = options.spacingSeconds ?? 3600;
  const idBase = options.idBase ?? appId * 1000;
  return Array.from({ length: count }, (_, index) => {
    const sample = TEXTS[index % TEXTS.length]!;
    const created = newestAt - index * spacing;
    return {
      recommendationid: String(idBase + count - index),
      author: {
        steamid: String(76561197960265728n + BigInt(index)),
        num_games_owned: 10 + index,
        num_reviews: 1 + (index % 4),
        playtime_forever: 60 * (index + 1),
        playtime_last_two_weeks: 0,
        playtime_at_review: 30 * (index + 1),
        last_played: created,
      },
      language: sample.language,
      review: `${sample.text} (#${index})`,
      timestamp_created: created,
      timestamp_updated: created + (index % 3 === 0 ? 600 : 0),
      voted_up: sample.votedUp,
      votes_up: index % 5,
      votes_funny: 0,
      // Steam sends it as a string, or the number 0.
      weighted_vote_score: index % 2 === 0 ? "0.523809552192687988" : 0,
      comment_count: 0,
      steam_purchase: true,
      received_for_free: false,
      written_during_early_access: index % 2 === 1,
      primarily_steam_deck: false,
    };
  });
}
