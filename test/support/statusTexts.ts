/** What the node status must say for an acceptance with 1 and with 2 warnings, per language (before the time). */
export const WARNING_STATUS: Record<string, [string, string]> = {
  "en-US": ["accepted with 1 warning", "accepted with 2 warnings"],
  fr: ["acceptée avec 1 avertissement", "acceptée avec 2 avertissements"],
  nl: ["aanvaard met 1 waarschuwing", "aanvaard met 2 waarschuwingen"],
};
