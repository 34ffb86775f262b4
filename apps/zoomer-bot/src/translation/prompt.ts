/**
 * What the model is asked: the style, the rules that keep formatting and
 * links, past translations from the memory as earlier turns of the same
 * conversation (the most similar closest to the new post), then the post.
 */
import type { ChatMessage } from "./anthropic.js";

export interface Example {
  /** The past post, as markup. */
  readonly sourceText: string;
  /** How it was translated, as markup. */
  readonly translationText: string;
}

export interface Prompt {
  readonly system: string;
  readonly messages: ChatMessage[];
}

export const FORMAT_RULES = [
  "Each message from the user is one post of a Telegram channel, written in Telegram's HTML:",
  '<b>, <i>, <u>, <s>, <tg-spoiler>, <code>, <pre>, <a href="…">, <blockquote>, <tg-emoji emoji-id="…">.',
  "Keep every tag around the words it formats and every href and emoji-id exactly as given; keep &lt; &gt; &amp; as they are.",
  "Keep line breaks, emoji, @mentions, #hashtags and plain URLs.",
  "Answer with the translated post only, in the same HTML: no preamble, no notes, no quotes, no code fences.",
].join("\n");

export function buildPrompt(style: string, examples: readonly Example[], sourceMarkup: string): Prompt {
  const system = `You translate the posts of a Telegram channel for another channel.\n${style}\n\n${FORMAT_RULES}`;
  const messages: ChatMessage[] = [];
  for (const example of [...examples].reverse()) {
    messages.push({ role: "user", content: example.sourceText }, { role: "assistant", content: example.translationText });
  }
  messages.push({ role: "user", content: sourceMarkup });
  return { system, messages };
}
