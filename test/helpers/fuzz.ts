/**
 * Property-based robustness tests (fast-check): generators of TS/JS programs built from the call shapes
 * of the rule fixtures, mutations of the fixtures, and the invariants every run must satisfy.
 *
 * Counts: `TRACEWIRE_FUZZ_RUNS` cases per property (the default suite runs a few hundred; `npm run
 * test:fuzz` runs thousands). Seed: `TRACEWIRE_FUZZ_SEED` (a number, or `random`); fixed by default so
 * a failure in the default suite reproduces. fast-check prints the seed and the shrunk counterexample.
 */

import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import ts = require('typescript');
import { rulesById } from '../../rules/index.js';
import { loadConfig, resolveConfig, type ResolvedConfig } from '../../src/config/load.js';
import { parseErrorOf, parseSource } from '../../src/engine/analyze-file.js';
import { ProjectCache } from '../../src/engine/project-cache.js';
import { decodeSource, enabledRules, run } from '../../src/engine/run.js';
import { applyEdits } from '../../src/codemod/text.js';
import type { RunResult } from '../../src/engine/types.js';
import { FIXTURES } from './fixtures.js';
import { registry } from '../../rules/registry.js';

export const FUZZ_RUNS = Number(process.env.TRACEWIRE_FUZZ_RUNS) || 150;
/** Time allowed to a property test: about a second per case at worst (cases take ~0.1 s). */
export const FUZZ_TIMEOUT = Math.max(60_000, FUZZ_RUNS * 1000);

/**
 * How often a case also goes through the other modes (worker threads, the cache, the editor): every case
 * in `npm run test:fuzz`, every fifth in the default suite (worker threads take a while to start).
 */
export const DIFFERENTIAL_EVERY = process.env.TRACEWIRE_FUZZ_DIFFERENTIAL ? Number(process.env.TRACEWIRE_FUZZ_DIFFERENTIAL) : FUZZ_RUNS >= 1000 ? 1 : 5;
let differentialCount = 0;

/**
 * Differential check: the findings and errors of a run are the same with 2 worker threads, with `--cache`
 * (written, then read), and in the editor (the ESLint adapter's `ProjectCache`, file by file).
 */
export async function checkModes(dir: string, files: string[], first: RunResult): Promise<void> {
  const want = JSON.stringify({ findings: first.findings, errors: first.errors });
  const show = (r: RunResult) => JSON.stringify({ findings: r.findings, errors: r.errors });
  const workers = await run({ registry, cwd: dir, files, config: configFor(dir), workers: 2 });
  if (show(workers) !== want) throw new Error(`--workers 2 differs from --workers 0:\n0: ${want}\n2: ${show(workers)}`);
  const cacheFile = path.join(dir, '..', `${path.basename(dir)}.tracewirecache`);
  try {
    for (const pass of ['cold', 'warm']) {
      const cached = await run({ registry, cwd: dir, files, config: configFor(dir), cacheFile });
      if (show(cached) !== want) throw new Error(`--cache (${pass}) differs:\nwithout: ${want}\nwith: ${show(cached)}`);
    }
  } finally {
    fs.rmSync(cacheFile, { force: true });
  }
  // The editor: each file checked on its own text, the rest of the project from disk.
  const config = configFor(dir);
  const editor = new ProjectCache({ registry, root: dir, config, persist: false });
  const rules = enabledRules(config, registry);
  const errored = new Set(first.errors.map((e) => e.file));
  for (const f of files) {
    const rel = path.relative(dir, f).split(path.sep).join('/');
    const decoded = decodeSource(fs.readFileSync(f));
    if (!decoded || errored.has(rel)) continue;
    const got = editor.checkFile({ file: f, text: decoded.text, rules }).findings.map(({ data: _data, ...rest }) => rest);
    const exp = first.findings.filter((x) => x.file === rel);
    if (JSON.stringify(got) !== JSON.stringify(exp)) throw new Error(`the editor differs on ${rel}:\nCLI: ${JSON.stringify(exp)}\neditor: ${JSON.stringify(got)}`);
  }
}

export function fuzzParams(defaultSeed: number): fc.Parameters<unknown> {
  const env = process.env.TRACEWIRE_FUZZ_SEED;
  const seed = env === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : env ? Number(env) : defaultSeed;
  return { numRuns: FUZZ_RUNS, seed, endOnFailure: false, verbose: 1 };
}

// ------------------------------------------------------------------ the corpus: the rule fixtures

