/** What one turn of a delivery leaves to its queue: nothing more, or a turn after a delay. */
export type DeliverDecision =
  { readonly kind: 'done' } | { readonly kind: 'later'; readonly delayMs: number };
