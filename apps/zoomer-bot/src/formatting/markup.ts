/**
 * Formatted text ⇄ a small HTML dialect (Telegram's: b, i, u, s, tg-spoiler,
 * code, pre, a href, blockquote, tg-emoji). The model translates the markup,
 * so links and formatting survive as tags it is told to keep; its answer is
 * parsed back leniently, because a model may drop, add or mis-nest a tag.
 */
import { sortEntities, type Entity, type FormattedText, type PlainStyle } from "./entities.js";

const PLAIN_TAGS: Readonly<Record<PlainStyle, string>> = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  spoiler: "tg-spoiler",
  code: "code",
};

/** Tag names read back, aliases included. */
const STYLE_OF_TAG: Readonly<Record<string, PlainStyle>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
};

/** Link targets Telegram accepts in a text link; anything else stays plain text. */
const LINK_PATTERN = /^(https?:\/\/|tg:\/\/|mailto:)\S+$/i;

export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;");
}

function openTag(entity: Entity): string {
  switch (entity.type) {
    case "pre":
      return entity.language ? `<pre language="${escapeAttribute(entity.language)}">` : "<pre>";
    case "text_link":
      return `<a href="${escapeAttribute(entity.url)}">`;
    case "blockquote":
      return entity.collapsed ? "<blockquote expandable>" : "<blockquote>";
    case "custom_emoji":
      return `<tg-emoji emoji-id="${entity.documentId}">`;
    default:
      return `<${PLAIN_TAGS[entity.type]}>`;
  }
}

function closeTag(entity: Entity): string {
  switch (entity.type) {
    case "pre":
      return "</pre>";
    case "text_link":
      return "</a>";
    case "blockquote":
      return "</blockquote>";
    case "custom_emoji":
      return "</tg-emoji>";
    default:
      return `</${PLAIN_TAGS[entity.type]}>`;
  }
}

const end = (entity: Entity) => entity.offset + entity.length;

/**
 * Writes formatted text as markup. Overlapping entities (Telegram allows
 * them) are split so the tags nest properly.
 */
export function toMarkup(formatted: FormattedText): string {
  const { text } = formatted;
  const entities = sortEntities(formatted.entities).filter((entity) => entity.length > 0 && end(entity) <= text.length);
  const stack: Entity[] = [];
  let out = "";
  let next = 0;
  for (let position = 0; position <= text.length; position++) {
    const lowestEnding = stack.findIndex((entity) => end(entity) === position);
    if (lowestEnding !== -1) {
      const popped = stack.splice(lowestEnding);
      out += popped.map(closeTag).reverse().join("");
      for (const entity of popped) {
        if (end(entity) !== position) {
          stack.push(entity);
          out += openTag(entity);
        }
      }
    }
    while (next < entities.length && entities[next]!.offset === position) {
      const entity = entities[next++]!;
      stack.push(entity);
      out += openTag(entity);
    }
    if (position < text.length) out += escapeText(text[position]!);
  }
  return out;
}

