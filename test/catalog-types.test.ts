/**
 * The catalog against the SDKs' own published type definitions (the installed packages, current major and
 * the previous one where the surface changed: `openai6`, `anthropic0`, ...; those only this test reads are in
 * test/sdk-types/package.json, which `npm test` installs).
 *
 * Every public method reachable from a client the catalog knows (its class, every resource under its
 * properties, and the objects its catalog members return) is classified: a model request with its
 * operation, a step to another catalog type, or explicitly not a request (`notRequests`). A method in
 * neither fails with its access path, so a new SDK version shows exactly what to add.
 */

import { describe, expect, it } from 'vitest';
import { sdkModels } from '../rules/catalog/index.js';
import { CatalogIndex } from '../src/engine/catalog.js';
import { classification, installedPackages, packageOf, surfaceRoots, walkPackage, type SurfaceRoot } from './helpers/sdk-surface.js';

const catalog = new CatalogIndex(sdkModels);
const installed = installedPackages();
const roots = surfaceRoots(sdkModels);

/**
 * SDK models whose published types the test walks; each must have at least one package installed. The
 * provider SDKs, then the agent frameworks, through the packages the catalog's modules name:
 * `@langchain/core` (LangChain's models, prompts and runnables) and `langchain` (`createAgent`,
 * `initChatModel`); `@langchain/langgraph`; `llamaindex` and `@llamaindex/workflow`; `@openai/agents`;
 * `@inngest/agent-kit` with its peer `inngest` (v4, which brings the OpenTelemetry auto-instrumentations:
 * about 285 MB more in test/sdk-types/node_modules, the heaviest of the SDKs installed there); `kaibanjs`
 * (about 245 MB more: a second LangChain 0.3 with its community integrations). `@kaibanjs/opentelemetry`,
 * whose registrations the catalog also models, is not on the npm registry: its factory's result is not walked.
 * `@mastra/core` (1.x, about 120 MB) declares Node >= 22.13 but installs and type-checks on Node 20; its walk
 * reaches the `Mastra` instance (again through every workflow and run that holds it), its agents, harnesses,
 * workflows and runs.
 *
 * Not walked: `http` (raw `fetch`/axios requests to model endpoints: no package, no type to walk).
 */
const WALKED = [
  ...['ai', 'openai', 'anthropic', 'groq', 'mistral', 'cohere', 'google-genai', 'google-generative-ai', 'ollama', 'bedrock', 'sagemaker', 'together', 'replicate', 'huggingface', 'fal', 'google-cloud-vertexai', 'tanstack-ai', 'vscode-lm'],
  ...['langchain', 'langgraph', 'llamaindex', 'openai-agents', 'agent-kit', 'inngest', 'kaibanjs', 'mastra'],
];


const byPackage = new Map<string, SurfaceRoot[]>();
for (const r of roots) {
  const pkg = packageOf(r.module);
  if (!WALKED.includes(r.model)) continue;
  if (!installed.has(pkg)) continue;
  (byPackage.get(pkg) ?? byPackage.set(pkg, []).get(pkg)!).push(r);
}

describe('catalog against the SDKs’ published types', () => {
  it('walks an installed package for every catalogued provider SDK', () => {
    const covered = new Set([...byPackage.values()].flat().map((r) => r.model));
    expect(WALKED.filter((id) => !covered.has(id))).toEqual([]);
  });

  for (const [pkg, pkgRoots] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
    for (const copy of installed.get(pkg)!) {
      it(`classifies every public method of ${copy.dir}@${copy.version}`, () => {
        const { methods } = walkPackage(copy, pkgRoots, catalog);
        expect(methods.length, 'the walk found the client').toBeGreaterThan(0);
        const unclassified = methods.filter((m) => !classification(catalog, m.type, m.path)).map((m) => `${m.type}#${m.path}  (${m.via})`);
        expect(unclassified).toEqual([]);
      });
    }
  }
});
