/**
 * Everything the CLI prints goes through here: results on stdout (JSON with --json, tables and sentences
 * otherwise), errors and progress on stderr, so `superflag … --json | jq` always gets clean JSON.
 */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
}

const useColor = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (stream: NodeJS.WriteStream, code: string, text: string) => (useColor(stream) ? `\x1b[${code}m${text}\x1b[0m` : text);

export const bold = (text: string) => paint(process.stdout, '1', text);
export const dim = (text: string) => paint(process.stdout, '2', text);

export class Output {
  constructor(readonly json: boolean) {}

  /** A command's result: the API's `data` as JSON with --json, otherwise what `human` prints. */
  result(data: unknown, human: () => void): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else human();
  }

  /** A line for people; silent with --json so the output stays one JSON document. */
  say(line = ''): void {
    if (!this.json) process.stdout.write(`${line}\n`);
  }

  success(line: string): void {
    this.say(`${paint(process.stdout, '32', '✓')} ${line}`);
  }

  /** Hints and warnings go to stderr: they must not end up in a file or a pipe. */
  note(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[], empty: string): void {
    if (rows.length === 0) {
      this.say(dim(empty));
      return;
    }
    const cells = rows.map((row) => columns.map((c) => oneLine(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
    const line = (values: string[]) =>
      values
        .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.say(bold(line(columns.map((c) => c.header))));
    for (const row of cells) this.say(line(row));
  }

  /** Aligned `label: value` lines for one record. */
  fields(entries: readonly [string, string][]): void {
    const width = Math.max(...entries.map(([label]) => label.length)) + 1;
    const continuation = `\n${' '.repeat(width + 1)}`;
    for (const [label, value] of entries) this.say(`${dim(`${label}:`.padEnd(width))} ${value.replace(/\n/g, continuation)}`);
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

export const truncate = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `2025-01-06T12:00:00.000Z` → `2025-01-06 12:00` (UTC, the API's clock). */
export const shortDate = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Runs `work` and, only when a person is watching (stdout and stderr are terminals) and it takes longer
 * than a moment, shows a spinner on stderr. Fast calls and piped or CI runs print nothing extra.
 */
export async function withSpinner<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return work();
  let frame = 0;
  let ticker: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    ticker = setInterval(() => process.stderr.write(`\r${frames[frame++ % frames.length]} ${label}`), 80);
  }, 250);
  try {
    return await work();
  } finally {
    clearTimeout(delay);
    if (ticker) {
      clearInterval(ticker);
      process.stderr.write('\r\x1b[2K');
    }
  }
}
