/**
 * The page of the browser test (test/ofrep-browser.e2e-spec.ts), bundled with esbuild at test time: the real
 * OpenFeature web SDK and OFREP web provider, used as an application would, plus what the test reads back
 * (`window.ofrep`): flag values, the provider's status and events, and the EventSource connections opened.
 */
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { type EvaluationContext, OpenFeature, ProviderEvents } from '@openfeature/web-sdk';

interface Seen {
  event: string;
  at: number;
  /** The client's provider status as the handler saw it. */
  status: string;
  message?: string;
  flagsChanged?: string[];
}

const seen: Seen[] = [];
const sse = { opened: 0, errors: 0 };

/** The little of the DOM this page touches (the repository's TypeScript settings are Node's, without the DOM library). */
interface EventSourceLike {
  addEventListener(type: string, listener: () => void): void;
}
type EventSourceClass = new (url: string | URL, init?: unknown) => EventSourceLike;
const page = globalThis as unknown as { EventSource: EventSourceClass; ofrep: unknown };

// Counts the provider's EventSource connections (it uses the global constructor) without changing what they do.
const NativeEventSource = page.EventSource;
page.EventSource = class extends NativeEventSource {
  constructor(url: string | URL, init?: unknown) {
    super(url, init);
    this.addEventListener('open', () => sse.opened++);
    this.addEventListener('error', () => sse.errors++);
  }
};

for (const event of [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.Stale, ProviderEvents.ConfigurationChanged]) {
  OpenFeature.addHandler(event, (details) =>
    seen.push({
      event,
      at: Date.now(),
      status: OpenFeature.getClient().providerStatus,
      message: details?.message,
      flagsChanged: (details as { flagsChanged?: string[] } | undefined)?.flagsChanged,
    }),
  );
}

const ofrep = {
  seen,
  sse,
  /** The README's snippet, with polling explicitly off: changes can only come through the event stream. */
  async start(baseUrl: string, key: string, context: EvaluationContext): Promise<string> {
    const provider = new OFREPWebProvider({ baseUrl, headers: [['Authorization', `Bearer ${key}`]], pollInterval: 0 });
    try {
      await OpenFeature.setProviderAndWait(provider, context);
      return 'ok';
    } catch (err) {
      return `failed: ${String(err)}`;
    }
  },
  status: () => OpenFeature.getClient().providerStatus,
  boolean: (flag: string, fallback: boolean) => OpenFeature.getClient().getBooleanDetails(flag, fallback),
  string: (flag: string, fallback: string) => OpenFeature.getClient().getStringDetails(flag, fallback),
  setContext: (context: EvaluationContext) => OpenFeature.setContext(context),
};

page.ofrep = ofrep;
export type OfrepPage = typeof ofrep;
