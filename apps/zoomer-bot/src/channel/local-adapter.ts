/**
 * A channel in a folder, for running the bot without Telegram (`heroku local`,
 * trying a style): each file `inbox/<id>.txt` (plain text) or
 * `inbox/<id>.json` (`{"text", "entities"}`) is a post of the source channel
 * with message id `<id>`; each translation is written to
 * `outbox/<n>.json` and logged. Nothing here talks to the network.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { formattedTextSchema, type FormattedText } from "../formatting/entities.js";
import type { ChannelAdapter, ChannelPost, ProbeResult, Publication } from "./adapter.js";
import { configuredChannel, postLink } from "./links.js";

const POST_FILE = /^(\d{1,15})\.(txt|json)$/;
const OUTBOX_FILE = /^(\d{1,15})\.json$/;

export interface LocalAdapterOptions {
  /** The folder holding `inbox/` and `outbox/`; created when missing. */
  readonly dir: string;
  /** SRC_CHANNEL as configured: names the posts' channel and their links. */
  readonly sourceChannel: string;
  readonly logger: Logger;
  /** How often the inbox is read. @default 500 */
  readonly pollMs?: number;
}

export class LocalChannelAdapter implements ChannelAdapter {
  readonly kind = "local";
  readonly sourceChannelId: string;
  readonly #options: LocalAdapterOptions;
  readonly #inbox: string;
  readonly #outbox: string;
  readonly #delivered = new Set<number>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();

  constructor(options: LocalAdapterOptions) {
    this.#options = options;
    this.sourceChannelId = configuredChannel(options.sourceChannel).id;
    this.#inbox = path.resolve(options.dir, "inbox");
    this.#outbox = path.resolve(options.dir, "outbox");
  }

  async start(onPost: (post: ChannelPost) => void): Promise<void> {
    await fs.mkdir(this.#inbox, { recursive: true });
    await fs.mkdir(this.#outbox, { recursive: true });
    const poll = async () => {
      for (const post of await this.postsAfter(0, Number.MAX_SAFE_INTEGER)) {
        if (this.#delivered.has(post.messageId)) continue;
        this.#delivered.add(post.messageId);
        onPost(post);
      }
    };
    await poll();
    this.#timer = setInterval(() => {
      this.#polling = this.#polling.then(poll).catch((error: unknown) => this.#options.logger.error({ err: error }, "local inbox unreadable"));
    }, this.#options.pollMs ?? 500);
    this.#options.logger.info({ inbox: this.#inbox, outbox: this.#outbox }, "local channel: drop posts into the inbox folder");
  }

  async postsAfter(afterMessageId: number, limit: number): Promise<ChannelPost[]> {
    const names = await fs.readdir(this.#inbox).catch(() => [] as string[]);
    const ids = names
      .map((name) => POST_FILE.exec(name))
      .filter((match): match is RegExpExecArray => match !== null && Number(match[1]) > afterMessageId)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .slice(0, limit);
    const posts: ChannelPost[] = [];
    for (const match of ids) {
      const file = path.join(this.#inbox, match[0]);
      const raw = await fs.readFile(file, "utf8");
      const content = match[2] === "json" ? this.#parseJson(file, raw) : { text: raw.trim(), entities: [] };
      if (content === undefined) continue;
      const messageId = Number(match[1]);
      const channel = configuredChannel(this.#options.sourceChannel);
      posts.push({ ...content, channelId: channel.id, messageId, link: postLink(channel, messageId), date: new Date() });
    }
    return posts;
  }

  #parseJson(file: string, raw: string): FormattedText | undefined {
    try {
      return formattedTextSchema.parse(JSON.parse(raw));
    } catch (error) {
      this.#options.logger.warn({ file, err: error }, 'local post skipped: a .json post is {"text": "...", "entities": [...]}');
      return undefined;
    }
  }

  async publish(message: FormattedText): Promise<Publication> {
    const messageId = (await this.#outboxIds()).reduce((max, id) => Math.max(max, id), 0) + 1;
    await fs.writeFile(path.join(this.#outbox, `${messageId}.json`), `${JSON.stringify(message, null, 2)}\n`);
    this.#options.logger.info({ destinationMessageId: messageId, translation: message.text }, "local channel: translation written to the outbox");
    return { messageId };
  }

  async findPublished(sourceLink: string): Promise<Publication | undefined> {
    for (const messageId of (await this.#outboxIds()).reverse()) {
      const raw = await fs.readFile(path.join(this.#outbox, `${messageId}.json`), "utf8");
      const parsed = formattedTextSchema.safeParse(JSON.parse(raw));
      if (parsed.success && parsed.data.entities.some((entity) => entity.type === "text_link" && entity.url === sourceLink)) return { messageId };
    }
    return undefined;
  }

  async #outboxIds(): Promise<number[]> {
    const names = await fs.readdir(this.#outbox).catch(() => [] as string[]);
    return names.flatMap((name) => {
      const match = OUTBOX_FILE.exec(name);
      return match ? [Number(match[1])] : [];
    }).sort((a, b) => a - b);
  }

  async probe(): Promise<ProbeResult> {
    try {
      await fs.mkdir(this.#inbox, { recursive: true });
      await fs.access(this.#inbox, fs.constants.R_OK);
      await fs.mkdir(this.#outbox, { recursive: true });
      await fs.access(this.#outbox, fs.constants.W_OK);
      return { ok: true, detail: `local channel folder ${path.resolve(this.#options.dir)} is readable and writable (CHANNEL_ADAPTER=local: Telegram not checked)` };
    } catch (error) {
      return { ok: false, detail: `local channel folder ${path.resolve(this.#options.dir)}: ${(error as Error).message}` };
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#polling;
  }
}
