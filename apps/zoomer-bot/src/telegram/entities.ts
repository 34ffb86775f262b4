/**
 * Telegram's message entities (GramJS `Api.MessageEntity*`) ⇄ the bot's own.
 * Entities Telegram derives from the text itself (URLs, @mentions, hashtags,
 * e-mails, phone numbers, commands) are not carried: the text still holds
 * them and Telegram finds them again in the translation. A mention of a user
 * by id has no portable form and is dropped (its text stays).
 */
import bigInt from "big-integer";
import { Api } from "telegram";
import type { Entity } from "../formatting/entities.js";

export function fromTelegramEntities(entities: readonly Api.TypeMessageEntity[] | undefined): Entity[] {
  const mapped: Entity[] = [];
  for (const entity of entities ?? []) {
    const span = { offset: entity.offset, length: entity.length };
    if (span.length <= 0) continue;
    if (entity instanceof Api.MessageEntityBold) mapped.push({ type: "bold", ...span });
    else if (entity instanceof Api.MessageEntityItalic) mapped.push({ type: "italic", ...span });
    else if (entity instanceof Api.MessageEntityUnderline) mapped.push({ type: "underline", ...span });
    else if (entity instanceof Api.MessageEntityStrike) mapped.push({ type: "strikethrough", ...span });
    else if (entity instanceof Api.MessageEntitySpoiler) mapped.push({ type: "spoiler", ...span });
    else if (entity instanceof Api.MessageEntityCode) mapped.push({ type: "code", ...span });
    else if (entity instanceof Api.MessageEntityPre) mapped.push({ type: "pre", ...span, ...(entity.language ? { language: entity.language } : {}) });
    else if (entity instanceof Api.MessageEntityTextUrl) mapped.push({ type: "text_link", ...span, url: entity.url });
    else if (entity instanceof Api.MessageEntityBlockquote) mapped.push({ type: "blockquote", ...span, ...(entity.collapsed ? { collapsed: true } : {}) });
    else if (entity instanceof Api.MessageEntityCustomEmoji) mapped.push({ type: "custom_emoji", ...span, documentId: entity.documentId.toString() });
  }
  return mapped;
}

export function toTelegramEntities(entities: readonly Entity[]): Api.TypeMessageEntity[] {
  return entities.map((entity) => {
    const span = { offset: entity.offset, length: entity.length };
    switch (entity.type) {
      case "bold":
        return new Api.MessageEntityBold(span);
      case "italic":
        return new Api.MessageEntityItalic(span);
      case "underline":
        return new Api.MessageEntityUnderline(span);
      case "strikethrough":
        return new Api.MessageEntityStrike(span);
      case "spoiler":
        return new Api.MessageEntitySpoiler(span);
      case "code":
        return new Api.MessageEntityCode(span);
      case "pre":
        return new Api.MessageEntityPre({ ...span, language: entity.language ?? "" });
      case "text_link":
        return new Api.MessageEntityTextUrl({ ...span, url: entity.url });
      case "blockquote":
        return new Api.MessageEntityBlockquote({ ...span, ...(entity.collapsed ? { collapsed: true } : {}) });
      case "custom_emoji":
        return new Api.MessageEntityCustomEmoji({ ...span, documentId: bigInt(entity.documentId) });
    }
  });
}
