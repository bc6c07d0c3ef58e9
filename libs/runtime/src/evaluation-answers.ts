import { hash } from 'node:crypto';
import { type Evaluation, evaluate, type EvaluationContext } from './evaluation';
import type { RuntimeFlag } from './environment-read-model';

/** A flag that answers the same for every context: no overrides, no rollout (reason STATIC). */
const isStatic = (flag: RuntimeFlag) => !flag.rollout && flag.users.size === 0 && flag.companies.size === 0;

/** How one flag's evaluation is written into an answer. */
type Render = (flag: RuntimeFlag, result: Evaluation) => string;

/**
 * The texts of a flag with rules for the outcomes known when the template is made (its value by default, each side
 * of its rollout, a bool override either way), so that a request looks its text up instead of serialising it. Any
 * other outcome (an override of a string, number or JSON flag) is serialised when it happens.
 */
class RuledTexts {
  private readonly outcomes: Array<{ value: unknown; reason: string; variant: string; text: string }> = [];

  constructor(
    private readonly flag: RuntimeFlag,
    private readonly render: Render,
  ) {
    const known: Evaluation[] = [
      { value: flag.value, reason: 'DEFAULT', variant: 'default' },
      { value: flag.value, reason: 'SPLIT', variant: 'default' },
    ];
    if (flag.rollout) known.push({ value: flag.rollout.value, reason: 'SPLIT', variant: 'rollout' });
    if (flag.type === 'bool')
      for (const variant of ['user-target', 'company-target'] as const)
        for (const value of [true, false]) known.push({ value, reason: 'TARGETING_MATCH', variant });
    for (const result of known) this.outcomes.push({ ...result, text: render(flag, result) });
  }

  textFor(context: EvaluationContext): string {
    const result = evaluate(this.flag, context);
    for (const known of this.outcomes) {
      if (known.value === result.value && known.reason === result.reason && known.variant === result.variant) return known.text;
    }
    return this.render(this.flag, result);
  }

  /** UTF-16 code units of the texts held. */
  get size(): number {
    let n = 0;
    for (const known of this.outcomes) n += known.text.length;
    return n;
  }
}

/**
 * An answer of a template for one context: its UTF-8 bytes, and a digest that differs exactly when the bytes do
 * (sha256 over the template's fixed parts and the context-dependent texts), made on first use.
 */
export class Answer {
  private digested?: string;

  constructor(
    readonly body: Buffer,
    private readonly identity: () => string,
  ) {}

  get digest(): string {
    return (this.digested ??= hash('sha256', this.identity(), 'base64url'));
  }
}

/**
 * An answer serialised once per snapshot with holes for the flags whose answer depends on the context: the bytes
 * between two holes are fixed, and each hole is one flag's evaluation, its text looked up among the outcomes known
 * beforehand (see RuledTexts). With 50 flags of which 6 have rules, a request evaluates 6 flags and copies 13 pieces
 * into one buffer, instead of building and serialising 50 objects and encoding the text.
 *
 * The answer last given is kept: a request whose holes get the same texts (the same user polling, every anonymous
 * visitor) gets the same Answer, bytes and digest included, without copying or hashing anything.
 */
class Template {
  /** `fixed[i]` comes before `ruled[i]`'s text; the last one closes the document. */
  private readonly fixed: Buffer[] = [];
  private readonly ruled: RuledTexts[] = [];
  private readonly fixedLength: number;
  private readonly fixedDigest: string;
  private last?: { texts: string[]; answer: Answer };

  constructor(
    entries: ReadonlyArray<{ flag: RuntimeFlag; text?: string; hole?: string }>,
    open: string,
    separator: string,
    close: string,
    render: Render,
  ) {
    const fixed: string[] = [];
    let text = open;
    entries.forEach(({ flag, text: constant, hole }, i) => {
      if (i > 0) text += separator;
      if (hole === undefined) {
        text += constant;
        return;
      }
      fixed.push(text + hole);
      this.ruled.push(new RuledTexts(flag, render));
      text = '';
    });
    fixed.push(text + close);
    for (const part of fixed) this.fixed.push(Buffer.from(part, 'utf8'));
    this.fixedLength = this.fixed.reduce((n, part) => n + part.length, 0);
    // Each part after a newline (JSON text has none), so that two different answers never hash the same input.
    this.fixedDigest = hash('sha256', fixed.map((part) => `\n${part}`).join(''), 'base64url');
  }

