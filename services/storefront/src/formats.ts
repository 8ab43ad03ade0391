// How the shop writes money, times and order references, in every page the same way.

export const price = (cents: number, currency: string): string =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Times in UTC, saying so: the server does not know the person's time zone. */
export const date = (iso: string): string => `${dateTime.format(new Date(iso))} UTC`;

/** A person-friendly reference: the first block of the order's id. */
export const orderReference = (id: string): string => (id.split('-')[0] ?? id).toUpperCase();
