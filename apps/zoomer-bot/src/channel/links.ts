/** Public links to channel posts, as Telegram's clients build them. */

/**
 * `https://t.me/<username>/<id>` for a public channel, `https://t.me/c/<id>/<id>`
 * for a private one (its bare id, without the -100 prefix).
 */
export function postLink(channel: { readonly username?: string | undefined; readonly id: string }, messageId: number): string {
  if (channel.username) return `https://t.me/${channel.username}/${messageId}`;
  return `https://t.me/c/${channel.id.replace(/^-100/, "")}/${messageId}`;
}

/** A channel as configured (`@name` or `-100…`) in the shape postLink reads. */
export function configuredChannel(configured: string): { username?: string; id: string } {
  return configured.startsWith("@") ? { username: configured.slice(1), id: configured } : { id: configured };
}