const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface CorpusFile {
  /** Path relative to `fixtures/rules`. */
  rel: string;
  text: string;
  /** Top-level import declarations and `require` bindings, as written. */
  imports: string[];
  /** Statements found at any depth (not imports, not declarations of whole functions/classes). */
  statements: string[];
}

export interface CorpusCase {
  /** Path relative to `fixtures/rules`: a file, or a directory holding a small project. */
  rel: string;
  files: { rel: string; bytes: Buffer }[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function isRequireStatement(st: ts.Statement): boolean {
  if (!ts.isVariableStatement(st)) return false;
  return st.declarationList.declarations.some((d) => {
    let init = d.initializer;
    while (init && (ts.isPropertyAccessExpression(init) || ts.isCallExpression(init))) {
      if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require') return true;
      init = init.expression;
    }
    return false;
  });
}

function extract(rel: string, text: string): CorpusFile {
  const sf = parseSource(rel, text);
  const imports: string[] = [];
  const statements: string[] = [];
  const slice = (n: ts.Node) => text.slice(n.getStart(sf), n.end);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st) || isRequireStatement(st)) imports.push(slice(st));
  }
  const visit = (n: ts.Node) => {
    if (ts.isExpressionStatement(n) || ts.isVariableStatement(n) || ts.isReturnStatement(n) || ts.isThrowStatement(n)) {
      if (!isRequireStatement(n as ts.Statement)) statements.push(slice(n).replace(/^export\s+/, ''));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { rel, text, imports, statements };
}

let corpusCache: { files: CorpusFile[]; cases: CorpusCase[] } | undefined;

/** Every source file of `fixtures/rules`, and every fixture case (a file or a project directory). */
export function corpus(): { files: CorpusFile[]; cases: CorpusCase[] } {
  if (corpusCache) return corpusCache;
  const root = path.join(FIXTURES, 'rules');
  const files: CorpusFile[] = [];
  const cases: CorpusCase[] = [];
  for (const ruleDir of fs.readdirSync(root).sort()) {
    const dir = path.join(root, ruleDir);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const members = fs.statSync(p).isDirectory() ? walk(p) : [p];
      const caseFiles = members.filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => ({ rel: path.relative(p, f) || name, bytes: fs.readFileSync(f) }));
      // A case the mutations can reach has a source file to mutate (observability cases may hold only YAML and JSON).
      if (caseFiles.some((f) => SOURCE_RE.test(f.rel))) cases.push({ rel: path.relative(root, p), files: caseFiles });
      for (const f of members) if (SOURCE_RE.test(f) && !/\.d\.[cm]?ts$/.test(f)) files.push(extract(path.relative(root, f), fs.readFileSync(f, 'utf8')));
    }
  }
  corpusCache = { files: files.filter((f) => f.statements.length > 0), cases };
  return corpusCache;
}

// ------------------------------------------------------------------ generated programs

