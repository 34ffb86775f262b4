/**
 * The frame of every page: readable on a phone, no external assets, the
 * time-zone script inline (allowed by its hash in the CSP, see app.ts).
 */
import { html, raw, toHtmlString, type SafeHtml } from "../shared/web/html.js";
import { TIME_ZONE_SCRIPT } from "../time-zone.js";

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,sans-serif;margin:0;background:#121212;color:#eee;line-height:1.4}
a{color:#1db954}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center;padding:.8rem 1.2rem;background:#1db954;color:#000}
header a,header button{color:#000;font-weight:600}
header form{display:inline}
.brand{font-size:1.2rem;font-weight:800;text-decoration:none}
.link-button{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer}
main{max-width:72rem;margin:0 auto;padding:1rem 1.2rem 2rem}
.card{background:#1e1e1e;border-radius:10px;padding:1rem 1.2rem}
.message{max-width:34rem;margin:3rem auto}
.message h1{margin-top:0;font-size:1.5rem}
.button{display:inline-block;background:#1db954;color:#000;font-weight:700;border:0;border-radius:999px;padding:.75rem 1.4rem;text-decoration:none;font-size:1rem;cursor:pointer}
.button.secondary{background:#333;color:#eee}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1.2rem}
.notice{background:#263238;border-left:4px solid #1db954;padding:.6rem .9rem;border-radius:4px}
.muted{color:#aaa;font-size:.9em}
`;

export interface PageOptions {
  readonly title: string;
  readonly main: SafeHtml;
  /** Right-hand side of the header (who is logged in, log out). */
  readonly headerEnd?: SafeHtml;
  /** Extra CSS for this page (a constant, never user data). */
  readonly style?: string;
  /** The zone the page's times were drawn in; the script reloads once if the browser's differs. */
  readonly drawnInTimeZone?: string;
}

export function renderPage(options: PageOptions): string {
  const page = html`<!doctype html>
<html lang="en"${options.drawnInTimeZone ? html` data-tz="${options.drawnInTimeZone}"` : ""}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title}</title>
<style>${raw(STYLE)}${raw(options.style ?? "")}</style>
<script>${raw(TIME_ZONE_SCRIPT)}</script>
</head><body>
<header><a class="brand" href="/">Euterpe</a>${options.headerEnd ? html`<span>${options.headerEnd}</span>` : ""}</header>
<main>${options.main}</main>
</body></html>`;
  return toHtmlString(page);
}

/** Who is logged in, a way to switch Spotify accounts, and the log-out form (a POST with its CSRF token). */
export function accountMenu(displayName: string, csrfToken: string): SafeHtml {
  return html`Logged in as <span id="display-name">${displayName}</span> · <a href="/login/spotify?switch=1">Switch account</a> · <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrfToken}"><button class="link-button" type="submit" id="log-out">Log out</button></form>`;
}
