/** Longest wait between two attempts of a delivery. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * How long to wait after failed attempt number `attempt` (1 = the first): `base` doubled per attempt, capped at an
 * hour, with "equal jitter" (a uniform 50–100 % of it), so deliveries failing together do not retry together while
 * the first retry stays within `base`.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
