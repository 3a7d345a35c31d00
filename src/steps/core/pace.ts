/**
 * How much one call of a worker does (`pages` of a listing, or users moved) and the whole seconds its
 * Wait state then waits, so that `workers` side by side keep to `perSecond` together: each keeps its
 * share, and a Wait counts in whole seconds.
 */
export function pace(perSecond: number, workers: number) {
  const share = perSecond / workers;
  const pages = Math.max(1, Math.floor(share));
  return { pages, waitSeconds: Math.max(1, Math.ceil(pages / share)) };
}
