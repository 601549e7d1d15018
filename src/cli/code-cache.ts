/**
 * Start-up: TypeScript's compiler is a 9 MB script, and compiling it is most of what loading it costs.
 * On Node.js 22.1+ the built-in compile cache (`module.enableCompileCache`) keeps the compiled code of
 * every module between runs. On older versions, `preloadTypeScript` loads the `typescript` module
 * itself through `vm.Script` with a V8 code cache, and puts it in the CommonJS module cache, so every
 * later `require('typescript')` gets that instance.
 *
 * The cache lives in a directory of the user's own (see user-cache-dir.ts); `TRACEWIRE_NO_CODE_CACHE=1`
 * turns it off. V8 trusts the code cache it is given: a damaged one crashes the process (a fatal error in
 * the deserializer, exit 133 or 139), and V8 does not check it in release builds. So each cache file is an
 * envelope, `TWV8`, a format number, the SHA-256 of the V8 data and the data, read without following
 * links; a file that does not check out is ignored (and replaced at exit), never handed to V8. Anything
 * unexpected falls back to the ordinary `require`.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { readRegularFile, writeFileAtomic } from '../safe-fs.js';
import { userCacheDir } from '../user-cache-dir.js';

interface ModuleInternals {
  new (id: string, parent?: unknown): NodeJS.Module & { paths: string[]; filename: string; loaded: boolean };
  wrap(src: string): string;
  _nodeModulePaths(dir: string): string[];
}

let done = false;

const MAGIC = Buffer.from('TWV8');
const ENVELOPE_FORMAT = 1;
/** Magic, format (u32), SHA-256 of the data. */
const HEADER_BYTES = 4 + 4 + 32;

/** The V8 data in its envelope (see the module comment). */
export function envelope(data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(ENVELOPE_FORMAT, 4);
  crypto.createHash('sha256').update(data).digest().copy(header, 8);
  return Buffer.concat([header, data]);
}

/** The V8 data of a cache file, if it is a regular file (not a link) whose envelope checks out. */
export function readEnvelope(file: string): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = readRegularFile(file, { noFollow: true, maxBytes: 256 * 1024 * 1024 });
  } catch {
    return undefined;
  }
  if (buf.length <= HEADER_BYTES || !buf.subarray(0, 4).equals(MAGIC) || buf.readUInt32LE(4) !== ENVELOPE_FORMAT) return undefined;
  const data = buf.subarray(HEADER_BYTES);
  if (!crypto.createHash('sha256').update(data).digest().equals(buf.subarray(8, HEADER_BYTES))) return undefined;
  return data;
}

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
  const cachedData = readEnvelope(cacheFile);
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
        // The directory is checked again: it must still be the user's private one.
        if (cacheDir() !== dir) return;
        writeFileAtomic(cacheFile, envelope(script.createCachedData()), { boundary: dir, mode: 0o600, what: 'the code cache' });
      } catch {
        // a read-only or full disk: no cache next time either
      }
    });
  }
  return mod.exports;
}
