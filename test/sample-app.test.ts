/**
 * The demo app: its findings are exactly the `expect:` comments in its sources, across every rule,
 * and the JSON output of the real CLI follows the contract in DESIGN.md §4.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIn } from './helpers/engine.js';
import { FIXTURES, parseExpectations, ROOT } from './helpers/fixtures.js';
import { listFiles } from '../src/engine/files.js';
import { resolveObservability } from '../src/config/observability.js';

const APP = path.join(FIXTURES, 'sample-app');

describe('sample app', () => {
  it('reports exactly the expected findings', async () => {
    // Its code, and its Prometheus rules and Grafana dashboards (observability/).
    const files = await listFiles({ cwd: APP, paths: ['.'], inputs: resolveObservability(undefined, APP, (k, m) => new Error(`${k}: ${m}`)) });
    expect(files.some((f) => f.endsWith('.yml')) && files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(files.length).toBeGreaterThan(5);
    const expected: string[] = [];
    for (const f of files) {
      const r = parseExpectations(f, APP);
      expect(r.marked, `${path.relative(APP, f)} states its expectations`).toBe(true);
      expected.push(...r.expected.map((e) => `${e.file}:${e.line} ${e.messageId}`));
    }
    const result = await runIn(APP, files.map((f) => path.relative(APP, f)));
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`).sort()).toEqual(expected.sort());
  });

  it('gives the same report from the bundled CLI (dist/tracewire.cjs) as from the module build, and uses the bundle', () => {
    const argv = [path.join(ROOT, 'bin/tracewire.js'), 'check', 'fixtures/sample-app', '--format', 'json', '--workers', '2'];
    const bundled = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });
    const modules = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRACEWIRE_NO_BUNDLE: '1' } });
    expect(bundled.status, bundled.stderr).toBe(1);
    const strip = (s: string) => ({ ...JSON.parse(s), summary: { ...JSON.parse(s).summary, durationMs: 0 } });
    expect(strip(bundled.stdout)).toEqual(strip(modules.stdout));
    // The bundle is what ran: it was loaded through the code cache, which wrote its cache file.
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-code-cache-'));
    const again = spawnSync(process.execPath, argv.slice(0, 3), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRACEWIRE_CACHE_DIR: cacheDir } });
    expect(again.status).toBe(1);
    expect(fs.readdirSync(cacheDir).filter((f) => /^tracewire-.*\.v8cache$/.test(f))).toHaveLength(1);
  });

  it('an installed copy (npm pack, then npm install) starts from the bundle, whatever times npm gave its files', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-installed-'));
    // The package as published: `npm pack` (its `prepare` build already ran: dist/ is what `npm test` built).
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = path.join(work, packed.stdout.trim().split('\n').pop()!);
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // From npm's cache where it can: `npm ci` keeps the abbreviated package documents, and installing a
    // tarball asks for the full ones, which `--offline` cannot fetch on a machine whose cache has only those.
    const installed = spawnSync('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    const pkg = path.join(app, 'node_modules/tracewire');
    // npm extracts file by file with the time of extraction: the modules are newer than the bundle.
    fs.utimesSync(path.join(pkg, 'dist/tracewire.cjs'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    const cacheDir = path.join(work, 'cache');
    const r = spawnSync(process.execPath, [path.join(pkg, 'bin/tracewire.js'), 'check', path.join(APP, 'src'), '--format', 'json'], { cwd: app, encoding: 'utf8', env: { ...process.env, TRACEWIRE_CACHE_DIR: cacheDir } });
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(fs.readdirSync(cacheDir).filter((f) => /^tracewire-.*\.v8cache$/.test(f))).toHaveLength(1);
  }, 120_000);

  it('prints the JSON contract through the real CLI', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tracewire.js'), 'check', 'fixtures/sample-app', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['version', 'tool', 'project', 'findings', 'errors', 'summary']);
    expect(out.project).toEqual({ root: '.', config: null, repository: fs.existsSync(path.join(ROOT, '.git')) ? '.' : null });
    expect(out.version).toBe(1);
    expect(out.tool).toEqual({ name: 'tracewire', version: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
    expect(out.findings.length).toBeGreaterThan(0);
    for (const f of out.findings) {
      expect(Object.keys(f).slice(0, 10)).toEqual(['ruleId', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'messageId', 'message', ...(f.fix ? ['fix'] : [])].slice(0, 10));
      expect(f.file.startsWith('fixtures/sample-app/')).toBe(true);
      expect(f.file).not.toContain('\\');
      if (f.fix) {
        expect(['safe', 'unsafe']).toContain(f.fix.safety);
        for (const e of f.fix.edits) expect(Object.keys(e)).toEqual(['start', 'end', 'text']);
      }
    }
    const sorted = [...out.findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1)));
    expect(out.findings).toEqual(sorted);
    expect(out.summary).toMatchObject({ files: expect.any(Number), findings: out.findings.length, errors: 0, durationMs: expect.any(Number) });
  });

  it('runs the demo script without an npm error', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/demo.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('require-llm-tracing');
    // The alert rule broken on purpose: an OpenTelemetry counter queried without `_total`.
    expect(r.stdout).toMatch(/observability\/alerts\/agents\.rules\.yml\n\s+23:28\s+error\s+`workflow_runs` is not how Prometheus stores the OpenTelemetry counter `workflow\.runs`/);
    expect(r.stdout).toContain('The findings above are expected');
  });
});
