/** The message posted to the destination: the translation, then a link to the source post. */
import { concatFormatted, type FormattedText } from "../formatting/entities.js";

/** Telegram's limit for a text message, in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export function withSourceLink(translation: FormattedText, sourceLink: string, label: string): FormattedText {
  const separator = translation.text === "" ? "" : "\n\n";
  return concatFormatted(translation, {
    text: `${separator}${label}`,
    entities: [{ type: "text_link", offset: separator.length, length: label.length, url: sourceLink }],
  });
}
