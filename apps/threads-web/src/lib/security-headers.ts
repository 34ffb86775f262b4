/**
 * The headers every answer of the site carries, built per request because the
 * script nonce is new each time and the API origin is read at run time.
 * Pure: no Next.js, no environment.
 */

export interface SecurityHeaderOptions {
  /** Origin of threads-api (scheme, host, port): the only other origin the page may connect to. */
  readonly apiOrigin: string;
  /** Fresh per request; Next.js puts it on the scripts it renders. */
  readonly nonce: string;
  /** Only production may be indexed by search engines. */
  readonly indexable: boolean;
  /** Whether the site is served over https (then mixed content is upgraded). */
  readonly https: boolean;
  /** `next dev` needs eval for fast refresh; never set in a build. */
  readonly devServer?: boolean;
}

/** Two years, the usual value for a site that is https only. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const eval_ = options.devServer === true ? " 'unsafe-eval'" : "";
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next.js loads from its nonced scripts are trusted, nothing else.
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${eval_}`,
    `style-src 'self' 'nonce-${options.nonce}'`,
    // Profile pictures come from Threads' CDN.
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src 'self' ${options.apiOrigin}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(options),
    "strict-transport-security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    // For browsers that predate frame-ancestors.
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
    ...(options.indexable ? {} : { "x-robots-tag": "noindex, nofollow" }),
  };
}
