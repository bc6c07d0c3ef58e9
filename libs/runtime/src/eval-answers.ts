import { hash } from 'node:crypto';
import type { FlagValue } from '@superflag/flags';
import type { RuntimeFlag } from './environment-read-model';
import { evaluate, type EvaluationContext, type Reason } from './evaluation';

type Variant = 'user-target' | 'company-target' | 'rollout' | 'default';

/** How one evaluated flag is written in an answer: the text before its value and, per outcome, after it. */
interface EntryFormat {
  head(key: string): string;
  tails: Record<Reason, Partial<Record<Variant, string>>>;
}

function tailsOf(tail: (reason: Reason, variant: Variant) => string): EntryFormat['tails'] {
  return {
    TARGETING_MATCH: { 'user-target': tail('TARGETING_MATCH', 'user-target'), 'company-target': tail('TARGETING_MATCH', 'company-target') },
    SPLIT: { rollout: tail('SPLIT', 'rollout'), default: tail('SPLIT', 'default') },
    STATIC: { default: tail('STATIC', 'default') },
    DEFAULT: { default: tail('DEFAULT', 'default') },
  };
}

/** `POST /api/v1/evaluate`'s `"<key>":{"value":…,"reason":…,"variant":…}` (JSON.stringify of evaluate()'s result). */
const EVALUATE_ENTRY: EntryFormat = {
  head: (key) => `${JSON.stringify(key)}:{"value":`,
  tails: tailsOf((reason, variant) => `,"reason":"${reason}","variant":"${variant}"}`),
};

/** OFREP's `{"key":…,"value":…,"reason":…,"variant":…,"metadata":{}}`. */
const OFREP_ENTRY: EntryFormat = {
  head: (key) => `{"key":${JSON.stringify(key)},"value":`,
  tails: tailsOf((reason, variant) => `,"reason":"${reason}","variant":"${variant}","metadata":{}}`),
};

/**
 * Whether a flag's answer depends on the context. The others always answer their value, STATIC; a flag with rules
 * never answers STATIC (see evaluate), so which entries a template splices in is visible in the answer itself.
 */
export function dependsOnContext(flag: RuntimeFlag): boolean {
  return !!flag.rollout || flag.users.size > 0 || flag.companies.size > 0;
}

/** A flag with rules: evaluated per request, written from its pre-serialised head and values. */
class RuledEntry {
  private readonly head: string;
  private readonly valueJson: string;
  private readonly rolloutJson: string | undefined;

  constructor(
    private readonly flag: RuntimeFlag,
    private readonly format: EntryFormat,
  ) {
    this.head = format.head(flag.key);
    this.valueJson = JSON.stringify(flag.value);
    this.rolloutJson = flag.rollout ? JSON.stringify(flag.rollout.value) : undefined;
  }

  write(context: EvaluationContext): string {
    const { value, reason, variant } = evaluate(this.flag, context);
    return this.head + this.json(value) + this.format.tails[reason][variant]!;
  }

  get bytes(): number {
    return this.head.length + this.valueJson.length + (this.rolloutJson?.length ?? 0) + 64;
  }

  private json(value: FlagValue): string {
    if (value === this.flag.value) return this.valueJson;
    if (this.rolloutJson !== undefined && value === this.flag.rollout!.value) return this.rolloutJson;
    return JSON.stringify(value);
  }
}

/**
 * An answer listing every flag a key may see, evaluated for a context, serialised once per snapshot except for what
 * depends on the context: the text between flags with rules is kept whole (`segments`), and a request evaluates
 * only the flags with rules and splices them in. The result is byte for byte what JSON.stringify of the evaluated
 * list gives (eval-answers.spec compares both on random flags and contexts).
 */
export class AnswerTemplate {
  private readonly segments: string[];
  private readonly ruled: RuledEntry[];
  /** Estimated memory held (strings at one byte per character, as V8 keeps ASCII; objects rounded up). */
  readonly bytes: number;
  private digest?: string;

  private constructor(flags: readonly RuntimeFlag[], format: EntryFormat, prefix: string, suffix: string) {
    this.segments = [];
    this.ruled = [];
    let segment = prefix;
    let first = true;
    for (const flag of flags) {
      if (!first) segment += ',';
      first = false;
      if (dependsOnContext(flag)) {
        this.segments.push(segment);
        this.ruled.push(new RuledEntry(flag, format));
        segment = '';
      } else {
        segment += format.head(flag.key) + JSON.stringify(flag.value) + format.tails.STATIC.default!;
      }
    }
    this.segments.push(segment + suffix);
    let bytes = 128 + 16 * this.segments.length;
    for (const s of this.segments) bytes += s.length;
    for (const r of this.ruled) bytes += r.bytes;
    this.bytes = bytes;
  }

  /**
   * `POST /api/v1/evaluate`'s body, `{"data":{"version":…,"flags":{"<key>":{value, reason, variant},…}}}`, in the
   * order JSON.stringify writes an object's keys (integer-like keys first), as the body was made before.
   */
  static evaluate(version: number, flags: readonly RuntimeFlag[]): AnswerTemplate {
    const order: Record<string, true> = {};
    const byKey = new Map<string, RuntimeFlag>();
    for (const flag of flags) {
      order[flag.key] = true;
      byKey.set(flag.key, flag);
    }
    const ordered = Object.keys(order).map((key) => byKey.get(key)!);
    return new AnswerTemplate(ordered, EVALUATE_ENTRY, `{"data":{"version":${version},"flags":{`, '}}}');
  }

  /** OFREP bulk's `{"flags":[…` up to the closing bracket of the list; the caller appends the rest. */
  static ofrep(flags: readonly RuntimeFlag[]): AnswerTemplate {
    return new AnswerTemplate(flags, OFREP_ENTRY, '{"flags":[', ']');
  }

  /** The answer for a context. `dynamic`, when given, receives the spliced-in entries, in order. */
  render(context: EvaluationContext, dynamic?: string[]): string {
    const { segments, ruled } = this;
    let out = segments[0];
    for (let i = 0; i < ruled.length; i++) {
      const entry = ruled[i].write(context);
      dynamic?.push(entry);
      out += entry + segments[i + 1];
    }
    return out;
  }

  /**
   * sha256 (base64url) of `salt` and the text that is the same for every context, each segment on its own line (JSON
   * text holds no raw newline, so the segments can be told apart): made once per template.
   */
  constantDigest(salt: string): string {
    this.digest ??= hash('sha256', `${salt}\n${this.segments.join('\n')}`, 'base64url');
    return this.digest;
  }
}
