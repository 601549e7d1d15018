/**
 * Each tracewire rule as an ESLint rule, adapted over the engine (no rule logic here).
 *
 * All tracewire rules enabled for a file share one engine check per lint pass: every rule's `create`
 * registers it with the pass (ESLint creates every rule before it traverses the AST), and the first
 * rule to reach `Program` checks the file once, with exactly the registered rules and their options,
 * through the project's `ProjectCache`. Each rule then reports its own findings.
 *
 * The TypeScript AST comes from typescript-eslint's parser services when they hold one built by the
 * same TypeScript the engine uses; otherwise (espree, another TypeScript version) the text is parsed once
 * for the whole pass, and recent parses are reused for the same file name and text.
 */

import path from 'node:path';
import type { Rule } from 'eslint';
import type ts from 'typescript';
import { z } from 'zod';
import { ConfigError } from '../config/load.js';
import { parseSource } from '../engine/analyze-file.js';
import { UsageError } from '../engine/files.js';
import { type CheckedFinding, Workspace, type WorkspaceSettings } from '../engine/project-cache.js';
import type { RuleModule } from '../engine/rule.js';
import type { Fix } from '../engine/types.js';
import { registry } from '../../rules/registry.js';

export const DOCS_BASE = 'https://github.com/tracewire/tracewire/blob/main/rules/';

/** The message id of the suggestions that carry tracewire's unsafe fixes. */
export const SUGGESTION_MESSAGE_ID = 'suggestFix';
const SUGGESTION_MESSAGE = '{{ description }}';
const DEFAULT_SUGGESTION = "Apply tracewire's fix (it may change behaviour: review it)";

export function docsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}

/** `{{name}}` placeholders in ESLint's spelling, `{{ name }}`. */
export function eslintTemplate(template: string): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, '{{ $1 }}');
}

/** The JSON Schema of a rule's options (draft-07, which ESLint's validator reads). */
export function optionsJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export interface TracewireRuleDocs {
  description: string;
  url: string;
  /** The preset that first enables the rule (typescript-eslint's `recommended` convention). */
  recommended?: 'recommended' | 'strict';
  requiresTypeChecking: false;
}

export interface TracewireEslintRule extends Rule.RuleModule {
  meta: Rule.RuleModule['meta'] & { docs: TracewireRuleDocs; messages: Record<string, string>; defaultOptions: unknown[] };
}

/** Settings read from `settings.tracewire` in the ESLint config. */
export type TracewireSettings = WorkspaceSettings;

const workspace = new Workspace(registry);

/** The settings, checked: a typo must not silently fall back to defaults. */
function readSettings(settings: Record<string, unknown> | undefined): TracewireSettings {
  const raw = settings?.tracewire;
  if (raw === undefined) return {};
  const parsed = z
    .object({ configFile: z.string().optional(), projectRoot: z.string().optional(), project: z.boolean().optional() })
    .strict()
    .safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const key = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys[0] : i.path.join('.');
    throw new ConfigError(`settings.tracewire${key ? `.${key}` : ''}: ${i.code === 'unrecognized_keys' ? 'unknown setting (known: configFile, projectRoot, project)' : i.message}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------- the TypeScript AST

let probePrototype: object | undefined;

/** Whether a source file was built by the TypeScript instance the engine uses (syntax kinds differ between versions). */
function isOwnSourceFile(sf: unknown): sf is ts.SourceFile {
  if (!sf || typeof sf !== 'object') return false;
  probePrototype ??= Object.getPrototypeOf(parseSource('probe.ts', '')) as object;
  return Object.getPrototypeOf(sf) === probePrototype;
}

interface ParserServices {
  program?: { getSourceFile(file: string): unknown } | null;
  esTreeNodeToTSNodeMap?: { get(node: unknown): unknown };
}

/** typescript-eslint's AST of the file, when it is usable as is. */
function parserSourceFile(sourceCode: Rule.RuleContext['sourceCode'], file: string): ts.SourceFile | undefined {
  const services = sourceCode.parserServices as ParserServices | undefined;
  if (!services) return undefined;
  const text = sourceCode.text;
  // ESLint hands the parser `#!` lines as `//` comments; offsets are unchanged.
  const usable = (sf: unknown): sf is ts.SourceFile => isOwnSourceFile(sf) && (sf.text === text || (text.startsWith('#!') && sf.text === '//' + text.slice(2)));
  const mapped = services.esTreeNodeToTSNodeMap?.get(sourceCode.ast);
  if (usable(mapped)) return mapped;
  const fromProgram = services.program?.getSourceFile(file);
  return usable(fromProgram) ? fromProgram : undefined;
}

/** Where the lint passes got their AST: typescript-eslint's, a parse of ours, or a parse reused (tests). */
export const astStats = { fromParser: 0, parsed: 0, reused: 0 };

const MAX_PARSES = 16;
const parses = new Map<string, ts.SourceFile>();

/** Parse once per file name and text (several rules, repeated lints of an unchanged buffer). */
function parsedSourceFile(file: string, text: string): ts.SourceFile {
  const key = `${file}\0${text}`;
  let sf = parses.get(key);
  if (sf) {
    astStats.reused++;
    parses.delete(key);
  } else {
    astStats.parsed++;
    sf = parseSource(file, text);
    if (parses.size >= MAX_PARSES) parses.delete(parses.keys().next().value!);
  }
  parses.set(key, sf);
  return sf;
}

// ---------------------------------------------------------------- one engine check per lint pass

interface Member {
  rule: RuleModule<any>;
  context: Rule.RuleContext;
}

class Pass {
  readonly members = new Map<string, Member>();
  private results: Map<string, CheckedFinding[]> | undefined;
  /** A configuration problem, reported once on the file by the first rule of the pass. */
  private problem: { ruleId: string; message: string } | undefined;

  get checked(): boolean {
    return this.results !== undefined;
  }

  findings(id: string): CheckedFinding[] {
    if (!this.results) {
      try {
        this.results = this.check();
      } catch (e) {
        // A bad tracewire.config.json, tracing schema or `settings.tracewire` is a lint message on the
        // file, as ESLint reports its own parse errors: it must not abort the lint of every other file.
        if (!(e instanceof ConfigError || e instanceof UsageError)) throw e;
        this.results = new Map();
        this.problem = { ruleId: this.members.keys().next().value as string, message: `tracewire: configuration problem: ${e.message.split('\n')[0]}` };
      }
    }
    return this.results.get(id) ?? [];
  }

  /** The configuration problem to report under rule `id`, if any. */
  problemFor(id: string): string | undefined {
    return this.problem?.ruleId === id ? this.problem.message : undefined;
  }

  private check(): Map<string, CheckedFinding[]> {
    const out = new Map<string, CheckedFinding[]>();
    const first = this.members.values().next().value as Member;
    const { context } = first;
    const file = path.resolve(context.cwd, context.filename);
    const project = workspace.projectFor(file, context.cwd, readSettings(context.settings as Record<string, unknown>));
    const rules = project.rulesFor([...this.members.values()].map(({ rule, context: ctx }) => ({ rule, options: eslintOptions(rule, ctx.options[0]) })));
    if (rules.length === 0) return out;
    const sourceCode = context.sourceCode;
    const text = sourceCode.text;
    // The TypeScript AST only if the file needs a walk: typescript-eslint's, else a parse of ours.
    const sourceFile = () => {
      const sf = parserSourceFile(sourceCode, file);
      if (sf) astStats.fromParser++;
      return sf ?? parsedSourceFile(file, text);
    };
    const result = project.cache.checkFile({ file, text, sourceFile, rules });
    for (const f of result.findings) (out.get(f.ruleId) ?? out.set(f.ruleId, []).get(f.ruleId)!).push(f);
    return out;
  }
}

/**
 * The options the ESLint config sets for a rule, merged by the engine over tracewire.config.json's. ESLint
 * has already merged `meta.defaultOptions` into them, so only values that differ from the defaults count.
 */
function eslintOptions(rule: RuleModule<any>, options: unknown): Record<string, unknown> | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const defaults = (rule.meta.defaultOptions ?? {}) as Record<string, unknown>;
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options as Record<string, unknown>)) {
    if (k in defaults && JSON.stringify(defaults[k]) === JSON.stringify(v)) continue;
    set[k] = v;
  }
  return Object.keys(set).length ? set : undefined;
}