/** Catalog extensions of the configuration, pointing at the generated files and at SDK exports. */
function catalogExtensionArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const ref = fc.constantFrom('./src/m0#handler', './src/m1#client', './src/m0#default', './src/m2#run', 'openai#OpenAI', 'openai#default', 'ai#generateText', '@acme/llm#call', '@acme/llm#clients.openai.create', './src/m0#Service.prototype.run', '@anthropic-ai/sdk#default');
  const type = fc.constantFrom('openai.Client', 'anthropic.Client', 'ai.Model', 'no.such.Type', 'langchain.ChatModel');
  const sdks = fc.array(fc.constantFrom('openai', 'anthropic', 'ai', 'langchain', 'groq'), { maxLength: 3 });
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return fc
    .record({
      wrappers: fc.array(fc.record({ function: ref, arg: maybe(fc.nat(4)), sdks: maybe(sdks) }).map(strip), { maxLength: 2 }),
      scopes: fc.array(fc.record({ function: ref, callbackArg: maybe(fc.oneof(fc.nat(3), fc.constantFrom('last' as const, 'any' as const))) }).map(strip), { maxLength: 2 }),
      decorators: fc.array(fc.record({ decorator: ref }), { maxLength: 2 }),
      globals: fc.array(fc.record({ function: ref, covers: fc.array(fc.constantFrom('openai', 'anthropic', 'ai', 'groq'), { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
      clients: fc.array(fc.oneof(fc.record({ factory: ref, type }), fc.record({ class: ref, type })), { maxLength: 2 }),
      sites: fc.array(
        fc.oneof(
          fc.record({ function: ref, kind: fc.constantFrom('llm-call' as const, 'task-execution' as const, 'kickoff' as const) }),
          fc.record({ class: ref, methods: fc.array(fc.constantFrom('run', 'invoke', 'constructor', 'toString', '__proto__', 'then'), { minLength: 1, maxLength: 3 }), kind: fc.constantFrom('llm-call' as const, 'task-execution' as const, 'kickoff' as const) }),
        ),
        { maxLength: 2 },
      ),
    })
    .map((ext) => Object.fromEntries(Object.entries(ext).filter(([, v]) => (v as unknown[]).length > 0)));
}

let configsCache: { rel: string; bytes: Buffer }[][] | undefined;

/** The configurations of the fixture projects, each with the other non-source files it may refer to. */
function fixtureConfigs(): { rel: string; bytes: Buffer }[][] {
  if (configsCache) return configsCache;
  configsCache = corpus()
    .cases.filter((c) => c.files.some((f) => f.rel === 'tracewire.config.json'))
    .map((c) => c.files.filter((f) => !SOURCE_RE.test(f.rel) && f.rel !== 'package.json'));
  return configsCache;
}

/** A choice stream: deterministic picks from the integers fast-check generated. */
class Picks {
  private i = 0;
  constructor(private readonly xs: number[]) {}
  next(n: number): number {
    if (n <= 1) return 0;
    const x = this.xs.length ? this.xs[this.i++ % this.xs.length]! : 0;
    return x % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.next(list.length)]!;
  }
  chance(percent: number): boolean {
    return this.next(100) < percent;
  }
}

/**
 * Rewrite the call shapes of a statement, one edit at a time: optional chaining, computed members
 * (literal and dynamic), spread arguments, parenthesised and comma-sequenced callees, `await`, aliases
 * of the receiver, `.call`/`.bind`.
 */
export function rewriteCalls(stmt: string, picks: Picks, rounds: number, uid: () => number): string {
  let text = stmt;
  const pre: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const sf = ts.createSourceFile('s.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const calls: ts.CallExpression[] = [];
    const members: ts.PropertyAccessExpression[] = [];
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n)) calls.push(n);
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.name)) members.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sf);
    if (!calls.length && !members.length) break;
    const edit = (start: number, end: number, insert: string) => {
      text = text.slice(0, start) + insert + text.slice(end);
    };
    const useCall = calls.length && (!members.length || picks.chance(50));
    if (useCall) {
      const c = picks.pick(calls);
      const callee = c.expression;
      const cs = callee.getStart(sf);
      const ce = callee.end;
      const calleeText = text.slice(cs, ce);
      const args = c.arguments;
      switch (picks.next(8)) {
        case 0: // f?.(x)
          if (!c.questionDotToken && callee.kind !== ts.SyntaxKind.SuperKeyword && callee.kind !== ts.SyntaxKind.ImportKeyword) edit(ce, ce, '?.');
          break;
        case 1: // (f)(x)
          edit(cs, ce, `(${calleeText})`);
          break;
        case 2: // (0, f)(x)
          if (ts.isPropertyAccessExpression(callee)) edit(cs, ce, `(0, ${calleeText})`);
          break;
        case 3: // f(...[x])
          if (args.length) edit(args.pos, args.end, `...[${text.slice(args.pos, args.end)}]`);
          break;
        case 4: // f({ ...base, ...x }) for an object argument
          if (args[0] && ts.isObjectLiteralExpression(args[0])) {
            const a = args[0];
            edit(a.getStart(sf), a.end, `{ ...defaults${uid()}, ...${text.slice(a.getStart(sf), a.end)} }`);
          }
          break;
        case 5: // await f(x)
          edit(c.getStart(sf), c.getStart(sf), 'await ');
          break;
        case 6: // f.call(this, x) / f.bind(x)(...)
          if (ts.isPropertyAccessExpression(callee)) {
            if (picks.chance(50)) edit(cs, c.end, `${calleeText}.call(${text.slice(callee.expression.getStart(sf), callee.expression.end)}${args.length ? ', ' : ''}${text.slice(args.pos, args.end)})`);
            else edit(cs, ce, `${calleeText}.bind(${text.slice(callee.expression.getStart(sf), callee.expression.end)})`);
          }
          break;
        default: {
          // Alias the receiver: `const alias = a.b; alias.c(x)`.
          if (ts.isPropertyAccessExpression(callee)) {
            const recv = callee.expression;
            const alias = `alias${uid()}`;
            pre.push(`const ${alias} = ${text.slice(recv.getStart(sf), recv.end)};`);
            edit(recv.getStart(sf), recv.end, alias);
          }
        }
      }
    } else {
      const m = picks.pick(members);
      const dot = m.questionDotToken ? m.questionDotToken.end : m.name.getStart(sf) - 1;
      const name = m.name.text;
      switch (picks.next(4)) {
        case 0: // a?.b
          if (!m.questionDotToken) edit(dot, dot, '?');
          break;
        case 1: // a['b']
          if (!m.questionDotToken) edit(dot, m.name.end, `['${name}']`);
          break;
        case 2: // a[key] (unknown member)
          if (!m.questionDotToken) edit(dot, m.name.end, `[key${uid()}]`);
          break;
        default: // a!.b (TS only; a parse error in JS files, which is a valid case too)
          edit(m.expression.end, m.expression.end, '!');
      }
    }
  }
  return [...pre, text].join('\n');
}

