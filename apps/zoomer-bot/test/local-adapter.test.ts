/** The local channel (CHANNEL_ADAPTER=local): posts from files, translations into files, found again by their source link. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelPost } from "../src/channel/adapter.js";
import { LocalChannelAdapter } from "../src/channel/local-adapter.js";
import { capturingLogger } from "./support/harness.js";

let dir: string;
let lines: Record<string, unknown>[];
let adapter: LocalChannelAdapter;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "zoomer-local-"));
  lines = [];
  adapter = new LocalChannelAdapter({ dir, sourceChannel: "@local_src", logger: capturingLogger(lines), pollMs: 20 });
});
afterEach(async () => {
  await adapter.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("LocalChannelAdapter", () => {
  it("delivers inbox files as posts in id order, once each, and later files as they appear", async () => {
    mkdirSync(path.join(dir, "inbox"), { recursive: true });
    writeFileSync(path.join(dir, "inbox", "10.txt"), "  plain post \n");
    writeFileSync(path.join(dir, "inbox", "2.json"), JSON.stringify({ text: "bold", entities: [{ type: "bold", offset: 0, length: 4 }] }));
    writeFileSync(path.join(dir, "inbox", "3.json"), "{ not json");
    writeFileSync(path.join(dir, "inbox", "notes.md"), "ignored");
    const received: ChannelPost[] = [];
    await adapter.start((post) => received.push(post));
    expect(received.map((post) => [post.messageId, post.text, post.entities, post.link, post.channelId])).toEqual([
      [2, "bold", [{ type: "bold", offset: 0, length: 4 }], "https://t.me/local_src/2", "@local_src"],
      [10, "plain post", [], "https://t.me/local_src/10", "@local_src"],
    ]);
    expect(lines.some((line) => line.level === "warn" && String(line.msg).includes("local post skipped"))).toBe(true);

    writeFileSync(path.join(dir, "inbox", "11.txt"), "later");
    await expect.poll(() => received.map((post) => post.messageId)).toEqual([2, 10, 11]);
    expect((await adapter.postsAfter(2, 10)).map((post) => post.messageId)).toEqual([10, 11]);
  });

  it("writes translations to the outbox, numbered, and finds one again by the link to its source", async () => {
    await adapter.start(() => undefined);
    const link = "https://t.me/local_src/7";
    expect(await adapter.findPublished(link)).toBeUndefined();
    const first = await adapter.publish({ text: "one\n\nSource", entities: [{ type: "text_link", offset: 5, length: 6, url: "https://t.me/local_src/6" }] });
    const second = await adapter.publish({ text: "two\n\nSource", entities: [{ type: "text_link", offset: 5, length: 6, url: link }] });
    expect([first, second]).toEqual([{ messageId: 1 }, { messageId: 2 }]);
    expect(await adapter.findPublished(link)).toEqual({ messageId: 2 });
    expect(JSON.parse(readFileSync(path.join(dir, "outbox", "2.json"), "utf8"))).toMatchObject({ text: "two\n\nSource" });
    expect(await adapter.probe()).toMatchObject({ ok: true });
  });
});