const passes = new WeakMap<object, Pass>();

function passFor(sourceCode: object): Pass {
  let pass = passes.get(sourceCode);
  // A pass that already checked belongs to an earlier lint of the same SourceCode object.
  if (!pass || pass.checked) {
    pass = new Pass();
    passes.set(sourceCode, pass);
  }
  return pass;
}

// ---------------------------------------------------------------- rules

/** The ESLint rule for a tracewire rule. */
export function eslintRule(rule: RuleModule<any>): TracewireEslintRule {
  const { meta } = rule;
  const fixable = meta.fix === 'safe';
  const hasSuggestions = meta.hasSuggestions || meta.fix !== 'none';
  const messages: Record<string, string> = {};
  for (const [id, template] of Object.entries(meta.messages)) messages[id] = eslintTemplate(template);
  if (hasSuggestions) messages[SUGGESTION_MESSAGE_ID] = SUGGESTION_MESSAGE;
  const docs: TracewireRuleDocs = { description: meta.description, url: docsUrl(meta.id), requiresTypeChecking: false };
  if (meta.preset !== 'off') docs.recommended = meta.preset;
  return {
    meta: {
      type: 'problem',
      docs,
      messages,
      schema: [optionsJsonSchema(meta.options) as never],
      defaultOptions: [meta.defaultOptions],
      ...(fixable ? { fixable: 'code' as const } : {}),
      hasSuggestions,
    },
    create(context) {
      const pass = passFor(context.sourceCode);
      pass.members.set(meta.id, { rule, context });
      return {
        Program() {
          for (const f of pass.findings(meta.id)) context.report(descriptor(f, messages, fixable, hasSuggestions));
          const problem = pass.problemFor(meta.id);
          if (problem) context.report({ loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }, message: problem });
        },
      };
    },
  };
}

function edits(fix: Fix): Rule.ReportFixer {
  return (fixer) => fix.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text));
}

function descriptor(f: CheckedFinding, messages: Record<string, string>, fixable: boolean, hasSuggestions: boolean): Rule.ReportDescriptor {
  const loc = { start: { line: f.line, column: f.column - 1 }, end: { line: f.endLine, column: f.endColumn - 1 } };
  const message = f.messageId in messages ? { messageId: f.messageId, ...(f.data ? { data: stringData(f.data) } : {}) } : { message: f.message };
  const safe = f.fix && f.fix.safety === 'safe' && fixable && f.fix.edits.length ? f.fix : undefined;
  const suggestions = hasSuggestions ? [...(f.fix && !safe ? [f.fix] : []), ...(f.suggestions ?? [])].filter((s) => s.edits.length) : [];
  return {
    loc,
    ...message,
    ...(safe ? { fix: edits(safe) } : {}),
    ...(suggestions.length
      ? { suggest: suggestions.map((s) => ({ messageId: SUGGESTION_MESSAGE_ID, data: { description: s.description ?? DEFAULT_SUGGESTION }, fix: edits(s) })) }
      : {}),
  } as Rule.ReportDescriptor;
}

function stringData(data: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}
