/**
 * Bad configuration: every case exits 2 with exactly one line on stderr that names the file, the key
 * path (or line and column) and what was expected, and prints nothing on stdout.
 */

import { builtinModels } from '../rules/catalog/index.js';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { globProblem } from '../src/config/globs.js';
import { catalogExtensionSchema, configSchema } from '../src/config/schema.js';
import { jsonError } from '../src/config/json-error.js';
import { rulesById } from '../rules/index.js';
import { tempProject } from './helpers/engine.js';

const KNOWN = [...rulesById.keys()].join(', ');
const TOP_KEYS = Object.keys(configSchema.shape).join(', ');
const CATALOG_KEYS = Object.keys(catalogExtensionSchema.shape).join(', ');
const CONFIG = 'tracewire.config.json';
const SCHEMA = '{"tracingSchema":"tracing.yaml"}';

type Case = [name: string, files: Record<string, string>, expected: string, argv?: string[]];

/** The SDK ids of the built-in catalog, and `custom`. */
const SDK_IDS = [...builtinModels.filter((m) => m.role === 'sdk').map((m) => m.id), 'custom'].sort();

const cases: Case[] = [
  // Rules: ids, severities, options.
  ['unknown rule id, with a suggestion', { [CONFIG]: '{"rules":{"require-llm-tracin":"error"}}' }, `${CONFIG}: rules.require-llm-tracin: unknown rule "require-llm-tracin" (did you mean "require-llm-tracing"? known rules: ${KNOWN})`],
  ['rule id in the wrong case', { [CONFIG]: '{"rules":{"Require-LLM-Tracing":"warn"}}' }, `${CONFIG}: rules.Require-LLM-Tracing: unknown rule "Require-LLM-Tracing" (did you mean "require-llm-tracing"? known rules: ${KNOWN})`],
  ['a rule id the schema would drop (__proto__)', { [CONFIG]: '{"rules":{"__proto__":"error"}}' }, `${CONFIG}: rules.__proto__: unknown rule "__proto__" (known rules: ${KNOWN})`],
  ['severity that does not exist', { [CONFIG]: '{"rules":{"require-llm-tracing":"fatal"}}' }, `${CONFIG}: rules.require-llm-tracing: expected "off", "warn", "error", 0, 1, 2, or [severity, options]`],
  ['numeric severity out of range', { [CONFIG]: '{"rules":{"require-llm-tracing":3}}' }, `${CONFIG}: rules.require-llm-tracing: expected "off", "warn", "error", 0, 1, 2, or [severity, options]`],
  ['severity tuple too long', { [CONFIG]: '{"rules":{"require-llm-tracing":["error",{},1]}}' }, `${CONFIG}: rules.require-llm-tracing: expected "off", "warn", "error", 0, 1, 2, or [severity, options]`],
  ['rule options not an object', { [CONFIG]: '{"rules":{"require-llm-tracing":["error","strict"]}}' }, `${CONFIG}: rules.require-llm-tracing[1]: Invalid input: expected object, received string`],
  ['unknown rule option, with the known ones', { [CONFIG]: '{"rules":{"metric-naming":["warn",{"ignored":["x"]}]}}' }, `${CONFIG}: rules.metric-naming[1].ignored: unknown key "ignored" (expected one of: ignore)`],
  ['rule option of the wrong type', { [CONFIG]: '{"rules":{"no-unbounded-metric-labels":["error",{"strictTemplates":"yes"}]}}' }, `${CONFIG}: rules.no-unbounded-metric-labels[1].strictTemplates: Invalid input: expected boolean, received string`],
  ['rules as a list', { [CONFIG]: '{"rules":["require-llm-tracing"]}' }, `${CONFIG}: rules: Invalid input: expected record, received array`],

  // Malformed JSON, always with a line and a column.
  ['an empty file', { [CONFIG]: '' }, `${CONFIG}:1:1: invalid JSON: expected a value, found the end of the file`],
  ['a truncated file', { [CONFIG]: '{\n  "rules": {\n    "require-llm-tracing": "error"' }, `${CONFIG}:3:35: invalid JSON: expected "," or "}", found the end of the file`],
  ['a trailing comma', { [CONFIG]: '{\n  "ignores": ["dist/**",]\n}' }, `${CONFIG}:2:25: invalid JSON: a trailing comma before "]"`],
  ['a comment', { [CONFIG]: '{\n  // our settings\n  "rules": {}\n}' }, `${CONFIG}:2:3: invalid JSON: comments are not allowed in JSON`],
  ['single quotes', { [CONFIG]: "{\n  'rules': {}\n}" }, `${CONFIG}:2:3: invalid JSON: expected a double-quoted property name, found "'"`],
  ['a missing colon after a BOM (columns count from after the BOM)', { [CONFIG]: '\uFEFF{"rules": {"a" "b"}}' }, `${CONFIG}:1:16: invalid JSON: expected ":" after the property name, found '"'`],
  ['a line break inside a string', { [CONFIG]: '{"ignores": ["dist\n/**"]}' }, `${CONFIG}:1:19: invalid JSON: a control character (such as a line break) inside a string`],
  ['null instead of an object', { [CONFIG]: 'null' }, `${CONFIG}: (root): Invalid input: expected object, received null`],
  ['a list instead of an object', { [CONFIG]: '[]' }, `${CONFIG}: (root): Invalid input: expected object, received array`],

  // Unknown keys and bad types everywhere.
  ['unknown top-level key, with the known ones', { [CONFIG]: '{"ignore":["dist/**"]}' }, `${CONFIG}: ignore: unknown key "ignore" (expected one of: ${TOP_KEYS})`],
  ['unknown catalog field', { [CONFIG]: '{"catalog":{"wrapper":[]}}' }, `${CONFIG}: catalog.wrapper: unknown key "wrapper" (expected one of: ${CATALOG_KEYS})`],
  ['unknown field of a catalog entry', { [CONFIG]: '{"catalog":{"wrappers":[{"function":"./src/t#wrap","sdk":["openai"]}]}}' }, `${CONFIG}: catalog.wrappers[0].sdk: unknown key "sdk" (expected one of: function, arg, sdks, operations, mechanism)`],
  ['a reference without an export', { [CONFIG]: '{"catalog":{"scopes":[{"function":"./src/tracing"}]}}' }, `${CONFIG}: catalog.scopes[0].function: expected "module#export" such as "./src/tracing#withLLMSpan" or "@acme/llm#createClient"`],
  ['a negative argument index', { [CONFIG]: '{"catalog":{"wrappers":[{"function":"./src/t#wrap","arg":-1}]}}' }, `${CONFIG}: catalog.wrappers[0].arg: Too small: expected number to be >=0`],
  ['a union other than a severity says what each branch takes', { [CONFIG]: '{"catalog":{"scopes":[{"function":"./src/t#withSpan","callbackArg":"first"}]}}' }, `${CONFIG}: catalog.scopes[0].callbackArg: expected a number, "last" or "any"`],
  ['a global that covers nothing', { [CONFIG]: '{"catalog":{"globals":[{"function":"./src/t#init","covers":[]}]}}' }, `${CONFIG}: catalog.globals[0].covers: Too small: expected array to have >=1 items`],
  ['a global that covers an SDK id the catalog does not know', { [CONFIG]: '{"catalog":{"globals":[{"function":"./src/t#init","covers":["openai","anthropc"]}]}}' }, `${CONFIG}: catalog.globals[0].covers[1]: unknown SDK id "anthropc" (did you mean "anthropic"? known: ${SDK_IDS.join(', ')})`],
  ['a wrapper for an unknown SDK id; a site may declare its own', { [CONFIG]: '{"catalog":{"wrappers":[{"function":"./src/t#wrap","sdks":["acme","zzzzzzzz"]}],"sites":[{"function":"./a#f","kind":"llm-call","sdk":"acme"}]}}' }, `${CONFIG}: catalog.wrappers[0].sdks[1]: unknown SDK id "zzzzzzzz" (known: ${[...SDK_IDS, 'acme'].sort().join(', ')})`],
  ['a client with both factory and class', { [CONFIG]: '{"catalog":{"clients":[{"factory":"./a#f","class":"./a#C","type":"openai.Client"}]}}' }, `${CONFIG}: catalog.clients[0]: expected exactly one of "factory" or "class"`],
  ['an unknown site kind', { [CONFIG]: '{"catalog":{"sites":[{"function":"./a#f","kind":"llm"}]}}' }, `${CONFIG}: catalog.sites[0].kind: Invalid option: expected one of "llm-call"|"task-execution"|"kickoff"`],
  ['project as a string', { [CONFIG]: '{"project":"true"}' }, `${CONFIG}: project: Invalid input: expected boolean, received string`],
  ['an unknown assumption', { [CONFIG]: '{"assume":{"langfuseEnvTracing":true}}' }, `${CONFIG}: assume.langfuseEnvTracing: unknown key "langfuseEnvTracing" (expected one of: langsmithEnvTracing)`],
  ['an unknown codemod library', { [CONFIG]: '{"codemods":{"wrapClients":{"library":"otel"}}}' }, `${CONFIG}: codemods.wrapClients.library: Invalid option: expected one of "langsmith"|"langfuse"|"braintrust"`],
  ['$schema as a number', { [CONFIG]: '{"$schema":1}' }, `${CONFIG}: $schema: Invalid input: expected string, received number`],

  // Ignore globs that cannot compile.
  ['ignores as a string', { [CONFIG]: '{"ignores":"dist/**"}' }, `${CONFIG}: ignores: Invalid input: expected array, received string`],
  ['an empty ignore (would ignore every file)', { [CONFIG]: '{"ignores":["dist/**",""]}' }, `${CONFIG}: ignores[1]: expected a glob pattern such as "generated/**", got an empty string (it would ignore every file)`],
  ['an unclosed brace', { [CONFIG]: '{"ignores":["src/**/*.{ts,tsx"]}' }, `${CONFIG}: ignores[0]: "src/**/*.{ts,tsx": cannot compile: "{" at column 10 is never closed (expected "{a,b}"; write "\\{" for a literal brace)`],
  ['a range out of order', { [CONFIG]: '{"ignores":["gen/[z-a]*.ts"]}' }, `${CONFIG}: ignores[0]: "gen/[z-a]*.ts": cannot compile: the range "z-a" is out of order (write "a-z")`],
  ['an unclosed bracket', { [CONFIG]: '{"ignores":["app/[id/**"]}' }, `${CONFIG}: ignores[0]: "app/[id/**": cannot compile: "[" at column 5 is never closed (write "\\[" for a literal bracket)`],
  ['a negated ignore', { [CONFIG]: '{"ignores":["!src/keep.ts"]}' }, `${CONFIG}: ignores[0]: "!src/keep.ts": negated patterns are not supported in ignores (list only what to ignore; use --no-ignore to check everything)`],
  ['a trailing backslash', { [CONFIG]: '{"ignores":["generated\\\\"]}' }, `${CONFIG}: ignores[0]: "generated\\": cannot compile: a trailing "\\" escapes nothing (write "/" between path segments)`],

  // The tracing schema.
  ['tracingSchema as a number', { [CONFIG]: '{"tracingSchema":1}' }, `${CONFIG}: tracingSchema: Invalid input: expected string, received number`],
  ['an empty tracingSchema', { [CONFIG]: '{"tracingSchema":""}' }, `${CONFIG}: tracingSchema: expected the path of a YAML tracing schema, got an empty string`],
  ['a tracingSchema that does not exist', { [CONFIG]: SCHEMA }, 'tracing.yaml: cannot read the tracing schema (ENOENT)'],
  ['a tracingSchema that is a directory', { [CONFIG]: SCHEMA, 'tracing.yaml/x': '' }, 'tracing.yaml: cannot read the tracing schema (EISDIR)'],
  ['tracing schema YAML that does not parse', { [CONFIG]: SCHEMA, 'tracing.yaml': 'spans:\n  - name: "chat *"\n    required: [gen_ai.request.model\n' }, 'tracing.yaml:4:1: invalid YAML in the tracing schema: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['a duplicate key in the tracing schema', { [CONFIG]: SCHEMA, 'tracing.yaml': 'spans: []\nspans: []\n' }, 'tracing.yaml:2:1: invalid YAML in the tracing schema: Map keys must be unique'],
  ['an unknown key in the tracing schema', { [CONFIG]: SCHEMA, 'tracing.yaml': 'span:\n  - name: x\n    required: [a]\n' }, 'tracing.yaml: invalid tracing schema: span: unknown key "span"'],
  ['a span without required attributes', { [CONFIG]: SCHEMA, 'tracing.yaml': 'spans:\n  - name: "chat *"\n' }, 'tracing.yaml: invalid tracing schema: spans[0].required: Invalid input: expected array, received undefined'],
  ['a span name pattern that cannot compile', { [CONFIG]: SCHEMA, 'tracing.yaml': 'spans:\n  - name: "{gen_ai.operation.name *"\n    required: [gen_ai.request.model]\n' }, 'tracing.yaml: invalid tracing schema: spans[0].name: unclosed "{" at column 1'],
  ['a tracing schema that is a list', { [CONFIG]: SCHEMA, 'tracing.yaml': '- a\n- b\n' }, 'tracing.yaml: invalid tracing schema: expected a mapping with "spans" (a list of { name, required }) and optional "attributes" and "deprecated"'],
  ['a rule option schema that does not parse', { [CONFIG]: '{"rules":{"span-required-attributes":["warn",{"schema":"spans.yml"}]}}', 'spans.yml': 'spans: [\n' }, 'spans.yml:2:1: invalid YAML in the tracing schema: Flow sequence in block collection must be sufficiently indented and end with a ]'],

  // package.json and --config.
  ['a `tracewire` key that is not an object', { 'package.json': '{"name":"x","tracewire":"strict"}' }, 'package.json: tracewire: Invalid input: expected object, received string'],
  ['an unknown rule in package.json', { 'package.json': '{"name":"x","tracewire":{"rules":{"nope":"error"}}}' }, `package.json: tracewire.rules.nope: unknown rule "nope" (known rules: ${KNOWN})`],
  ['a broken package.json', { 'package.json': '{"name":"x",}' }, 'package.json:1:13: invalid JSON: a trailing comma before "}"'],
  ['--config naming a missing file', {}, 'missing.json: cannot read the configuration file (ENOENT)', ['-c', 'missing.json']],
  ['--config naming a directory', { 'conf/x': '' }, 'conf: cannot read the configuration file (EISDIR)', ['-c', 'conf']],
];

describe('bad configuration', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, files, expected, argv] of cases) {
    it(`exits 2 with one line: ${name}`, async () => {
      const dir = tempProject({ ...files, 'src/a.ts': 'export const x = 1;\n' });
      let stdout = '';
      let stderr = '';
      const code = await main(['check', ...(argv ?? [])], { cwd: dir, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`tracewire: ${expected}\n`);
    });
  }
});

