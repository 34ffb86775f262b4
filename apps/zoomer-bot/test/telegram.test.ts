/**
 * What of the Telegram side runs without Telegram: GramJS entities and
 * messages in the bot's terms, post links, the session codec (gzip + base64,
 * Telethon's and GramJS's layouts, loaded by GramJS itself) and the session
 * store in Postgres. The MTProto connection itself is not exercised here.
 */
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postLink } from "../src/channel/links.js";
import type { Entity } from "../src/formatting/entities.js";
import { fromTelegramEntities, toTelegramEntities } from "../src/telegram/entities.js";
import { linksTo, postFromMessage, resolvedChannel } from "../src/telegram/messages.js";
import { compressSession, decompressSession, describeSession, InvalidSessionError } from "../src/telegram/session-codec.js";
import { MissingSessionError, SessionStore } from "../src/telegram/session-store.js";
import { TelegramChannelAdapter } from "../src/telegram/adapter.js";
import { createPool } from "../src/db.js";
import { runMigrations } from "../src/migrator.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { capturingLogger, silentLogger } from "./support/harness.js";

/** A session string as Telethon (the original Python bot) writes it: '1' + urlsafe base64 of >B4sH256s. */
function telethonSession(dcId: number, ip: [number, number, number, number], port: number, key: Buffer): string {
  const data = Buffer.alloc(1 + 4 + 2 + 256);
  data.writeUInt8(dcId, 0);
  Buffer.from(ip).copy(data, 1);
  data.writeUInt16BE(port, 5);
  key.copy(data, 7);
  return `1${data.toString("base64url")}=`;
}

/** A session string as GramJS saves it. */
async function gramjsSession(dcId: number, address: string, port: number, key: Buffer): Promise<string> {
  const session = new StringSession(telethonSession(dcId, [1, 2, 3, 4], port, key));
  await session.load();
  session.setDC(dcId, address, port);
  return session.save();
}

describe("entities", () => {
  const telegram = [
    new Api.MessageEntityBold({ offset: 0, length: 4 }),
    new Api.MessageEntityItalic({ offset: 5, length: 3 }),
    new Api.MessageEntityUnderline({ offset: 9, length: 2 }),
    new Api.MessageEntityStrike({ offset: 12, length: 2 }),
    new Api.MessageEntitySpoiler({ offset: 15, length: 2 }),
    new Api.MessageEntityCode({ offset: 18, length: 2 }),
    new Api.MessageEntityPre({ offset: 21, length: 5, language: "python" }),
    new Api.MessageEntityTextUrl({ offset: 27, length: 4, url: "https://example.org/a" }),
    new Api.MessageEntityBlockquote({ offset: 32, length: 6, collapsed: true }),
    new Api.MessageEntityCustomEmoji({ offset: 39, length: 2, documentId: bigInt("5368324170671202286") }),
  ];
  const ours: Entity[] = [
    { type: "bold", offset: 0, length: 4 },
    { type: "italic", offset: 5, length: 3 },
    { type: "underline", offset: 9, length: 2 },
    { type: "strikethrough", offset: 12, length: 2 },
    { type: "spoiler", offset: 15, length: 2 },
    { type: "code", offset: 18, length: 2 },
    { type: "pre", offset: 21, length: 5, language: "python" },
    { type: "text_link", offset: 27, length: 4, url: "https://example.org/a" },
    { type: "blockquote", offset: 32, length: 6, collapsed: true },
    { type: "custom_emoji", offset: 39, length: 2, documentId: "5368324170671202286" },
  ];

  it("maps every formatting entity of Telegram to ours and back to the same Telegram classes and fields", () => {
    expect(fromTelegramEntities(telegram)).toEqual(ours);
    const back = toTelegramEntities(ours);
    expect(back.map((entity) => entity.className)).toEqual(telegram.map((entity) => entity.className));
    expect(back.map((entity) => [entity.offset, entity.length])).toEqual(telegram.map((entity) => [entity.offset, entity.length]));
    expect((back[6] as Api.MessageEntityPre).language).toBe("python");
    expect((back[7] as Api.MessageEntityTextUrl).url).toBe("https://example.org/a");
    expect((back[8] as Api.MessageEntityBlockquote).collapsed).toBe(true);
    expect((back[9] as Api.MessageEntityCustomEmoji).documentId.toString()).toBe("5368324170671202286");
    // They serialize as MTProto would send them.
    for (const entity of back) expect(entity.getBytes().length).toBeGreaterThan(8);
  });

  it("leaves out entities Telegram derives from the text, and user mentions by id", () => {
    expect(
      fromTelegramEntities([
        new Api.MessageEntityUrl({ offset: 0, length: 10 }),
        new Api.MessageEntityMention({ offset: 11, length: 5 }),
        new Api.MessageEntityHashtag({ offset: 17, length: 4 }),
        new Api.MessageEntityMentionName({ offset: 22, length: 3, userId: bigInt(42) }),
        new Api.MessageEntityBold({ offset: 26, length: 0 }),
      ]),
    ).toEqual([]);
  });
});

