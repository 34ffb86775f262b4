/**
 * What the bot needs of a channel service, and nothing more: new posts of the
 * source channel, publishing into the destination, finding a copy it already
 * published, and telling when its session changes. Telegram (MTProto) and the
 * local folder implement it; tests use an in-process fake.
 */
import type { FormattedText } from "../formatting/entities.js";

/** One post of the source channel. */
export interface ChannelPost extends FormattedText {
  /** The source channel's stable id (`-100…` on Telegram), with `messageId` the post's identity. */
  readonly channelId: string;
  readonly messageId: number;
  /** Public link to the post, appended to its translation; also how a published copy is found again. */
  readonly link: string;
  readonly date: Date;
}

export interface Publication {
  /** The destination's message id. */
  readonly messageId: number;
}

export interface ProbeResult {
  readonly ok: boolean;
  /** What was checked and what answered, never a secret. */
  readonly detail: string;
}

export interface ChannelAdapter {
  /** `telegram`, `local`, … (logged). */
  readonly kind: string;
  /** The source channel's stable id, as posts carry it; known once started. */
  readonly sourceChannelId: string | undefined;
  /**
   * Connects and starts delivering new posts of the source channel to
   * `onPost`, in order. A post may be delivered again (reconnects, restarts):
   * the pipeline deduplicates.
   */
  start(onPost: (post: ChannelPost) => void): Promise<void>;
  /** Posts of the source channel newer than `afterMessageId`, oldest first, at most `limit` (catching up after downtime). */
  postsAfter(afterMessageId: number, limit: number): Promise<ChannelPost[]>;
  /** Posts `message` into the destination channel. */
  publish(message: FormattedText): Promise<Publication>;
  /** A message among the destination's recent ones that links to `sourceLink`, if one was published already. */
  findPublished(sourceLink: string): Promise<Publication | undefined>;
  /** Reachability, for the one-off check: no post is read or written. */
  probe(): Promise<ProbeResult>;
  /** Stops delivering and disconnects; the session is saved first if it changed. */
  stop(): Promise<void>;
}

/** Called with the new session string whenever the library's session changed (to be stored, never logged). */
export type SessionListener = (session: string) => Promise<void>;