  answer(context: EvaluationContext): Answer {
    const { ruled, last } = this;
    const texts = new Array<string>(ruled.length);
    let same = last !== undefined;
    for (let i = 0; i < ruled.length; i++) {
      const text = (texts[i] = ruled[i].textFor(context));
      if (same && last!.texts[i] !== text) same = false;
    }
    if (same) return last!.answer;
    const answer = new Answer(this.bytes(texts), () => this.fixedDigest + texts.map((text) => `\n${text}`).join(''));
    this.last = { texts, answer };
    return answer;
  }

  private bytes(texts: string[]): Buffer {
    const { fixed } = this;
    let length = this.fixedLength;
    for (const text of texts) length += Buffer.byteLength(text, 'utf8');
    const body = Buffer.allocUnsafe(length);
    let at = fixed[0].copy(body, 0);
    for (let i = 0; i < texts.length; i++) {
      at += body.write(texts[i], at, 'utf8');
      at += fixed[i + 1].copy(body, at);
    }
    return body;
  }

  /**
   * Bytes held: the fixed parts, the known texts (2 bytes a character), and the answer kept (at most the fixed
   * parts again plus one text per hole; texts are counted once more for it).
   */
  get size(): number {
    let texts = 0;
    for (const r of this.ruled) texts += 2 * r.size;
    return 2 * this.fixedLength + 2 * texts;
  }
}

/**
 * `POST /api/v1/evaluate`'s body for one key type's flags: `{"data":{"version":…,"flags":{"<key>":{"value":…,
 * "reason":…,"variant":…},…}}}`, byte for byte what JSON.stringify makes of the same object (its key order
 * included: integer-like keys such as "42" come first, in numeric order, as in any JS object).
 */
export class EvaluateAnswer {
  private readonly template: Template;

  constructor(version: number, flags: readonly RuntimeFlag[]) {
    const byKey: Record<string, RuntimeFlag> = {};
    for (const flag of flags) byKey[flag.key] = flag;
    const entries = Object.keys(byKey).map((key) => {
      const flag = byKey[key];
      const name = `${JSON.stringify(key)}:`;
      return isStatic(flag) ? { flag, text: name + JSON.stringify(evaluate(flag, {})) } : { flag, hole: name };
    });
    this.template = new Template(entries, `{"data":{"version":${version},"flags":{`, ',', '}}}', (_flag, result) => JSON.stringify(result));
  }

  /** The body, as UTF-8 bytes. */
  answer(context: EvaluationContext): Buffer {
    return this.template.answer(context).body;
  }

  /** The body, as text. */
  for(context: EvaluationContext): string {
    return this.answer(context).toString('utf8');
  }

  get size(): number {
    return this.template.size;
  }
}

/** Between the OFREP bulk answer's `flags` array and its `eventStreams` (which depend on the key, not the flags). */
export const OFREP_FLAGS_OPEN = '{"flags":';
export const OFREP_FLAGS_CLOSE = ',"eventStreams":';

/**
 * The start of an OFREP bulk answer for one key type, up to its event streams: `{"flags":[{"key":…,"value":…,
 * "reason":…,"variant":…,"metadata":{}},…],"eventStreams":`, the flags in key order, as JSON.stringify makes them.
 */
export class OfrepFlagsAnswer {
  private readonly template: Template;

  constructor(flags: readonly RuntimeFlag[]) {
    const entries = flags.map((flag) => (isStatic(flag) ? { flag, text: ofrepFlag(flag, evaluate(flag, {})) } : { flag, hole: '' }));
    this.template = new Template(entries, `${OFREP_FLAGS_OPEN}[`, ',', `]${OFREP_FLAGS_CLOSE}`, ofrepFlag);
  }

  /** The bytes and a digest of them (equal digests, equal bytes). */
  answer(context: EvaluationContext): Answer {
    return this.template.answer(context);
  }

  /** The `flags` array alone, as text. */
  flags(context: EvaluationContext): string {
    const text = this.answer(context).body.toString('utf8');
    return text.slice(OFREP_FLAGS_OPEN.length, text.length - OFREP_FLAGS_CLOSE.length);
  }

  get size(): number {
    return this.template.size;
  }
}

function ofrepFlag(flag: RuntimeFlag, result: Evaluation): string {
  return JSON.stringify({ key: flag.key, value: result.value, reason: result.reason, variant: result.variant, metadata: {} });
}
