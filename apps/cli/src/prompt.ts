import { createInterface } from 'node:readline';
import { CliError, UsageError } from './errors';

/** Prompts are written to stderr, so stdout stays the command's result. */
export const canPrompt = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

/** Reads a secret from the terminal in raw mode: nothing is echoed, not even asterisks. */
export function askSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise<string>((resolve) => {
    let secret = '';
    const done = (exitCode?: number) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (exitCode !== undefined) process.exit(exitCode);
      resolve(secret);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(130); // Ctrl-C
        if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
        else if (ch >= ' ') secret += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** All of stdin, without the one trailing newline that `echo` or a here-string adds. */
export async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`${what} is read from stdin: pipe it in (e.g. \`echo "$VALUE" | superflag …\`)`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks before something irreversible; without a terminal the caller must pass --yes. */
export async function confirm(question: string, expected: string): Promise<void> {
  if (!canPrompt()) throw new UsageError('Refusing to ask for confirmation without a terminal: pass --yes');
  const answer = await ask(`${question} Type "${expected}" to confirm: `);
  if (answer.trim() !== expected) throw new CliError('Cancelled: the answer did not match');
}
