/**
 * One Idempotency-Key per checkout attempt: kept until the checkout succeeds, so pressing
 * "Place order" again after a lost answer returns the same order instead of a second one.
 */

export interface KeyStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const slot = (customer: string) => `shopkeeper.checkout-key.${customer}`;

export function checkoutKey(store: KeyStore, customer: string, newKey: () => string = () => crypto.randomUUID()): string {
  const existing = store.getItem(slot(customer));
  if (existing) return existing;
  const key = newKey();
  store.setItem(slot(customer), key);
  return key;
}

/** The attempt is over (the order exists, or the cart changed): the next checkout gets a new key. */
export function forgetCheckoutKey(store: KeyStore, customer: string): void {
  store.removeItem(slot(customer));
}