describe("messages and links", () => {
  const channel = resolvedChannel(
    new Api.Channel({ id: bigInt("1234567890"), title: "Source", username: "zoomer_src", photo: new Api.ChatPhotoEmpty(), date: 0, accessHash: bigInt(1) }),
    "@zoomer_src",
  );

  it("builds public and private post links as Telegram's clients do", () => {
    expect(channel).toMatchObject({ id: "-1001234567890", channelId: "1234567890", username: "zoomer_src" });
    expect(postLink(channel, 77)).toBe("https://t.me/zoomer_src/77");
    expect(postLink({ id: "-1001234567890" }, 77)).toBe("https://t.me/c/1234567890/77");
  });

  it("turns a channel message into a post, and ignores other chats and service messages", () => {
    const message = new Api.Message({
      id: 77,
      peerId: new Api.PeerChannel({ channelId: bigInt("1234567890") }),
      date: 1_767_225_600,
      message: "Hello world",
      entities: [new Api.MessageEntityBold({ offset: 0, length: 5 })],
    });
    expect(postFromMessage(message, channel)).toEqual({
      channelId: "-1001234567890",
      messageId: 77,
      text: "Hello world",
      entities: [{ type: "bold", offset: 0, length: 5 }],
      link: "https://t.me/zoomer_src/77",
      date: new Date(1_767_225_600_000),
    });
    const elsewhere = new Api.Message({ id: 78, peerId: new Api.PeerChannel({ channelId: bigInt(99) }), date: 0, message: "x" });
    expect(postFromMessage(elsewhere, channel)).toBeUndefined();
    const service = new Api.MessageService({ id: 79, peerId: new Api.PeerChannel({ channelId: bigInt("1234567890") }), date: 0, action: new Api.MessageActionPinMessage() });
    expect(postFromMessage(service, channel)).toBeUndefined();
  });

  it("recognises a published translation by the link to its source post", () => {
    const copy = new Api.Message({
      id: 5,
      peerId: new Api.PeerChannel({ channelId: bigInt(2) }),
      date: 0,
      message: "EN: hi\n\nSource",
      entities: [new Api.MessageEntityTextUrl({ offset: 8, length: 6, url: "https://t.me/zoomer_src/77" })],
    });
    expect(linksTo(copy, "https://t.me/zoomer_src/77")).toBe(true);
    expect(linksTo(copy, "https://t.me/zoomer_src/7")).toBe(false);
  });

  it("refuses a configured peer that is not a channel", () => {
    expect(() => resolvedChannel(new Api.User({ id: bigInt(1) }), "@someone")).toThrow(/@someone is not a channel/);
  });
});

