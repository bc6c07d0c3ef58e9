// A child process of bench/streams.mts: holds SSE streams open on raw sockets (no HTTP client, no SSE parser:
// the load generator must not be what is measured) and timestamps every `config` event on the system-wide
// monotonic clock (process.hrtime, CLOCK_MONOTONIC), so the parent can compare them with when it wrote.
//   parent → child: { type: 'open', port, requests, count, concurrency }   stream i sends requests[i % requests.length] (raw HTTP)
//   child → parent: { type: 'opened', ok, failed, statuses, openMs, openLatencies }
//   parent → child: { type: 'expect', events, timeoutMs }   wait until every open stream got `events` config events
//   child → parent: { type: 'delivered', times, closed }      times[i] = when stream i got that event (null: never)
//   parent → child: { type: 'close' }
import { connect, type Socket } from 'node:net';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const EVENT = Buffer.from('event: config\n');
/** Every socket's reads, one at a time (each is handled before the next lands). */
const READ_BUFFER = Buffer.alloc(256 * 1024);

interface Stream {
  socket: Socket;
  status: number;
  /** When each config event arrived (the first is the current config sent on open). */
  events: number[];
  /** The last EVENT.length - 1 bytes of the previous read (a copy: the chunk's memory is reused). */
  tail: Buffer;
  closed: boolean;
}

type Command =
  | { type: 'open'; port: number; requests: string[]; count: number; concurrency: number }
  | { type: 'expect'; events: number; timeoutMs: number }
  | { type: 'close' };

const streams: Stream[] = [];

/** Counts `event: config` lines in the raw bytes; `tail` keeps the last bytes in case one is split across reads. */
function onData(stream: Stream, chunk: Buffer, at: number): void {
  if (stream.status === 0) {
    stream.status = Number(chunk.toString('latin1', 9, 12));
    if (stream.status !== 200) {
      stream.socket.destroy();
      return;
    }
  }
  if (stream.tail.length > 0) {
    const seam = Buffer.concat([stream.tail, chunk.subarray(0, EVENT.length - 1)]);
    if (seam.indexOf(EVENT) !== -1) stream.events.push(at);
  }
  for (let i = chunk.indexOf(EVENT); i !== -1; i = chunk.indexOf(EVENT, i + EVENT.length)) stream.events.push(at);
  stream.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - (EVENT.length - 1))));
}

function open(port: number, requests: string[], count: number, concurrency: number): void {
  const started = now();
  const statuses: Record<string, number> = {};
  const openLatencies: number[] = [];
  let next = 0;
  let settled = 0;
  let failed = 0;
  const settle = () => {
    settled++;
    if (next < count) start();
    else if (settled === count) {
      const ok = streams.filter((s) => s.status === 200 && !s.closed && s.events.length > 0).length;
      openLatencies.sort((a, b) => a - b);
      process.send!({ type: 'opened', ok, failed, statuses, openMs: now() - started, openLatencies });
    }
  };
  const start = () => {
    const request = requests[next % requests.length];
    next++;
    const t0 = now();
    let done = false;
    // `onread`: reads land in one reused buffer and come straight to this callback, no stream machinery or allocation.
    const socket = connect({
      port,
      host: '127.0.0.1',
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buffer: Uint8Array) => {
          onData(stream, Buffer.from(buffer.buffer, buffer.byteOffset, bytes), now());
          if (!done && stream.events.length > 0) {
            done = true;
            statuses[stream.status] = (statuses[stream.status] ?? 0) + 1;
            openLatencies.push(now() - t0);
            settle();
          }
          return true;
        },
      },
    });
    const stream: Stream = { socket, status: 0, events: [], tail: Buffer.alloc(0), closed: false };
    streams.push(stream);
    socket.on('connect', () => socket.write(request));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      stream.closed = true;
      if (!done) {
        done = true;
        failed++;
        statuses[stream.status || 'no response'] = (statuses[stream.status || 'no response'] ?? 0) + 1;
        settle();
      }
    });
  };
  for (let i = 0; i < Math.min(concurrency, count); i++) start();
}

function expect(events: number, timeoutMs: number): void {
  const open = streams.filter((s) => s.status === 200 && s.events.length > 0);
  const deadline = now() + timeoutMs;
  const timer = setInterval(() => {
    const waiting = open.some((s) => s.events.length < events && !s.closed);
    if (waiting && now() < deadline) return;
    clearInterval(timer);
    process.send!({
      type: 'delivered',
      times: open.map((s) => s.events[events - 1] ?? null),
      closed: open.filter((s) => s.closed).length,
    });
  }, 10);
}

process.on('message', (command: Command) => {
  if (command.type === 'open') open(command.port, command.requests, command.count, command.concurrency);
  else if (command.type === 'expect') expect(command.events, command.timeoutMs);
  else {
    for (const s of streams) s.socket.destroy();
    process.disconnect();
  }
});
