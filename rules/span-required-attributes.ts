import path from 'node:path';
import ts = require('typescript');
import { z } from 'zod';
import { rangeOf } from '../src/engine/analyze-file.js';
import { eolOf } from '../src/engine/edits.js';
import { defineRule } from '../src/engine/rule.js';
import type { Fix, TextEdit } from '../src/engine/types.js';
import { loadTracingSchema, matchSpanName, type NameMatch, parseTracingSchema, type TracingSchema } from '../src/config/tracing-schema.js';
import { GENAI_CONVENTIONS_NAME, genAiConventions } from './catalog/tracing/genai-conventions.js';
import { type FileSpans, fileSpans, indentOfLine, indentUnit, type SpanInfo, carriesSpans, startsSpans, unwrapExpr } from './support/spans.js';

const options = z
  .object({
    schema: z
      .string()
      .describe('Tracing schema (YAML) to check spans against instead of the configuration\'s `tracingSchema`; relative to the configuration file.')
      .optional(),
    genAiConventions: z.boolean().describe('Also check spans against the built-in OpenTelemetry GenAI conventions (default `true`).').optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

let builtin: TracingSchema | undefined;
function builtinSchema(): TracingSchema {
  return (builtin ??= parseTracingSchema(genAiConventions, GENAI_CONVENTIONS_NAME));
}

/** The attributes a span is known to get, and whether something the rule cannot see may add more. */
interface Attrs {
  keys: Map<string, ts.Node[]>;
  open: boolean;
}

export default defineRule<Options>({
  meta: {
    id: 'span-required-attributes',
    description: 'Require spans whose names match the tracing schema (the OpenTelemetry GenAI conventions built in) to set the attributes the schema requires.',
    preset: 'strict',
    severity: 'warn',
    fix: 'unsafe',
    hasSuggestions: true,
    project: false,
    messages: {
      missingAttributes:
        'Span `{{name}}` matches `{{pattern}}` in {{source}} but never sets {{missing}}: dashboards, queries and cost reports that group or filter by {{them}} silently leave this span out. Set {{them}} in the start options (`attributes: { ... }`) or with `setAttribute` before the span ends.',
      deprecatedAttribute:
        '`{{attribute}}` is replaced by `{{replacement}}` in {{source}}: backends and dashboards built on the current name never see this value. Set `{{replacement}}` instead (keep both only while older dashboards still read the old name).',
    },
    options,
    defaultOptions: { genAiConventions: true },
  },
  prepareOptions(opts, settings) {
    const schema = opts.schema ? path.resolve(settings.dir, opts.schema) : settings.tracingSchema;
    // Load it now: a broken schema is a configuration error, reported before anything is checked.
    if (schema) loadTracingSchema(schema, settings.cwd);
    return { ...opts, schema };
  },
  configuredBy: (settings) => settings.tracingSchema !== undefined,
  needs: startsSpans,
  carries: carriesSpans,
  createVisitor(ctx) {
    const schemas: TracingSchema[] = [];
    if (ctx.options.genAiConventions !== false) schemas.push(builtinSchema());
    if (ctx.options.schema) schemas.push(loadTracingSchema(path.resolve(ctx.options.schema), process.cwd()));
    return {
      kinds: [],
      visit() {},
      end(wctx) {
        if (schemas.length === 0) return;
        const fs = fileSpans(wctx);
        for (const info of fs.spans) {
          const attrs = attributesOf(fs, info);
          // Deprecated attributes, wherever they are set.
          for (const [key, nodes] of attrs.keys) {
            for (const schema of schemas) {
              const replacement = schema.deprecated.get(key);
              if (!replacement) continue;
              for (const n of nodes) ctx.report({ range: rangeOf(fs.sf, n), messageId: 'deprecatedAttribute', data: { attribute: key, replacement, source: schema.source } });
              break;
            }
          }
          if (attrs.open) continue;
          const name = fs.spanNameOf(info.nameExpr);
          if (!name) continue;
          const matches: { schema: TracingSchema; match: NameMatch }[] = [];
          for (const schema of schemas) for (const match of matchSpanName(schema, name)) matches.push({ schema, match });
          const missing: string[] = [];
          for (const { match } of matches) for (const r of match.requirement.required) if (!attrs.keys.has(r) && !missing.includes(r)) missing.push(r);
          if (missing.length === 0) continue;
          // Name the first entry that asks for a missing attribute.
          const first = matches.find(({ match }) => match.requirement.required.some((r) => missing.includes(r)))!;
          const list = missing.map((m) => `\`${m}\``).join(', ');
          const fix = buildSuggestion(fs, info, missing, matches.map((m) => m.match));
          ctx.report({
            range: rangeOf(fs.sf, info.call),
            messageId: 'missingAttributes',
            data: { name: 'exact' in name ? name.exact : `${name.prefix}…`, pattern: first.match.pattern.text, source: first.schema.source, missing: list, them: missing.length > 1 ? 'them' : 'it' },
            suggestions: fix ? [fix] : undefined,
          });
        }
      },
    };
  },
});

function attributesOf(fs: FileSpans, info: SpanInfo): Attrs {
  const attrs: Attrs = { keys: new Map(), open: false };
  const add = (key: string, node: ts.Node) => (attrs.keys.get(key) ?? attrs.keys.set(key, []).get(key)!).push(node);
  const fromObject = (e: ts.Expression | undefined, depth = 0): void => {
    if (!e || depth > 4) {
      attrs.open = true;
      return;
    }
    const u = unwrapExpr(e);
    // `...(cond ? { k: v } : undefined)`: attributes set on some paths count as set.
    if (ts.isConditionalExpression(u)) {
      fromObject(u.whenTrue, depth + 1);
      fromObject(u.whenFalse, depth + 1);
      return;
    }
    if (u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && u.text === 'undefined')) return;
    const obj = fs.model.objectLiteralOf(u);
    if (!obj) {
      attrs.open = true;
      return;
    }
    for (const p of obj.properties) {
      if (ts.isSpreadAssignment(p)) fromObject(p.expression, depth + 1);
      else if (ts.isShorthandPropertyAssignment(p)) add(p.name.text, p.name);
      else {
        const key = p.name ? keyOf(fs, p.name) : undefined;
        if (key === undefined) attrs.open = true;
        else add(key, p.name!);
      }
    }
  };
  // The start options: `{ attributes: { ... } }`.
  if (info.optionsExpr) {
    const opts = fs.model.objectLiteralOf(info.optionsExpr);
    if (!opts) attrs.open = true;
    else {
      const attributesKey = info.spec.attributesKey ?? 'attributes';
      for (const p of opts.properties) {
        if (ts.isSpreadAssignment(p)) attrs.open = true;
        else if (ts.isPropertyAssignment(p) && keyOf(fs, p.name) === attributesKey) fromObject(p.initializer);
        else if (ts.isShorthandPropertyAssignment(p) && p.name.text === attributesKey) fromObject(p.name);
      }
    }
  }
  if (info.disposition === 'discarded') return attrs;
  if (info.disposition !== 'bound') {
    attrs.open = true;
    return attrs;
  }
  for (const u of info.uses) {
    if (u.kind === 'escape' || u.kind === 'helper') {
      // Handed to code the rule does not see, or a helper (what it ends or marks is known, not what it
      // sets): either may set attributes.
      attrs.open = true;
      continue;
    }
    if (u.kind !== 'method' || !u.call) continue;
    if (!u.closure && fs.afterUnconditionalEnd(info, u.call)) continue;
    if (u.op === 'setAttribute') {
      const k = u.call.arguments[0] && fs.model.constantOf(u.call.arguments[0]);
      if (typeof k === 'string') add(k, u.call.arguments[0]!);
      else attrs.open = true;
    } else if (u.op === 'setAttributes') fromObject(u.call.arguments[0]);
  }
  return attrs;
}

function keyOf(fs: FileSpans, name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const v = fs.model.constantOf(name.expression);
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------- suggestion

function quoteOf(fs: FileSpans, info: SpanInfo): string {
  const n = info.nameExpr && unwrapExpr(info.nameExpr);
  if (n && ts.isStringLiteral(n)) return fs.sf.text[n.getStart(fs.sf)] ?? "'";
  return "'";
}

/** Add `key: value` properties to an object literal, in its layout. */
function insertIntoObject(text: string, sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, props: string[]): TextEdit {
  const start = obj.getStart(sf);
  const objText = text.slice(start, obj.end);
  const last = obj.properties[obj.properties.length - 1];
  if (!last) return { start, end: obj.end, text: `{ ${props.join(', ')} }` };
  if (objText.includes('\n')) {
    const eol = eolOf(text);
    const indent = indentOfLine(text, last.getStart(sf));
    if (obj.properties.hasTrailingComma) {
      const comma = text.indexOf(',', last.end);
      return { start: comma + 1, end: comma + 1, text: props.map((p) => `${eol}${indent}${p},`).join('') };
    }
    return { start: last.end, end: last.end, text: props.map((p) => `,${eol}${indent}${p}`).join('') };
  }
  return { start: last.end, end: last.end, text: props.map((p) => `, ${p}`).join('') };
}

/**
 * A suggestion that adds the missing attributes: at the start (the options' `attributes`, created if
 * needed) where the call shows its options, else with `setAttributes` right after the start. Values come
 * from the span name where a template placeholder shows them (`chat gpt-4o` → `gen_ai.request.model:
 * 'gpt-4o'`), else a `TODO` placeholder to replace: never safe to apply blindly.
 */
function buildSuggestion(fs: FileSpans, info: SpanInfo, missing: string[], matches: NameMatch[]): Fix | undefined {
  const sf = fs.sf;
  const text = sf.text;
  const q = quoteOf(fs, info);
  const str = (s: string) => `${q}${s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`)}${q}`;
  const props = missing.map((attr) => {
    const captured = matches.find((m) => m.requirement.required.includes(attr) && m.captures.has(attr))?.captures.get(attr);
    return `${str(attr)}: ${captured !== undefined ? str(captured) : str('TODO')}`;
  });
  const description = `Add ${missing.map((m) => `\`${m}\``).join(', ')} (fill in the placeholder values)`;
  const edit = (e: TextEdit): Fix => ({ safety: 'unsafe', description, edits: [e] });
  const opts = info.optionsExpr && unwrapExpr(info.optionsExpr);
  const attributesKey = info.spec.attributesKey ?? 'attributes';
  if (opts && ts.isObjectLiteralExpression(opts)) {
    const attrProp = opts.properties.find((p) => ts.isPropertyAssignment(p) && keyOf(fs, p.name) === attributesKey) as ts.PropertyAssignment | undefined;
    const attrObj = attrProp && unwrapExpr(attrProp.initializer);
    if (attrObj && ts.isObjectLiteralExpression(attrObj)) return edit(insertIntoObject(text, sf, attrObj, props));
    if (!attrProp && !opts.properties.some((p) => ts.isShorthandPropertyAssignment(p) && p.name.text === attributesKey)) return edit(insertIntoObject(text, sf, opts, [`${attributesKey}: { ${props.join(', ')} }`]));
  }
  const nameArg = info.spec.nameArg ?? 0;
  if (!info.optionsExpr && !info.call.arguments.some(ts.isSpreadElement)) {
    const optionsText = `{ ${attributesKey}: { ${props.join(', ')} } }`;
    if (info.spec.yields === 'return' && info.call.arguments.length === nameArg + 1) {
      const after = info.call.arguments[nameArg]!.end;
      return edit({ start: after, end: after, text: `, ${optionsText}` });
    }
    if (info.spec.yields === 'callback' && info.call.arguments.length === 2 && info.spec.optionsArg === 1) {
      const fn = info.call.arguments[1]!.getStart(sf);
      return edit({ start: fn, end: fn, text: `${optionsText}, ` });
    }
  }
  // Options the rule cannot edit (a variable): set them on the span right after it starts.
  const setter = (indent: string) => `${indent}${info.name}.setAttributes({ ${props.join(', ')} });`;
  const eol = eolOf(text);
  if (info.disposition === 'bound' && info.declStatement) {
    const at = info.declStatement.end;
    return edit({ start: at, end: at, text: `${eol}${setter(indentOfLine(text, info.declStatement.getStart(sf)))}` });
  }
  if (info.disposition === 'bound' && info.callback && ts.isBlock(info.callback.body)) {
    const body = info.callback.body;
    const first = body.statements[0];
    if (first) {
      const at = text.lastIndexOf('\n', first.getStart(sf) - 1) + 1;
      if (at > body.getStart(sf)) return edit({ start: at, end: at, text: `${setter(indentOfLine(text, first.getStart(sf)))}${eol}` });
    }
    const open = body.getStart(sf) + 1;
    return edit({ start: open, end: open, text: `${eol}${setter(indentOfLine(text, body.getStart(sf)) + indentUnit(text))}` });
  }
  return undefined;
}

