/** The `tracewire` command line. Exit codes: 0 clean, 1 error-severity findings or unreadable files, 2 usage/config/internal error. */

import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig, type ResolvedConfig } from '../config/load.js';
import { isSourceFile, listFiles, UsageError } from '../engine/files.js';
import { inputSettings, run } from '../engine/run.js';
import { isInputFile } from '../config/observability.js';
import type { RunResult } from '../engine/types.js';
import { terminalSafe } from '../report/terminal.js';
import { writeNamedFile } from '../safe-fs.js';
import { VERSION } from '../version.js';
import { printConfig, projectInfo, verboseHeader } from './describe.js';
import { parseShard, parseWorkers } from './scale.js';
import { guardStdio } from './stdio.js';
import { BASELINE_FILE, type BaselineOptions, CHECK_FORMATS, type CheckOptions, collectFormat, type Prepare, parseMaxWarnings, runBaseline, runCheck } from './gate.js';
import { registry } from '../../rules/registry.js';

export { clearRunMemos } from '../run-memo.js';
export { gateWarmup } from './gate.js';

export interface CliIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is a colour-capable terminal (null: let chalk decide). */
  isTTY?: boolean;
  /** The colour level of the terminal `check` reports go to, when it is not this process's (a client of the context server). */
  colorLevel?: number;
}

const defaultIO = (): CliIO => (guardStdio(), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});

function colorLevel(toFile: boolean): 0 | undefined {
  if (toFile) return 0;
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) return 0;
  return undefined;
}

async function writeOutput(io: CliIO, text: string, outFile: string | undefined): Promise<void> {
  if (!outFile) {
    io.stdout(text);
    return;
  }
  writeNamedFile(io.cwd, outFile, text, 'the report');
}

interface CommonOptions {
  config?: string;
  ignore: boolean;
  format: string;
  outputFile?: string;
  verbose?: boolean;
  printConfig?: boolean;
}

async function prepare(io: CliIO, paths: string[], opts: CommonOptions): Promise<{ config: ResolvedConfig; files: string[]; contextFiles: string[] }> {
  const config = loadConfig({ cwd: io.cwd, configFile: opts.config, rules: registry.rules });
  const inputs = inputSettings(config, registry);
  const files = await listFiles({ cwd: io.cwd, paths, noIgnore: !opts.ignore, ignores: config.ignores, inputs });
  let contextFiles: string[] = [];
  // Project mode: when files are named one by one, the rest of the project still informs resolution.
  // Observability files (dashboards, alert rules) given without any code are checked against the
  // metrics of the whole project.
  const explicitOnly = paths.length > 0 && paths.every((p) => fs.statSync(path.resolve(io.cwd, p), { throwIfNoEntry: false })?.isFile());
  const inputsAlone = !!inputs && paths.length > 0 && files.some(isInputFile) && !files.some(isSourceFile);
  if ((config.project && explicitOnly) || inputsAlone) {
    contextFiles = await listFiles({ cwd: config.root, paths: [], ignores: config.ignores, inputs });
  }
  return { config, files, contextFiles };
}

async function renderInventory(result: RunResult, format: string, toFile: boolean, cwd: string, config: ResolvedConfig): Promise<string> {
  if (format === 'json') return (await import('../report/json.js')).formatInventoryJson(result, { project: projectInfo(cwd, config) });
  const { Chalk } = await import('chalk');
  const c = colorLevel(toFile) === 0 ? new Chalk({ level: 0 }) : new Chalk();
  return (await import('../report/stylish.js')).formatInventoryStylish(result, c);
}

