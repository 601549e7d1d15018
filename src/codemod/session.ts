/**
 * What `fix` and `codemod` share: the files under change kept in memory (so the engine can re-analyse
 * edited text without touching the disk), the re-parse guard, the git guard, and the write phase
 * (content-hash check, atomic write, only changed files), plus the dry-run diff.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { parseErrorOf, parseSource } from '../engine/analyze-file.js';
import { displayPath } from '../engine/files.js';
import type { EvaluatedSite } from '../engine/link.js';
import type { SiteProject } from '../engine/rule.js';
import { decodeSource, run } from '../engine/run.js';
import type { RunResult } from '../engine/types.js';
import { unifiedDiff } from './diff.js';
import { checkFiles } from './git.js';
import { contentHash, encodeSource, removeStaleTemps, writeIfUnchanged } from './write.js';
import { registry } from '../../rules/registry.js';

export interface SessionOptions {
  cwd: string;
  files: string[];
  contextFiles?: string[];
  config: ResolvedConfig;
  dryRun?: boolean;
  allowDirty?: boolean;
  /** Progress callback (the CLI shows it on a terminal only). */
  progress?: (phase: string, done: number, total: number) => void;
}

export interface FileState {
  file: string;
  shown: string;
  /** Bytes as first read (the analysis ran on these). */
  original: Buffer;
  hash: string;
  bom: boolean;
  /** Decoded text (BOM removed) as first read, and as edited so far. */
  before: string;
  text: string;
}

export class DirtyTreeError extends Error {}

export interface WriteSummary {
  written: string[];
  /** Files whose changes were not written, with the reason. */
  failed: { file: string; reason: string }[];
  /** Unified diff of every changed file (dry run). */
  diff: string;
}

/** A parse error in `text` (as TypeScript reports it for the file's kind), or undefined. */
export function parseProblem(file: string, text: string): string | undefined {
  try {
    return parseErrorOf(parseSource(file, text));
  } catch (e) {
    return (e as Error).message;
  }
}

export class Session {
  readonly states = new Map<string, FileState>();
  /** Every file's bytes as read in the first analysis (targets and context files). */
  private readonly sources = new Map<string, Buffer>();
  readonly shown: (file: string) => string;

  constructor(readonly opts: SessionOptions) {
    this.shown = (f) => displayPath(opts.cwd, f);
  }

  /** Analyse the project: the first time from disk, later from memory with the edits made so far. */
  async analyse(sites?: EvaluatedSite[], extra?: { config?: ResolvedConfig; overrides?: Map<string, string>; project?: (p: SiteProject) => void }): Promise<RunResult> {
    const first = this.sources.size === 0;
    const sources = first ? this.sources : undefined;
    const progress = this.opts.progress;
    const result = await run({
      registry,
      cwd: this.opts.cwd,
      files: this.opts.files,
      contextFiles: this.opts.contextFiles,
      config: extra?.config ?? this.opts.config,
      readFile: first ? undefined : (f) => this.read(f, extra?.overrides),
      detail: { sites, sources, onFile: progress ? (d, t) => progress('analysing', d, t) : undefined, project: extra?.project },
    });
    if (first) {
      const targets = new Set(this.opts.files);
      for (const [file, buf] of this.sources) {
        if (!targets.has(file)) continue;
        const decoded = decodeSource(buf);
        if (!decoded) continue;
        this.states.set(file, { file, shown: this.shown(file), original: buf, hash: contentHash(buf), bom: decoded.bom, before: decoded.text, text: decoded.text });
      }
    }
    return result;
  }

  private read(file: string, overrides?: Map<string, string>): Buffer {
    const o = overrides?.get(file);
    if (o !== undefined) return encodeSource(o, this.states.get(file)?.bom ?? false);
    const st = this.states.get(file);
    if (st) return st.text === st.before ? st.original : encodeSource(st.text, st.bom);
    const buf = this.sources.get(file);
    if (buf) return buf;
    // Not read the first time (too large, unreadable): keep it out of later passes too.
    throw Object.assign(new Error('not analysed'), { code: 'ENOTANALYSED' });
  }

