/**
 * Tracing schemas: which attributes a span must carry, by span name.
 *
 * A schema is a YAML file (the config's `tracingSchema`, or a rule option) of this shape:
 *
 *     attributes:                 # optional: the values an attribute takes, for {placeholders}
 *       gen_ai.operation.name:
 *         values: [chat, embeddings]
 *     deprecated:                 # optional: attribute → the attribute that replaces it
 *       gen_ai.system: gen_ai.provider.name
 *     spans:
 *       - name: "checkout *"      # a pattern, or a list of patterns
 *         required: [order.id, payment.provider]
 *
 * Name patterns are exact names, globs (`*` matches any text) and templates: `{attr}` stands for a
 * value of the attribute `attr` (one of its `values` when the schema lists them, else a run of
 * non-space characters), so `{gen_ai.operation.name} *` matches `chat gpt-4o` but not `checkout cart`;
 * `{attr=a|b}` lists the values in place.
 * A span whose name is only partly known (a template literal `chat ${model}`) matches a pattern that
 * ends in `*` (or in a `{placeholder}` without listed values, taken as one word) when its known prefix
 * already matches everything before that last part.
 */

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { LinearMatcher, type Part } from '../linear-match.js';
import { describeCode, readRegularFile } from '../safe-fs.js';
import { ConfigError, formatPath } from './load.js';

export interface NamePattern {
  /** The pattern as written. */
  text: string;
  /** Matches a whole span name; group i captures placeholder i. Linear in the name, whatever the pattern. */
  full: LinearMatcher;
  /**
   * For open-ended patterns (ending in `*` or in a placeholder without listed values): matches a name
   * prefix that every completion of it matches (a single-word completion, for a placeholder).
   */
  head?: LinearMatcher;
  /** Attribute names of the placeholders, in order. */
  placeholders: string[];
}

export interface SpanRequirement {
  patterns: NamePattern[];
  required: string[];
  description?: string;
}

export interface TracingSchema {
  /** Where the schema comes from, for messages: a file name or the conventions' name. */
  source: string;
  attributes: Map<string, string[]>;
  deprecated: Map<string, string>;
  spans: SpanRequirement[];
}

const ATTRIBUTE_NAME = /^[A-Za-z_][\w.\-]*$/;

const attributeName = z.string().regex(ATTRIBUTE_NAME, 'expected an attribute name such as "gen_ai.operation.name"');

