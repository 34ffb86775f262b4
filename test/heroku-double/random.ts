/**
 * Seeded randomness, so a double started with the same seed hands out the
 * same ids, names and fault decisions in the same order: a failing fault
 * test replays exactly.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += this.int(16).toString(16);
    return out;
  }

  digits(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String(this.int(10));
    return out;
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32).split("");
    h[12] = "4";
    h[16] = "89ab"[this.int(4)] ?? "8";
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

const ADJECTIVES = [
  "ancient", "brave", "calm", "curved", "damp", "eager", "fathomless", "gentle", "glacial", "hidden",
  "infinite", "jolly", "mighty", "misty", "quiet", "radiant", "shielded", "sleepy", "solid", "tranquil",
] as const;
const NOUNS = [
  "anchor", "badlands", "brook", "canyon", "citadel", "dawn", "ember", "forest", "garden", "harbor",
  "island", "meadow", "mesa", "ocean", "plateau", "ridge", "river", "savannah", "springs", "thicket",
] as const;

export const POSTGRES_COLORS = [
  "AMBER", "AQUA", "BLACK", "BLUE", "BRONZE", "BROWN", "CHARCOAL", "COBALT", "COPPER", "CRIMSON",
  "CYAN", "GOLD", "GRAY", "GREEN", "IVORY", "JADE", "LIME", "MAROON", "MAUVE", "NAVY", "OLIVE", "ONYX",
  "ORANGE", "PINK", "PUCE", "PURPLE", "RED", "ROSE", "SILVER", "TEAL", "TOPAZ", "VIOLET", "WHITE", "YELLOW",
] as const;

/** `glacial-forest-12345`, as Heroku names apps created without a name. */
export function randomAppName(rng: SeededRandom): string {
  return `${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}-${rng.digits(5)}`;
}

/** `postgresql-curved-52656`, as Heroku names add-ons created without a name. */
export function randomAddonName(rng: SeededRandom, prefix: string): string {
  return `${prefix}-${rng.pick(ADJECTIVES)}-${rng.digits(5)}`;
}

/** A stable UUID-shaped id derived from a text (plan and service ids never change). */
export function stableId(text: string): string {
  let h1 = 0x811c9dc5;
  let out = "";
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${text}`) h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h1.toString(16).padStart(8, "0");
  }
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-4${out.slice(13, 16)}-a${out.slice(17, 20)}-${out.slice(20, 32)}`;
}
