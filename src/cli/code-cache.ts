/**
 * Start-up: TypeScript's compiler is a 9 MB script, and compiling it is most of what loading it costs.
 * On Node.js 22.1+ the built-in compile cache (`module.enableCompileCache`) keeps the compiled code of
 * every module between runs. On older versions, `preloadTypeScript` loads the `typescript` module
 * itself through `vm.Script` with a V8 code cache, and puts it in the CommonJS module cache, so every
 * later `require('typescript')` gets that instance.
 *
 * The cache lives in a directory of the user's own (`$TRACEWIRE_CACHE_DIR`, else `<tmpdir>/tracewire-<uid>`,
 * created with mode 0700 and used only when owned by the user); `TRACEWIRE_NO_CODE_CACHE=1` turns it off.
 * Anything unexpected falls back to the ordinary `require`.
 */

import fs from 'node:fs';
import module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { userCacheDir } from '../user-cache-dir.js';

interface ModuleInternals {
  new (id: string, parent?: unknown): NodeJS.Module & { paths: string[]; filename: string; loaded: boolean };
  wrap(src: string): string;
  _nodeModulePaths(dir: string): string[];
}

let done = false;

const cacheDir = userCacheDir;

/** Load `typescript` with a V8 code cache (or enable Node's compile cache). Safe to call more than once. */
export function preloadTypeScript(): void {
  if (done) return;
  done = true;
  if (process.env.TRACEWIRE_NO_CODE_CACHE) return;
  const dir = cacheDir();
  if (!dir) return;
  const enable = (module as unknown as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof enable === 'function') {
    try {
      enable(path.join(dir, 'node-compile-cache'));
    } catch {
      // not available after all: the modules load as usual
    }
    return;
  }
  try {
    const require = createRequire(import.meta.url);
    loadCommonJs(require.resolve('typescript'), 'typescript', dir);
  } catch {
    // Fall back to the ordinary require.
  }
}

/**
 * Require a CommonJS file through a V8 code cache kept in `dir` (default: the user's cache directory),
 * and return its exports; `require(file)` afterwards returns the same module. Without a usable cache
 * directory (or with `TRACEWIRE_NO_CODE_CACHE=1`), an ordinary `require`.
 */
export function loadCommonJs(file: string, label: string, dir = process.env.TRACEWIRE_NO_CODE_CACHE ? undefined : cacheDir()): unknown {
  const require = createRequire(import.meta.url);
  if (require.cache[file]) return require.cache[file]!.exports;
  if (!dir) return require(file);
  const st = fs.statSync(file);
  const tag = `${process.version}-${process.arch}-${st.size}-${Math.round(st.mtimeMs)}`.replace(/[^\w.-]/g, '_');
  const cacheFile = path.join(dir, `${label}-${tag}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const Module = module as unknown as ModuleInternals;
  const source = fs.readFileSync(file, 'utf8');
  // `import()` inside the script loads as it would in a module of the main context.
  const importModuleDynamically = (vm as unknown as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } }).constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, ...(importModuleDynamically ? { importModuleDynamically } : {}) } as vm.ScriptOptions);
  const mod = new Module(file, undefined);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  try {
    const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
    fn.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
    mod.loaded = true;
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  if (isMainThread && (!cachedData || script.cachedDataRejected)) {
    // Written at exit: by then the functions the run used are compiled, and go into the cache too.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
      } catch {
        // a read-only or full disk: no cache next time either
      }
    });
  }
  return mod.exports;
}
