/**
 * Recognises values that look like credentials, so a secret pasted into a
 * plain (unencrypted) setting is refused instead of landing in the stack
 * file, the plan and Pulumi's state — and is never echoed in a message.
 */

const KNOWN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, "a URL with a password in it"],
  [/^sk-(ant-|proj-)?[A-Za-z0-9_-]{16,}/, "an API key (sk-…)"],
  [/^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_)/, "a GitHub token"],
  [/^xox[abposr]-/, "a Slack token"],
  [/^AKIA[0-9A-Z]{16}$/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/^HRKU-/, "a Heroku API key"],
  [/^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./, "a signed token (JWT)"],
  [/^\d{6,12}:[A-Za-z0-9_-]{30,}$/, "a Telegram bot token"],
];

/** Long unbroken runs of letters and digits (hex, base64, random API keys). */
const RANDOM_RUN = /^[A-Za-z0-9+/=_-]{32,}$/;

/** What the value looks like when it looks like a credential, else undefined. */
export function secretLooking(value: string): string | undefined {
  const text = value.trim();
  for (const [pattern, what] of KNOWN_SHAPES) if (pattern.test(text)) return what;
  if (RANDOM_RUN.test(text) && /[0-9]/.test(text) && /[A-Za-z]/.test(text)) return "a long random token";
  return undefined;
}

/** Every string leaf of a parsed structure with its path (`apps.euterpe.config.X`, `accessEmails[0]`). */
export function stringLeaves(value: unknown, path = ""): { path: string; value: string }[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** The advice every refusal of a plain credential ends with. */
export const ROTATE_IT = "rotate it at its issuer if the file was ever shared";

/**
 * What a refusal adds when the refused value also looks like a credential: the
 * operator removes the value either way, but a credential that sat in the file
 * must also be rotated. Never the value itself.
 */
export function alsoCredential(value: string): { what: string; fix: string } {
  const looks = secretLooking(value);
  return looks
    ? { what: `; it also looks like a credential (${looks}) stored in plaintext`, fix: `; ${ROTATE_IT}` }
    : { what: "", fix: "" };
}
