/**
 * Tests that need a program of the system (git, pre-commit, promtool) run when it is installed. When it is
 * not, they are skipped with one line naming the Debian package that provides it, so `npm ci && npm test`
 * passes on a machine with only Node.js; `TRACEWIRE_REQUIRE_SYSTEM_TOOLS=1` (set by .ci/run after
 * installing them) turns a missing tool into a failure, so CI always runs those tests for real.
 */

import { spawnSync } from 'node:child_process';

export interface SystemTool {
  /** The command, as looked up on PATH. */
  command: string;
  /** The Debian package that installs it. */
  debianPackage: string;
  available: boolean;
}

const announced = new Set<string>();

/** Whether `command --version` (or `versionArgs`) runs; announces a skip once per tool and test file. */
export function systemTool(command: string, debianPackage: string, versionArgs: string[] = ['--version']): SystemTool {
  const r = spawnSync(command, versionArgs, { stdio: 'ignore' });
  const available = !r.error && r.status === 0;
  if (!available) {
    if (process.env.TRACEWIRE_REQUIRE_SYSTEM_TOOLS === '1') {
      throw new Error(`${command} is required (TRACEWIRE_REQUIRE_SYSTEM_TOOLS=1) but does not run: install the Debian package ${debianPackage}`);
    }
    if (!announced.has(command)) {
      announced.add(command);
      process.stderr.write(`tracewire tests: ${command} not found, skipping the tests that need it (Debian package: ${debianPackage})\n`);
    }
  }
  return { command, debianPackage, available };
}

export const hasGit = () => systemTool('git', 'git').available;
export const hasPreCommit = () => systemTool('pre-commit', 'pre-commit').available;
export const hasPromtool = () => systemTool('promtool', 'prometheus').available;