describe("session codec", () => {
  const key = randomBytes(256);

  it("round-trips a session through gzip + base64", async () => {
    const session = await gramjsSession(2, "149.154.167.50", 443, key);
    const compressed = compressSession(session);
    expect(compressed).toMatch(/^H4sI[A-Za-z0-9+/]+=*$/);
    expect(decompressSession(compressed, "TG_COMPRESSED_SESSION_STRING")).toBe(session);
    expect(describeSession(session, "x")).toEqual({ dcId: 2, serverAddress: "149.154.167.50", port: 443 });
  });

  it("reads the original bot's Telethon sessions, and GramJS loads them with the same data centre and key", async () => {
    const telethon = telethonSession(4, [149, 154, 167, 91], 443, key);
    const compressed = gzipSync(Buffer.from(telethon)).toString("base64");
    const session = decompressSession(compressed, "TG_COMPRESSED_SESSION_STRING");
    expect(describeSession(session, "x")).toEqual({ dcId: 4, serverAddress: "149.154.167.91", port: 443 });
    const loaded = new StringSession(session);
    await loaded.load();
    expect([loaded.dcId, loaded.serverAddress, loaded.port]).toEqual([4, "149.154.167.91", 443]);
    expect(Buffer.from(loaded.getAuthKey(4)!.getKey()!)).toEqual(key);
  });

  it.each([
    ["not base64", "not base64 at all!", /is not base64 text/],
    ["base64 but not gzip", Buffer.from("1AQID").toString("base64"), /does not hold gzip data/],
    ["damaged gzip", gzipSync(Buffer.from("1abc")).subarray(0, 12).toString("base64"), /gzip data is damaged/],
    ["gzip of something else", gzipSync(Buffer.from("hello")).toString("base64"), /does not start with session format version 1/],
    ["a session of the wrong length", gzipSync(Buffer.from(`1${randomBytes(100).toString("base64")}`)).toString("base64"), /has 100 bytes, which no session layout has/],
  ])("fails on %s naming TG_COMPRESSED_SESSION_STRING and the fix, never echoing it", (_, value, problem) => {
    let error: unknown;
    try {
      decompressSession(value, "TG_COMPRESSED_SESSION_STRING");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSessionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^TG_COMPRESSED_SESSION_STRING is not a usable Telegram session: /);
    expect(message).toMatch(problem);
    expect(message).toContain("npm run login");
    expect(message).not.toContain(value);
  });
});

