/**
 * The bot's own formatting model, independent of any Telegram library: plain
 * text plus entities over it, offsets and lengths in UTF-16 code units (as
 * Telegram counts them, and as JavaScript strings index).
 */
import { z } from "zod";

const span = { offset: z.number().int().min(0), length: z.number().int().min(1) };

/** Styles with no attribute. */
export const PLAIN_STYLES = ["bold", "italic", "underline", "strikethrough", "spoiler", "code"] as const;
export type PlainStyle = (typeof PLAIN_STYLES)[number];

export const entitySchema = z.discriminatedUnion("type", [
  z.object({ type: z.enum(PLAIN_STYLES), ...span }),
  z.object({ type: z.literal("pre"), ...span, language: z.string().optional() }),
  z.object({ type: z.literal("text_link"), ...span, url: z.string().min(1) }),
  z.object({ type: z.literal("blockquote"), ...span, collapsed: z.boolean().optional() }),
  /** A premium emoji; its text is the plain emoji shown where custom ones are not. */
  z.object({ type: z.literal("custom_emoji"), ...span, documentId: z.string().regex(/^\d+$/) }),
]);

export type Entity = z.infer<typeof entitySchema>;

export const formattedTextSchema = z.object({
  text: z.string(),
  entities: z.array(entitySchema).default([]),
});

/** Text as it is posted: the characters and their formatting. */
export interface FormattedText {
  readonly text: string;
  readonly entities: readonly Entity[];
}

/** Entities in a stable order: by start, longer (outer) first. */
export function sortEntities(entities: readonly Entity[]): Entity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Appends `suffix` to `text`, shifting the suffix's entities to where it lands. */
export function concatFormatted(first: FormattedText, suffix: FormattedText): FormattedText {
  const shift = first.text.length;
  return {
    text: first.text + suffix.text,
    entities: [...first.entities, ...suffix.entities.map((entity) => ({ ...entity, offset: entity.offset + shift }))],
  };
}
