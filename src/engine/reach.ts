/**
 * A text prefilter over the catalog: which files can possibly reach a kind of catalog member.
 *
 * Every catalog value the engine resolves in a file is rooted at an import of a module the catalog
 * describes (`import`, `require`, `import()` with a literal specifier, or a type annotation naming an
 * imported type): values from other project files stay symbolic in the per-file phase. So a file whose
 * text contains none of the specifiers of the modules from which a member is reachable (through `new`,
 * `returns`, `is`, `annotation`, ...) cannot resolve anything to that member, and a per-file rule that
 * only reports on such members has nothing to do there. Modules named by a path (catalog extensions
 * relative to the config file) cannot be recognised in the text: they make every file a candidate.
 */

import type { MemberSpec } from './catalog-schema.js';
import { type CatalogIndex, MODULE_TYPE_PREFIX } from './catalog.js';

export type MemberPredicate = (member: MemberSpec) => boolean;

export interface ModuleReach {
  /** Module keys (specifiers without extension) from which a matching member is reachable. */
  keys: string[];
  /** A path-named module reaches a matching member: no text prefilter is possible. */
  always: boolean;
  /** Every catalog type from which a matching member is reachable. */
  types: ReadonlySet<string>;
}

const cache = new WeakMap<CatalogIndex, Map<MemberPredicate, ModuleReach>>();

/** The modules from which a member satisfying `pred` is reachable, computed once per catalog and predicate. */
export function moduleReach(catalog: CatalogIndex, pred: MemberPredicate): ModuleReach {
  let perCatalog = cache.get(catalog);
  if (!perCatalog) cache.set(catalog, (perCatalog = new Map()));
  const hit = perCatalog.get(pred);
  if (hit) return hit;

  // Type graph: an edge for every member field that names another type (new, returns, is, annotation, ...).
  const direct = new Set<string>();
  const edges = new Map<string, Set<string>>();
  for (const [name, t] of catalog.types) {
    const out = new Set<string>();
    for (const m of t.members.values()) {
      if (pred(m)) direct.add(name);
      for (const v of Object.values(m)) if (typeof v === 'string' && v !== name && catalog.types.has(v)) out.add(v);
    }
    edges.set(name, out);
  }
  // Reverse reachability from the types that have a matching member.
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of edges) for (const to of tos) (reverse.get(to) ?? reverse.set(to, []).get(to)!).push(from);
  const reaching = new Set(direct);
  const queue = [...direct];
  while (queue.length) {
    const t = queue.pop()!;
    for (const from of reverse.get(t) ?? []) {
      if (reaching.has(from)) continue;
      reaching.add(from);
      queue.push(from);
    }
  }
  const keys: string[] = [];
  let always = false;
  for (const t of reaching) {
    if (!t.startsWith(MODULE_TYPE_PREFIX)) continue;
    const key = t.slice(MODULE_TYPE_PREFIX.length);
    if (key.startsWith('/') || /^[A-Za-z]:[\\/]/.test(key) || key.startsWith('.')) always = true;
    else keys.push(key);
  }
  const result: ModuleReach = { keys: keys.sort(), always, types: reaching };
  perCatalog.set(pred, result);
  return result;
}

/** Whether a file's text may reach a member satisfying `pred` (false: it certainly cannot). */
export function mayReach(text: string, catalog: CatalogIndex, pred: MemberPredicate): boolean {
  const r = moduleReach(catalog, pred);
  if (r.always) return true;
  for (const key of r.keys) if (text.includes(key)) return true;
  return false;
}
