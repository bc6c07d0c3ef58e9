import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium (CI installs it with apt when missing); puppeteer-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** No sandbox (containers), no GPU, and nothing that reaches the network on its own: the machine's network is closed. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm 64 MB, which chromium outgrows; /tmp instead.
  '--disable-dev-shm-usage',
];

/** Bundles a page's script and its npm dependencies (esbuild, at test time) into one IIFE for a <script> tag. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export interface StaticSite {
  /** Origin and path of the page, e.g. http://127.0.0.1:41234/ (another origin than the app's: another port). */
  url: string;
  close: () => Promise<void>;
}

/** A tiny HTTP server for one page: `/` is the HTML, `/page.js` the script. */
export async function servePage(script: string, title = 'test page'): Promise<StaticSite> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><script src="/page.js"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Chromium {
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * Headless Debian chromium on a fresh profile. Fails (never skips) when chromium is missing: the browser tests are
 * the proof that browsers work.
 */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'superflag-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
