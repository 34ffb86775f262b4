/**
 * An in-process channel service behind the same ChannelAdapter interface as
 * Telegram's. The `FakeChannels` state (source posts, destination messages)
 * outlives an adapter, as Telegram outlives a dyno, so a test can stop a bot
 * and start another on the same channels. Hooks make a send fail, or "crash"
 * the process just before or just after the message reached the destination.
 */
import type { ChannelAdapter, ChannelPost, ProbeResult, Publication } from "../../src/channel/adapter.js";
import { postLink } from "../../src/channel/links.js";
import type { Entity, FormattedText } from "../../src/formatting/entities.js";

export const SOURCE = { username: "zoomer_test_source", id: "-1001234567890" };

export interface DestinationMessage extends FormattedText {
  readonly messageId: number;
}

/** What a publish does this time. */
export type PublishHook = "send" | "fail" | "crash-before-send" | "crash-after-send";

export class ProcessCrash extends Error {
  override readonly name = "ProcessCrash";
}

export class FakeChannels {
  readonly source: ChannelPost[] = [];
  readonly destination: DestinationMessage[] = [];
  /** Hooks for the next publishes, in order; then "send". */
  readonly publishHooks: PublishHook[] = [];
  /** Called when a hook "crashes" the process (the test aborts its pipeline there). */
  onCrash: () => void = () => undefined;

  post(messageId: number, text: string, entities: Entity[] = []): ChannelPost {
    const post: ChannelPost = { channelId: SOURCE.id, messageId, text, entities, link: postLink(SOURCE, messageId), date: new Date() };
    this.source.push(post);
    return post;
  }

  /** Destination messages linking to a source post. */
  copiesOf(sourceLink: string): DestinationMessage[] {
    return this.destination.filter((message) => message.entities.some((entity) => entity.type === "text_link" && entity.url === sourceLink));
  }
}

export class FakeChannelAdapter implements ChannelAdapter {
  readonly kind = "fake";
  readonly sourceChannelId = SOURCE.id;
  readonly #channels: FakeChannels;
  #onPost: ((post: ChannelPost) => void) | undefined;
  started = false;
  stopped = false;

  constructor(channels: FakeChannels) {
    this.#channels = channels;
  }

  async start(onPost: (post: ChannelPost) => void): Promise<void> {
    this.#onPost = onPost;
    this.started = true;
  }

  /** Telegram pushing a new post (or the same one again). */
  deliver(post: ChannelPost): void {
    if (this.#onPost === undefined) throw new Error("adapter not started");
    this.#onPost(post);
  }

  async postsAfter(afterMessageId: number, limit: number): Promise<ChannelPost[]> {
    return this.#channels.source.filter((post) => post.messageId > afterMessageId).sort((a, b) => a.messageId - b.messageId).slice(0, limit);
  }

  async publish(message: FormattedText): Promise<Publication> {
    const hook = this.#channels.publishHooks.shift() ?? "send";
    if (hook === "fail") throw new Error("CHAT_WRITE_FORBIDDEN (fake)");
    if (hook === "crash-before-send") {
      this.#channels.onCrash();
      throw new ProcessCrash("process died before the message was sent");
    }
    const messageId = this.#channels.destination.length + 1;
    this.#channels.destination.push({ ...message, entities: [...message.entities], messageId });
    if (hook === "crash-after-send") {
      this.#channels.onCrash();
      throw new ProcessCrash("process died after the message was sent");
    }
    return { messageId };
  }

  async findPublished(sourceLink: string): Promise<Publication | undefined> {
    const copy = this.#channels.copiesOf(sourceLink).at(-1);
    return copy === undefined ? undefined : { messageId: copy.messageId };
  }

  async probe(): Promise<ProbeResult> {
    return { ok: true, detail: "fake channel" };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
