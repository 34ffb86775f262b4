/**
 * The visitor's time zone, as their browser reports it: a tiny script on
 * every page writes `Intl`'s zone into a cookie, and pages that show times
 * read it back here. An absent or unknown zone means UTC.
 */
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { z } from "zod";

export const TIME_ZONE_COOKIE = "euterpe_tz";
export const DEFAULT_TIME_ZONE = "UTC";

/**
 * Stores the browser's zone when the cookie does not hold it yet; reloads
 * once when the page was drawn for another zone (`data-tz` on <html>) and the
 * cookie took, so a first visit corrects itself and disabled cookies never loop.
 */
export const TIME_ZONE_SCRIPT =
  '(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(!z)return;var c="euterpe_tz="+encodeURIComponent(z);' +
  'var has=function(){return document.cookie.split("; ").indexOf(c)>=0};if(has())return;' +
  'document.cookie=c+"; path=/; max-age=31536000; samesite=lax"+(location.protocol==="https:"?"; secure":"");' +
  'var drawn=document.documentElement.getAttribute("data-tz");if(drawn&&drawn!==z&&has())location.reload()}catch(e){}})();';

/** The CSP source that allows exactly this inline script and nothing else. */
export const TIME_ZONE_SCRIPT_CSP = `'sha256-${createHash("sha256").update(TIME_ZONE_SCRIPT).digest("base64")}'`;

const knownZones = new Set<string>([DEFAULT_TIME_ZONE]);

/** Whether `Intl` knows the zone. Only good names are remembered, so junk cookies cannot grow the set. */
export function isTimeZone(name: string): boolean {
  if (knownZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
  } catch {
    return false;
  }
  knownZones.add(name);
  return true;
}

const timeZoneCookie = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/)
  .refine(isTimeZone);

export function timeZoneOf(request: FastifyRequest): string {
  const parsed = timeZoneCookie.safeParse(request.cookies[TIME_ZONE_COOKIE]);
  return parsed.success ? parsed.data : DEFAULT_TIME_ZONE;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
const playedAtFormats = new Map<string, Intl.DateTimeFormat>();

function cached(formats: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
    formats.set(timeZone, format);
  }
  return format;
}

/** The hour of the day (0–23) the instant falls in, in the zone. */
export function hourIn(instant: Date, timeZone: string): number {
  // en-GB with only the hour formats as "00"…"23".
  return Number(cached(hourFormats, timeZone, { hour: "2-digit", hourCycle: "h23" }).format(instant)) % 24;
}

/** "Fri 21 Nov, 19:05" in the zone. */
export function formatPlayedAt(instant: Date, timeZone: string): string {
  return cached(playedAtFormats, timeZone, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(instant);
}
