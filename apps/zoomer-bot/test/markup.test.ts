/** Formatted text ⇄ the markup the model translates: what goes out, and what a model's answer reads back as. */
import { describe, expect, it } from "vitest";
import type { Entity, FormattedText } from "../src/formatting/entities.js";
import { fromMarkup, mergeTouching, toMarkup, trimFormatted } from "../src/formatting/markup.js";

const roundTrip = (formatted: FormattedText) => fromMarkup(toMarkup(formatted));

describe("toMarkup", () => {
  it("writes every entity kind as Telegram's HTML, escaping text and attributes", () => {
    const text = "bold ital under strike spoil code pre link quote 😀 a<b & c";
    const at = (word: string) => text.indexOf(word);
    const entities: Entity[] = [
      { type: "bold", offset: at("bold"), length: 4 },
      { type: "italic", offset: at("ital"), length: 4 },
      { type: "underline", offset: at("under"), length: 5 },
      { type: "strikethrough", offset: at("strike"), length: 6 },
      { type: "spoiler", offset: at("spoil"), length: 5 },
      { type: "code", offset: at("code"), length: 4 },
      { type: "pre", offset: at("pre"), length: 3, language: "ts" },
      { type: "text_link", offset: at("link"), length: 4, url: 'https://x.test/?a=1&b="2"' },
      { type: "blockquote", offset: at("quote"), length: 5, collapsed: true },
      { type: "custom_emoji", offset: at("😀"), length: 2, documentId: "5368324170671202286" },
    ];
    expect(toMarkup({ text, entities })).toBe(
      '<b>bold</b> <i>ital</i> <u>under</u> <s>strike</s> <tg-spoiler>spoil</tg-spoiler> <code>code</code> <pre language="ts">pre</pre> ' +
        '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">link</a> <blockquote expandable>quote</blockquote> <tg-emoji emoji-id="5368324170671202286">😀</tg-emoji> a&lt;b &amp; c',
    );
    expect(roundTrip({ text, entities })).toEqual({ text, entities });
  });

  it("nests overlapping entities properly by splitting them, and reads them back whole", () => {
    const formatted: FormattedText = {
      text: "one two three",
      entities: [
        { type: "bold", offset: 0, length: 7 },
        { type: "italic", offset: 4, length: 9 },
      ],
    };
    expect(toMarkup(formatted)).toBe("<b>one <i>two</i></b><i> three</i>");
    expect(roundTrip(formatted)).toEqual(formatted);
  });

  it("keeps offsets in UTF-16 units across emoji and other astral characters", () => {
    const formatted: FormattedText = { text: "🔥 hot 🧊 cold", entities: [{ type: "bold", offset: 3, length: 3 }, { type: "italic", offset: 10, length: 4 }] };
    expect(toMarkup(formatted)).toBe("🔥 <b>hot</b> 🧊 <i>cold</i>");
    expect(roundTrip(formatted)).toEqual(formatted);
  });

  it("drops entities outside the text and empty ones", () => {
    expect(toMarkup({ text: "abc", entities: [{ type: "bold", offset: 2, length: 5 }] })).toBe("abc");
  });
});

describe("fromMarkup reads a model's answer leniently", () => {
  it("decodes character references and <br>", () => {
    expect(fromMarkup("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#x27; &nbsp;<br>e<br/>f")).toEqual({ text: "a <b> & \"c\" 'd' \u00a0\ne\nf", entities: [] });
  });

  it("keeps the text of unknown tags and of links it would not post", () => {
    expect(fromMarkup('<span class="x">hi</span> <a href="javascript:alert(1)">bad</a> <a href="tg://resolve?domain=x">ok</a>')).toEqual({
      text: "hi bad ok",
      entities: [{ type: "text_link", offset: 7, length: 2, url: "tg://resolve?domain=x" }],
    });
  });

  it("closes mis-nested tags and carries the inner one on", () => {
    expect(fromMarkup("<b>one <i>two</b> three</i>")).toEqual({
      text: "one two three",
      entities: [
        { type: "bold", offset: 0, length: 7 },
        { type: "italic", offset: 4, length: 9 },
      ],
    });
  });

  it("ends unclosed tags with the text and ignores stray closing tags", () => {
    expect(fromMarkup("</i>plain <b>bold to the end")).toEqual({ text: "plain bold to the end", entities: [{ type: "bold", offset: 6, length: 15 }] });
  });

  it("accepts HTML's aliases (strong, em, del) and a <pre> language given as lang", () => {
    expect(fromMarkup('<strong>a</strong><em>b</em><del>c</del><pre lang="py">d</pre>').entities).toEqual([
      { type: "bold", offset: 0, length: 1 },
      { type: "italic", offset: 1, length: 1 },
      { type: "strikethrough", offset: 2, length: 1 },
      { type: "pre", offset: 3, length: 1, language: "py" },
    ]);
  });

  it("treats a lone < that opens no tag as text", () => {
    expect(fromMarkup("I <3 it, 2 < 3")).toEqual({ text: "I <3 it, 2 < 3", entities: [] });
  });
});

describe("helpers", () => {
  it("mergeTouching joins same-kind entities that touch or overlap, never different links", () => {
    expect(
      mergeTouching([
        { type: "bold", offset: 0, length: 2 },
        { type: "bold", offset: 2, length: 2 },
        { type: "text_link", offset: 0, length: 2, url: "https://a.test" },
        { type: "text_link", offset: 2, length: 2, url: "https://b.test" },
      ]),
    ).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "text_link", offset: 0, length: 2, url: "https://a.test" },
      { type: "text_link", offset: 2, length: 2, url: "https://b.test" },
    ]);
  });

  it("trimFormatted moves entities with the text and clips them at its ends", () => {
    expect(trimFormatted({ text: "\n  hello world  \n", entities: [{ type: "bold", offset: 1, length: 7 }, { type: "italic", offset: 9, length: 8 }] })).toEqual({
      text: "hello world",
      entities: [
        { type: "bold", offset: 0, length: 5 },
        { type: "italic", offset: 6, length: 5 },
      ],
    });
  });
});
