/**
 * Polls `read` every `everyMs` until `done` holds or `withinMs` passed, and returns the last value read: the
 * test asserts on it, so a deadline missed fails with what was seen instead of a timeout.
 */
export async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, withinMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + withinMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await read();
  }
  return value;
}

/** The value of an unlabelled sample in Prometheus text (NaN when absent). */
export function metric(body: string, name: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}