type Wrap = (body: string, p: Picks, uid: () => number, jsx: boolean) => string;

const indent = (s: string) => s.replace(/^/gm, '  ');

/** The contexts a fixture statement is put in. */
const WRAPS: Wrap[] = [
  (b) => b,
  (b, _p, u) => `async function fn${u()}(client, input, ...rest) {\n${indent(b)}\n}`,
  (b, _p, u) => `function* gen${u()}(input) {\n${indent(b)}\n  yield input;\n}`,
  (b, _p, u) => `async function* stream${u()}(input) {\n${indent(b)}\n  yield* [input];\n}`,
  (b, _p, u) => `export const handler${u()} = async ({ client, input } = {}) => {\n${indent(b)}\n};`,
  (b, p, u) => `class Service${u()} extends Base {\n  ${p.pick(['@traceable({ name: "x" })', '@observe()', '@Trace()', '@Injectable()', '@log'])}\n  async ${p.pick(['run', 'handle', '#private', 'static call', 'get value'])}(input) {\n${indent(indent(b))}\n  }\n  field = async () => {\n${indent(indent(b))}\n  };\n}`,
  (b) => `tracer.startActiveSpan('chat gpt-4o', async (span) => {\n  try {\n${indent(indent(b))}\n  } catch (err) {\n    span.recordException(err);\n    throw err;\n  } finally {\n    span.end();\n  }\n});`,
  (b, _p, u) => `export const traced${u()} = traceable(async (input) => {\n${indent(b)}\n}, { name: 'step' });`,
  (b) => `if (process.env.FLAG) {\n${indent(b)}\n} else if (input?.x) {\n  void 0;\n} else {\n${indent(b)}\n}`,
  (b) => `try {\n${indent(b)}\n} catch {\n  // ignore\n} finally {\n  cleanup();\n}`,
  (b) => `for await (const item of items) {\n${indent(b)}\n  if (item) continue;\n}`,
  (b) => `for (let i = 0, n = xs.length; i < n; i++) {\n${indent(b)}\n}`,
  (b) => `switch (kind) {\n  case 'a': {\n${indent(indent(b))}\n    break;\n  }\n  default:\n${indent(indent(b))}\n}`,
  (b, _p, u) => `label${u()}: {\n${indent(b)}\n}`,
  (b, _p, u) => `const handlers${u()} = {\n  async run(input) {\n${indent(indent(b))}\n  },\n  [dynamicKey]: async () => {\n${indent(indent(b))}\n  },\n  ...others,\n};`,
  (b, _p, u) => `module.exports.task${u()} = async function named(input) {\n${indent(b)}\n};`,
  (b, _p, u) => `exports.job${u()} = async (input) => {\n${indent(b)}\n};`,
  (b) => `export default async function (input) {\n${indent(b)}\n}`,
  (b) => `(async () => {\n${indent(b)}\n})().catch((err) => console.error(err));`,
  (b) => `promise.then(async (value) => {\n${indent(b)}\n}, (err) => {\n  span.setStatus({ code: SpanStatusCode.ERROR });\n});`,
  (b, _p, u) => `const memo${u()} = useCallback(async () => {\n${indent(b)}\n}, []);`,
  (b, p, u, jsx) =>
    jsx
      ? `export function View${u()}({ items }) {\n  return (\n    <Form onSubmit={async (e) => {\n${indent(indent(indent(b)))}\n    }}>\n      {items.map((i) => <Item key={i.id} {...i} />)}\n      <>{${p.pick(['"text"', 'null', 'items.length'])}}</>\n    </Form>\n  );\n}`
      : `function view(h) {\n${indent(b)}\n}`,
];

