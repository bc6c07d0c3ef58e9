// `npm run bench`: every scenario against the built service (dist/, or SUPERFLAG_DIST), each result printed beside
// its baseline and the ratio, and BENCHMARKS.md written with the machine, how to reproduce, and min/median/max.
//   npm run bench                      full: 3 runs per measurement; writes BENCHMARKS.md (only a full run of every scenario does)
//   npm run bench -- --quick           1 run, short loads, small scales; writes $TMPDIR/superflag-BENCHMARKS.quick.md
//   npm run bench -- --only=reads,streams   a subset; writes $TMPDIR/superflag-BENCHMARKS.only.md
//   --out=<file>                       where to write the report instead; --timeout=<s> per scenario
// A scenario module missing or failing becomes a "not measured" section; the others still run (exit code 1).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedSection, formatNumber, renderLine, renderSection, spread, type BenchOptions, type Section } from './report.mts';
import { READ_PAIRS, READ_SECONDS } from './reads.mts';
import { DIST, machineInfo, MAIN } from './support.mts';

interface Scenario {
  name: string;
  file: string;
  export: string;
  what: string;
}

/** In run order; `name` is what --only takes. */
const SCENARIOS: Scenario[] = [
  { name: 'reads', file: 'reads.mts', export: 'benchReads', what: 'config/evaluate/OFREP reads vs bare Fastify' },
  { name: 'writes', file: 'writes.mts', export: 'benchWrites', what: 'flag writes vs a bare pg transaction' },
  { name: 'propagation', file: 'propagation.mts', export: 'benchPropagation', what: 'write → visible on other replicas' },
  { name: 'streams', file: 'streams.mts', export: 'benchStreams', what: 'SSE fan-out to 10,000 streams' },
  { name: 'scale', file: 'scale.mts', export: 'benchScale', what: '10,000 environments, 1,000 flags' },
];

type ScenarioFn = (opts: BenchOptions) => Promise<Section[]>;

function parseArgs(argv: string[]) {
  const args = { quick: false, only: undefined as string[] | undefined, out: undefined as string | undefined, timeoutS: 0 };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice(7).split(',').filter(Boolean);
    else if (arg.startsWith('--out=')) args.out = arg.slice(6);
    else if (arg.startsWith('--timeout=')) args.timeoutS = Number(arg.slice(10));
    else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench -- [--quick] [--only=${SCENARIOS.map((s) => s.name).join(',')}] [--out=FILE] [--timeout=SECONDS]`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  const unknown = (args.only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return args;
}

/** This process's child processes (servers, baselines, clients a scenario started), by pid, from /proc (Linux). */
function children(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
  } catch {
    return 'exited';
  }
}

/** Stops what a scenario left running (it failed, timed out or leaked), so the next one has the machine. */
async function reapChildren(scenario: string): Promise<void> {
  const left = children();
  if (left.length === 0) return;
  const names = left.map((pid) => `${pid} (${commandOf(pid)})`);
  console.warn(`  ${scenario} left ${left.length} process(es) running: stopping ${names.join(', ')}`);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  await new Promise((r) => setTimeout(r, 3000));
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited on SIGTERM
    }
  }
}

async function runScenario(scenario: Scenario, opts: BenchOptions, timeoutS: number): Promise<Section[]> {
  const path = new URL(`./${scenario.file}`, import.meta.url);
  if (!existsSync(path)) return [failedSection(scenario.name, `Scenario missing: bench/${scenario.file} does not exist yet.`)];
  let fn: ScenarioFn | undefined;
  try {
    fn = (await import(path.href))[scenario.export];
  } catch (err) {
    return [failedSection(scenario.name, `Scenario failed to load: bench/${scenario.file}: ${message(err)}`)];
  }
  if (typeof fn !== 'function')
    return [failedSection(scenario.name, `Scenario missing: bench/${scenario.file} does not export a function ${scenario.export}.`)];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutS} s`)), timeoutS * 1000);
  });
  try {
    const sections = await Promise.race([fn(opts), timeout]);
    if (!Array.isArray(sections)) throw new Error(`${scenario.export} returned ${typeof sections}, not Section[]`);
    return sections;
  } catch (err) {
    return [failedSection(scenario.name, `Scenario failed: ${message(err)}`)];
  } finally {
    clearTimeout(timer);
    await reapChildren(scenario.name);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 500);

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** Hand-kept Markdown appended to the generated report (each file carries its own heading). */
const CARRIED = ['context.md', 'faults.md'];

