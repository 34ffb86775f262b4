/** The frame of every page: readable on a phone, no script, styles inline (the CSP allows inline styles only). */
import { html, raw, toHtmlString, type SafeHtml } from "../shared/web/html.js";

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f6f8;color:#1b2631;line-height:1.45}
header{background:#1b2838;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700;font-size:1.1rem}
header nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}header nav a{color:#c7d5e0}header nav a.current{color:#66c0f4;font-weight:600}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border-radius:8px;padding:1rem;margin:.75rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08);overflow-wrap:break-word}
.muted{color:#5d6d7e;font-size:.9rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem}
.stat{background:#fff;border-radius:8px;padding:.75rem 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.stat .value{font-size:1.6rem;font-weight:700}.stat .label{color:#5d6d7e;font-size:.85rem}
.games{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.75rem;padding:0;list-style:none}
.games a{color:inherit;text-decoration:none}.games .card{margin:0;height:100%}
.up{color:#2e7d32}.down{color:#c62828}
.badge{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.8rem;background:#e8eef3}
.badge.positive{background:#dff3e3}.badge.negative{background:#fbe3e3}.badge.mixed{background:#fff2d6}
.review p{margin:.4rem 0;white-space:pre-wrap}.review .translation{border-left:3px solid #66c0f4;padding-left:.6rem}
.themes{display:flex;flex-wrap:wrap;gap:.35rem;padding:0;list-style:none}
svg.chart{width:100%;height:auto;display:block}
.tracked-apps{list-style:none;padding:0}.tracked-apps p{margin:.4rem 0}
.row{display:flex;justify-content:space-between;align-items:flex-start;gap:.75rem}
form.inline{display:inline}
input[type=text]{font-size:1rem;padding:.45rem .6rem;border:1px solid #aab7c4;border-radius:6px;width:12rem;max-width:100%}
button{font-size:.95rem;padding:.45rem .9rem;border-radius:6px;border:1px solid #1b2838;background:#1b2838;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1b2838}
.notice{background:#e7f4ea;border-left:4px solid #2e7d32;padding:.6rem .8rem;border-radius:4px}
code{background:#eef2f5;padding:.1rem .3rem;border-radius:4px;font-size:.85rem;overflow-wrap:anywhere}
`;

export interface NavLink {
  readonly href: string;
  readonly label: string;
  readonly current?: boolean;
}

export interface PageOptions {
  readonly title: string;
  readonly nav?: readonly NavLink[];
  readonly body: SafeHtml;
}

export function renderLayout(options: PageOptions): string {
  const nav = (options.nav ?? []).map((link) =>
    link.current ? html`<a class="current" href="${link.href}" aria-current="page">${link.label}</a>` : html`<a href="${link.href}">${link.label}</a>`,
  );
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · Steam reviews</title><style>${raw(STYLE)}</style></head>
<body><header><a class="brand" href="/">Steam reviews</a><nav>${nav}</nav></header>
<main>${options.body}</main></body></html>`;
  return toHtmlString(page);
}