const NAMED_CHARACTERS: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeCharacters(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_CHARACTERS[name.toLowerCase()] ?? whole;
  });
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(/([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attributes.set(match[1]!.toLowerCase(), decodeCharacters(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return attributes;
}

type OpenEntity = { readonly tag: string; readonly make: (offset: number, length: number) => Entity | undefined; start: number };

/** What an opening tag starts, or undefined for a tag that carries no formatting (its text is kept). */
function opening(tag: string, attributes: Map<string, string>): OpenEntity["make"] | undefined {
  const style = STYLE_OF_TAG[tag];
  if (style !== undefined) return (offset, length) => ({ type: style, offset, length });
  switch (tag) {
    case "pre": {
      const language = attributes.get("language") || attributes.get("lang") || undefined;
      return (offset, length) => ({ type: "pre", offset, length, ...(language ? { language } : {}) });
    }
    case "a": {
      const url = attributes.get("href")?.trim() ?? "";
      return LINK_PATTERN.test(url) ? (offset, length) => ({ type: "text_link", offset, length, url }) : undefined;
    }
    case "blockquote": {
      const collapsed = attributes.has("expandable");
      return (offset, length) => ({ type: "blockquote", offset, length, ...(collapsed ? { collapsed } : {}) });
    }
    case "tg-emoji": {
      const documentId = attributes.get("emoji-id") ?? "";
      return /^\d+$/.test(documentId) ? (offset, length) => ({ type: "custom_emoji", offset, length, documentId }) : undefined;
    }
    default:
      return undefined;
  }
}

const TOKEN = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(\/?)>/g;

/**
 * Reads markup back into formatted text. Unknown tags are dropped (their text
 * kept), links other than http(s)/tg/mailto become plain text, mis-nested
 * tags are closed and reopened, unclosed ones end with the text.
 */
export function fromMarkup(markup: string): FormattedText {
  let text = "";
  const entities: Entity[] = [];
  const stack: OpenEntity[] = [];
  const emit = (open: OpenEntity) => {
    const length = text.length - open.start;
    if (length <= 0) return;
    const entity = open.make(open.start, length);
    if (entity !== undefined) entities.push(entity);
  };
  let last = 0;
  for (const match of markup.matchAll(TOKEN)) {
    text += decodeCharacters(markup.slice(last, match.index));
    last = match.index + match[0].length;
    const [, slash, rawTag, rawAttributes, selfClosing] = match;
    const tag = rawTag!.toLowerCase();
    if (tag === "br") {
      text += "\n";
      continue;
    }
    if (slash === "/") {
      const index = stack.findLastIndex((open) => open.tag === tag);
      if (index === -1) continue;
      const [closed, ...above] = stack.splice(index);
      for (const open of [...above].reverse()) emit(open);
      emit(closed!);
      // Tags left open inside the closed one carry on after it.
      for (const open of above) stack.push({ ...open, start: text.length });
      continue;
    }
    if (selfClosing === "/") continue;
    const make = opening(tag, parseAttributes(rawAttributes ?? ""));
    stack.push({ tag, make: make ?? (() => undefined), start: text.length });
  }
  text += decodeCharacters(markup.slice(last));
  for (const open of [...stack].reverse()) emit(open);
  return { text, entities: mergeTouching(entities) };
}

function sameKind(a: Entity, b: Entity): boolean {
  return JSON.stringify({ ...a, offset: 0, length: 0 }) === JSON.stringify({ ...b, offset: 0, length: 0 });
}

/** Entities of the same kind that overlap or touch become one (the splitting toMarkup does, undone). */
export function mergeTouching(entities: readonly Entity[]): Entity[] {
  const merged: Entity[] = [];
  for (const entity of sortEntities(entities)) {
    const previous = merged.findLast((candidate) => sameKind(candidate, entity) && end(candidate) >= entity.offset);
    if (previous !== undefined && entity.type !== "custom_emoji") {
      const index = merged.indexOf(previous);
      merged[index] = { ...previous, length: Math.max(end(previous), end(entity)) - previous.offset };
    } else {
      merged.push(entity);
    }
  }
  return sortEntities(merged);
}

/** Strips leading and trailing whitespace, moving and clipping entities with it. */
export function trimFormatted(formatted: FormattedText): FormattedText {
  const start = formatted.text.length - formatted.text.trimStart().length;
  const text = formatted.text.trim();
  const entities: Entity[] = [];
  for (const entity of formatted.entities) {
    const from = Math.max(entity.offset - start, 0);
    const to = Math.min(end(entity) - start, text.length);
    if (to > from) entities.push({ ...entity, offset: from, length: to - from });
  }
  return { text, entities };
}

/** The text without formatting, for embeddings and logs. */
export function plainText(markup: string): string {
  return fromMarkup(markup).text;
}
