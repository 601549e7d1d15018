/**
 * Standard output that goes away: `tracewire check | head` closes the pipe after a few lines, and a
 * write then fails with EPIPE, which Node.js reports as an unhandled error with a stack trace. A reader
 * that has gone wants nothing more: further output is dropped quietly and the run ends with its own exit
 * code. Any other failure to write (a closed descriptor, a full disk) is one line on stderr and exit 2.
 */

let installed = false;

export function guardStdio(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') {
        // Nobody reads any more: drop the rest rather than queue it.
        stream.write = (() => true) as typeof stream.write;
        return;
      }
      process.exitCode = 2;
      if (stream !== process.stderr) {
        try {
          process.stderr.write(`tracewire: cannot write to standard output (${e.code ?? e.message})\n`);
        } catch {
          // stderr is gone too
        }
      }
      stream.write = (() => true) as typeof stream.write;
    });
  }
}
