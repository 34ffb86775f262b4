/**
 * Secret masking for everything the Heroku client says: thrown errors,
 * progress lines, build output tails.
 *
 * Two layers: the exact values the client knows to be secret (the token,
 * config-var values it sent or read, credentials), and patterns that catch
 * secrets it was never told about (credentials inside URLs, Authorization
 * headers, `password=`-style pairs, presigned URL signatures).
 */

/** What a masked value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * Values shorter than this are not masked by value: masking "1" or "on"
 * everywhere would garble every message and protects nothing.
 */
export const MIN_SECRET_LENGTH = 4;

/** Masks the given secret values and every secret-looking pattern in `text`. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const form of secretForms(secrets)) out = out.split(form).join(REDACTED);
  return redactPatterns(out);
}

/** Masks only what patterns recognise (no known values). */
export function redactPatterns(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]*@/gi, `$1${REDACTED}@`)
    .replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=:-]{6,}/g, `$1 ${REDACTED}`)
    .replace(/\bHRKU-[A-Za-z0-9_-]+/g, REDACTED)
    .replace(
      /((?:^|[?&;\s{,"'])(?:[a-z0-9_-]*(?:password|passwd|secret|token|api[_-]?key|signature|credential)[a-z0-9_-]*|sig)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/gi,
      (_match: string, key: string, value: string) => `${key}${quoteLike(value)}`,
    );
}

/**
 * Each secret as it may appear in text: raw, URL-encoded and JSON-escaped,
 * longest first so a secret containing another is masked whole.
 */
function secretForms(secrets: Iterable<string>): string[] {
  const forms: string[] = [];
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
    forms.push(secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1));
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

function quoteLike(value: string): string {
  if (value.startsWith('"')) return `"${REDACTED}"`;
  if (value.startsWith("'")) return `'${REDACTED}'`;
  return REDACTED;
}
