/**
 * Written exceptions to the pack's rules, each with the reason it was
 * accepted. Remove an entry when its reason no longer holds.
 */

/** Apps allowed basic dynos in production. */
export const BASIC_DYNOS_IN_PRODUCTION: Readonly<Record<string, string>> = {
  euterpe:
    "adopted as it ran before fleet: a personal dashboard for a handful of users beside bookshelf-hermes on an Essential database; standard dynos would add cost and no capacity it needs",
};