  text(file: string): string | undefined {
    return this.states.get(file)?.text;
  }

  /** Record new text for a file; refuses (returns the problem) when it does not parse. */
  update(file: string, text: string): string | undefined {
    const st = this.states.get(file);
    if (!st) return 'the file was not analysed';
    const problem = parseProblem(file, text);
    if (problem) return `the changed text would not parse (${problem})`;
    st.text = text;
    return undefined;
  }

  changed(): FileState[] {
    return [...this.states.values(), ...this.others.values()].filter((s) => s.text !== s.before).sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** Files that are not analysed but may change with the sources (package.json): read once, written with them. */
  private readonly others = new Map<string, FileState>();

  /** The current text of such a file (as changed so far), or undefined when it cannot be read. */
  otherText(file: string): string | undefined {
    const st = this.others.get(file);
    if (st) return st.text;
    try {
      return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    }
  }

  /** Record new text for a file that is not analysed (created when it does not exist). */
  updateOther(file: string, text: string): void {
    let st = this.others.get(file);
    if (!st) {
      let original: Buffer;
      try {
        original = fs.readFileSync(file);
      } catch {
        original = Buffer.alloc(0);
      }
      const decoded = decodeSource(original) ?? { text: '', bom: false };
      st = { file, shown: this.shown(file), original, hash: contentHash(original), bom: decoded.bom, before: decoded.text, text: decoded.text };
      this.others.set(file, st);
    }
    st.text = text.replace(/^\uFEFF/, '');
  }

  /** Write every changed file (or, in a dry run, produce the diff). Throws `DirtyTreeError` before writing anything. */
  commit(): WriteSummary {
    const changed = this.changed();
    if (this.opts.dryRun) {
      return { written: [], failed: [], diff: changed.map((s) => unifiedDiff(s.shown, s.before, s.text)).join('') };
    }
    if (!this.opts.allowDirty) {
      const { dirty, unknown } = checkFiles(changed.map((s) => s.file));
      if (unknown.length) {
        // Fail closed: what git cannot vouch for is not rewritten.
        const list = unknown.map((u) => `  ${this.shown(u.file)}`).join('\n');
        throw new DirtyTreeError(
          `cannot tell whether ${unknown.length === 1 ? 'the file' : `${unknown.length} files`} to change ${unknown.length === 1 ? 'has' : 'have'} uncommitted changes: ${unknown[0]!.reason}\n${list}\ntracewire changes no file that git cannot show it can restore; fix git, or pass --allow-dirty to change ${unknown.length === 1 ? 'it' : 'them'} anyway.`,
        );
      }
      if (dirty.length) {
        const list = dirty.map((d) => `  ${this.shown(d.file)} (${d.state})`).join('\n');
        throw new DirtyTreeError(
          `${dirty.length} file${dirty.length === 1 ? '' : 's'} to change ${dirty.length === 1 ? 'has' : 'have'} uncommitted changes in git:\n${list}\nCommit or stash them first, so the changes tracewire makes can be reviewed and reverted on their own, or pass --allow-dirty.`,
        );
      }
    }
    const written: string[] = [];
    const failed: { file: string; reason: string }[] = [];
    // What an earlier run killed in the middle of a write left behind.
    removeStaleTemps(this.opts.files);
    changed.forEach((s, i) => {
      this.opts.progress?.('writing', i, changed.length);
      // Bytes that are not UTF-8 were read as U+FFFD: writing the text back would replace them all.
      if (!encodeSource(s.before, s.bom).equals(s.original)) {
        failed.push({ file: s.file, reason: 'the file is not valid UTF-8: writing it back would replace its invalid bytes (convert it to UTF-8 first)' });
        return;
      }
      const r = writeIfUnchanged(s.file, encodeSource(s.text, s.bom), s.hash, this.opts.cwd);
      if (r.status === 'written') written.push(s.file);
      else if (r.status === 'skipped') failed.push({ file: s.file, reason: r.reason });
    });
    return { written, failed, diff: '' };
  }

  relative(from: string, to: string): string {
    return path.relative(from, to);
  }
}
