/** Telegram messages and channels (GramJS objects) in the bot's own terms. */
import { Api } from "telegram";
import type { ChannelPost } from "../channel/adapter.js";
import { postLink } from "../channel/links.js";
import { fromTelegramEntities } from "./entities.js";

/** A channel as the bot needs it: its stable id (`-100…`) and public username, if any. */
export interface ResolvedChannel {
  readonly id: string;
  /** The bare channel id, as in PeerChannel.channelId. */
  readonly channelId: string;
  readonly username: string | undefined;
  readonly title: string;
}

export function resolvedChannel(entity: unknown, configured: string): ResolvedChannel {
  if (!(entity instanceof Api.Channel)) throw new Error(`${configured} is not a channel (check SRC_CHANNEL / DST_CHANNEL)`);
  const channelId = entity.id.toString();
  return { id: `-100${channelId}`, channelId, username: entity.username ?? undefined, title: entity.title };
}

/**
 * A post of `channel`, or undefined for anything else: another chat, a service
 * message (pinned, title changed…). A media post without caption becomes a
 * post with empty text, which the pipeline records as skipped.
 */
export function postFromMessage(message: Api.TypeMessage, channel: ResolvedChannel): ChannelPost | undefined {
  if (!(message instanceof Api.Message)) return undefined;
  const peer = message.peerId;
  if (!(peer instanceof Api.PeerChannel) || peer.channelId.toString() !== channel.channelId) return undefined;
  return {
    channelId: channel.id,
    messageId: message.id,
    text: message.message ?? "",
    entities: fromTelegramEntities(message.entities),
    link: postLink(channel, message.id),
    date: new Date(message.date * 1000),
  };
}

/** Whether `message` links to `sourceLink` (the marker every translation carries). */
export function linksTo(message: Api.TypeMessage, sourceLink: string): boolean {
  if (!(message instanceof Api.Message)) return false;
  return (message.entities ?? []).some((entity) => entity instanceof Api.MessageEntityTextUrl && entity.url === sourceLink) || (message.message ?? "").includes(sourceLink);
}