describe('glob patterns', () => {
  it('accepts the globs people write', () => {
    for (const g of ['dist/**', '**/*.{ts,tsx}', 'src/**/__generated__/*', 'app/\\[id\\]/**', 'gen/[a-z]*.ts', 'gen/[!_]*.ts', 'gen/[]a]*.ts', '**/*.test.?s', 'legacy/{a,b/{c,d}}/**', '[[:alpha:]]*.js', 'src/(group)/**', 'a\\{b']) {
      expect(globProblem(g), g).toBeUndefined();
    }
  });

  it('rejects exactly what the matcher cannot compile or would take literally', async () => {
    // picomatch (what fast-glob matches ignores with) compiles a failing pattern to a regex that never
    // matches: each pattern rejected for that reason is one picomatch gives up on.
    // @ts-expect-error picomatch has no type declarations here; it is globby's matcher (a dependency of fast-glob)
    const picomatch = (await import('picomatch')).default as { makeRe(p: string): RegExp };
    for (const g of ['src/**/*.{ts,tsx', 'gen/[z-a]*.ts', 'generated\\']) {
      expect(globProblem(g), g).toMatch(/cannot compile/);
      expect(String(picomatch.makeRe(g)), g).toBe('/$^/');
    }
    // An unclosed bracket compiles, but only to itself: `app/[id/**` would match nothing in a real tree.
    expect(globProblem('app/[id/**')).toMatch(/never closed/);
    expect(picomatch.makeRe('app/[id/**').test('app/x/y.ts')).toBe(false);
  });
});

describe('JSON error positions', () => {
  it('agrees with JSON.parse on what is valid', () => {
    const valid = ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0', '[[[]]]', '{"a":{"b":{}}}'];
    const invalid = ['', '{', '[1,]', '{"a":1,}', '01', '1.', '-', '{"a" 1}', '[1 2]', 'tru', '"\\x"', '"\\u12"', '{} {}', '{"a":1}}', '/* c */ {}', "{'a':1}", '[,1]', 'NaN'];
    for (const t of valid) {
      expect(() => JSON.parse(t), t).not.toThrow();
      expect(jsonError(t), t).toBeUndefined();
    }
    for (const t of invalid) {
      expect(() => JSON.parse(t), t).toThrow();
      expect(jsonError(t), t).toBeDefined();
    }
  });
});
