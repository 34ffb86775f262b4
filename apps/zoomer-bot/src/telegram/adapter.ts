/**
 * The channel adapter over Telegram's MTProto, as a user account (GramJS):
 * new posts of SRC_CHANNEL arrive as update events, translations are sent to
 * DST_CHANNEL with their formatting entities. The session string is checked
 * for changes after connecting, periodically and at stop, and handed to
 * `onSessionChanged` to be stored; the library never writes to disk here.
 *
 * Not exercised against Telegram in tests (no network): the pieces it is made
 * of (entities, messages, session codec) are tested on their own, and the
 * session hand-over with a stand-in client (`newClient`).
 */
import bigInt from "big-integer";
import { Api, TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { StringSession } from "telegram/sessions/index.js";
import type { Logger } from "pino";
import type { ChannelAdapter, ChannelPost, ProbeResult, Publication, SessionListener } from "../channel/adapter.js";
import type { FormattedText } from "../formatting/entities.js";
import { toTelegramEntities } from "./entities.js";
import { libraryLogger } from "./library-logger.js";
import { linksTo, postFromMessage, resolvedChannel, type ResolvedChannel } from "./messages.js";

/** A Telegram session that is not (or no longer) signed in. */
export class TelegramAuthenticationError extends Error {
  override readonly name = "TelegramAuthenticationError";
}

export interface TelegramAdapterOptions {
  readonly apiId: number;
  readonly apiHash: string;
  /** The session string (already decompressed). */
  readonly session: string;
  readonly sourceChannel: string;
  readonly destinationChannel: string;
  readonly logger: Logger;
  readonly onSessionChanged: SessionListener;
  /** How often the session is compared with the stored one. @default 60 s */
  readonly sessionCheckMs?: number;
  /** probe(): also sign in with the session (only while the worker is stopped: two connections of one session from two dynos can get it revoked). @default false */
  readonly probeWithSession?: boolean;
  /** Makes the MTProto client for a session string (tests: a stand-in without network). @default GramJS's TelegramClient */
  readonly newClient?: (session: string) => TelegramClient;
}

/** How many of the destination's latest messages are searched for an earlier copy. */
const PUBLISHED_LOOKBACK = 100;

export class TelegramChannelAdapter implements ChannelAdapter {
  readonly kind = "telegram";
  readonly #options: TelegramAdapterOptions;
  #client: TelegramClient | undefined;
  #source: { channel: ResolvedChannel; entity: Api.Channel } | undefined;
  #destination: Api.Channel | undefined;
  #lastSession: string;
  #sessionTimer: NodeJS.Timeout | undefined;

  constructor(options: TelegramAdapterOptions) {
    this.#options = options;
    this.#lastSession = options.session;
  }

  #newClient(session: string): TelegramClient {
    if (this.#options.newClient !== undefined) return this.#options.newClient(session);
    return new TelegramClient(new StringSession(session), this.#options.apiId, this.#options.apiHash, {
      connectionRetries: 10,
      autoReconnect: true,
      baseLogger: libraryLogger(this.#options.logger),
    });
  }

  async start(onPost: (post: ChannelPost) => void): Promise<void> {
    const client = this.#newClient(this.#options.session);
    this.#client = client;
    await client.connect();
    if (!(await client.checkAuthorization())) {
      throw new TelegramAuthenticationError("Telegram refused the session (logged out or revoked): log in again with `npm run login` and set TG_COMPRESSED_SESSION_STRING");
    }
    await this.#checkSession();
    const source = await this.#resolve(client, this.#options.sourceChannel);
    this.#source = { channel: resolvedChannel(source, this.#options.sourceChannel), entity: source };
    this.#destination = await this.#resolve(client, this.#options.destinationChannel);
    const channel = this.#source.channel;
    client.addEventHandler((event: NewMessageEvent) => {
      const post = postFromMessage(event.message, channel);
      if (post !== undefined) onPost(post);
    }, new NewMessage({}));
    this.#sessionTimer = setInterval(() => void this.#checkSession(), this.#options.sessionCheckMs ?? 60_000);
    this.#options.logger.info({ source: channel.id, sourceTitle: channel.title }, "telegram: listening to the source channel");
  }

  /** @username resolves directly; a -100… id (a marked peer id) only once the account's dialogs are cached. */
  async #resolve(client: TelegramClient, configured: string): Promise<Api.Channel> {
    const lookup = configured.startsWith("@") ? configured.slice(1) : bigInt(configured);
    let entity: unknown;
    try {
      entity = await client.getEntity(lookup);
    } catch {
      await client.getDialogs({ limit: 500 });
      entity = await client.getEntity(lookup);
    }
    resolvedChannel(entity, configured);
    return entity as Api.Channel;
  }

  async #checkSession(): Promise<void> {
    const session = this.#client?.session;
    if (!(session instanceof StringSession)) return;
    const current = session.save();
    if (current === "" || current === this.#lastSession) return;
    try {
      await this.#options.onSessionChanged(current);
      this.#lastSession = current;
    } catch (error) {
      this.#options.logger.error({ err: error }, "telegram session changed but could not be stored; will try again");
    }
  }

  get sourceChannelId(): string | undefined {
    return this.#source?.channel.id;
  }

  #connected(): { client: TelegramClient; source: { channel: ResolvedChannel; entity: Api.Channel }; destination: Api.Channel } {
    if (this.#client === undefined || this.#source === undefined || this.#destination === undefined) throw new Error("telegram adapter used before start()");
    return { client: this.#client, source: this.#source, destination: this.#destination };
  }

  async postsAfter(afterMessageId: number, limit: number): Promise<ChannelPost[]> {
    const { client, source } = this.#connected();
    const messages = await client.getMessages(source.entity, { minId: afterMessageId, limit, reverse: true });
    return messages.flatMap((message) => postFromMessage(message, source.channel) ?? []).sort((a, b) => a.messageId - b.messageId);
  }

  async publish(message: FormattedText): Promise<Publication> {
    const { client, destination } = this.#connected();
    const sent = await client.sendMessage(destination, { message: message.text, formattingEntities: toTelegramEntities(message.entities), linkPreview: true });
    return { messageId: sent.id };
  }

  async findPublished(sourceLink: string): Promise<Publication | undefined> {
    const { client, destination } = this.#connected();
    const recent = await client.getMessages(destination, { limit: PUBLISHED_LOOKBACK });
    const copy = recent.find((message) => linksTo(message, sourceLink));
    return copy === undefined ? undefined : { messageId: copy.id };
  }

  async probe(): Promise<ProbeResult> {
    const withSession = this.#options.probeWithSession === true;
    // Without the bot's session by default: a second connection of the live session from another dyno risks its revocation.
    const client = this.#newClient(withSession ? this.#options.session : "");
    try {
      await client.connect();
      if (!withSession) {
        const nearest = await client.invoke(new Api.help.GetNearestDc());
        return { ok: true, detail: `Telegram answered (data centre ${nearest.thisDc}); session not used (--with-session signs in with it)` };
      }
      if (!(await client.checkAuthorization())) return { ok: false, detail: "Telegram refused the session (authentication failed)" };
      const me = await client.getMe();
      const channels = await Promise.all([this.#options.sourceChannel, this.#options.destinationChannel].map((name) => this.#resolve(client, name)));
      return { ok: true, detail: `signed in as user ${me.id.toString()}; channels ${channels.map((channel) => channel.title).join(" → ")}` };
    } catch (error) {
      return { ok: false, detail: `Telegram: ${(error as Error).message}` };
    } finally {
      await client.destroy().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#sessionTimer);
    if (this.#client === undefined) return;
    await this.#checkSession();
    await this.#client.destroy();
  }
}
