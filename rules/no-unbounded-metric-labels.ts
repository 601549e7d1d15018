import type ts from 'typescript';
import { z } from 'zod';
import { rangeOf } from '../src/engine/analyze-file.js';
import { defineRule } from '../src/engine/rule.js';
import { boundedIdNames, unboundedDimensions, type UnboundedDimension } from './catalog/metrics/labels.js';
import { DimensionMatcher, LabelValueClassifier } from './metrics/label-values.js';
import { labelPairs, type MetricDecl, type MetricUse, isMetricMember, metricVisitor } from './metrics/model.js';

const options = z
  .object({
    unboundedNames: z
      .array(z.string())
      .describe('More label (attribute) names that hold unbounded values in your code base, e.g. `["*shop id", "sku"]` (words separated by spaces; a leading `*` also matches longer names ending with them).')
      .optional(),
    strictTemplates: z
      .boolean()
      .describe('Also report template literals and string concatenations whose parts cannot be shown to be bounded (by default only those with an unbounded part are reported).')
      .optional(),
    boundedNames: z
      .array(z.string())
      .describe('Label names never to report by name because their values are bounded in your code base, e.g. `["tenant"]` when you have a handful of tenants.')
      .optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

const matchers = new WeakMap<object, DimensionMatcher>();

/** The dimension matcher for the rule's options, built once per configuration rather than once per file. */
function matcherFor(options: Options): DimensionMatcher {
  const key: object = options ?? matchers;
  let matcher = matchers.get(key);
  if (matcher) return matcher;
  const extra: UnboundedDimension[] = options.unboundedNames?.length
    ? [{ names: options.unboundedNames, what: 'values your configuration marks as unbounded', advice: 'Drop the label, or map the value to a bounded set first.', valueNames: true }]
    : [];
  // (A built-in bounded id the configuration lists as unbounded is unbounded.)
  const stated = new Set((options.unboundedNames ?? []).map((n) => n.replace(/^\*/, '').trim().toLowerCase()));
  matcher = new DimensionMatcher([...unboundedDimensions, ...extra], [...boundedIdNames.filter((n) => !stated.has(n.replace(/^\*/, ''))), ...(options.boundedNames ?? [])]);
  matchers.set(key, matcher);
  return matcher;
}

export default defineRule<Options>({
  meta: {
    id: 'no-unbounded-metric-labels',
    description: 'Disallow metric labels (OpenTelemetry metric attributes) whose names or values are unbounded: ids, emails, URLs, raw paths, error text, timestamps.',
    preset: 'recommended',
    severity: 'error',
    fix: 'none',
    hasSuggestions: false,
    project: false,
    messages: {
      unboundedLabelName:
        '{{kind}} `{{label}}` on {{metric}} holds {{what}}, an unbounded set: every distinct value creates another time series, so memory, storage cost and query time grow with your traffic until dashboards and alerts time out. {{advice}}',
      unboundedMetricName:
        'The name of {{metric}} is built from `{{source}}` ({{what}}), which is unbounded: every distinct value creates another metric, each with its own series, which is worse than an unbounded label (dashboards and alerts cannot even name it). Use one metric with a fixed name and, if the dimension is bounded, a label. {{advice}}',
      unboundedLabelValue:
        '{{kind}} `{{label}}` on {{metric}} takes its value from `{{source}}` ({{what}}), which is unbounded: every distinct value creates another time series, so memory, storage cost and query time grow with your traffic until dashboards and alerts time out. {{advice}}',
    },
    options,
    defaultOptions: { unboundedNames: [], boundedNames: [], strictTemplates: false },
  },
  needs: isMetricMember,
  createVisitor(ctx) {
    const matcher = matcherFor(ctx.options);
    return metricVisitor((model) => {
      const sf = model.sourceFile;
      const cls = new LabelValueClassifier(model.model, matcher, ctx.options.strictTemplates === true);
      const text = (n: ts.Node) => {
        const t = sf.text.slice(n.getStart(sf), n.end).replace(/\s+/g, ' ');
        return t.length > 60 ? t.slice(0, 57) + '...' : t;
      };

      for (const use of model.uses) {
        const kind = use.api === 'otel' ? 'Attribute' : 'Label';
        const metric = useMetric(use);
        // A label written outside the call (a label object built earlier, or by another function) is
        // reported at the call's labels argument: that is the sample that carries it.
        const arg = use.spec.labels ? use.node.arguments[use.spec.labels.arg] : undefined;
        const at = (n: ts.Node) => (arg && !(n.getStart(sf) >= arg.getStart(sf) && n.end <= arg.end) ? arg : n);
        labelPairs(use).forEach((p, i) => {
          if (!p.value) return;
          const label = p.key ?? `#${i + 1} (by position)`;
          // A helper's label whose name says it is unbounded is reported in the helper, once.
          if (use.viaHelper && p.key !== undefined && matcher.matchName(p.key)) return;
          const r = cls.classify(p.value);
          if (r.k === 'unbounded') {
            ctx.report({ range: rangeOf(sf, at(p.via ?? p.value)), messageId: 'unboundedLabelValue', data: { kind, label, metric, source: text(r.node), what: r.what, advice: r.advice } });
            return;
          }
          // prom-client labels declared in this file are judged once, at the declaration.
          if (r.k === 'bounded' || p.key === undefined || use.viaHelper || (use.api === 'prom-client' && use.decl?.labelNames)) return;
          const dim = matcher.matchName(p.key);
          if (dim && dim.reportName !== false) ctx.report({ range: rangeOf(sf, at(p.via ?? p.keyNode)), messageId: 'unboundedLabelName', data: { kind, label, metric, what: dim.what, advice: dim.advice } });
        });
      }

      // Names built at run time from unbounded values (`createCounter(\`requests.${userId}\`)`).
      for (const decl of model.decls) {
        if (decl.name !== 'dynamic' || !decl.nameExpr) continue;
        const r = cls.classify(decl.nameExpr);
        if (r.k === 'unbounded') ctx.report({ range: rangeOf(sf, decl.nameExpr), messageId: 'unboundedMetricName', data: { metric: 'this metric', source: text(r.node), what: r.what, advice: r.advice } });
      }

      for (const decl of model.decls) {
        if (decl.api !== 'prom-client' || !decl.labelNames) continue;
        decl.labelNames.names.forEach((name, i) => {
          const dim = matcher.matchName(name);
          if (!dim || dim.reportName === false) return;
          // Every use in this file gives the label a bounded value (a `path` label fed `req.route.path`):
          // the name misleads. Otherwise the declaration is where the label is kept or dropped.
          const values = decl.uses.flatMap((u) => labelPairs(u).filter((p) => p.key === name));
          if (values.length && values.every((p) => p.value && cls.classify(p.value).k === 'bounded')) return;
          ctx.report({ range: rangeOf(sf, decl.labelNames!.nodes[i]!), messageId: 'unboundedLabelName', data: { kind: 'Label', label: name, metric: declMetric(decl), what: dim.what, advice: dim.advice } });
        });
      }
    });
  },
});

function declMetric(decl: MetricDecl): string {
  return typeof decl.name === 'object' ? `\`${decl.name.text}\`` : 'this metric';
}

function useMetric(use: MetricUse): string {
  if (use.viaHelper) return `the metric that \`${use.callee}\` records`;
  let cur: MetricUse | MetricDecl | undefined = use;
  while (cur && 'spec' in cur) cur = cur.origin;
  return cur ? declMetric(cur) : `\`${use.callee}\``;
}
