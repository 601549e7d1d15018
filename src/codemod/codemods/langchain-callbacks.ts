/**
 * langchain-callbacks: pass the team's callback handler into LangChain and LangGraph runs that no
 * tracing reaches (`invoke`/`stream`/`batch`/`streamEvents` of models, chains, agents and compiled
 * graphs). The handler expression and its imports come from `codemods.langchainCallbacks` in the config.
 *
 * The handler goes into the call's config argument: merged into an existing config object literal
 * (`callbacks: [handler]`, or appended to an empty `callbacks` array), or as a new config argument
 * when the call has none. Configs built elsewhere (a variable) are left alone and reported.
 */

import { Node } from 'ts-morph';
import { addProperty, objectLiteral, propertyOf } from '../ast.js';
import { type Codemod, type CodemodContext, CodemodUsageError } from '../codemod.js';
import { bindConfiguredImports, label, validExpression } from './shared.js';

const SDKS = new Set(['langchain', 'langgraph']);

export const langchainCallbacks: Codemod = {
  name: 'langchain-callbacks',
  summary: 'pass your callback handler into LangChain/LangGraph invoke, stream and batch calls that no tracing reaches',
  description:
    'Adds `callbacks: [<handler>]` to the run config of LangChain and LangGraph calls (models, chains, agents, compiled graphs) that no tracing reaches, ' +
    'merging into an existing config object or adding the config argument. The handler is an expression from the config, ' +
    '`codemods.langchainCallbacks: { "handler": "getCallbackHandler()", "imports": ["./src/tracing#getCallbackHandler"] }` ' +
    '(or `"new CallbackHandler()"` with `"@langfuse/langchain#CallbackHandler"`); its imports are added once per file.',
  safety: 'safe',
  fixes: [
    { ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] },
    { ruleId: 'require-task-callbacks', messageIds: ['unwiredTask'] },
    { ruleId: 'require-kickoff-callbacks', messageIds: ['unwiredKickoff'] },
  ],
  async run(ctx: CodemodContext) {
    const cfg = ctx.config.codemods.langchainCallbacks;
    if (!cfg) {
      throw new CodemodUsageError(
        'langchain-callbacks needs the handler to pass: set codemods.langchainCallbacks in tracewire.config.json, e.g. ' +
          '{ "codemods": { "langchainCallbacks": { "handler": "new CallbackHandler()", "imports": ["@langfuse/langchain#CallbackHandler"] } } }',
      );
    }
    if (!validExpression(cfg.handler)) throw new CodemodUsageError(`codemods.langchainCallbacks.handler: "${cfg.handler}" is not a JavaScript expression`);
    const handler = cfg.handler.trim();
    for (const site of ctx.sites) {
      if (!SDKS.has(site.sdk) || site.wired) continue;
      const what = label(site);
      // A call in a graph node: the handlers given to the graph's run reach it (that run gets them here).
      if (site.evidence.run?.untraced) {
        ctx.skipped(site.file, site.range.start, what, `it runs in a graph node: the handlers of the graph's run (\`${site.evidence.run.untraced.callee}\`, ${site.evidence.run.untraced.at}) reach it`);
        continue;
      }
      const option = site.spec.options?.find((o) => o.key === 'callbacks' && typeof o.arg === 'number');
      if (!option || typeof option.arg !== 'number') {
        ctx.skipped(site.file, site.range.start, what, 'this call takes no `callbacks` in its config');
        continue;
      }
      const ed = ctx.editor(site.file);
      const call = ed?.callAt(site.range.start, site.range.end);
      if (!ed || !call || !Node.isCallExpression(call)) {
        ctx.skipped(site.file, site.range.start, what, 'the call could not be located in the file');
        continue;
      }
      const args = call.getArguments();
      if (args.some((a) => Node.isSpreadElement(a))) {
        ctx.skipped(site.file, site.range.start, what, 'the arguments are spread from an array');
        continue;
      }
      let edit: (() => void) | undefined;
      let reason: string | undefined;
      const cb = (h: string) => `callbacks: [${h}]`;
      const at = option.arg;
      const configArg = args[at];
      if (!configArg) {
        if (args.length < at) reason = `the call passes ${args.length === 0 ? 'no input' : 'fewer arguments than the config position'}`;
        else {
          const last = args[args.length - 1]!;
          edit = () => ed.insert(last.getEnd(), `, { ${cb(handler)} }`);
        }
      } else {
        const obj = objectLiteral(configArg);
        if (obj) {
          const existing = propertyOf(obj, 'callbacks');
          if (!existing) edit = () => addProperty(ed, obj, cb(handler));
          else if (Node.isPropertyAssignment(existing)) {
            const init = existing.getInitializer();
            if (init && Node.isArrayLiteralExpression(init) && init.getElements().length === 0) edit = () => ed.replace(init.getStart(), init.getEnd(), `[${handler}]`);
            else if (init && (init.getText() === 'undefined' || init.getText() === 'null')) edit = () => ed.replace(init.getStart(), init.getEnd(), `[${handler}]`);
            else reason = '`callbacks` is set from an expression the codemod cannot see into';
          } else reason = '`callbacks` is set from an expression the codemod cannot see into';
        } else if (configArg.getText() === 'undefined') edit = () => ed.replace(configArg.getStart(), configArg.getEnd(), `{ ${cb(handler)} }`);
        else reason = `the config is built elsewhere (\`${configArg.getText().slice(0, 40)}\`): add the handler there`;
      }
      if (!edit) {
        ctx.skipped(site.file, site.range.start, what, reason ?? 'no place for the handler');
        continue;
      }
      const problem = bindConfiguredImports(ed, cfg.imports ?? [], ctx.config.dir, handler);
      if (problem) {
        ctx.skipped(site.file, site.range.start, what, problem);
        continue;
      }
      edit();
      ctx.changed(site.file, site.range.start, what);
    }
  },
};
