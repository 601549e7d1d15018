import ts = require('typescript');
import { z } from 'zod';
import { rangeOf } from '../src/engine/analyze-file.js';
import { defineRule } from '../src/engine/rule.js';
import { labelPairs, type MetricDecl, type MetricUse, isMetricMember, metricVisitor } from './metrics/model.js';

const options = z
  .object({
    reportMissingLabels: z
      .boolean()
      .describe('Report recording calls that leave some declared labels without a value (prom-client records a separate, partial series; it does not throw).')
      .optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'metric-label-consistency',
    description: 'Require the labels used with a prom-client metric to match the `labelNames` it was declared with.',
    preset: 'recommended',
    severity: 'error',
    fix: 'none',
    hasSuggestions: false,
    project: false,
    messages: {
      unknownLabel:
        'Label `{{label}}` is not declared on {{metric}} (labelNames: {{declared}}): prom-client throws ("Added label {{label}} is not included in initial labelset") when this line runs, so the sample is lost and the caller fails. Add `{{label}}` to `labelNames` or drop it here.',
      labelCount:
        '`{{callee}}()` passes {{count}} label value(s) by position but {{metric}} declares {{expected}} ({{declared}}): prom-client throws "Invalid number of arguments" when this line runs. Pass one value per declared label, in order, or pass an object.',
      missingLabels:
        '{{metric}} declares labels {{declared}} but this series gets no value for {{missing}}: prom-client records it as a separate series without those labels, so sums, rates and ratios over the metric mix incomplete series with complete ones. Pass every declared label.',
    },
    options,
    defaultOptions: { reportMissingLabels: true },
  },
  needs: isMetricMember,
  createVisitor(ctx) {
    return metricVisitor((model) => {
      const sf = model.sourceFile;
      const reported = new Set<string>();
      const report = (node: ts.Node, messageId: string, data: Record<string, string | number>) => {
        const key = `${node.getStart(sf)}:${messageId}:${data.label ?? ''}`;
        if (reported.has(key)) return;
        reported.add(key);
        ctx.report({ range: rangeOf(sf, node), messageId, data });
      };
      const broken = new Set<MetricUse>();

      for (const use of model.uses) {
        const decl = use.decl;
        if (use.api !== 'prom-client' || !decl?.labelNames) continue;
        const declared = decl.labelNames.names;
        const data = { metric: metricName(decl), declared: list(declared) };
        if (use.labels.k === 'object') {
          for (const p of use.labels.obj.props.values()) {
            if (declared.includes(p.key)) continue;
            report(p.keyNode, 'unknownLabel', { ...data, label: p.key });
            broken.add(use);
          }
        } else if (use.labels.k === 'positional' && use.labels.values.length !== declared.length) {
          report(use.node, 'labelCount', { ...data, callee: use.callee, count: use.labels.values.length, expected: declared.length });
          broken.add(use);
        } else if (use.labels.k === 'none' && use.spec.labels?.positional && declared.length > 0) {
          // `.labels()` with no argument: getLabels compares 0 values with the declared names and throws.
          report(use.node, 'labelCount', { ...data, callee: use.callee, count: 0, expected: declared.length });
          broken.add(use);
        }
      }

      if (ctx.options.reportMissingLabels === false) return;
      for (const use of model.uses) {
        if (use.api !== 'prom-client' || !use.spec.records || !use.decl?.labelNames) continue;
        const declared = use.decl.labelNames.names;
        if (declared.length === 0) continue;
        // The series' labels are the union along the chain: `labels()`, `startTimer()`, the call itself.
        const given = new Set<string>();
        let complete = true;
        let at: MetricUse | undefined;
        for (let cur: MetricUse | MetricDecl | undefined = use; cur && 'spec' in cur; cur = cur.origin) {
          if (broken.has(cur)) complete = false;
          const l = cur.labels;
          if (l.k === 'unknown' || (l.k === 'object' && l.obj.open)) complete = false;
          if (l.k === 'none') continue;
          at ??= cur;
          for (const p of labelPairs(cur)) {
            if (p.key === undefined) complete = false;
            else given.add(p.key);
          }
        }
        if (!complete) continue;
        const missing = declared.filter((n) => !given.has(n));
        if (missing.length === 0) continue;
        report((at ?? use).node, 'missingLabels', { metric: metricName(use.decl), declared: list(declared), missing: list(missing) });
      }
    });
  },
});

export function metricName(decl: MetricDecl): string {
  return typeof decl.name === 'object' ? `\`${decl.name.text}\`` : 'this metric';
}

function list(names: string[]): string {
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : 'none';
}
