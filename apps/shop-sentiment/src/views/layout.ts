/** The frame of every page: readable on a phone, no script, every value escaped. */
import { html, raw, toHtmlString, type SafeHtml } from "../shared/web/html.js";

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,sans-serif;margin:0;background:#f6f7f9;color:#1d2330;line-height:1.45}
header{background:#22314f;color:#fff;padding:.8rem 1rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:.5rem}
header a{color:#fff;text-decoration:none;font-weight:600}header nav a{font-weight:400;margin-left:1rem;opacity:.9}
main{max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#2456b3}.muted{color:#5d6677;font-size:.9em}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:.9rem 1rem;margin:.6rem 0}
.card h2,.card h3{margin:0 0 .3rem;font-size:1.05rem}
.chip{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:600}
.positive{background:#dcf3e3;color:#185c2f}.neutral{background:#e8eaef;color:#3b4252}.negative{background:#fbe0df;color:#8a1f1a}
.bar{display:flex;height:.9rem;border-radius:4px;overflow:hidden;background:#e8eaef;margin:.4rem 0}
.bar span{display:block;height:100%}.bar .positive{background:#3aa65c}.bar .neutral{background:#9aa3b2}.bar .negative{background:#d9534f}
.breakdown{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.4rem;margin:.4rem 0}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
input,select,textarea,button{font:inherit;padding:.45rem .6rem;border:1px solid #b9c0cc;border-radius:6px;max-width:100%}
textarea{width:100%;min-height:7rem}label{display:block;margin:.6rem 0 .2rem;font-weight:600}
button{background:#2456b3;color:#fff;border-color:#2456b3;cursor:pointer}
.pager{display:flex;gap:1rem;justify-content:space-between;margin:1rem 0}
.error{background:#fbe0df;border:1px solid #e6a9a6;color:#6d1915;border-radius:6px;padding:.6rem .8rem}
.stars{color:#b7791f;letter-spacing:.05em}
`;

export interface LayoutOptions {
  readonly title: string;
  readonly body: SafeHtml;
}

export function layout(options: LayoutOptions): string {
  return toHtmlString(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ShopSentiment</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><a href="/">ShopSentiment</a><nav><a href="/">Products</a><a href="/docs">API</a></nav></header>
<main>
${options.body}
</main>
</body>
</html>`);
}

export function stars(rating: number): string {
  const whole = Math.round(rating);
  return "★".repeat(whole) + "☆".repeat(5 - whole);
}

export function formatPrice(cents: number | null): string | undefined {
  return cents === null ? undefined : `$${(cents / 100).toFixed(2)}`;
}
