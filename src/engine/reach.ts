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
  /**
   * By module key, the names of the module's exports from which a matching member is reachable
   * (`metrics`, `Meter` of `@opentelemetry/api`); absent when the module object itself leads there.
   */
  exportNames: ReadonlyMap<string, readonly string[]>;
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
  const exportNames = new Map<string, string[]>();
  let always = false;
  for (const t of reaching) {
    if (!t.startsWith(MODULE_TYPE_PREFIX)) continue;
    const key = t.slice(MODULE_TYPE_PREFIX.length);
    if (key.startsWith('/') || /^[A-Za-z]:[\\/]/.test(key) || key.startsWith('.')) {
      always = true;
      continue;
    }
    keys.push(key);
    // The exports through which the module leads there (the first step of each such member path).
    const names = new Set<string>();
    for (const [p, m] of catalog.types.get(t)!.members) {
      if (!(pred(m) || Object.values(m).some((v) => typeof v === 'string' && v !== t && reaching.has(v)))) continue;
      // A default export is imported under any name: what is named is its member (`api.metrics`).
      const steps = p.split('.');
      names.add(steps[0] === 'default' && steps.length > 1 ? steps[1]! : steps[0]!);
    }
    // The module object itself, or its default export as a whole: no name to look for.
    if (!names.has('') && !names.has('default')) exportNames.set(key, [...names].sort());
  }
  const result: ModuleReach = { keys: keys.sort(), always, types: reaching, exportNames };
  perCatalog.set(pred, result);
  return result;
}

/**
 * Whether a file's text may reach a member satisfying `pred` (false: it certainly cannot). It must name a
 * module from which one is reachable and, unless the module object itself leads there, one of the exports
 * that do: a value is only reached from a module by naming the export (a named import, a member of the
 * namespace or of `require(...)`, a destructured name, a type annotation), so a file that imports `trace`
 * alone from `@opentelemetry/api` reaches no meter. (Escape sequences could spell a name: such a text
 * always may.)
 */
export function mayReach(text: string, catalog: CatalogIndex, pred: MemberPredicate): boolean {
  const r = moduleReach(catalog, pred);
  if (r.always) return true;
  for (const key of r.keys) {
    if (!text.includes(key)) continue;
    const names = r.exportNames.get(key);
    if (!names || text.includes('\\u') || names.some((n) => text.includes(n))) return true;
  }
  return false;
}