/** Odd but valid syntax mixed in between the fixture statements (TS-only forms fail to parse in JS files). */
const NOISE = [
  'const re = /\\/\\/ tracewire-disable-next-line require-llm-tracing -- not a comment/g;',
  'const tpl = `// tracewire-disable require-llm-tracing -- in a template ${`/* nested */`}`;',
  'const tagged = sql`select ${1} /* tracewire-enable */`;',
  'enum Kind { A = 1, B = A << 1, C = "c".length }',
  'namespace NS { export const client = new OpenAI(); }',
  'declare module "openai" { interface X { y: string } }',
  'abstract class Base { abstract run(): Promise<void>; static { init(); } #secret = 1; get value() { return this.#secret; } }',
  'function overload(a: string): void;\nfunction overload(a: any) { return a; }',
  'const meta = import.meta.url, target = typeof new.target;',
  'outer: for (const a of xs) { inner: for (const b of a) { if (b) continue outer; else break inner; } }',
  'using res = getResource();',
  'const { a = 1, b: { c } = {}, ...restProps } = props ?? {};',
  'const [first, , third = 3, ...others] = list;',
  'let x: Array<Map<string, Set<number>>> | undefined = void 0 as unknown as undefined;',
  'x ??= y ||= z &&= w;',
  'const big = 123_456n ** 2n, hex = 0xffn, exp = 1e-7;',
  'if (a) b(); else if (c) d(); else { e(); }',
  'do { i++; } while (i < 10);',
  'with (obj) { run(); }',
  'const arrow = async <T,>(v: T): Promise<T> => v;',
  'export type { Foo } from "./types";',
  'import json from "./data.json" with { type: "json" };',
  'const o = { __proto__: null, "quoted-key": 1, [Symbol.iterator]: function* () {}, async *gen() {}, get g() { return 1; }, set s(v) {} };',
  '/* tracewire-disable require-llm-tracing -- legacy module, traced by the gateway */',
  '/* tracewire-enable require-llm-tracing */',
  '// tracewire-disable-next-line require-llm-tracing, no-unbounded-metric-labels -- batch job',
  '// tracewire-disable-next-line no-such-rule -- typo',
  '// tracewire-disable-next-line require-llm-tracing',
  '/* tracewire-disable */',
  '#!/usr/bin/env node',
  '\u0063lient.chat.completions.create({ model: "m", messages: [] });',
  'client.chat.completions.create({ model: "m", messages: [] }) /* trailing */ // and more',
  'const { chat: { completions } } = client; completions.create({ model: "m", messages: [] });',
  'const create = client.chat.completions.create.bind(client.chat.completions); create({});',
  'new (class extends OpenAI {})().chat.completions.create({});',
  'eval("client.chat.completions.create({})"); new Function("return 1")();',
];

export interface GeneratedProject {
  files: { rel: string; text: string }[];
  packageJson?: Record<string, unknown>;
  /** A configuration taken from a fixture (catalog extensions, rule options, a tracing schema). */
  config?: { rel: string; bytes: Buffer }[];
}

const EXTENSIONS = ['ts', 'ts', 'ts', 'tsx', 'js', 'js', 'jsx', 'mjs', 'cjs', 'mts', 'cts'];

const VERSIONS: Record<string, string[]> = {
  ai: ['^4.3.0', '^5.0.0', '^6.0.0', '^7.0.0', 'latest', 'workspace:*'],
  openai: ['^4.0.0', '^5.0.0', '^7.0.0'],
  '@anthropic-ai/sdk': ['^0.100.0', '^0.140.0', '^1.0.0'],
  '@langchain/core': ['^0.3.0', '^1.0.0'],
  langsmith: ['^0.3.0'],
};