const schemaFileSchema = z
  .object({
    attributes: z
      .record(attributeName, z.object({ values: z.array(z.string().min(1)).min(1) }).strict())
      .optional(),
    deprecated: z.record(attributeName, attributeName).optional(),
    spans: z
      .array(
        z
          .object({
            name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
            required: z.array(attributeName).min(1),
            description: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type TracingSchemaData = z.input<typeof schemaFileSchema>;

type Token = { lit: string } | { star: true } | { attr: string; values?: string[] };

/** Split a pattern into literal text, `*` and `{attr}` placeholders. Throws a message on malformed input. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ lit });
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      lit += text[++i];
    } else if (c === '*') {
      flush();
      // `**` is the same as `*`.
      if (!(out.length && 'star' in out[out.length - 1]!)) out.push({ star: true });
    } else if (c === '{') {
      const close = text.indexOf('}', i + 1);
      if (close < 0) throw new Error(`unclosed "{" at column ${i + 1}`);
      const inner = text.slice(i + 1, close);
      const eq = inner.indexOf('=');
      const name = (eq < 0 ? inner : inner.slice(0, eq)).trim();
      if (!ATTRIBUTE_NAME.test(name)) throw new Error(`"{${inner}}" is not an attribute placeholder (expected "{attribute.name}" or "{attribute.name=value|value}")`);
      const values = eq < 0 ? undefined : inner.slice(eq + 1).split('|').map((v) => v.trim());
      if (values?.some((v) => v === '')) throw new Error(`"{${inner}}" lists an empty value`);
      flush();
      out.push({ attr: name, values });
      i = close;
    } else if (c === '}') {
      throw new Error(`unexpected "}" at column ${i + 1} (write "\\}" for a literal brace)`);
    } else lit += c;
  }
  flush();
  return out;
}

/**
 * Compile a pattern to a matcher. Not to a regular expression: `*` is `[\s\S]*`, and several of them
 * backtrack polynomially on a long name that almost matches (minutes for one span name), which no time
 * budget can interrupt. `LinearMatcher` gives the same matches and captures in linear time.
 */
export function compilePattern(text: string, attributes: Map<string, string[]>): NamePattern {
  const tokens = tokenize(text);
  const part = (t: Token): Part => {
    if ('lit' in t) return { lit: t.lit };
    if ('star' in t) return { run: 'all', min: 0 };
    const values = t.values ?? attributes.get(t.attr);
    // Longest first, so a value that is a prefix of another does not shadow it.
    return values ? { alt: [...values].sort((a, b) => b.length - a.length), capture: true } : { run: 'nonspace', min: 1, capture: true };
  };
  const placeholders = tokens.flatMap((t) => ('attr' in t ? [t.attr] : []));
  const full = new LinearMatcher(tokens.map((t) => part(t)));
  // Open-ended patterns (ending in `*`, or in a placeholder with no listed values) can match a name
  // known only by its prefix: everything before the last token must match within the prefix.
  let head: LinearMatcher | undefined;
  const last = tokens[tokens.length - 1];
  if (last && tokens.length > 1 && ('star' in last || ('attr' in last && !last.values && !attributes.has(last.attr)))) {
    const body = tokens.slice(0, -1).map((t) => part(t));
    head = new LinearMatcher([...body, 'star' in last ? { run: 'all', min: 0 } : { run: 'nonspace', min: 0 }]);
  }
  return { text, full, head, placeholders };
}

/** A span name as far as the source shows it: the whole name, or only a prefix (a template literal). */
export type SpanName = { exact: string } | { prefix: string };

export interface NameMatch {
  requirement: SpanRequirement;
  pattern: NamePattern;
  /** Attribute values the name shows through placeholders (`chat gpt-4o` → operation `chat`). */
  captures: Map<string, string>;
}

export function matchSpanName(schema: TracingSchema, name: SpanName): NameMatch[] {
  const out: NameMatch[] = [];
  for (const requirement of schema.spans) {
    for (const pattern of requirement.patterns) {
      const m = 'exact' in name ? pattern.full.exec(name.exact) : pattern.head?.exec(name.prefix);
      if (!m) continue;
      const captures = new Map<string, string>();
      pattern.placeholders.forEach((attr, i) => {
        const v = m[i + 1];
        if (v !== undefined) captures.set(attr, v);
      });
      out.push({ requirement, pattern, captures });
      break;
    }
  }
  return out;
}

/** Validate parsed schema data; `label` names its source in error messages. */
export function parseTracingSchema(data: unknown, label: string): TracingSchema {
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${label}: invalid tracing schema: expected a mapping with "spans" (a list of { name, required }) and optional "attributes" and "deprecated"`);
  }
  const parsed = schemaFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      const key = (issue as { keys: string[] }).keys[0]!;
      throw new ConfigError(`${label}: invalid tracing schema: ${formatPath([...at, key])}: unknown key "${key}"`);
    }
    throw new ConfigError(`${label}: invalid tracing schema: ${formatPath(at)}: ${issue.message}`);
  }
  const d = parsed.data;
  const attributes = new Map<string, string[]>(Object.entries(d.attributes ?? {}).map(([k, v]) => [k, v.values]));
  const deprecated = new Map<string, string>(Object.entries(d.deprecated ?? {}));
  const spans: SpanRequirement[] = (d.spans ?? []).map((s, i) => {
    const names = Array.isArray(s.name) ? s.name : [s.name];
    const patterns = names.map((text, j) => {
      try {
        return compilePattern(text, attributes);
      } catch (e) {
        const where = Array.isArray(s.name) ? `spans[${i}].name[${j}]` : `spans[${i}].name`;
        throw new ConfigError(`${label}: invalid tracing schema: ${where}: ${(e as Error).message}`);
      }
    });
    return { patterns, required: [...new Set(s.required)], description: s.description };
  });
  return { source: label, attributes, deprecated, spans };
}

function displayName(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

const cache = new Map<string, { mtimeMs: number; size: number; schema: TracingSchema }>();

const MAX_SCHEMA_BYTES = 16 * 1024 * 1024;

/** Read, parse and validate a schema file (cached while the file is unchanged). Throws `ConfigError`. */
export function loadTracingSchema(file: string, cwd: string): TracingSchema {
  const label = displayName(file, cwd);
  let st: fs.Stats;
  let text: string;
  try {
    st = fs.statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.schema;
    // A FIFO would block the run forever: regular files only.
    text = readRegularFile(file, { maxBytes: MAX_SCHEMA_BYTES }).toString('utf8');
  } catch (e) {
    throw new ConfigError(`${label}: cannot read the tracing schema (${(e as NodeJS.ErrnoException).code === 'EFBIG' ? `over ${MAX_SCHEMA_BYTES / 1048576} MB` : describeCode(e)})`);
  }
  // Loaded on first use: most runs read no schema file (start-up time of small runs).
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${label}${where}: invalid YAML in the tracing schema: ${what}`);
  }
  let data: unknown;
  try {
    // Aliases expanding into more than a few hundred nodes (a "billion laughs" document) are refused.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${label}: invalid YAML in the tracing schema: ${/alias/i.test((e as Error).message) ? 'too many alias expansions (a YAML alias bomb?); write the schema without nested aliases' : (e as Error).message.split('\n')[0]}`);
  }
  const schema = parseTracingSchema(data, label);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, schema });
  return schema;
}
