/**
 * The offline plan cannot decrypt `secure:` values: it hands the program these
 * stand-ins instead. They are never a real value, so nothing checks them as
 * one; under the engine every value is real and checked.
 */

/** What an encrypted value becomes offline. Never a real secret. */
export const SECRET_STAND_IN = "[secret: encrypted in the stack file]";
/** The same for secrets that must be connection URLs. */
export const URL_STAND_IN = "postgres://secret:secret@encrypted.invalid:5432/secret";

export function isStandIn(value: string): boolean {
  return value === SECRET_STAND_IN || value === URL_STAND_IN;
}
