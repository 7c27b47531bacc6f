/** Prices as the APIs send them (decimal strings), shown in the shopper's locale. */

export function formatMoney(amount: string | number, currency: string, locale = "en-GB"): string {
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
}

/** A price typed by an admin as the API's decimal (two places), or null when it is not one. */
export function parsePrice(text: string): string | null {
  const trimmed = text.trim().replace(",", ".");
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(trimmed)) return null;
  return Number(trimmed).toFixed(2);
}