describe("session store (telegram_sessions)", () => {
  let db: TestDatabase;
  const key = randomBytes(256);

  beforeAll(async () => {
    db = await createTestDatabase("sessions");
    await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const pool = () => createPool({ DATABASE_URL: db.url, DATABASE_SCHEMA: "zoomer_bot", PG_POOL_MAX: 1 }, () => undefined);

  it("seeds the row from the variable, loads it back, saves the library's changes, keeps environments apart", async () => {
    const sessions = pool();
    try {
      const staging = new SessionStore(sessions, "staging");
      const production = new SessionStore(sessions, "production");
      const seed = await gramjsSession(2, "149.154.167.50", 443, key);
      const lines: Record<string, unknown>[] = [];
      expect(await staging.load(compressSession(seed), capturingLogger(lines))).toEqual({ session: seed, origin: "environment" });
      expect(await staging.load(undefined, silentLogger)).toEqual({ session: seed, origin: "database" });

      // The library moved to another data centre: the new session is saved and wins over the (same) seed.
      const moved = await gramjsSession(4, "149.154.167.91", 443, key);
      await staging.save(moved);
      expect(await staging.load(compressSession(seed), silentLogger)).toEqual({ session: moved, origin: "database" });
      const { rows } = await db.query("SELECT environment, session_data FROM zoomer_bot.telegram_sessions");
      expect(rows).toHaveLength(1);
      expect(rows[0]!.session_data).toBe(compressSession(moved));

      await expect(production.load(undefined, silentLogger)).rejects.toBeInstanceOf(MissingSessionError);
      await expect(production.load(undefined, silentLogger)).rejects.toThrow(/No Telegram session for APP_ENV=production.*TG_COMPRESSED_SESSION_STRING/);
      expect(JSON.stringify(lines)).not.toContain(compressSession(seed));
    } finally {
      await sessions.end();
    }
  });

  it("takes a new value of the variable (a fresh login) over the stored session", async () => {
    const sessions = pool();
    try {
      const store = new SessionStore(sessions, "relogin");
      const old = await gramjsSession(2, "149.154.167.50", 443, key);
      const fresh = await gramjsSession(2, "149.154.167.50", 443, randomBytes(256));
      await store.load(compressSession(old), silentLogger);
      expect(await store.load(compressSession(fresh), silentLogger)).toEqual({ session: fresh, origin: "environment" });
      expect(await store.load(compressSession(fresh), silentLogger)).toEqual({ session: fresh, origin: "database" });
    } finally {
      await sessions.end();
    }
  });

  it("a damaged stored row falls back to the variable; a wrong variable fails naming it and stores nothing", async () => {
    const sessions = pool();
    try {
      const store = new SessionStore(sessions, "damaged");
      const good = await gramjsSession(2, "149.154.167.50", 443, key);
      await db.query("INSERT INTO zoomer_bot.telegram_sessions (environment, session_data, seed_sha256) VALUES ('damaged', 'H4sIbroken', 'x')");
      expect(await store.load(compressSession(good), silentLogger)).toEqual({ session: good, origin: "environment" });

      const other = new SessionStore(sessions, "wrong-variable");
      await expect(other.load("bm90IGEgc2Vzc2lvbg==", silentLogger)).rejects.toThrow(/^TG_COMPRESSED_SESSION_STRING is not a usable Telegram session/);
      const { rows } = await db.query("SELECT 1 FROM zoomer_bot.telegram_sessions WHERE environment = 'wrong-variable'");
      expect(rows).toHaveLength(0);
      await db.query("UPDATE zoomer_bot.telegram_sessions SET session_data = 'H4sIbroken' WHERE environment = 'damaged'");
      await expect(store.load(undefined, silentLogger)).rejects.toThrow(/^telegram_sessions row "damaged" is not a usable Telegram session/);
    } finally {
      await sessions.end();
    }
  });
});

describe("the Telegram adapter's session", () => {
  const key = randomBytes(256);
  const source = new Api.Channel({ id: bigInt("1234567890"), title: "Source", username: "zoomer_src", photo: new Api.ChatPhotoEmpty(), date: 0, accessHash: bigInt(1) });
  const destination = new Api.Channel({ id: bigInt("987654321"), title: "Destination", username: "zoomer_dst", photo: new Api.ChatPhotoEmpty(), date: 0, accessHash: bigInt(2) });

  /** A stand-in for GramJS's client: a real StringSession, no network. */
  function standIn(session: StringSession): TelegramClient {
    const client = {
      session,
      connect: async () => undefined,
      checkAuthorization: async () => true,
      getEntity: async (lookup: unknown) => (lookup === "zoomer_src" ? source : destination),
      addEventHandler: () => undefined,
      destroy: async () => undefined,
    };
    return client as unknown as TelegramClient;
  }

  it("hands a session the library changed to be stored, once per change and again at stop; an unchanged one never", async () => {
    const seed = await gramjsSession(2, "149.154.167.50", 443, key);
    const session = new StringSession(seed);
    await session.load();
    const saved: string[] = [];
    const adapter = new TelegramChannelAdapter({
      apiId: 1,
      apiHash: "0123456789abcdef0123456789abcdef",
      session: seed,
      sourceChannel: "@zoomer_src",
      destinationChannel: "@zoomer_dst",
      logger: silentLogger,
      sessionCheckMs: 10,
      onSessionChanged: async (changed) => void saved.push(changed),
      newClient: () => standIn(session),
    });
    await adapter.start(() => undefined);
    expect(adapter.sourceChannelId).toBe("-1001234567890");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(saved).toEqual([]);

    // The library moves to another data centre (a migration Telegram asked for): the new session is handed over once.
    session.setDC(4, "149.154.167.91", 443);
    const moved = session.save();
    expect(moved).not.toBe(seed);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(saved).toEqual([moved]);

    session.setDC(5, "91.108.56.130", 443);
    await adapter.stop();
    expect(saved).toEqual([moved, session.save()]);
    expect(decompressSession(compressSession(saved[1]!), "stored")).toBe(session.save());
  });
});
