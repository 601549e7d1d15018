import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function findVersion(): string {
  // Works from src/ (tests) and from dist/src/ (the built CLI).
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(rel) as { name?: string; version?: string };
      if (pkg.name === 'tracewire' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const VERSION = findVersion();
