import { createHash, type Hash } from 'node:crypto';
import { evaluate, type EvaluationContext } from './evaluation';
import type { RuntimeFlag } from './environment-read-model';

/** A flag that answers the same for every context: no overrides, no rollout (reason STATIC). */
const isStatic = (flag: RuntimeFlag) => !flag.rollout && flag.users.size === 0 && flag.companies.size === 0;

/**
 * An answer serialised once per snapshot with holes for the flags whose answer depends on the context: the text
 * between two holes is fixed, and each hole is one flag's evaluation. With 50 flags of which 6 have rules, a request
 * evaluates and serialises 6 flags and joins 13 strings, instead of building and serialising 50 objects.
 */
class Template {
  /** `fixed[i]` comes before `ruled[i]`; the last one closes the document. */
  private readonly fixed: string[] = [];
  private readonly ruled: RuntimeFlag[] = [];

  constructor(
    entries: ReadonlyArray<{ flag: RuntimeFlag; text: (flag: RuntimeFlag) => string; hole?: string }>,
    open: string,
    separator: string,
    close: string,
    private readonly render: (flag: RuntimeFlag, context: EvaluationContext) => string,
  ) {
    let text = open;
    entries.forEach(({ flag, text: fixed, hole }, i) => {
      if (i > 0) text += separator;
      if (hole === undefined) {
        text += fixed(flag);
        return;
      }
      this.fixed.push(text + hole);
      this.ruled.push(flag);
      text = '';
    });
    this.fixed.push(text + close);
  }

  for(context: EvaluationContext): string {
    const { fixed, ruled } = this;
    let out = fixed[0];
    for (let i = 0; i < ruled.length; i++) out += this.render(ruled[i], context) + fixed[i + 1];
    return out;
  }

  /**
   * `for(context)`, also adding to `hash` what identifies the text: the template's own digest, then each hole's
   * text after a newline (JSON text has none), so that two different texts never add the same input.
   */
  forHashed(context: EvaluationContext, hash: Hash): string {
    const { fixed, ruled } = this;
    hash.update(this.digest());
    let out = fixed[0];
    for (let i = 0; i < ruled.length; i++) {
      const text = this.render(ruled[i], context);
      hash.update('\n').update(text);
      out += text + fixed[i + 1];
    }
    return out;
  }

  private digested?: Buffer;

  /** sha256 of the fixed parts (each after a newline), made once. */
  private digest(): Buffer {
    if (!this.digested) {
      const hash = createHash('sha256');
      for (const part of this.fixed) hash.update('\n').update(part);
      this.digested = hash.digest();
    }
    return this.digested;
  }

  /** UTF-16 code units held (what a string costs, roughly, in V8). */
  get size(): number {
    let n = 0;
    for (const part of this.fixed) n += part.length;
    return n;
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
      return isStatic(flag)
        ? { flag, text: (f: RuntimeFlag) => name + JSON.stringify(evaluate(f, {})) }
        : { flag, text: () => '', hole: name };
    });
    this.template = new Template(entries, `{"data":{"version":${version},"flags":{`, ',', '}}}', (flag, context) =>
      JSON.stringify(evaluate(flag, context)),
    );
  }

  for(context: EvaluationContext): string {
    return this.template.for(context);
  }

  get size(): number {
    return this.template.size;
  }
}

/**
 * The `flags` array of an OFREP bulk answer for one key type, in key order: `[{"key":…,"value":…,"reason":…,
 * "variant":…,"metadata":{}},…]`, as JSON.stringify makes it.
 */
export class OfrepFlagsAnswer {
  private readonly template: Template;

  constructor(flags: readonly RuntimeFlag[]) {
    const entries = flags.map((flag) =>
      isStatic(flag) ? { flag, text: (f: RuntimeFlag) => ofrepFlag(f, {}) } : { flag, text: () => '', hole: '' },
    );
    this.template = new Template(entries, '[', ',', ']', ofrepFlag);
  }

  for(context: EvaluationContext): string {
    return this.template.for(context);
  }

  /** `for(context)`, adding to `hash` what identifies the text (see Template.forHashed): a digest without hashing the whole answer. */
  forHashed(context: EvaluationContext, hash: Hash): string {
    return this.template.forHashed(context, hash);
  }

  get size(): number {
    return this.template.size;
  }
}

function ofrepFlag(flag: RuntimeFlag, context: EvaluationContext): string {
  const result = evaluate(flag, context);
  return JSON.stringify({ key: flag.key, value: result.value, reason: result.reason, variant: result.variant, metadata: {} });
}
