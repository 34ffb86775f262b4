/**
 * Property values as they cross the engine ↔ provider boundary: JSON-like
 * data, plus the engine's secret and unknown markers.
 */

/** The key/value pair that marks a secret in Pulumi's RPC property encoding. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** The value the engine sends for a property that is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Where every property set carries the serialized provider. */
export const PROVIDER_KEY = "__provider";

export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };
export type PropertyMap = { [key: string]: PropertyValue };

export interface SecretValue {
  readonly [SECRET_SIG_KEY]: typeof SECRET_SIG_VALUE;
  readonly value: PropertyValue;
}

/** Mark a value secret, as `pulumi.secret()` / `config.requireSecret()` would on the way to the engine. */
export function secret(value: PropertyValue): { [key: string]: PropertyValue } {
  return { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value };
}

export function isSecret(value: PropertyValue | undefined): value is { [key: string]: PropertyValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

function entriesOf(map: { [key: string]: PropertyValue }): Array<[string, PropertyValue]> {
  return Object.keys(map).map((key): [string, PropertyValue] => [key, map[key] ?? null]);
}

/** Replace every secret marker by its plain value (the engine does this for providers that do not accept secrets). */
export function unwrapSecrets(value: PropertyValue): PropertyValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item: PropertyValue) => unwrapSecrets(item));
  if (isSecret(value)) return unwrapSecrets(value["value"] ?? null);
  const out: PropertyMap = {};
  for (const [k, v] of entriesOf(value)) out[k] = unwrapSecrets(v);
  return out;
}

export function unwrapMap(map: PropertyMap): PropertyMap {
  return unwrapSecrets(map) as PropertyMap;
}

/** Top-level keys whose value is (or contains) a secret. */
export function secretKeys(map: PropertyMap): string[] {
  const contains = (v: PropertyValue): boolean => {
    if (v === null || typeof v !== "object") return false;
    if (Array.isArray(v)) return v.some((item: PropertyValue) => contains(item));
    return isSecret(v) || entriesOf(v).some(([, item]) => contains(item));
  };
  return entriesOf(map)
    .filter(([, v]) => contains(v))
    .map(([k]) => k);
}

export function withoutProvider(map: PropertyMap): PropertyMap {
  const { [PROVIDER_KEY]: _provider, ...rest } = map;
  return rest;
}

/** Deep equality of property values (key order ignored). */
export function sameValue(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== typeof b) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}