function report(
  sections: { scenario: string; seconds: number; sections: Section[] }[],
  opts: BenchOptions,
  info: ReturnType<typeof context>,
): string {
  const m = info.machine;
  const all = sections.flatMap((s) => s.sections);
  const goals = all.flatMap((s) => s.rows.filter((r) => r.goal).map((r) => ({ section: s.title, row: r })));
  const out = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${opts.quick ? ' -- --quick' : ''}\` (bench/bench.mts) on ${info.started.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
      `from commit ${info.commit || 'unknown'}${info.dirty ? ' with local changes' : ''}, in ${(info.seconds / 60).toFixed(1)} min. ` +
      (opts.quick
        ? 'Quick mode: 1 run, short loads, small scales: a laptop check, not a record.'
        : `Each measurement was repeated ${opts.runs} times (${opts.seconds} s per load; the read rows: ${READ_PAIRS} pairs of ${READ_SECONDS} s loads); a result is the median, with min–max in parentheses, ` +
          'and a ratio is computed per run against the baseline measured in the same run.'),
    '',
    '## Machine',
    '',
    '| Cores | CPU | RAM | Node | PostgreSQL | Redis | Load average (1 min) at start → end |',
    '|---|---|---|---|---|---|---|',
    `| ${m.cores} | ${m.cpu} | ${m.ramGiB} GiB | ${m.node} | ${m.postgres} | ${m.redis} | ${info.loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)} |`,
    '',
    'PostgreSQL, Redis, the service (one Node process per replica, `dist/apps/api/src/main.js`), the baselines and the load ' +
      'generators all run on this machine, so the load generator competes with the service for the cores: the ratios ' +
      "compare the service with a baseline under the same conditions, the absolute figures are this machine's.",
    '',
    '## How to reproduce',
    '',
    '```sh',
    'npm run bench                           # build, then every scenario, 3 runs each: rewrites BENCHMARKS.md (≤ 10 min)',
    'npm run bench -- --quick                # 1 run, short loads, small scales (~3 min here): prints, writes $TMPDIR/superflag-BENCHMARKS.quick.md',
    `npm run bench -- --only=${SCENARIOS.map((s) => s.name).join(',')}   # a subset: writes $TMPDIR/superflag-BENCHMARKS.only.md`,
    'SUPERFLAG_DIST=/path/to/dist npx node bench/bench.mts --quick   # an existing build, no rebuild',
    '```',
    '',
    'Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; `BENCH_PG` to change) and Redis (`REDIS_URL`, default ' +
      'redis://127.0.0.1:6379); each scenario creates and drops its own databases and starts its own servers. ' +
      'The stream scenario holds 10,000 sockets: `ulimit -n` must be above ~10,500.',
    '',
    '## Summary',
    '',
    '| Scenario | Goal | Result | Met |',
    '|---|---|---|---|',
    ...goals.map(
      ({ section, row }) =>
        `| ${section}: ${row.name} | ${row.goal} | ${formatMedian(row.samples, row.unit, row.baselineSamples)} | ${row.pass === undefined ? '' : row.pass ? 'yes' : '**no**'} |`,
    ),
    ...all.filter((s) => s.failed).map((s) => `| ${s.title} | | ${s.description} | **no** |`),
    '',
    '| Scenario | Wall time |',
    '|---|---|',
    ...sections.map((s) => `| ${s.scenario} | ${s.seconds.toFixed(0)} s |`),
    '',
    ...all.map(renderSection),
  ];
  for (const file of CARRIED) {
    const path = new URL(`./${file}`, import.meta.url);
    if (existsSync(path)) out.push(readFileSync(path, 'utf8').trimEnd(), '');
  }
  return out.join('\n');
}

const formatMedian = (samples: number[], unit: string, baseline?: number[]) => {
  const s = spread(samples).median;
  const shown = Number.isFinite(s) ? `${formatNumber(s)} ${unit}` : formatNumber(s);
  return baseline ? `${shown}, ratio ${spread(samples.map((v, i) => v / baseline[i])).median.toFixed(2)}` : shown;
};

function context() {
  return {
    started: new Date(),
    seconds: 0,
    loadStart: loadavg()[0],
    machine: machineInfo(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(MAIN)) throw new Error(`${MAIN} not found: run \`npm run build\` first (or set SUPERFLAG_DIST to a build; now ${DIST})`);
  const opts: BenchOptions = args.quick ? { quick: true, runs: 1, seconds: 2 } : { quick: false, runs: 3, seconds: 5 };
  const timeoutS = args.timeoutS || (args.quick ? 180 : 420);
  const chosen = SCENARIOS.filter((s) => !args.only || args.only.includes(s.name));
  const info = context();
  const m = info.machine;
  console.log(`bench: ${args.quick ? 'quick' : 'full'} mode, ${opts.runs} run(s), ${chosen.map((s) => s.name).join(', ')}; server ${MAIN}`);
  console.log(
    `machine: ${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}, load ${info.loadStart.toFixed(2)}`,
  );

  const results: { scenario: string; seconds: number; sections: Section[] }[] = [];
  for (const scenario of chosen) {
    console.log(`\n== ${scenario.name} (${scenario.what})`);
    const t0 = performance.now();
    const sections = await runScenario(scenario, opts, timeoutS);
    const seconds = (performance.now() - t0) / 1000;
    results.push({ scenario: scenario.name, seconds, sections });
    for (const section of sections) {
      console.log(`-- ${section.title}${section.failed ? `: ${section.description}` : ''}`);
      for (const row of section.rows) console.log(`   ${renderLine(row)}`);
    }
    console.log(`   (${seconds.toFixed(0)} s)`);
  }
  info.seconds = (performance.now() - began) / 1000;

  const complete = !args.quick && !args.only;
  const out = args.out ?? (complete ? 'BENCHMARKS.md' : join(tmpdir(), `superflag-BENCHMARKS.${args.quick ? 'quick' : 'only'}.md`));
  writeFileSync(out, report(results, opts, info));
  console.log(`\nwrote ${out} (${info.seconds.toFixed(0)} s in all)`);
  const failed = results.flatMap((r) => r.sections).filter((s) => s.failed);
  if (failed.length) console.log(`not measured: ${failed.map((s) => s.title.replace(/: not measured$/, '')).join(', ')}`);
  // Exit even if a scenario that timed out left a handle behind (its processes are stopped first).
  await reapChildren('bench');
  process.exit(failed.length ? 1 : 0);
}

// A scenario that timed out keeps running until its servers are stopped under it; what it then throws is no news.
process.on('unhandledRejection', (err) => console.warn(`  (late failure, ignored: ${message(err)})`));

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
