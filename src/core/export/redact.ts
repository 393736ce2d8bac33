/** Keeps SSINs out of messages: an 11-digit run (with or without the usual dots and dash) becomes "(SSIN)". */
const SSIN_LIKE = /(?<!\d)(?:\d{11}|\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2})(?!\d)/g;

export function redactSsins(text: string): string {
  return text.replace(SSIN_LIKE, "(SSIN)");
}
