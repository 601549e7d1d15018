/**
 * HTTP requests to model APIs: whether the URL a request goes to (a `str` value, see strings.ts) is a
 * model API, which provider and which operation, judged from the catalog's `endpoints` and `httpPaths`.
 *
 * - A literal host the catalog knows (`https://api.openai.com`, `http://localhost:11434`) or a model
 *   client's base URL (`${client.baseURL}`): every path of that provider counts.
 * - A literal host it does not know, or a base it cannot see (an environment variable, a parameter): only
 *   a path no other API uses (`HttpPathSpec.alone`), or one whose base was read from a name that says which
 *   API it is (`HttpPathSpec.hint`: `process.env.OLLAMA_URL + '/api/chat'`).
 * - No host (`/api/chat`, `api/chat`): the application's own server, never a model API.
 * - A path that cannot be read (`${base}${path}`): not a site; tracewire does not guess.
 */

import type { CatalogIndex } from './catalog.js';
import { expand } from './strings.js';
import type { StrPart } from './values.js';

export interface ModelRequest {
  provider: string;
  operation: string;
  /** The URL as far as it is known, holes written `{NAME}` / `{?}` (for messages and the inventory). */
  url: string;
  /** The endpoint is a gateway that records what it forwards (Helicone, Portkey): its mechanism. */
  proxy?: string;
}

const HOLE = '\u0000';
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * Classify a request URL given as resolved parts (no `v` parts left: those are resolved or unknown). A URL
 * with alternatives (a resolver with a branch per provider) is a model request when one of its branches
 * is: the first such branch is the one reported.
 */
export function modelRequest(catalog: CatalogIndex, parts: StrPart[]): ModelRequest | undefined {
  if (!parts.some((p) => typeof p === 'object' && 'alt' in p)) return classify(catalog, parts);
  const found: ModelRequest[] = [];
  for (const branch of expand(parts)) {
    const r = classify(catalog, branch);
    // One URL per API and operation: branches are combined without their conditions (a resolver that
    // appends `/v4/ai` unless the base already ends with it yields both), so a second path to the same
    // host, provider and operation says nothing new and may be one no run takes.
    if (r && !found.some((f) => f.url === r.url || (f.provider === r.provider && f.operation === r.operation && origin(f.url) === origin(r.url)))) found.push(r);
  }
  const first = found[0];
  if (!first || found.length === 1) return first;
  // Several model APIs (a resolver's branches): the inventory shows each; the first names provider and operation.
  return { ...first, url: found.map((f) => f.url).join(' | ') };
}

function origin(url: string): string {
  return ORIGIN.exec(url)?.[0]?.toLowerCase() ?? url;
}

function classify(catalog: CatalogIndex, parts: StrPart[]): ModelRequest | undefined {
  if (parts.length === 0) return undefined;
  const first = parts[0]!;
  let provider: string | undefined;
  let proxy: string | undefined;
  /** The base is a model API (a catalog endpoint or a model client's URL). */
  let known = false;
  /** Names the base was read from, or its literal host, for `hint`. */
  let hintText = '';
  let rest: StrPart[];
  if (typeof first === 'string') {
    const origin = ORIGIN.exec(first);
    if (!origin) return undefined;
    const endpoint = catalog.endpoint(first);
    if (endpoint) {
      known = true;
      provider = endpoint.provider;
      proxy = endpoint.proxy;
    }
    hintText = origin[0];
    rest = [first.slice(origin[0].length), ...parts.slice(1)];
  } else if ('client' in first) {
    known = true;
    provider = first.client;
    rest = parts.slice(1);
  } else if ('env' in first) {
    hintText = first.env;
    rest = parts.slice(1);
  } else if ('unknown' in first) {
    hintText = first.unknown;
    rest = parts.slice(1);
  } else return undefined;
  let path = rest.map((p) => (typeof p === 'string' ? p : HOLE)).join('');
  path = path.replace(/[?#].*$/s, '').replace(/\/+$/, '');
  if (!path.includes('/')) return undefined;
  for (const spec of catalog.httpPaths) {
    if (!spec.re.test(path)) continue;
    let applies: boolean;
    const hinted = !!spec.hintRe && spec.hintRe.test(hintText);
    if (known && provider && provider !== 'unknown') applies = !spec.providers || spec.providers.includes(provider) || !!spec.alone || (!!proxy && hinted);
    else applies = !!spec.alone || hinted || (known && !spec.providers);
    if (!applies) continue;
    const display = parts.map((p) => (typeof p === 'string' ? p : 'env' in p ? `{${p.env}}` : 'client' in p ? `{${p.client} client baseURL}` : 'unknown' in p && p.unknown ? `{${p.unknown}}` : '{?}')).join('');
    return {
      provider: known && provider ? provider : (spec.provider ?? 'unknown'),
      operation: spec.operation,
      url: display,
      ...(proxy ? { proxy } : {}),
    };
  }
  return undefined;
}
