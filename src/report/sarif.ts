/**
 * SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF consumers: every rule's metadata with its
 * help URI, one result per finding with a stable partial fingerprint, fixes as artifact changes, and
 * files that could not be checked as tool execution notifications.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lineStartsOf, positionOf } from '../engine/baseline.js';
import type { Finding, Fix, RunResult } from '../engine/types.js';
import { VERSION } from '../version.js';
import { docsUrl, HOMEPAGE, type ReportContext } from './context.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** The key of tracewire's own fingerprint in `partialFingerprints` (versioned: a new scheme gets a new key). */
export const FINGERPRINT_KEY = 'tracewire/v1';

type Json = Record<string, unknown>;

function pascal(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A path relative to the root as a URI reference (each segment percent-encoded), or an absolute file URI outside it. */
function artifactLocation(ctx: ReportContext, file: string): Json {
  const abs = path.resolve(ctx.cwd, file);
  const rel = path.relative(ctx.root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function dirUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : href + '/';
}

const level = (severity: 'error' | 'warn'): 'error' | 'warning' => (severity === 'error' ? 'error' : 'warning');

function replacementsOf(fix: Fix, text: string | undefined): Json[] {
  const lineStarts = text === undefined ? undefined : lineStartsOf(text);
  return fix.edits.map((e) => {
    let deletedRegion: Json;
    if (lineStarts) {
      // Lines and UTF-16 columns, like every other region here (an insertion has startColumn === endColumn).
      const s = positionOf(lineStarts, e.start);
      const en = positionOf(lineStarts, e.end);
      deletedRegion = { startLine: s.line, startColumn: s.column, endLine: en.line, endColumn: en.column };
    } else {
      deletedRegion = { charOffset: e.start, charLength: e.end - e.start };
    }
    return { deletedRegion, ...(e.text ? { insertedContent: { text: e.text } } : {}) };
  });
}

function fixOf(ctx: ReportContext, f: Finding, fix: Fix, kind: 'fix' | 'suggestion'): Json {
  const description = fix.description ?? (kind === 'fix' ? `Apply the ${fix.safety} fix` : 'Apply the suggestion');
  return {
    description: { text: description },
    artifactChanges: [{ artifactLocation: artifactLocation(ctx, f.file), replacements: replacementsOf(fix, ctx.source?.(f.file)) }],
    properties: { safety: fix.safety, kind },
  };
}

export function formatSarif(result: RunResult, ctx: ReportContext): string {
  const rules = [...ctx.rules];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const driverRules = rules.map((r) => ({
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.description },
    fullDescription: { text: r.description },
    helpUri: docsUrl(r.id),
    help: {
      text: `${r.description}\n\nDocumentation: ${docsUrl(r.id)}`,
      markdown: ctx.ruleDoc?.(r.id) ?? `${r.description}\n\n[Documentation](${docsUrl(r.id)})`,
    },
    defaultConfiguration: { level: r.preset === 'off' ? 'none' : level(r.severity), enabled: r.preset !== 'off' },
    properties: { tags: ['observability', 'tracewire', r.preset], precision: 'high', fix: r.fix },
  }));

  const results = result.findings.map((f) => {
    const fp = ctx.fingerprints?.get(f);
    const fixes = [...(f.fix ? [fixOf(ctx, f, f.fix, 'fix')] : []), ...(f.suggestions ?? []).map((s) => fixOf(ctx, f, s, 'suggestion'))];
    const ruleIndex = index.get(f.ruleId);
    return {
      ruleId: f.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: level(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(ctx, f.file),
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      ...(fp ? { partialFingerprints: { [FINGERPRINT_KEY]: fp } } : {}),
      ...(ctx.baseline ? { baselineState: 'new' } : {}),
      ...(fixes.length ? { fixes } : {}),
      properties: { messageId: f.messageId },
    };
  });

  const notifications = result.errors.map((e) => ({
    level: 'error',
    message: { text: `${e.file}: ${e.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(ctx, e.file) } }],
  }));

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tracewire',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: HOMEPAGE,
            rules: driverRules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: dirUri(ctx.root) } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: result.errors.length === 0,
            workingDirectory: { uri: dirUri(ctx.cwd) },
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        ...(ctx.baseline ? { properties: { baseline: ctx.baseline } } : {}),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