/** `--print-config`: the resolved configuration, printed instead of running. */
function printResolvedConfig(io: CliIO, configFile: string | undefined): void {
  const config = loadConfig({ cwd: io.cwd, configFile, rules: registry.rules });
  io.stdout(printConfig(io.cwd, config));
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command();
  program
    .name('tracewire')
    .description('Find LLM calls, agent runs and kickoffs that no tracing reaches, and fix the wiring.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const common = (cmd: Command, formats: string[], formatOption?: Option) =>
    cmd
      .option('-c, --config <file>', 'use this configuration file instead of looking for tracewire.config.json')
      .option('--no-ignore', 'disable .gitignore, config ignores and the default ignores (node_modules, build output)')
      .addOption(formatOption ?? new Option('-f, --format <format>', 'output format').choices(formats).default('stylish'))
      .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
      .option('--verbose', 'print which configuration file, project root and repository the run uses (on stderr)')
      .option('--print-config', 'print the configuration as resolved (file, project root, rules and their options) and exit');

  const gatePrepare: Prepare = (gio, paths, opts) => prepare({ ...io, ...gio }, paths, { ...opts, format: 'stylish' });
  common(
    program.command('check').argument('[paths...]', 'files, directories or globs (default: .)'),
    [...CHECK_FORMATS],
    new Option('-f, --format <format>', `output format: ${CHECK_FORMATS.join(', ')} (default: stylish); repeat it for several reports, and write one to a file with <format>:<file>`).argParser(collectFormat),
  )
    .description('report LLM calls that no tracing reaches, and the other rule findings')
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings', parseMaxWarnings)
    .option('-q, --quiet', 'report errors only: warnings are neither printed nor counted')
    .option('--baseline <file>', 'report and fail only on findings that are not in this baseline (written by `tracewire baseline`)')
    .option('--changed-since <ref>', 'check only the files changed since the merge base with a git ref; the rest of the project still informs resolution')
    .option('--staged', 'check what is staged: the staged content of staged files, read from the git index, and the files they affect (pre-commit hooks)')
    .option('--affected', 'the files named are what changed (what a pre-commit hook passes): report them and every file whose findings depend on them (the default with --staged and --changed-since)')
    .option('--no-affected', 'with --staged or --changed-since, report the changed files only, not the files they affect')
    .option('--workers <n>', 'worker threads for reading, parsing and the per-file rules: a number, 0 for none, or auto (one per core, for 400 files or more)', parseWorkers)
    .option('--cache', 'reuse the per-file results of files whose content has not changed since the last run, and update them (on by default with --staged and --affected, in the user\'s cache folder)')
    .option('--no-cache', 'analyse every file afresh, also with --staged and --affected')
    .option('--cache-location <path>', 'the cache file, or a directory to keep .tracewirecache in (default: ./.tracewirecache; implies --cache)')
    .option('--allow-empty', 'pass when the ignores leave no file to check (by default that is an error: a gate that checks nothing must not pass)')
    .option('--no-server', 'run in this process: neither use nor start the context server that keeps a gate run warm between commits (also TRACEWIRE_SERVER=0)')
    .option('--shard <k/n>', 'report only the k-th of n deterministic slices of the files (CI matrix jobs); every file still informs resolution, and `tracewire merge` joins the reports', parseShard)
    .action(async (paths: string[], opts: CheckOptions & { printConfig?: boolean }) => {
      if (opts.printConfig) return printResolvedConfig(io, opts.config);
      exitCode = await runCheck(io, paths, opts, gatePrepare);
    });

  program
    .command('baseline')
    .argument('[paths...]', 'files, directories or globs (default: .)')
    .description('record the current findings in a baseline, so that `check --baseline` fails only on new ones')
    .option('-c, --config <file>', 'use this configuration file instead of looking for tracewire.config.json')
    .option('--no-ignore', 'disable .gitignore, config ignores and the default ignores (node_modules, build output)')
    .option('--baseline <file>', 'the baseline file', BASELINE_FILE)
    .option('--prune', 'only drop the entries that no longer occur; record no new finding')
    .option('--allow-empty', 'record an empty baseline when the ignores leave no file to check')
    .action(async (paths: string[], opts: BaselineOptions) => {
      exitCode = await runBaseline(io, paths, opts, gatePrepare);
    });

  common(program.command('inventory').argument('[paths...]', 'files, directories or globs (default: .)'), ['stylish', 'json'])
    .description('list every LLM call, agent run and kickoff found, and what wires each')
    .action(async (paths: string[], opts: CommonOptions) => {
      if (opts.printConfig) return printResolvedConfig(io, opts.config);
      const { config, files, contextFiles } = await prepare(io, paths, opts);
      if (opts.verbose) io.stderr(verboseHeader(io.cwd, config, { files: files.length, context: contextFiles.length }));
      const result = await run({ registry, cwd: io.cwd, files, contextFiles, config });
      await writeOutput(io, await renderInventory(result, opts.format, !!opts.outputFile, io.cwd, config), opts.outputFile);
      exitCode = result.errors.length ? 1 : 0;
    });

  program
    .command('explain')
    .argument('<location>', 'FILE:LINE of an LLM call, agent run or kickoff')
    .description('why the call at FILE:LINE is (not) wired: the processes that run it, their import chains, and which registration, wrapper, option or scope traces it in each')
    .option('-c, --config <file>', 'use this configuration file instead of looking for tracewire.config.json')
    .option('--no-ignore', 'disable .gitignore, config ignores and the default ignores (node_modules, build output)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .action(async (location: string, opts: CommonOptions) => {
      const { parseLocation, sitesAt, formatExplain } = await import('./explain.js');
      const loc = parseLocation(location);
      if (!fs.existsSync(path.resolve(io.cwd, loc.file))) throw new UsageError(`no such file: ${loc.file}`);
      const { config, files, contextFiles } = await prepare(io, [], opts);
      const result = await run({ registry, cwd: io.cwd, files, contextFiles, config });
      const sites = sitesAt(result, io.cwd, loc);
      if (opts.format === 'json') io.stdout(JSON.stringify({ version: 1, location: `${loc.file}:${loc.line}`, sites }, null, 2) + '\n');
      else {
        const { Chalk } = await import('chalk');
        io.stdout(formatExplain(sites, loc, colorLevel(false) === 0 ? new Chalk({ level: 0 }) : new Chalk()));
      }
      exitCode = sites.length ? 0 : 1;
    });

  program
    .command('fix')
    .argument('[paths...]', 'files, directories or globs (default: .)')
    .description('apply the rules\' safe fixes (to a fixpoint); --unsafe-fixes adds the unsafe ones; --dry-run prints a diff')
    .option('-c, --config <file>', 'use this configuration file instead of looking for tracewire.config.json')
    .option('--no-ignore', 'disable .gitignore, config ignores and the default ignores (node_modules, build output)')
    .option('--unsafe-fixes', 'also apply fixes (and suggestions) that may change behaviour')
    .option('--add-dependencies', 'declare the packages the fixes import in package.json (otherwise the install command is printed)')
    .option('--dry-run', 'print a unified diff of the changes instead of writing them')
    .option('--allow-dirty', 'change files that have uncommitted changes in git')
    .action(async (paths: string[], opts: { config?: string; ignore: boolean; unsafeFixes?: boolean; addDependencies?: boolean; dryRun?: boolean; allowDirty?: boolean }) => {
      const { fixCommand } = await import('../codemod/cli.js');
      exitCode = await fixCommand(io, paths, opts, (p) => prepare(io, p, { ...opts, format: 'stylish' }));
    });

  program
    .command('codemod')
    .argument('[name]', 'the codemod to run (see --list)')
    .argument('[paths...]', 'files, directories or globs (default: .)')
    .description('run a larger transform that wires tracing in (wrap clients, add telemetry, wrap calls in spans); --list describes them')
    .option('-l, --list', 'list the codemods and what each does')
    .option('-c, --config <file>', 'use this configuration file instead of looking for tracewire.config.json')
    .option('--no-ignore', 'disable .gitignore, config ignores and the default ignores (node_modules, build output)')
    .option('--entry <file>', 'the application\'s entry point, for codemods that register something once at start-up (ai-sdk-telemetry with ai 7)')
    .option('--add-dependencies', 'declare the packages the codemod imports in package.json (otherwise the install command is printed)')
    .option('--dry-run', 'print a unified diff of the changes instead of writing them')
    .option('--allow-dirty', 'change files that have uncommitted changes in git')
    .action(async (name: string | undefined, paths: string[], opts: { list?: boolean; config?: string; ignore: boolean; entry?: string; addDependencies?: boolean; dryRun?: boolean; allowDirty?: boolean }) => {
      const { codemodCommand } = await import('../codemod/cli.js');
      exitCode = await codemodCommand(io, name, paths, opts, (p) => prepare(io, p, { ...opts, format: 'stylish' }));
    });

  program
    .command('init')
    .description('look at the project (package.json files and code), list the LLM SDKs and tracing libraries found, write a starter tracewire.config.json and print the next steps')
    .option('--force', 'overwrite a tracewire.config.json that differs from the starter one, or write one below a folder another configuration governs')
    .option('--dry-run', 'print what would be written, write nothing')
    .action(async (opts: { force?: boolean; dryRun?: boolean }) => {
      const { initCommand } = await import('./init.js');
      exitCode = await initCommand(io, opts);
    });

  program
    .command('merge')
    .argument('<reports...>', 'the JSON reports or SARIF logs written by `check --shard k/n` jobs')
    .description('join the reports of sharded checks into the report one run would have written')
    .option('-o, --output-file <file>', 'write the merged report to a file instead of stdout')
    .action(async (reports: string[], opts: { outputFile?: string }) => {
      const { mergeReports } = await import('./merge.js');
      await writeOutput(io, mergeReports(io.cwd, reports), opts.outputFile);
    });

  program
    .command('rules')
    .description('list the rules, their presets and fix capability, and the SDKs and tracing libraries the catalog knows')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .action(async (opts: { format: string }) => {
      const rows = [...registry.rules.values()].map((r) => ({ id: r.meta.id, preset: r.meta.preset, severity: r.meta.severity, fix: r.meta.fix, description: r.meta.description }));
      if (opts.format === 'json') io.stdout(JSON.stringify(rows, null, 2) + '\n');
      else {
        const w = Math.max(...rows.map((r) => r.id.length));
        for (const r of rows) io.stdout(`${r.id.padEnd(w)}  ${r.preset.padEnd(11)}  fix: ${r.fix.padEnd(6)}  ${r.description}\n`);
        const { catalogRows, catalogText } = await import('../report/catalog.js');
        const { sdkModels, tracingModels } = await import('../../rules/catalog/index.js');
        io.stdout(catalogText(catalogRows([...sdkModels, ...tracingModels])));
      }
    });

  // A usage error prints its one line and where the usage is, not the whole help.
  program.showHelpAfterError('Run `tracewire --help` for the commands.');
  for (const cmd of program.commands) cmd.showHelpAfterError(`Run \`tracewire ${cmd.name()} --help\` for its usage.`);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0)) return 0;
      // `tracewire` with no command printed the usage on stderr: a CI step that forgot `check` must fail.
      return 2;
    }
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`tracewire: ${terminalSafe(e.message, true)}\n`);
      return 2;
    }
    io.stderr(`tracewire: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
