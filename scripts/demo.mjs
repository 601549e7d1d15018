#!/usr/bin/env node
// `npm run demo`: run `tracewire check` on the bundled sample app and explain what the output means.
// The sample app has unwired LLM calls on purpose, so tracewire exits 1; this script turns that
// expected outcome into exit 0 (npm would otherwise print an error trace), and fails on anything else.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'tracewire.js');
const app = 'fixtures/sample-app';

console.log(`$ tracewire check ${app}\n`);
const r = spawnSync(process.execPath, [bin, 'check', app], { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : process.env.FORCE_COLOR } });
if (r.status === 1) {
  console.log(`
The findings above are expected: fixtures/sample-app is a small agent service in which some LLM calls
are wired to tracing (wrapped clients, traced functions, telemetry options, a global instrumentation)
and some are not. Its observability/ folder holds a Grafana dashboard and Prometheus alert rules,
checked against the metrics the code defines: one alert queries the OpenTelemetry counter
\`workflow.runs\` as \`workflow_runs\`, a name Prometheus never stores, so it could never fire.
tracewire exited 1 because these are errors; in a pre-commit hook or CI that exit code blocks the change.

Next: \`npx tracewire inventory ${app}\` lists every call and what wires it, and every metric and the
dashboards and alerts that query it.`);
  process.exit(0);
}
console.error(`\ntracewire exited with ${r.status ?? r.signal}; the demo expected exit 1 (findings present).`);
process.exit(1);