/** A small project: 1-3 files of fixture statements in random contexts, importing each other. */
export function projectArbitrary(): fc.Arbitrary<GeneratedProject> {
  const { files } = corpus();
  const fileArb = fc.record({
    sources: fc.array(fc.nat(files.length - 1), { minLength: 1, maxLength: 3 }),
    items: fc.array(
      fc.record({
        stmts: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        wraps: fc.array(fc.nat(WRAPS.length - 1), { maxLength: 4 }),
        rewrite: fc.nat(4),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    ext: fc.constantFrom(...EXTENSIONS),
    picks: fc.array(fc.nat(), { minLength: 8, maxLength: 64 }),
    crossImports: fc.array(fc.nat(5), { maxLength: 3 }),
  });
  return fc
    .record({
      files: fc.array(fileArb, { minLength: 1, maxLength: 3 }),
      versions: fc.array(fc.tuple(fc.constantFrom(...Object.keys(VERSIONS)), fc.nat()), { maxLength: 4 }),
      withPackageJson: fc.boolean(),
      config: fc.nat(),
      extension: fc.option(catalogExtensionArbitrary(), { freq: 3 }),
    })
    .map(({ files: specs, versions, withPackageJson, config, extension }) => {
      let n = 0;
      const uid = () => ++n;
      const names = specs.map((s, i) => `src/m${i}.${s.ext}`);
      const out = specs.map((spec, fi) => {
        const picks = new Picks(spec.picks);
        const jsx = spec.ext === 'tsx' || spec.ext === 'jsx';
        const sources = spec.sources.map((i) => files[i]!);
        const imports = [...new Set(sources.flatMap((s) => s.imports))];
        const pool = sources.flatMap((s) => s.statements);
        const lines: string[] = [...imports];
        // Cross-file imports and re-exports, cycles included.
        for (const c of spec.crossImports) {
          const other = names[c % names.length]!.replace(/^src\//, './').replace(/\.[cm]?[jt]sx?$/, '');
          lines.push(
            [
              `import { client as importedClient${uid()} } from '${other}';`,
              `export * from '${other}';`,
              `const mod${uid()} = require('${other}');`,
              `import def${uid()}, * as ns${uid()} from '${other}';`,
              `export { handler as reexported${uid()} } from '${other}';`,
              `const lazy${uid()} = await import('${other}');`,
            ][c]!,
          );
        }
        for (const item of spec.items) {
          const stmts = item.stmts.map((s) => (s % 7 === 6 ? NOISE[(s >> 3) % NOISE.length]! : pool[s % pool.length]!));
          let body = stmts.map((st) => rewriteCalls(st, picks, item.rewrite, uid)).join('\n');
          for (const w of item.wraps) body = WRAPS[w]!(body, picks, uid, jsx);
          lines.push(body);
        }
        if (picks.chance(30)) lines.push(`module.exports = { ${['client', 'handler', 'run'].slice(0, 1 + picks.next(3)).join(', ')} };`);
        if (picks.chance(30)) lines.push(`export { client, handler as default };`);
        return { rel: names[fi]!, text: lines.join('\n') + '\n' };
      });
      const deps: Record<string, string> = {};
      for (const [pkg, v] of versions) deps[pkg] = VERSIONS[pkg]![v % VERSIONS[pkg]!.length]!;
      const configs = fixtureConfigs();
      return {
        files: out,
        packageJson: withPackageJson ? { name: 'fuzz-app', version: '1.0.0', dependencies: deps } : undefined,
        config: extension
          ? [{ rel: 'tracewire.config.json', bytes: Buffer.from(JSON.stringify({ catalog: extension })) }]
          : config % 3 === 0 && configs.length
            ? configs[(config >> 2) % configs.length]
            : undefined,
      };
    });
}

// ------------------------------------------------------------------ mutations of the fixtures

export type Mutation =
  | { k: 'truncate'; at: number }
  | { k: 'deleteTokens'; at: number; count: number }
  | { k: 'duplicateTokens'; at: number; count: number }
  | { k: 'insertBytes'; at: number; bytes: Uint8Array }
  | { k: 'replaceChar'; at: number; ch: string }
  | { k: 'swapLines'; a: number; b: number }
  | { k: 'lineEndings'; style: 'crlf' | 'cr' | 'mixed' | 'ls' }
  | { k: 'bom' };

export function mutationArbitrary(): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const special = fc.constantFrom('\u2028', '\u2029', '\r', '\n', '\uFEFF', '\uD800', '\uDC00', '`', '${', '/*', '*/', '//', '"', "'", '{', '}', '(', ')', '<', '>', '@', '#', '\\', '\u00A0', '\u200B', '\0', '?.', '...', '=>');
  return fc.oneof(
    fc.record({ k: fc.constant('truncate' as const), at }),
    fc.record({ k: fc.constant('deleteTokens' as const), at, count: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ k: fc.constant('duplicateTokens' as const), at, count: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ k: fc.constant('insertBytes' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ k: fc.constant('replaceChar' as const), at, ch: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })) }),
    fc.record({ k: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ k: fc.constant('lineEndings' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'mixed' as const, 'ls' as const) }),
    fc.record({ k: fc.constant('bom' as const) }),
  );
}

function tokenSpans(text: string): [number, number][] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.JSX, text);
  const out: [number, number][] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken && out.length < 200_000; k = scanner.scan()) {
    if (k === ts.SyntaxKind.WhitespaceTrivia || k === ts.SyntaxKind.NewLineTrivia) continue;
    out.push([scanner.getTokenStart(), scanner.getTokenEnd()]);
  }
  return out;
}

