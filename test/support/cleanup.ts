// Removing a test's temporary root. A script the console started (a status read, say) may
// outlive the console by a second or two and recreate a directory in the root as it ends:
// the removal is retried in the background rather than failing the test, which is about
// the console, not about cleaning up after it.
import { rmSync } from 'node:fs';

export function removeTree(dir: string): void {
  const rm = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  try {
    rm();
  } catch {
    const again = setInterval(() => {
      try {
        rm();
        clearInterval(again);
      } catch {
        /* still in use: next time */
      }
    }, 500);
    again.unref();
    setTimeout(() => clearInterval(again), 30_000).unref();
  }
}
