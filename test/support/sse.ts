import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * A minimal Server-Sent Events client for tests: collects events and lets a test await the next one that
 * matches, with a deadline (the deadline is the assertion, e.g. "within 1 s").
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private response?: IncomingMessage;
  private readonly req;

  private constructor(url: string, headers: Record<string, string>, ready: (c: SseClient) => void, fail: (e: Error) => void) {
    this.req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.response = res;
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('end', () => {
        this.ended = true;
        this.wake();
      });
      ready(this);
    });
    this.req.on('error', (err) => {
      this.ended = true;
      this.wake();
      fail(err);
    });
    this.req.end();
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => new SseClient(url, headers, resolve, reject));
  }

  /** Resolves with the first event (already received or to come) after `from` that matches, or rejects at the deadline. */
  async next(predicate: (e: SseEvent) => boolean, withinMs: number, from = 0): Promise<SseEvent> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = this.events.slice(from).find(predicate);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended without a matching event; got ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${withinMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves when the server ends the stream, or rejects at the deadline. */
  async endedWithin(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream still open after ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.response?.destroy();
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let idx;
    while ((idx = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      let hasField = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') data.push(value);
        else continue;
        hasField = true;
      }
      if (hasField && data.length) {
        event.data = data.join('\n');
        this.events.push(event);
      }
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