export function mutate(bytes: Buffer, m: Mutation): Buffer {
  const text = bytes.toString('utf8');
  const str = (s: string) => Buffer.from(s, 'utf8');
  switch (m.k) {
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'insertBytes': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'deleteTokens':
    case 'duplicateTokens': {
      const toks = tokenSpans(text);
      if (!toks.length) return bytes;
      const i = m.at % toks.length;
      const j = Math.min(toks.length - 1, i + m.count - 1);
      const [s] = toks[i]!;
      const [, e] = toks[j]!;
      return m.k === 'deleteTokens' ? str(text.slice(0, s) + text.slice(e)) : str(text.slice(0, e) + ' ' + text.slice(s, e) + text.slice(e));
    }
    case 'replaceChar': {
      const at = m.at % (text.length + 1);
      // Written back as UTF-16 → UTF-8: lone surrogates become U+FFFD, which is fine.
      return str(text.slice(0, at) + m.ch + text.slice(at + 1));
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return str(lines.join('\n'));
    }
    case 'lineEndings': {
      if (m.style === 'crlf') return str(text.replace(/\r?\n/g, '\r\n'));
      if (m.style === 'cr') return str(text.replace(/\r?\n/g, '\r'));
      if (m.style === 'ls') return str(text.replace(/\n/g, '\u2028'));
      let i = 0;
      return str(text.replace(/\r?\n/g, () => ['\n', '\r\n', '\r', '\n\r'][i++ % 4]!));
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  }
}

// ------------------------------------------------------------------ running and the invariants

export function writeProject(dir: string, files: { rel: string; bytes: Buffer | string }[]): string[] {
  const abs: string[] = [];
  for (const f of files) {
    const p = path.join(dir, f.rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.bytes);
    if (SOURCE_RE.test(f.rel) && !/\.d\.[cm]?ts$/.test(f.rel)) abs.push(p);
  }
  return abs.sort();
}

export function configFor(dir: string): ResolvedConfig {
  return fs.existsSync(path.join(dir, 'tracewire.config.json'))
    ? loadConfig({ cwd: dir, configFile: 'tracewire.config.json', rules: rulesById })
    : resolveConfig({}, undefined, rulesById, '', dir);
}

function lines(text: string): string[] {
  // The line terminators of ECMAScript, which are TypeScript's (and ESLint's) for line numbers.
  return text.split(/\r\n|[\r\n\u2028\u2029]/);
}

function checkPosition(what: string, ls: string[], p: { line: number; column: number; endLine: number; endColumn: number }): void {
  const ok = (line: number, col: number) => Number.isInteger(line) && Number.isInteger(col) && line >= 1 && line <= ls.length && col >= 1 && col <= ls[line - 1]!.length + 1;
  if (!ok(p.line, p.column)) throw new Error(`${what}: start ${p.line}:${p.column} is outside the file (${ls.length} lines)`);
  if (!ok(p.endLine, p.endColumn)) throw new Error(`${what}: end ${p.endLine}:${p.endColumn} is outside the file (${ls.length} lines)`);
  if (p.endLine < p.line || (p.endLine === p.line && p.endColumn < p.column)) throw new Error(`${what}: end ${p.endLine}:${p.endColumn} is before start ${p.line}:${p.column}`);
}

const ERROR_MESSAGE = /^(parse error at \d+:\d+: |skipped: |cannot read file: )/;

function strip(r: RunResult): Omit<RunResult, 'durationMs'> {
  const { durationMs: _d, ...rest } = r;
  return rest;
}

/**
 * Run the engine twice over the files of `dir` and check the invariants: it ends without throwing,
 * positions lie inside the files, fix edits inside the text, an unparseable file is reported in `errors`
 * (with a message, never a stack trace) and has no finding, and both runs agree.
 */
export async function checkProject(dir: string, files: string[]): Promise<RunResult> {
  const config = configFor(dir);
  const first = await run({ registry, cwd: dir, files, config });
  const second = await run({ registry, cwd: dir, files, config: configFor(dir) });
  const a = JSON.stringify(strip(first));
  const b = JSON.stringify(strip(second));
  if (a !== b) throw new Error(`two runs differ:\n${a}\n${b}`);
  // The prefilter (prescan.ts) skips only files with nothing to find: without it, every file is
  // analysed, and the findings and sites are the same. Its only other effect: a file it skips is not
  // parsed, so a syntax error there is not reported.
  const all = await withoutPrefilter(() => run({ registry, cwd: dir, files, config: configFor(dir) }));
  const c = JSON.stringify({ findings: all.findings, sites: all.sites });
  if (c !== JSON.stringify({ findings: first.findings, sites: first.sites })) throw new Error(`the prefilter changes the result:\nwith: ${a}\nwithout: ${JSON.stringify(strip(all))}`);
  const kept = new Set(first.errors.map((e) => `${e.file}\0${e.message}`));
  for (const e of first.errors) if (!all.errors.some((x) => x.file === e.file && x.message === e.message)) throw new Error(`error only with the prefilter: ${JSON.stringify(e)}`);
  for (const e of all.errors) {
    if (kept.has(`${e.file}\0${e.message}`)) continue;
    if (!/^parse error at |^skipped: the file nests too deeply/.test(e.message)) throw new Error(`the prefilter hides an error that is not about syntax: ${JSON.stringify(e)}`);
  }

  const texts = new Map<string, string>();
  for (const f of files) {
    const decoded = decodeSource(fs.readFileSync(f));
    if (decoded) texts.set(path.relative(dir, f).split(path.sep).join('/'), decoded.text);
  }
  const errored = new Set(first.errors.map((e) => e.file));
  const erroredWithout = new Set(all.errors.map((e) => e.file));
  for (const e of first.errors) {
    if (!ERROR_MESSAGE.test(e.message)) throw new Error(`unexpected error for ${e.file}: ${e.message}`);
    if (/\n\s+at /.test(e.message)) throw new Error(`stack trace in an error: ${e.message}`);
  }
  for (const [file, text] of texts) {
    const problem = parseErrorOf(parseSource(path.join(dir, file), text));
    if (problem && !erroredWithout.has(file)) throw new Error(`${file} does not parse (${problem}) but is not reported in errors`);
  }
  for (const f of first.findings) {
    const text = texts.get(f.file);
    if (text === undefined) throw new Error(`finding in a file that was not analysed: ${f.file}`);
    if (errored.has(f.file)) throw new Error(`finding in a file reported in errors: ${JSON.stringify(f)}`);
    checkPosition(`${f.ruleId} finding in ${f.file}`, lines(text), f);
    for (const fix of [...(f.fix ? [f.fix] : []), ...(f.suggestions ?? [])]) {
      for (const e of fix.edits) {
        if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && 0 <= e.start && e.start <= e.end && e.end <= text.length)) throw new Error(`fix edit ${e.start}-${e.end} outside ${f.file} (${text.length} chars)`);
      }
      // A fix's own edits never overlap, and a safe fix keeps the file parseable.
      let fixed: string;
      try {
        fixed = applyEdits(text, fix.edits);
      } catch (e) {
        throw new Error(`${f.ruleId} fix in ${f.file}: ${(e as Error).message}`);
      }
      if (fix.safety === 'safe') {
        const problem = parseErrorOf(parseSource(path.join(dir, f.file), fixed));
        if (problem) throw new Error(`safe ${f.ruleId} fix in ${f.file} breaks the syntax (${problem}):\n${fixed}`);
      }
    }
  }
  for (const s of first.sites) {
    const text = texts.get(s.file);
    if (text === undefined) throw new Error(`site in a file that was not analysed: ${s.file}`);
    checkPosition(`site in ${s.file}`, lines(text), s);
  }
  if (++differentialCount % DIFFERENTIAL_EVERY === 0) await checkModes(dir, files, first);
  return first;
}

/** Run `f` with the prefilter off (`TRACEWIRE_NO_PREFILTER`, read by every run). */
export async function withoutPrefilter<T>(f: () => Promise<T>): Promise<T> {
  const prev = process.env.TRACEWIRE_NO_PREFILTER;
  process.env.TRACEWIRE_NO_PREFILTER = '1';
  try {
    return await f();
  } finally {
    if (prev === undefined) delete process.env.TRACEWIRE_NO_PREFILTER;
    else process.env.TRACEWIRE_NO_PREFILTER = prev;
  }
}

let counter = 0;
export function caseDir(root: string): string {
  const dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
