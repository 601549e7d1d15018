/**
 * A service's prom-client metrics, executed by test/observability-promtool.test.ts: `exercise()` records
 * every metric with every label, and the real registry's exposition is what promtool evaluates the
 * queries of ../prometheus and ../dashboards against.
 */
import client from 'prom-client';

export const register = new client.Registry();
register.setDefaultLabels({ service: 'agent' });

const NAMES = { runs: 'agent_runs_total', tools: 'agent_tool_calls_total' } as const;

function counter(name: string, help: string, labelNames: string[]) {
  return new client.Counter({ name, help, labelNames, registers: [register] });
}

export const runs = counter(NAMES.runs, 'Agent runs.', ['agent', 'status']);
export const tools = counter(NAMES.tools, 'Tool calls.', ['tool']);
export const backlog = new client.Gauge({ name: 'hitl_approval_backlog', help: 'Approvals waiting.', labelNames: ['risk'], registers: [register] });
export const latency = new client.Histogram({ name: 'llm_request_duration_seconds', help: 'LLM latency.', labelNames: ['provider', 'model'], buckets: [0.5, 1, 5], registers: [register] });
export const prompt = new client.Summary({ name: 'prompt_size_bytes', help: 'Prompt sizes.', labelNames: ['agent'], percentiles: [0.5, 0.99], registers: [register] });

export function exercise(): void {
  for (const status of ['ok', 'error']) runs.inc({ agent: 'triage', status });
  tools.labels('search').inc();
  backlog.set({ risk: 'critical' }, 3);
  latency.observe({ provider: 'openai', model: 'gpt-4o' }, 0.7);
  prompt.observe({ agent: 'triage' }, 2048);
}
